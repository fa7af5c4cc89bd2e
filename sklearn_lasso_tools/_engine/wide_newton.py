"""Proximal Newton at one point of a wide dense binomial or Poisson path in compiled code
(``_wide_newton``): ``solvers._glm_newton``'s loop on wide designs, where the Python and
numpy calls around each step, on arrays of n or k entries, cost as much as its arithmetic.
The path's screening stays in ``solvers``."""

import numpy as np

from ._wide_newton import WideNewton

__all__ = ["applies", "newton"]


def applies(family, sub):
    """Whether ``newton`` fits the restricted problem ``sub``: binomial or Poisson on a
    dense float64 Fortran-ordered design (the fitted set's columns, or the whole wide
    design), without penalty factors."""
    X = sub.X
    return (
        family.compiled_loss is not None
        and sub.ridge is None
        and sub.offset is None
        and isinstance(X, np.ndarray)
        and X.dtype == np.float64
        and X.flags.f_contiguous
    )


def newton(sub, family, Y, v, state, alpha, l1_ratio, tol, max_iter, trace):
    """``_glm_newton`` with ``wide`` on ``sub.columns``, from the path's prediction (as
    ``solvers._predicted``) when that lowers the objective, else from ``state``; updates
    ``state`` and ``trace`` as it does and returns the epochs of descent."""
    if state.wide is None:  # (one per path: its buffers)
        state.wide = WideNewton(
            np.ascontiguousarray(Y, dtype=np.float64), np.ascontiguousarray(v, dtype=np.float64),
            family.compiled_loss == "poisson", float(l1_ratio), float(tol),
            float(tol * trace.null_dev), int(max_iter), bool(sub.positive),
        )  # fmt: skip
    wide, columns = state.wide, sub.columns
    beta = state.beta[columns]  # (a copy: updated in place)
    intercept, eta = state.intercept, state.eta
    objective = state.loss + wide.penalty(beta, alpha)
    known = state.gradient_on(sub.subset)
    predicted = _predicted(sub, wide, state, alpha, objective, trace)
    if predicted is None:
        eta = eta.copy()
    else:
        beta, intercept, eta, objective = predicted
        known = None
    if known is None:
        grad, grad_intercept = np.empty(beta.size), 0.0
    else:
        grad, grad_intercept = np.array(known[0], dtype=np.float64), float(known[1])
    epochs = wide.fit(
        sub.X, beta, float(intercept), eta, float(objective), float(alpha), grad,
        known is not None, grad_intercept,
    )  # fmt: skip
    trace.failures = [(alpha, ratio) for ratio in wide.failures]
    trace.settle(alpha, newton_converged=wide.converged)
    state.beta[:] = 0.0
    state.beta[columns] = beta
    state.intercept, state.eta, state.loss = wide.intercept, eta, wide.loss
    state.gradient = (sub.subset, grad, wide.grad_intercept) if wide.known else None
    return epochs


def _predicted(sub, wide, state, alpha, objective, trace):
    """``solvers._predicted``, its arithmetic compiled: ``(beta, intercept, eta,
    objective)`` at the path's prediction on ``sub.columns`` when that lowers
    ``objective``, else None (also when the path has no two points before alpha, or
    ``alpha`` was predicted already)."""
    if len(trace.alphas) < 2 or state.predicted == alpha:
        return None
    state.predicted = alpha
    first_alpha, last_alpha = trace.alphas[-2:]
    if not first_alpha > last_alpha > alpha:
        return None
    t = np.log(alpha / last_alpha) / np.log(last_alpha / first_alpha)
    first, last = trace.betas[-2:]
    first_intercept, last_intercept = trace.intercepts[-2:]
    intercept = last_intercept + t * (last_intercept - first_intercept)
    guess, eta = np.empty(sub.n_features), np.empty(sub.n_samples)
    value = wide.predict(
        sub.X, last[sub.columns], first[sub.columns], float(t),
        float(intercept - last_intercept), state.eta, float(alpha), guess, eta,
    )  # fmt: skip
    return (guess, intercept, eta, value) if value < objective else None
