"""Large tall dense designs: Fortran-ordered (``designs.design_order``), their fold copies
(``take_rows``), and the logistic Newton step's compiled pass (``_row_blocks``)."""

import numpy as np
import pytest
from scipy.special import expit
from test_path_kkt import _binary, kkt_residuals  # the KKT tests' data and residuals

from sklearn_lasso_tools._engine import designs, solvers
from sklearn_lasso_tools._engine.designs import design_order, take_rows
from sklearn_lasso_tools._engine.path import l1_path

binomial_step = solvers.binomial_step  # (the compiled pass, as the solver imports it)


def test_design_order_of_tall_designs():
    assert design_order((50_000, 200)) == "F"  # large, many features
    assert design_order((569, 30)) == "C"  # small: the compiled few-feature steps' order
    assert design_order((100_000, 40)) == "C"  # a few features
    assert design_order((500, 5000)) == "F"  # wide


@pytest.mark.parametrize("n_rows", [1, 700, 1283])  # within, at and across blocks of 512
@pytest.mark.parametrize("n_features", [3, 200])
def test_binomial_step_matches_numpy(n_rows, n_features):
    rng = np.random.default_rng(n_rows + n_features)
    X = np.asfortranarray(rng.standard_normal((n_rows, n_features)))
    d_beta = rng.standard_normal(n_features)
    d_beta[::2] = 0.0  # (zero coefficients, as a restricted step has)
    eta = 3 * rng.standard_normal(n_rows)
    eta[:2] = [800.0, -800.0][: min(2, n_rows)]  # no overflow at either end
    v = rng.uniform(0.1, 2.0, n_rows)
    Y = (rng.random(n_rows) < 0.5).astype(np.float64)

    d_eta, loss, grad, grad_intercept = binomial_step(X, d_beta, 0.25, eta, v, Y)

    new = eta + X @ d_beta + 0.25
    residual = v * (expit(new) - Y)
    np.testing.assert_allclose(d_eta, X @ d_beta + 0.25, rtol=1e-13, atol=1e-13)
    expected = v @ (np.logaddexp(0.0, new) - Y * new)
    np.testing.assert_allclose(loss, expected, rtol=1e-13)
    np.testing.assert_allclose(grad, X.T @ residual, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(grad_intercept, residual.sum(), rtol=1e-12, atol=1e-13)


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

    monkeypatch.setattr(designs, "_FORTRAN_CELLS", np.inf)  # the C-ordered design's path
    c_ordered = l1_path(X, y, task="binary", alphas=path.alphas)
    scale = np.abs(c_ordered.coefs).max()
    np.testing.assert_allclose(path.coefs, c_ordered.coefs, rtol=0, atol=1e-4 * scale)
    np.testing.assert_allclose(path.dev_ratio, c_ordered.dev_ratio, rtol=0, atol=1e-5)
