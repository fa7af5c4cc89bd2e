"""The compiled coordinate descent kernels (``_engine._core`` through
``_engine.descent.coordinate_descent``): each design against scikit-learn's public
estimators, the optimality conditions, the designs against each other, warm starts, the
epoch budget, and threads sharing one design.

The problem: ``0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2``; scikit-learn's
``ElasticNet`` divides the loss by ``n``, so ``alpha = (l1 + l2) / n`` and
``l1_ratio = l1 / (l1 + l2)``.
"""

import threading

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import ElasticNet, Lasso

from sklearn_lasso_tools._engine.descent import coordinate_descent

TIGHT = {"tol": 1e-14, "max_iter": 100_000}
PENALTIES = [(8.0, 0.0), (3.0, 4.0)]  # (l1, l2): the lasso and an elastic net


def _data(n=50, p=20, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 1] = X[:, 0] + 0.1 * rng.standard_normal(n)  # a correlated pair
    y = X[:, :4] @ np.array([3.0, -2.0, 1.5, -1.0]) + 0.5 * rng.standard_normal(n)
    return np.asfortranarray(X), y


def _sparse_data(n=60, p=25, seed=1):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.25, format="csc", random_state=seed, data_rvs=rng.standard_normal)
    X.indices = X.indices.astype(np.int32)
    X.indptr = X.indptr.astype(np.int32)
    u = rng.uniform(0.2, 3.0, n)
    u[3] = 0.0  # a sample without weight
    m = (X.T @ u) / u.sum()  # the weighted means, as the engine centres
    y = X[:, :3] @ np.array([2.0, -1.0, 1.0]) + 0.3 * rng.standard_normal(n)
    return X, u, m, y - u @ y / u.sum()


def _reference(X, y, l1, l2, positive=False):
    n = X.shape[0]
    if l2 == 0:
        model = Lasso(alpha=l1 / n, fit_intercept=False, positive=positive, **TIGHT)
    else:
        alpha = (l1 + l2) / n
        model = ElasticNet(
            alpha=alpha, l1_ratio=l1 / (l1 + l2), fit_intercept=False, positive=positive, **TIGHT
        )
    return model.fit(X, y).coef_


def _dense(X, y, l1, l2, w=None, **kwargs):
    w = np.zeros(X.shape[1]) if w is None else w
    return w, coordinate_descent(w, l1, l2, y, X=X, **{**TIGHT, **kwargs})


def _gram(X, y, l1, l2, w=None, **kwargs):
    w = np.zeros(X.shape[1]) if w is None else w
    out = coordinate_descent(w, l1, l2, y, gram=X.T @ X, Xy=X.T @ y, **{**TIGHT, **kwargs})
    return w, out


def _assert_kkt(X, y, w, l1, l2, positive=False):
    """Stationarity: ``g = X'(y - X w) - l2 w`` equals ``l1 sign(w_j)`` where ``w_j != 0``
    and is at most ``l1`` in magnitude (from above only, if positive) where ``w_j = 0``."""
    g = X.T @ (y - X @ w) - l2 * w
    active = w != 0
    assert active.any() and not active.all()
    np.testing.assert_allclose(g[active], l1 * np.sign(w[active]), rtol=1e-8, atol=1e-8)
    inactive = g[~active] if positive else np.abs(g[~active])
    assert inactive.max() <= l1 * (1 + 1e-8)
    if positive:
        assert w.min() >= 0.0


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize(("l1", "l2"), PENALTIES)
@pytest.mark.parametrize("kernel", [_dense, _gram])
def test_dense_and_gram_equal_scikit_learn_and_meet_kkt(kernel, l1, l2, positive):
    X, y = _data()
    w, (gap, abs_tol, n_iter) = kernel(X, y, l1, l2, positive=positive)
    assert 0 < n_iter < TIGHT["max_iter"]
    assert gap <= abs_tol
    np.testing.assert_allclose(abs_tol, 1e-14 * y @ y, rtol=1e-14)
    np.testing.assert_allclose(w, _reference(X, y, l1, l2, positive), rtol=0, atol=1e-8)
    _assert_kkt(X, y, w, l1, l2, positive)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize(("l1", "l2"), PENALTIES)
