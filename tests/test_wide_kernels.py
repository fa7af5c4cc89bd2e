"""The compiled changes of memory order of wide dense designs (``_engine._wide``) give
numpy's results exactly, and the float32 copy's products keep their error bound."""

import numpy as np
import pytest
from sklearn_lasso_tools._engine._wide import (
    centred_variances,
    column_dots,
    gather_fortran,
    single_copy,
    standardize_single,
)

from sklearn_lasso_tools._engine.dense_layout import take_rows
from sklearn_lasso_tools._engine.standardize import prepare
from sklearn_lasso_tools._engine.weighted_lasso import _SinglePrecision


@pytest.mark.parametrize("shape", [(7, 3), (37, 101), (160, 1000)])
def test_gather_fortran_is_numpy_indexing_in_fortran_order(shape):
    rng = np.random.default_rng(0)
    X = rng.standard_normal(shape)
    rows = rng.permutation(shape[0])[: max(1, shape[0] * 4 // 5)]
    out = gather_fortran(X, rows)
    assert out.flags.f_contiguous
    np.testing.assert_array_equal(out, X[rows])
    np.testing.assert_array_equal(take_rows(X, rows), X[rows])  # (the wide path's copy)


def test_single_copy_is_the_scaled_float32_copy():
    rng = np.random.default_rng(1)
    Z = np.asfortranarray(rng.standard_normal((50, 70)) * rng.uniform(0.1, 10.0, 70))
    Z[:, 3] = 0.0  # a zero column is scaled by one
    single, colmax, norms = single_copy(Z)
    expected_max = np.abs(Z).max(axis=0)
    expected_max[3] = 1.0
    assert single.dtype == np.float32 and single.flags.c_contiguous
    np.testing.assert_array_equal(colmax, expected_max)
    np.testing.assert_array_equal(single, (Z / expected_max).astype(np.float32))
    np.testing.assert_allclose(norms, np.linalg.norm(single.astype(np.float64), axis=0))


@pytest.mark.parametrize("weighted", [False, True])
def test_fused_standardization_is_numpys_passes_bitwise(weighted):
    rng = np.random.default_rng(5)
    X = np.asfortranarray(rng.standard_normal((41, 300)) * rng.uniform(0.1, 10.0, 300) + 3.0)
    v = rng.uniform(0.5, 2.0, 41) if weighted else np.ones(41)
    v /= v.sum()
    mean = v @ X
    centred = X - mean
    np.testing.assert_array_equal(
        centred_variances(X, mean, v), np.einsum("i,ij,ij->j", v, centred, centred)
    )
    inv = 1.0 / rng.uniform(0.5, 2.0, 300)
    scaled = centred * inv
    expected = single_copy(np.asfortranarray(scaled))
    spare = np.full((45, 300), np.nan, dtype=np.float32)
    Z = X.copy(order="F")
    got = standardize_single(Z, mean, inv, spare[:41])
    np.testing.assert_array_equal(Z, scaled)
    assert got[0].base is spare
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("weighted", [False, True])
def test_prepare_with_its_float32_copy_is_prepare_without(weighted):
    rng = np.random.default_rng(6)
    X = rng.standard_normal((30, 200)) * rng.uniform(0.1, 10.0, 200) + 1.0
    w = rng.uniform(0.5, 2.0, 30) if weighted else None
    plain, fused = prepare(X, w), prepare(X, w, single=True)
    assert plain.single is None
    np.testing.assert_array_equal(fused.X, plain.X)
    np.testing.assert_array_equal(fused.mean, plain.mean)
    np.testing.assert_array_equal(fused.scale, plain.scale)
    for a, b in zip(fused.single, single_copy(plain.X), strict=True):
        np.testing.assert_array_equal(a, b)
    X[:, 7] = 2.0  # a constant feature is dropped: no copy made with the design
    assert prepare(X, w, single=True).single is None


def test_single_precision_products_are_exact_where_they_may_reach_the_floor():
    rng = np.random.default_rng(2)
    X = np.asfortranarray(rng.standard_normal((40, 300)))
    r = rng.standard_normal(40)
    exact = X.T @ r
    floor = np.quantile(np.abs(exact), 0.9)
    approx = _SinglePrecision(X).rmatvec(r, 0.0, floor)
    near = np.abs(exact) >= floor
    np.testing.assert_allclose(approx[near], exact[near], rtol=1e-12)
    np.testing.assert_allclose(approx, exact, rtol=1e-4, atol=1e-4 * np.abs(exact).max())


@pytest.mark.parametrize("shifted", [False, True])
def test_products_from_the_last_full_one_are_exact_where_they_may_reach_the_floor(shifted):
    rng = np.random.default_rng(3)
    X = np.asfortranarray(rng.standard_normal((60, 2000)))
    single = _SinglePrecision(X)
    r0 = rng.standard_normal(60)
    shift = rng.standard_normal(2000) * 0.1 if shifted else 0.0
    floor = np.quantile(np.abs(X.T @ r0 - shift), 0.99)
    single.rmatvec(r0, shift, floor)
    full = single._reference
    for step in range(1, 6):  # residuals drifting from r0, as along a path
        r = r0 + 1e-3 * step * rng.standard_normal(60)
        exact = X.T @ r - shift
        got = single.rmatvec(r, shift, floor)
        assert single._reference is full  # (no full product needed for these)
        near = np.abs(exact) >= floor
        assert near.any()
        np.testing.assert_allclose(got[near], exact[near], rtol=1e-12)
        assert np.all(np.abs(got[~near]) < floor)  # (exact, or estimates bounded below it)
    far = rng.standard_normal(60)  # a residual far from r0: a full product again
    got = single.rmatvec(far, shift, floor)
    assert single._reference is not full
    exact = X.T @ far - shift
    near = np.abs(exact) >= floor
    np.testing.assert_allclose(got[near], exact[near], rtol=1e-12)


def test_column_dots_read_the_columns_in_place():
    rng = np.random.default_rng(4)
    X = np.asfortranarray(rng.standard_normal((37, 50)))
    r = rng.standard_normal(37)
    columns = np.array([49, 0, 7, 7, 20])
    np.testing.assert_allclose(column_dots(X, columns, r), X[:, columns].T @ r, rtol=1e-13)


def test_take_rows_writes_into_a_fitting_spare_only():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((30, 200))
    rows = rng.permutation(30)[:24]
    spare = np.full((24, 200), np.nan, order="F")
    out = take_rows(X, rows, spare)
    assert out is spare
    np.testing.assert_array_equal(out, X[rows])
    for unfit in (np.empty((24, 200)), np.empty((23, 200), order="F")):  # order, shape
        out = take_rows(X, rows, unfit)
        assert out is not unfit
        np.testing.assert_array_equal(out, X[rows])


@pytest.mark.parametrize("task", ["regression", "binary"])
def test_folds_reusing_a_spare_fit_as_fresh_copies_do(task):
    """Wide folds gather their rows into the previous fold's copy: same paths, and the
    rows of the caller's X untouched."""
    from sklearn_lasso_tools._engine.cv import (
        _reused_rows,
        _spare,
        cross_validate_path,
        subset_path,
    )

    rng = np.random.default_rng(6)
    X = rng.standard_normal((60, 400))
    eta = X[:, :5] @ np.array([2.0, -1.5, 1.0, 1.0, -2.0])
    y = eta + rng.standard_normal(60) if task == "regression" else (eta > 0).astype(np.intp)
    X_before = X.copy()
    alphas = np.geomspace(1.0, 0.02, 20) * (0.5 if task == "binary" else 1.0)
    splits = [
        (np.flatnonzero(np.arange(60) % 3 != k), np.flatnonzero(np.arange(60) % 3 == k))
        for k in range(3)
    ]
    fresh = [
        subset_path(X, y, train, task=task, alphas=alphas, sample_weight=None)
        for train, _ in splits
    ]
    with _reused_rows():
        reused = [
            subset_path(X, y, train, task=task, alphas=alphas, sample_weight=None)
            for train, _ in splits
        ]
        assert _spare.rows is not None  # (kept for a next fold)
    assert _spare.rows is None  # (nothing kept past the block)
    for (c0, b0), (c1, b1) in zip(fresh, reused, strict=True):
        np.testing.assert_array_equal(c0, c1)
        np.testing.assert_array_equal(b0, b1)
    np.testing.assert_array_equal(X, X_before)
    scoring = "neg_mean_squared_error" if task == "regression" else "roc_auc"
    result = cross_validate_path(X, y, y, splits, task=task, alphas=alphas, scoring=scoring)
    assert np.isfinite(result.scores).all()


def test_weighted_columns_are_numpys_shift_and_scale():
    from sklearn_lasso_tools._engine._wide import weighted_columns

    rng = np.random.default_rng(7)
    X = np.asfortranarray(rng.standard_normal((45, 120)))
    columns = np.array([3, 0, 77, 119, 50], dtype=np.intp)
    m, root = rng.standard_normal(120), np.sqrt(rng.uniform(0.0, 0.25, 45))
    expected = X[:, columns]
    expected -= m[columns]
    expected *= root[:, None]
    out = weighted_columns(X, columns, m, root)
    assert out.flags.f_contiguous
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("n_features", [400, 4000])  # coefficients rescaled at once, by point
def test_folds_writing_into_the_last_folds_coefficients_score_as_fresh_ones(n_features):
    """Within a cross-validation, a fold's coefficients go into the array of the fold
    scored before it: the same scores and supports as fresh arrays, nothing kept after."""
    from sklearn_lasso_tools._engine.cv import _fit_and_score_fold, _spare, cross_validate_path

    rng = np.random.default_rng(7)
    X = rng.standard_normal((60, n_features))
    y = X[:, :5] @ np.array([2.0, -1.5, 1.0, 1.0, -2.0]) + rng.standard_normal(60)
    alphas = np.geomspace(1.0, 0.05, 20)
    splits = [
        (np.flatnonzero(np.arange(60) % 3 != k), np.flatnonzero(np.arange(60) % 3 == k))
        for k in range(3)
    ]
    scoring = "neg_mean_squared_error"
    result = cross_validate_path(X, y, y, splits, task="regression", alphas=alphas, scoring=scoring)
    assert getattr(_spare, "coefs", None) is None
    for k, (train, test) in enumerate(splits):
        scores, support = _fit_and_score_fold(
            X,
            y,
            y,
            train,
            test,
            cross_products=None,
            task="regression",
            alphas=alphas,
            scoring=scoring,
            classes=None,
            sample_weight=None,
        )
        np.testing.assert_array_equal(result.scores[:, k], scores)
        np.testing.assert_array_equal(result.fold_support[k], support)


def test_fitted_columns_are_the_restricted_copies_as_the_set_grows():
    """The fitted set's buffer holds the same columns in the same layout as a fresh
    restriction, through growth, reallocation and a feature leaving."""
    from sklearn_lasso_tools._engine.fitted_columns import FittedColumns
    from sklearn_lasso_tools._engine.standardize import prepare

    rng = np.random.default_rng(8)
    prob = prepare(rng.standard_normal((30, 400)))
    assert prob.X.flags.f_contiguous
    restricted = FittedColumns(prob)
    mask = np.zeros(400, dtype=bool)
    for step in range(12):
        mask[rng.choice(400, size=3 + 4 * step, replace=False)] = True
        if step == 9:
            mask[np.flatnonzero(mask)[::3]] = False  # (not along a path)
        sub, fresh = restricted.restrict(mask), prob.restrict(mask)
        np.testing.assert_array_equal(sub.columns, fresh.columns)
        assert sub.X.flags.f_contiguous
        np.testing.assert_array_equal(sub.X, fresh.X)
    assert restricted.restrict(np.ones(400, dtype=bool)) is prob
