"""A compiled route of a binomial or Poisson path against the solver's Python route, which
it replaces: ``both_routes`` fits the path once with the compiled kernel (and checks that it
ran) and once with it switched off; ``assert_routes_agree`` compares them point by point and
checks the optimality conditions (``kkt_residuals``) of the compiled one. Shared by
``test_glm_path`` (small dense designs), ``test_active_polish`` (their polish on
collinear features) and ``test_wide_newton`` (wide ones).

pytest puts this folder on ``sys.path`` (see ``conftest``), so it imports as a plain module.
"""

import numpy as np
from scipy.special import expit

from sklearn_lasso_tools._engine.path import l1_path

TOL = 1e-14  # as test_path_kkt: its KKT bound holds there
KKT_RTOL = 1e-5


def both_routes(monkeypatch, X, y, task, spied, switch_off, **params):
    """``(compiled, python)`` paths of ``l1_path`` at ``TOL``: first with the compiled
    route, whose entry point ``spied`` (``(module, name)``) must be called; then with the
    attributes ``switch_off`` (``(module, name, value)`` triples) patched to turn it off."""
    module, name = spied
    calls = []
    with monkeypatch.context() as patch:
        real = getattr(module, name)
        patch.setattr(module, name, lambda *args: calls.append(1) or real(*args))
        compiled = l1_path(X, y, task=task, tol=TOL, **params)
    assert calls, "the compiled route did not run"
    with monkeypatch.context() as patch:
        for target, attribute, value in switch_off:
            patch.setattr(target, attribute, value)
        python = l1_path(X, y, task=task, tol=TOL, **params)
    return compiled, python


def with_weights(params, seed, n_samples):
    """``params`` (a copy), its ``sample_weight="random"`` drawn for ``n_samples`` rows."""
    params = dict(params)
    if params.get("sample_weight") == "random":
        params["sample_weight"] = np.random.default_rng(seed).uniform(0.2, 2.0, n_samples)
    return params


def assert_routes_agree(
    X, y, compiled, python, params, *, coef_atol, intercept_atol, dev_ratio_atol, same_n_iter
):
    """The same stop and supports, coefficients within ``coef_atol`` of the largest
    (absolute), intercepts and deviance ratios within theirs, the same iteration counts
    when ``same_n_iter``; and the compiled path meets the KKT conditions to ``KKT_RTOL``
    at every point (``params``: the fits' ``l1_path`` parameters)."""
    np.testing.assert_array_equal(compiled.alphas, python.alphas)  # the same stop
    np.testing.assert_array_equal(compiled.n_nonzero, python.n_nonzero)
    scale = np.abs(python.coefs).max()
    np.testing.assert_allclose(compiled.coefs, python.coefs, rtol=0, atol=coef_atol * scale)
    np.testing.assert_allclose(compiled.intercepts, python.intercepts, rtol=0, atol=intercept_atol)
    np.testing.assert_allclose(compiled.dev_ratio, python.dev_ratio, rtol=0, atol=dev_ratio_atol)
    if same_n_iter:
        np.testing.assert_array_equal(compiled.n_iter, python.n_iter)
    l1_ratio, w = params.get("l1_ratio", 1.0), params.get("sample_weight")
    coef_res, intercept_res = kkt_residuals(X, y, compiled, l1_ratio, w, params.get("positive"))
    assert coef_res.max() <= KKT_RTOL
    assert intercept_res.max() <= KKT_RTOL


def kkt_residuals(X, y, path, l1_ratio, sample_weight, positive):
    """Worst KKT residual of each point relative to ``alpha * s_j``, and ``|grad_b| /
    alpha`` (as ``test_path_kkt.kkt_residuals``, for binomial and Poisson)."""
    v = np.ones(len(y)) if sample_weight is None else sample_weight
    v = v / v.sum()
    mean = expit if path.task == "binary" else np.exp
    s = path.scales
    coef_res, intercept_res = [], []
    for alpha, coef, intercept in zip(path.alphas, path.coefs, path.intercepts, strict=True):
        r = v * (mean(X @ coef + intercept) - y)
        g = X.T @ r + alpha * (1 - l1_ratio) * s**2 * coef
        bound = alpha * l1_ratio * s
        residual = np.where(
            coef != 0,
            np.abs(g + bound * np.sign(coef)),
            np.maximum((-g if positive else np.abs(g)) - bound, 0.0),
        )
        coef_res.append(np.max(residual / (alpha * s)))
        intercept_res.append(abs(r.sum()) / alpha)
    return np.array(coef_res), np.array(intercept_res)
