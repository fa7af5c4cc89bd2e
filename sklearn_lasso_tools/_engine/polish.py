"""The active-set polish of a working-set solve: the exact minimizer with the active set
and signs that coordinate descent has settled on, checked against the optimality
conditions and repaired a few times (as in LARS), from a fresh Cholesky solve.

A design here is a working set's, as ``WeightedLasso`` restricts it for the compiled
coordinate descent: ``{"X": ...}`` (dense, Fortran order), ``{"gram": ..., "Xy": ...}``,
or ``{"sparse_X": ..., "sample_weight": ..., "X_mean": ...}``.
"""

import numpy as np
from scipy.linalg.lapack import dposv

from .sparse_columns import dense_columns, sparse_rmatvec

__all__ = ["polish", "residual_correlation", "solve_active"]

_REPAIRS = 5  # active sets the polish tries
_TINY = np.finfo(float).tiny


def polish(b, l1, y, design, positive, budget, solve):
    """Replace ``b`` by the exact minimizer with its active set and signs, if that meets
    the optimality conditions; a few times, features whose sign flips leave the active
    set and features that violate the conditions join it (as in LARS). Skipped when it
    would cost more than ``budget``, the work of the descent just run (in sample-feature
    products: one per row and working feature per epoch, or one per active and working
    feature on a Gram matrix). ``solve(active, signs)`` is ``solve_active``'s.

    Called once or more per solve, thousands of times along a path: small-array numpy
    overhead matters here."""
    active = b.nonzero()[0]
    n_active = active.size
    if n_active == 0:
        return False
    if design.get("gram") is None:
        if y.size * n_active**2 > budget * b.size:
            return False  # building the active system costs more than the round did
    elif _REPAIRS * n_active**3 / 3 > budget / y.size * n_active * b.size:
        # solving it (up to _REPAIRS times) costs more than the round did: a Gram epoch
        # reads a row of the working set's Gram matrix per active feature
        return False
    signs = np.sign(b[active])
    for _ in range(_REPAIRS):
        solution, correlation = solve(active, signs)
        if solution is None:
            return False
        flipped = np.sign(solution) != signs
        if flipped.any():
            active, signs = active[~flipped], signs[~flipped]
            if not active.size:
                return False
            continue
        pull = correlation(solution)
        pull[active] = 0.0
        if not positive:
            pull_sign, pull = np.sign(pull), np.abs(pull)
        joining = (pull > l1 * (1 + 1e-9)).nonzero()[0]
        if not joining.size:
            b[:] = 0.0
            b[active] = solution
            return True
        active = np.concatenate([active, joining])
        signs = np.concatenate([signs, np.ones(joining.size) if positive else pull_sign[joining]])
    return False


def solve_active(active, signs, l1, l2, y, design):
    """The minimizer on the ``active`` columns with these signs (None when their system
    is singular), and the function giving every column's correlation with its residual."""
    system, Xy_active, correlation = _active_system(active, y, design)  # a fresh matrix
    if l2:
        system.flat[:: active.size + 1] += l2
    # Jacobi scaling keeps the solve accurate when penalty factors rescale columns widely
    root = np.sqrt(np.maximum(system.diagonal(), _TINY))
    system /= np.multiply.outer(root, root)
    # Cholesky through LAPACK directly: numpy's solve costs several times more per call
    _, solution, info = dposv(system, (Xy_active - l1 * signs) / root, overwrite_a=True)
    if info != 0:
        return None, None  # not positive definite: the active columns are dependent
    return solution / root, correlation


def _active_system(active, y, design):
    """The active columns' Gram matrix (a new array) and correlations with ``y``, and a
    function giving every column's correlation with the residual of a solution on the
    active set (``active``: column indices)."""
    if design.get("gram") is not None:
        rows = design["gram"].take(active, axis=0)
        correlation = residual_correlation(active, y, design, rows)
        return rows.take(active, axis=1), design["Xy"][active], correlation
    if design.get("X") is not None:
        X_active = design["X"][:, active]
        correlation = residual_correlation(active, y, design, X_active)
        return X_active.T @ X_active, X_active.T @ y, correlation
    X, mean, weights = design["sparse_X"], design["X_mean"], design["sample_weight"]
    Z_active = dense_columns(X, active) - mean[active]

    def correlation(w):
        r = weights * (y - Z_active @ w)
        return sparse_rmatvec(X, r) - mean * r.sum()

    weighted = Z_active * weights[:, None]
    return weighted.T @ Z_active, weighted.T @ y, correlation


def residual_correlation(active, y, design, block=None):
    """The function giving every column's correlation with the residual of a solution on
    the ``active`` columns of a dense design or Gram matrix (``block``: their Gram rows or
    design columns, when already taken; else taken when it is called)."""
    if design.get("gram") is not None:
        gram, Xy = design["gram"], design["Xy"]
        return lambda w: Xy - w @ (gram.take(active, axis=0) if block is None else block)
    X = design["X"]
    return lambda w: X.T @ (y - (X[:, active] if block is None else block) @ w)
