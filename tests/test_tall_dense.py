"""Large tall dense designs: Fortran-ordered (``dense_layout.design_order``), their fold copies
(``take_rows``), GLM fits reading them in place (``in_place``), and the Newton step's
compiled pass (``_row_blocks``)."""

import tracemalloc

import numpy as np
import pytest
from scipy.special import expit
from sklearn_lasso_tools._engine._row_blocks import glm_step, products
from test_path_kkt import _binary, kkt_residuals  # the KKT tests' data and residuals

from sklearn_lasso_tools._engine import dense_layout
from sklearn_lasso_tools._engine import path as path_module
from sklearn_lasso_tools._engine.cv import subset_path
from sklearn_lasso_tools._engine.dense_layout import design_order, take_rows
from sklearn_lasso_tools._engine.in_place import InPlaceDesign, reads_in_place
from sklearn_lasso_tools._engine.path import l1_path


def test_design_order_of_tall_designs():
    assert design_order((50_000, 200)) == "F"  # large, many features
    assert design_order((569, 30)) == "C"  # small: the compiled few-feature steps' order
    assert design_order((100_000, 40)) == "C"  # a few features
    assert design_order((500, 5000)) == "F"  # wide


@pytest.mark.parametrize("n_rows", [1, 700, 1283])  # within, at and across blocks of rows
@pytest.mark.parametrize("n_features", [3, 200])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("family", ["binomial", "poisson"])
@pytest.mark.parametrize("weights", ["equal", "unequal"])  # (equal: logarithms of products)
def test_glm_step_matches_numpy(n_rows, n_features, order, family, weights):
    rng = np.random.default_rng(n_rows + n_features)
    X = np.asarray(rng.standard_normal((n_rows, n_features)), order=order)
    d_beta = rng.standard_normal(n_features)
    d_beta[::2] = 0.0  # (zero coefficients, as a restricted step has)
    eta = 3 * rng.standard_normal(n_rows)
    if family == "binomial":
        eta[:2] = [800.0, -800.0][: min(2, n_rows)]  # no overflow at either end
        Y = (rng.random(n_rows) < 0.5).astype(np.float64)
    else:
        Y = rng.poisson(2.0, n_rows).astype(np.float64)
    v = rng.uniform(0.1, 2.0, n_rows) if weights == "unequal" else np.full(n_rows, 1 / n_rows)

    poisson = family == "poisson"
    d_eta, loss, grad, grad_intercept, mu = glm_step(
        X, None, None, None, None, d_beta, 0.25, eta, v, Y, poisson
    )

    new = eta + X @ d_beta + 0.25
    mean = np.exp(new) if poisson else expit(new)
    residual = v * (mean - Y)
    np.testing.assert_allclose(d_eta, X @ d_beta + 0.25, rtol=1e-13, atol=1e-13)
    losses = np.exp(new) if poisson else np.logaddexp(0.0, new)
    np.testing.assert_allclose(loss, v @ (losses - Y * new), rtol=1e-13)
    np.testing.assert_allclose(grad, X.T @ residual, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad_intercept, residual.sum(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(mu, mean, rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("spread", [1.0, 1e6])  # products folded, and standardized blocks
def test_products_on_rows_and_columns_read_in_place(order, spread):
    rng = np.random.default_rng(3)
    X = np.asarray(rng.standard_normal((1500, 40)) + spread, order=order)
    rows = np.sort(rng.permutation(1500)[:1100])
    cols = np.array([3, 0, 17, 39, 8])
    shift, scale = X[rows][:, cols].mean(axis=0), rng.uniform(0.5, 2.0, cols.size)
    standardized = (X[rows][:, cols] - shift) * scale
    beta, r = rng.standard_normal(cols.size), rng.standard_normal(rows.size)

    forward, backward = products(X, rows, cols, shift, scale, beta, r)

    np.testing.assert_allclose(forward, standardized @ beta, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(backward, standardized.T @ r, rtol=1e-10, atol=1e-10)
    v, Y = np.full(rows.size, 1 / rows.size), (rng.random(rows.size) < 0.5) * 1.0
    d_eta, _, grad, _, _ = glm_step(X, rows, cols, shift, scale, beta, 0.0, np.zeros(rows.size),
                                 v, Y, False)  # fmt: skip
    np.testing.assert_allclose(d_eta, standardized @ beta, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(grad, standardized.T @ (v * (expit(d_eta) - Y)), atol=1e-12)


@pytest.mark.parametrize("family", ["binary", "poisson"])
def test_tall_glm_fold_read_in_place_matches_its_copy(monkeypatch, family):
    # a fold of a 14,000 x 100 design (weights, penalty factors, means far from zero),
    # read in place, and fitted on a copy of its rows
    X, y = _binary(14_000, 100, 8, seed=5)
    if family == "poisson":
        y = np.random.default_rng(5).poisson(np.exp(0.3 * X[:, :3].sum(axis=1)))
    X = np.ascontiguousarray(X * 3.0 + 50.0)
    rows = np.sort(np.random.default_rng(1).permutation(14_000)[:10_500])
    weights = np.random.default_rng(2).uniform(0.5, 2.0, 14_000)
    factor = np.ones(100)
    factor[:5] = [0.0, 0.5, 2.0, 1.0, 1.0]
    assert reads_in_place(X, family, rows.size)
    params = {"task": family, "alphas": 30, "sample_weight": weights, "penalty_factor": factor}
    kwargs = {**params, "sample_weight": weights[rows]}

    in_place = l1_path(X, y[rows], rows=rows, eps=1e-2, **kwargs)

    monkeypatch.setattr(path_module, "reads_in_place", lambda *args: False)
    copied = l1_path(X[rows], y[rows], eps=1e-2, **kwargs)
    np.testing.assert_allclose(in_place.alphas, copied.alphas, rtol=1e-12)
    scale = np.abs(copied.coefs).max()
    np.testing.assert_allclose(in_place.coefs, copied.coefs, rtol=0, atol=1e-5 * scale)
    np.testing.assert_allclose(in_place.dev_ratio, copied.dev_ratio, rtol=0, atol=1e-6)


def test_tall_binary_cv_fold_reads_its_rows_in_place():
    X, y = _binary(30_000, 80, 8, seed=6)
    rows = np.setdiff1d(np.arange(30_000), np.arange(0, 30_000, 4))
    assert reads_in_place(X, "binary", rows.size)
    alphas = np.geomspace(0.05, 0.005, 10)
    tracemalloc.start()
    coefs, _ = subset_path(X, y, rows, task="binary", alphas=alphas, sample_weight=None)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 0.4 * X.nbytes  # (the rows' copy: 0.75) no copy of the design
    expected = l1_path(X[rows], y[rows], task="binary", alphas=alphas, stop_early=False)
    np.testing.assert_allclose(coefs, expected.coefs, rtol=0, atol=1e-6)


@pytest.mark.parametrize("order", ["C", "F"])
def test_take_rows_copies_the_rows_in_the_designs_order(order):
    rng = np.random.default_rng(0)
    X = np.asarray(rng.standard_normal((20_000, 70)), order=order)
    rows = np.sort(rng.permutation(20_000)[:15_000])

    taken = take_rows(X, rows)

    assert taken.flags.f_contiguous
    np.testing.assert_array_equal(taken, X[rows])


def test_fortran_ordered_tall_binary_path_meets_kkt_and_matches_the_c_ordered_one(monkeypatch):
    # 12,000 x 100: Fortran-ordered, its Newton steps' passes compiled
    X, y = _binary(12_000, 100, 8, seed=4)
    assert design_order(X.shape) == "F"
    path = l1_path(X, y, task="binary", alphas=30, eps=1e-3)
    coef_res, intercept_res = kkt_residuals(X, y, path, 1.0)
    assert coef_res.max() <= 1.5 * np.sqrt(1e-7)
    assert intercept_res.max() <= 0.5 * np.sqrt(1e-7)

    monkeypatch.setattr(dense_layout, "_FORTRAN_CELLS", np.inf)  # the C-ordered design's path
    c_ordered = l1_path(X, y, task="binary", alphas=path.alphas)
    scale = np.abs(c_ordered.coefs).max()
    np.testing.assert_allclose(path.coefs, c_ordered.coefs, rtol=0, atol=1e-4 * scale)
    np.testing.assert_allclose(path.dev_ratio, c_ordered.dev_ratio, rtol=0, atol=1e-5)


@pytest.mark.parametrize("order", ["C", "F"])
def test_weighted_block_is_numpys_float32_block(order):
    rng = np.random.default_rng(12)
    X = np.asarray(rng.standard_normal((900, 30)) + 3.0, order=order)
    rows = np.sort(rng.permutation(900)[:700])
    cols = np.array([4, 0, 29, 11, 7])
    shift, scale = X[rows][:, cols].mean(axis=0), rng.uniform(0.5, 2.0, cols.size)
    design = InPlaceDesign(X, rows, cols, shift, scale)
    w = rng.uniform(0.0, 1.0, 700)
    root = np.sqrt(w).astype(np.float32)
    centre = rng.standard_normal(cols.size) * 0.1
    out, sums = np.empty((300, cols.size), dtype=np.float32), np.zeros(cols.size)
    design.weighted_block(200, centre, root, w, out, sums)

    standardized = (X[rows][:, cols] - shift) * scale
    expected = np.empty((300, cols.size), dtype=np.float32)
    np.subtract(standardized[200:500], centre, out=expected, casting="same_kind")
    expected *= root[200:500, None]
    np.testing.assert_array_equal(out, expected)  # (the same numbers as numpy's)
    np.testing.assert_allclose(sums, w[200:500] @ standardized[200:500], rtol=1e-13)
