"""The compiled Newton steps of wide dense GLM paths (``_wide_newton``) against the
solver's Python route (``solvers._glm_newton`` and ``WeightedLasso``), which they replace
there: the same points to within the solves' tolerance (descent on the columns without
the Python route's polish lands elsewhere inside it), the same stop, and the optimality
conditions at every point."""

import numpy as np
import pytest
from test_glm_path import KKT_RTOL, TOL, _kkt_residuals  # its tolerances and residuals

from sklearn_lasso_tools._engine import solvers, wide_newton
from sklearn_lasso_tools._engine.families import BINOMIAL, POISSON
from sklearn_lasso_tools._engine.path import l1_path
from sklearn_lasso_tools._engine.standardize import prepare


def _wide(task, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((80, 300))
    X[:, 1] = X[:, 0] + 0.05 * rng.standard_normal(80)
    eta = X[:, :5] @ np.array([1.5, -1.0, 0.8, 0.5, -0.7])
    if task == "binary":
        return X, (rng.random(80) < 1 / (1 + np.exp(-eta))).astype(float)
    return X, rng.poisson(np.exp(0.3 + 0.5 * eta)).astype(float)


def _paths(monkeypatch, X, y, task, **params):
    calls = []
    with monkeypatch.context() as patch:
        real = wide_newton.newton
        patch.setattr(wide_newton, "newton", lambda *a: calls.append(1) or real(*a))
        compiled = l1_path(X, y, task=task, tol=TOL, **params)
    assert calls, "the compiled route did not run"
    with monkeypatch.context() as patch:
        patch.setattr(wide_newton, "applies", lambda family, sub: False)
        python = l1_path(X, y, task=task, tol=TOL, **params)
    return compiled, python


PARAMS = [
    {},
    {"l1_ratio": 0.5},
    {"positive": True},
    {"sample_weight": "random"},
    {"alphas": np.geomspace(0.3, 1e-3, 40), "stop_early": True},
]


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("task, seed", [("binary", 0), ("binary", 1), ("poisson", 2)])
def test_compiled_wide_newton_equals_the_python_route_and_meets_kkt(
    monkeypatch, task, seed, params
):
    X, y = _wide(task, seed)
    params = dict(params)
    if params.get("sample_weight") == "random":
        params["sample_weight"] = np.random.default_rng(seed).uniform(0.2, 2.0, len(y))
    compiled, python = _paths(monkeypatch, X, y, task, **params)
    np.testing.assert_array_equal(compiled.alphas, python.alphas)  # the same stop
    np.testing.assert_array_equal(compiled.n_nonzero, python.n_nonzero)
    scale = np.abs(python.coefs).max()
    np.testing.assert_allclose(compiled.coefs, python.coefs, rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(compiled.intercepts, python.intercepts, rtol=0, atol=1e-6)
    np.testing.assert_allclose(compiled.dev_ratio, python.dev_ratio, rtol=0, atol=1e-7)
    l1_ratio, w = params.get("l1_ratio", 1.0), params.get("sample_weight")
    coef_res, intercept_res = _kkt_residuals(X, y, compiled, l1_ratio, w, params.get("positive"))
    assert coef_res.max() <= KKT_RTOL
    assert intercept_res.max() <= KKT_RTOL


def test_compiled_wide_newton_reports_unconverged_steps(monkeypatch):
    X, y = _wide("binary", 1)
    X[:, 2] = X[:, 0] + 1e-6 * (np.arange(len(y)) % 3)  # slow descent
    with pytest.warns(Warning, match="max_iter=1"):
        compiled, python = _paths(monkeypatch, X, y, "binary", max_iter=1, l1_ratio=0.5)
    assert compiled.alphas.size == python.alphas.size


def test_compiled_wide_newton_dispatch():
    """Binomial and Poisson restricted wide dense problems; the Python route for penalty
    factors' ridge weights and sparse designs."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 100))
    mask = np.arange(100) < 30
    assert wide_newton.applies(BINOMIAL, prepare(X).restrict(mask))
    assert wide_newton.applies(POISSON, prepare(X))
    assert not wide_newton.applies(BINOMIAL, prepare(X, penalty_factor=np.ones(100)))
    from scipy import sparse

    assert not wide_newton.applies(BINOMIAL, prepare(sparse.csc_array(X)))
    assert solvers.wide_newton is wide_newton