def test_sparse_weighted_centred_equals_dense_on_the_centred_data(l1, l2, positive):
    X, u, m, y = _sparse_data()
    w = np.zeros(X.shape[1])
    gap, abs_tol, _ = coordinate_descent(
        w, l1, l2, y, sparse_X=X, sample_weight=u, X_mean=m, positive=positive, **TIGHT
    )
    root = np.sqrt(u)
    Z = np.asfortranarray((X.toarray() - m) * root[:, None])
    dense, (dense_gap, dense_tol, _) = _dense(Z, y * root, l1, l2, positive=positive)
    np.testing.assert_allclose(abs_tol, 1e-14 * (u * y) @ y, rtol=1e-12)
    np.testing.assert_allclose(abs_tol, dense_tol, rtol=1e-12)
    assert gap <= abs_tol
    np.testing.assert_allclose(w, dense, rtol=0, atol=1e-9)
    np.testing.assert_allclose(w, _reference(Z, y * root, l1, l2, positive), rtol=0, atol=1e-8)
    _assert_kkt(Z, y * root, w, l1, l2, positive)


def test_sparse_without_weights_or_centring_is_the_plain_problem():
    X, _, _, y = _sparse_data(seed=2)
    w = np.zeros(X.shape[1])
    coordinate_descent(w, 5.0, 1.0, y, sparse_X=X, **TIGHT)
    np.testing.assert_allclose(w, _reference(X.toarray(), y, 5.0, 1.0), rtol=0, atol=1e-8)


def test_gram_equals_dense_epoch_for_epoch():
    """The same cyclic updates on ``X`` and on ``X'X``: after each number of epochs the
    iterates agree to rounding."""
    X, y = _data(seed=3)
    for epochs in (1, 2, 5):
        dense, (_, _, n_dense) = _dense(X, y, 6.0, 1.0, tol=0.0, max_iter=epochs)
        gram, (_, _, n_gram) = _gram(X, y, 6.0, 1.0, tol=0.0, max_iter=epochs)
        assert n_dense == n_gram == epochs
        np.testing.assert_allclose(gram, dense, rtol=0, atol=1e-12)


def test_gram_in_fortran_order_is_read_as_its_transpose():
    X, y = _data(seed=4)
    G = np.asfortranarray(X.T @ X)
    assert not G.flags.c_contiguous
    w = np.zeros(X.shape[1])
    coordinate_descent(w, 6.0, 0.0, y, gram=G, Xy=X.T @ y, **TIGHT)
    np.testing.assert_allclose(w, _reference(X, y, 6.0, 0.0), rtol=0, atol=1e-8)


@pytest.mark.parametrize("kernel", [_dense, _gram])
def test_warm_start_at_the_solution_stops_at_once_and_elsewhere_converges(kernel):
    X, y = _data(seed=5)
    w, _ = kernel(X, y, 8.0, 0.0)
    solution = w.copy()
    _, (gap, abs_tol, n_iter) = kernel(X, y, 8.0, 0.0, w=w)
    assert n_iter == 0 and gap <= abs_tol
    np.testing.assert_array_equal(w, solution)
    # from the solution at a nearby strength: fewer epochs than from zero, same answer
    _, (_, _, cold) = kernel(X, y, 6.0, 0.0)
    w_warm, (_, _, warm) = kernel(X, y, 6.0, 0.0, w=w)
    assert warm < cold
    np.testing.assert_allclose(w_warm, _reference(X, y, 6.0, 0.0), rtol=0, atol=1e-8)


def test_sparse_warm_start_with_screened_out_coefficients():
    """A warm start with wrong non-zeros: the residual must account for them, and
    screening must remove them from it when it sets them to zero."""
    X, u, m, y = _sparse_data(seed=6)
    w = np.zeros(X.shape[1])
    coordinate_descent(w, 4.0, 0.0, y, sparse_X=X, sample_weight=u, X_mean=m, **TIGHT)
    start = np.full(X.shape[1], 0.3)
    coordinate_descent(start, 4.0, 0.0, y, sparse_X=X, sample_weight=u, X_mean=m, **TIGHT)
    np.testing.assert_allclose(start, w, rtol=0, atol=1e-9)


@pytest.mark.parametrize("design", ["X", "gram", "sparse_X"])
def test_max_iter_bounds_the_epochs_and_the_gap_is_reported(design):
    X, y = _data(seed=7)
    kwargs = {
        "X": {"X": X},
        "gram": {"gram": X.T @ X, "Xy": X.T @ y},
        "sparse_X": {"sparse_X": sp.csc_matrix(X)},
    }[design]
    if design == "sparse_X":
        kwargs["sparse_X"].indices = kwargs["sparse_X"].indices.astype(np.int32)
        kwargs["sparse_X"].indptr = kwargs["sparse_X"].indptr.astype(np.int32)
    w = np.zeros(X.shape[1])
    gap, abs_tol, n_iter = coordinate_descent(w, 0.5, 0.0, y, max_iter=3, tol=1e-15, **kwargs)
    assert n_iter == 3
    assert gap > abs_tol  # stopped short, and says so by the gap (no warning)
    # the reported gap is the gap of the returned w: recomputed here
    r = y - X @ w
    g = X.T @ r
    s = min(1.0, 0.5 / np.abs(g).max())
    primal = 0.5 * r @ r + 0.5 * np.abs(w).sum()
    np.testing.assert_allclose(gap, primal - (s * r @ y - 0.5 * s**2 * r @ r), rtol=1e-8)
    assert coordinate_descent(np.zeros(X.shape[1]), 0.5, 0.0, y, max_iter=0, **kwargs)[2] == 0


