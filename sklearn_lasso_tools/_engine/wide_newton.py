"""Proximal Newton at one point of a wide dense binomial or Poisson path in compiled code
(``_wide_newton``): ``solvers._glm_newton``'s loop on wide designs, where the Python and
numpy calls around each step, on arrays of n or k entries, cost as much as its arithmetic.
The path's screening and its prediction of the next point stay in ``solvers``."""

import numpy as np

from ._wide_newton import WideNewton

__all__ = ["applies", "newton"]


def applies(family, sub):
    """Whether ``newton`` fits the restricted problem ``sub``: binomial or Poisson on a
    dense float64 Fortran-ordered design (the fitted set's columns, or the whole wide
    design), without penalty factors."""
    X = sub.X
    return (
        family.name in ("binomial", "poisson")
        and sub.ridge is None
        and sub.offset is None
        and isinstance(X, np.ndarray)
        and X.dtype == np.float64
        and X.flags.f_contiguous
    )


def newton(sub, family, Y, v, state, alpha, l1_ratio, tol, max_iter, trace, start, known):
    """``_glm_newton``'s loop from ``start`` (``(beta, intercept, eta, objective)`` on
    ``sub.columns``), with ``known`` the gradient ``(X' r, sum r)`` there or None; updates
    ``state`` and ``trace`` as it does and returns the epochs of descent."""
    if state.wide is None:  # (one per path: its buffers)
        state.wide = WideNewton(
            np.ascontiguousarray(Y, dtype=np.float64), np.ascontiguousarray(v, dtype=np.float64),
            family.name == "poisson", float(l1_ratio), float(tol), float(tol * trace.null_dev),
            int(max_iter), bool(sub.positive),
        )  # fmt: skip
    wide = state.wide
    beta, intercept, eta, objective = start
    beta = np.array(beta, dtype=np.float64)  # (copies: updated in place)
    eta = np.array(eta, dtype=np.float64)
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
    state.beta[sub.columns] = beta
    state.intercept, state.eta, state.loss = wide.intercept, eta, wide.loss
    state.gradient = (sub.subset, grad, wide.grad_intercept) if wide.known else None
    return epochs
