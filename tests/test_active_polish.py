"""The compiled small GLM path's polish on the active features' Gram matrix
(``_active_polish``) where its repairs work hardest: nearly collinear features, whose
polishes drop features whose signs flip, take them back, run out of repairs and fall
back to descent on every fitted feature; and exactly repeated ones, whose systems are
singular. The path equals the Python route's (which polishes on the Gram matrix of every
fitted feature) and meets the optimality conditions at every point."""

import numpy as np
import pytest
from _routes import both_routes, kkt_residuals
from scipy.special import expit

from sklearn_lasso_tools._engine import small_paths, solvers


def _collinear(seed, repeated):
    """150 samples of 24 features near a rank-6 subspace (feature 3 = feature 2 exactly
    when ``repeated``), and a binary target from the first five."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((150, 6)) @ rng.standard_normal((6, 24))
    X += 0.02 * rng.standard_normal(X.shape)
    if repeated:
        X[:, 3] = X[:, 2]
    eta = 0.5 * X[:, :5] @ rng.standard_normal(5)
    return X, (rng.random(150) < expit(eta)).astype(float)


def _routes(monkeypatch, X, y):
    """The path of the compiled route (checked to run) and of the Python route, which
    polishes on the Gram matrix of every fitted feature."""
    switch_off = [
        (solvers, "_compiled_glm_applies", lambda family, prob: False),
        (solvers, "_WHOLE_DESIGN_SHARE", 2.0),  # (the fitted set alone)
    ]
    return both_routes(monkeypatch, X, y, "binary", (small_paths, "GLMPath"), switch_off)


def _kkt_residual(X, y, path):
    """The worst violation of the optimality conditions over the path, relative to alpha."""
    coef_res, intercept_res = kkt_residuals(X, y, path, 1.0, None, False)
    return max(coef_res.max(), intercept_res.max())


@pytest.mark.parametrize("seed", [0, 1])
def test_collinear_features_give_the_python_routes_path(monkeypatch, seed):
    X, y = _collinear(seed, repeated=False)
    compiled, python = _routes(monkeypatch, X, y)
    np.testing.assert_array_equal(compiled.alphas, python.alphas)
    np.testing.assert_array_equal(compiled.n_nonzero, python.n_nonzero)
    scale = np.abs(python.coefs).max()
    np.testing.assert_allclose(compiled.coefs, python.coefs, rtol=0, atol=1e-10 * scale)
    np.testing.assert_array_equal(compiled.n_iter, python.n_iter)
    assert _kkt_residual(X, y, compiled) <= 1e-5


@pytest.mark.parametrize("seed", [1, 3])
def test_repeated_features_give_the_python_routes_fit(monkeypatch, seed):
    """How the two copies share their coefficient is not unique, so the routes may split
    it differently; the fit, their sum and the other coefficients agree."""
    X, y = _collinear(seed, repeated=True)
    compiled, python = _routes(monkeypatch, X, y)
    np.testing.assert_array_equal(compiled.alphas, python.alphas)
    np.testing.assert_allclose(compiled.dev_ratio, python.dev_ratio, rtol=0, atol=1e-10)
    merged = [
        np.column_stack([p.coefs[:, 2] + p.coefs[:, 3], np.delete(p.coefs, [2, 3], 1)])
        for p in (compiled, python)
    ]
    scale = np.abs(merged[1]).max()
    np.testing.assert_allclose(merged[0], merged[1], rtol=0, atol=1e-8 * scale)
    assert _kkt_residual(X, y, compiled) <= 1e-5
