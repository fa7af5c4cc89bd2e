"""The compiled GLM path on a small dense design (``_glm_path.GLMPath``) against the
solver's Python route (``solvers._screened`` and ``_glm_newton``), which it replaces there:
the same points to rounding, the same stop, and the optimality conditions at every point."""

import numpy as np
import pytest
from _routes import TOL, assert_routes_agree, both_routes, with_weights
from sklearn.datasets import load_breast_cancer

from sklearn_lasso_tools._engine import small_paths, solvers
from sklearn_lasso_tools._engine.families import BINOMIAL, POISSON
from sklearn_lasso_tools._engine.path import l1_path
from sklearn_lasso_tools._engine.standardize import prepare


def _binary(seed):
    if seed == 0:
        return load_breast_cancer(return_X_y=True)  # raw: columns of very different scales
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((200, 15))
    X[:, 1] = X[:, 0] + 0.05 * rng.standard_normal(200)
    eta = X[:, :4] @ np.array([1.5, -1.0, 0.8, 0.5])
    return X, (rng.random(200) < 1 / (1 + np.exp(-eta))).astype(float)


def _counts(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((300, 10))
    return X, rng.poisson(np.exp(0.5 + X[:, :3] @ np.array([0.6, -0.4, 0.3]))).astype(float)


def _paths(monkeypatch, X, y, task, **params):
    switch_off = [
        (solvers, "_compiled_glm_applies", lambda family, prob: False),
        # (GLMPath fits the fitted set alone, never the whole design in its place)
        (solvers, "_WHOLE_DESIGN_SHARE", 2.0),
    ]
    return both_routes(monkeypatch, X, y, task, (small_paths, "GLMPath"), switch_off, **params)


PARAMS = [
    {},
    {"l1_ratio": 0.5},
    {"positive": True},
    {"sample_weight": "random"},
    {"scale": False},
    {"alphas": np.geomspace(0.3, 1e-4, 40), "stop_early": True},
]


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("task, seed", [("binary", 0), ("binary", 1), ("poisson", 2)])
def test_compiled_glm_path_equals_the_python_route_and_meets_kkt(monkeypatch, task, seed, params):
    X, y = _binary(seed) if task == "binary" else _counts(seed)
    params = with_weights(params, seed, len(y))
    compiled, python = _paths(monkeypatch, X, y, task, **params)
    assert_routes_agree(
        X,
        y,
        compiled,
        python,
        params,
        coef_atol=1e-10,
        intercept_atol=1e-9,
        dev_ratio_atol=1e-12,
        same_n_iter=True,
    )


def test_compiled_glm_path_reports_unconverged_steps(monkeypatch):
    X, y = _binary(1)
    X = np.column_stack([X, X[:, 0] + 1e-6 * np.arange(len(y)) % 3])  # slow descent
    # both routes say so twice: descent stopped at max_iter, and Newton missed tol
    with pytest.warns(Warning, match="max_iter=1"), pytest.warns(Warning, match="did not reach"):
        compiled, python = _paths(monkeypatch, X, y, "binary", max_iter=1, l1_ratio=0.5)
    np.testing.assert_allclose(compiled.coefs, python.coefs, rtol=0, atol=1e-9)


def test_compiled_glm_path_dispatch():
    """Binomial and Poisson on small dense designs; the Python route for the rest:
    penalty factors' ridge weights, sparse designs, many features, tall designs where
    the Newton steps keep their curvature."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((300, 10))
    assert solvers._compiled_glm_applies(BINOMIAL, prepare(X))
    assert solvers._compiled_glm_applies(POISSON, prepare(X))
    assert not solvers._compiled_glm_applies(BINOMIAL, prepare(X, penalty_factor=np.ones(10)))
    from scipy import sparse

    assert not solvers._compiled_glm_applies(BINOMIAL, prepare(sparse.csc_array(X)))
    assert not solvers._compiled_glm_applies(BINOMIAL, prepare(rng.standard_normal((300, 80))))
    assert not solvers._compiled_glm_applies(BINOMIAL, prepare(rng.standard_normal((5000, 30))))
    assert not solvers._compiled_glm_applies(BINOMIAL, prepare(rng.standard_normal((30, 40))))


@pytest.mark.parametrize("task, family", [("binary", BINOMIAL), ("poisson", POISSON)])
def test_a_family_without_a_compiled_loss_runs_in_numpy(monkeypatch, task, family):
    """``Family.compiled_loss`` is the one switch to the compiled Newton kernels: without
    it, the same family runs its Newton steps in numpy, to the same path."""
    X, y = _binary(1) if task == "binary" else _counts(2)
    compiled = l1_path(X, y, task=task, tol=TOL)
    with monkeypatch.context() as patch:
        patch.setattr(type(family), "compiled_loss", None)
        patch.setattr(small_paths, "GLMPath", None)  # (would fail if called)
        assert not solvers._compiled_glm_applies(family, prepare(X))
        python = l1_path(X, y, task=task, tol=TOL)
    np.testing.assert_allclose(python.alphas, compiled.alphas, rtol=1e-14)
    scale = np.abs(python.coefs).max()
    np.testing.assert_allclose(compiled.coefs, python.coefs, rtol=0, atol=1e-9 * scale)