def test_no_penalty_reports_the_gradient_and_ridge_its_dual_gap():
    X, y = _data(seed=8)
    w, (gap, abs_tol, _) = _dense(X, y, 0.0, 0.0, tol=1e-20, max_iter=5)
    np.testing.assert_allclose(gap, np.sum((X.T @ (y - X @ w)) ** 2), rtol=1e-8)
    w, (gap, abs_tol, _) = _dense(X, y, 0.0, 3.0)
    assert gap <= abs_tol
    ridge = np.linalg.solve(X.T @ X + 3.0 * np.eye(X.shape[1]), X.T @ y)
    np.testing.assert_allclose(w, ridge, rtol=0, atol=1e-9)


def test_zero_columns_and_zero_target():
    X, y = _data(seed=9)
    X[:, 5] = 0.0
    w = np.ones(X.shape[1])
    coordinate_descent(w, 6.0, 0.0, y, X=X, **TIGHT)
    assert w[5] == 0.0
    np.testing.assert_allclose(w, _reference(X, y, 6.0, 0.0), rtol=0, atol=1e-8)
    w = np.zeros(X.shape[1])
    assert coordinate_descent(w, 1.0, 0.0, np.zeros(X.shape[0]), X=X) == (0.0, 0.0, 0)


def test_threads_share_one_design():
    """The loops run without the GIL and only read ``X``: two threads descending on the
    same design at different strengths give exactly the serial answers."""
    X, y = _data(n=400, p=120, seed=10)
    strengths = [40.0, 25.0, 15.0, 10.0, 60.0, 30.0]
    serial = [_dense(X, y, l1, 0.5, tol=1e-12)[0] for l1 in strengths]
    X.setflags(write=False)  # shared read-only, as folds see it
    results = [None] * len(strengths)
    start = threading.Barrier(2)

    def run(offset):
        start.wait()
        for k in range(offset, len(strengths), 2):
            results[k] = _dense(X, y, strengths[k], 0.5, tol=1e-12)[0]

    threads = [threading.Thread(target=run, args=(offset,)) for offset in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for got, expected in zip(results, serial, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_csc_column_helpers_equal_scipy():
    # the compiled products and column subsets the path solvers use on sparse designs
    from sklearn_lasso_tools._engine.sparse_columns import (
        dense_columns,
        sparse_rmatvec,
        take_columns,
    )
    from sklearn_lasso_tools._engine.standardize import prepare

    rng = np.random.default_rng(0)
    X = sp.random_array((40, 30), density=0.15, format="lil", random_state=rng)
    X[:, 7] = 0.0  # an empty column (set in LIL: CSC would warn about its structure)
    X = X.tocsc()
    prob = prepare(X[:, rng.permutation(30)])  # int32 indices, as the solvers see them
    Xs = prob.X
    r = rng.standard_normal(40)
    columns = np.array([5, 0, 17, 3, 17])  # unsorted, repeated
    np.testing.assert_allclose(sparse_rmatvec(Xs, r), Xs.T @ r, rtol=1e-14, atol=1e-14)
    np.testing.assert_array_equal(dense_columns(Xs, columns), Xs[:, columns].toarray())
    block = take_columns(Xs, columns)
    np.testing.assert_array_equal(block.toarray(), Xs[:, columns].toarray())
    np.testing.assert_allclose(sparse_rmatvec(block, r), Xs[:, columns].T @ r, rtol=1e-14)
    beta = np.zeros(Xs.shape[1])
    beta[[2, 9, 20]] = [1.5, -2.0, 0.25]
    dense = Xs.toarray() - prob.offset
    np.testing.assert_allclose(prob.matvec(beta), dense @ beta, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(prob.rmatvec(r), dense.T @ r, rtol=1e-13, atol=1e-13)
    sub = prob.restrict(beta != 0)
    np.testing.assert_allclose(sub.matvec(beta[beta != 0]), dense @ beta, rtol=1e-13, atol=1e-13)
