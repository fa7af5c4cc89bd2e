"""The compiled Newton steps of wide dense GLM paths (``_wide_newton``) against the
solver's Python route (``solvers._glm_newton`` and ``WeightedLasso``), which they replace
there: the same points to within the solves' tolerance (descent on the columns without
the Python route's polish lands elsewhere inside it), the same stop, and the optimality
conditions at every point."""

import numpy as np
import pytest
from _routes import assert_routes_agree, both_routes, with_weights

from sklearn_lasso_tools._engine import solvers, wide_newton
from sklearn_lasso_tools._engine.families import BINOMIAL, POISSON
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
    switch_off = [(wide_newton, "applies", lambda family, sub: False)]
    return both_routes(monkeypatch, X, y, task, (wide_newton, "newton"), switch_off, **params)


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
    params = with_weights(params, seed, len(y))
    compiled, python = _paths(monkeypatch, X, y, task, **params)
    assert_routes_agree(
        X,
        y,
        compiled,
        python,
        params,
        coef_atol=1e-6,
        intercept_atol=1e-6,
        dev_ratio_atol=1e-7,
        same_n_iter=False,
    )


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
