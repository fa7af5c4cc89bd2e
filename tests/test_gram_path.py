"""The compiled squared-loss path on a few features (``_gram_path``) against the solver's
Python route (``WeightedLasso`` on the same Gram matrix), which it replaces there."""

import numpy as np
import pytest

from sklearn_lasso_tools._engine import newton_step, solvers
from sklearn_lasso_tools._engine.path import l1_path


def _problem(seed, n=120, p=12, collinear=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if collinear:
        X[:, 1] = X[:, 0] + 1e-3 * rng.standard_normal(n)
    y = X[:, :4] @ np.array([3.0, -2.0, 1.5, 0.5]) + rng.standard_normal(n)
    return X, y


def _paths(monkeypatch, X, y, **params):
    compiled = l1_path(X, y, task="regression", **params)
    with monkeypatch.context() as patch:
        patch.setattr(solvers, "_FEW", -1)  # the Python route
        python = l1_path(X, y, task="regression", **params)
    return compiled, python


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"l1_ratio": 0.3},
        {"positive": True},
        {"alphas": np.geomspace(5.0, 1e-4, 60)},  # given alphas: from cross-products
        {"sample_weight": np.linspace(0.5, 2.0, 120)},
    ],
)
@pytest.mark.parametrize("collinear", [False, True])
def test_compiled_path_equals_the_python_route_and_meets_kkt(monkeypatch, params, collinear):
    X, y = _problem(0, collinear=collinear)
    compiled, python = _paths(monkeypatch, X, y, **params)
    np.testing.assert_array_equal(compiled.alphas, python.alphas)
    scale = np.abs(python.coefs).max()
    np.testing.assert_allclose(compiled.coefs, python.coefs, rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(compiled.dev_ratio, python.dev_ratio, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(compiled.n_nonzero, python.n_nonzero)
    # optimality at every point, on the standardized problem
    l1_ratio = params.get("l1_ratio", 1.0)
    w = params.get("sample_weight", np.ones(len(y)))
    v = w / w.sum()
    mean = v @ X
    std = np.sqrt(v @ (X - mean) ** 2)
    Z = (X - mean) / std
    for alpha, coef, intercept in zip(
        compiled.alphas, compiled.coefs, compiled.intercepts, strict=True
    ):
        b = coef * std
        r = y - intercept - X @ coef
        grad = Z.T @ (v * r) - alpha * (1 - l1_ratio) * b
        bound = alpha * l1_ratio
        active = b != 0
        assert np.all(np.abs(grad[active] - bound * np.sign(b[active])) <= 1e-6 * bound + 1e-12)
        top = grad[~active] if params.get("positive") else np.abs(grad[~active])
        assert np.all(top <= bound * (1 + 1e-6))


def test_compiled_path_reports_unconverged_points(monkeypatch):
    X, y = _problem(1, collinear=True)
    with pytest.warns(Warning, match="max_iter=1"):
        compiled, python = _paths(monkeypatch, X, y, max_iter=1, tol=1e-14)
    np.testing.assert_allclose(compiled.coefs, python.coefs, rtol=0, atol=1e-9)


@pytest.mark.parametrize("stop_early", [False, True])
def test_compiled_path_stops_where_the_python_route_stops(monkeypatch, stop_early):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((80, 6))
    y = X @ np.arange(1.0, 7.0) + 1e-3 * rng.standard_normal(80)  # nearly interpolated
    compiled, python = _paths(
        monkeypatch, X, y, saturate=True, stop_early=stop_early, alphas=np.geomspace(3, 1e-5, 80)
    )
    assert len(compiled.alphas) == len(python.alphas) < 80
    np.testing.assert_allclose(compiled.coefs, python.coefs, rtol=0, atol=1e-9)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.4])
def test_compiled_logistic_steps_equal_the_python_route(monkeypatch, positive, l1_ratio):
    """Binomial paths whose Newton steps' weighted problems go through ``weighted_solve``
    match those solved by ``WeightedLasso`` (the same steps, up to rounding)."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((150, 15))
    eta = X[:, :3] @ np.array([1.5, -1.0, 0.8])
    y = (rng.random(150) < 1 / (1 + np.exp(-eta))).astype(int)
    params = {"task": "binary", "l1_ratio": l1_ratio, "positive": positive}
    compiled = l1_path(X, y, **params)
    with monkeypatch.context() as patch:
        patch.setattr(newton_step, "_compiled_applies", lambda prob: False)
        python = l1_path(X, y, **params)
    np.testing.assert_array_equal(compiled.alphas, python.alphas)
    np.testing.assert_allclose(compiled.coefs, python.coefs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(compiled.intercepts, python.intercepts, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(compiled.n_nonzero, python.n_nonzero)
