"""A full proximal Newton step's pass over a tall dense design: the step's change of the
linear predictor, and the loss, its gradient and the mean after the step, in one read of
the design's rows (``solvers._glm_newton`` with a kept curvature)."""

import numpy as np

from ._row_blocks import glm_step
from .in_place import InPlaceDesign

__all__ = ["step_pass"]

_ROW_BLOCK = 1024  # rows of a tall design read twice while in cache (1.6 MB at k = 200)


def step_pass(family, X, eta, d_beta, d_intercept, v, Y):
    """A full Newton step's ``d_eta``, and the loss, its gradient ``(X' r, sum r)`` and
    the mean (None where not computed on the way) after it, in one pass over the rows of
    ``X`` by blocks (half the memory traffic of a product and then a transposed one,
    which is what a step on a tall design is bound by).

    A large tall design is read in place (``InPlaceDesign``) or Fortran-ordered (see
    ``dense_layout.design_order``): for the logistic and Poisson losses the pass is then
    compiled (``_row_blocks``); else two whole products, as numpy's products on its
    blocks of rows would copy them.
    """
    compiled, poisson = family.compiled_loss is not None, family.compiled_loss == "poisson"
    if isinstance(X, InPlaceDesign) or (X.flags.f_contiguous and X.size):
        if compiled and isinstance(X, InPlaceDesign):
            parts = X.glm_step(poisson, d_beta, float(d_intercept), eta, v, Y)
        elif compiled and X.dtype == np.float64:
            args = (d_beta, float(d_intercept), eta, v, Y, poisson)
            parts = glm_step(X, None, None, None, None, *args)
        else:
            d_eta = X.matvec(d_beta) if isinstance(X, InPlaceDesign) else X @ d_beta
            d_eta += d_intercept
            eta_new = eta + d_eta
            residual = v * (family.mean(eta_new) - Y)
            grad = X.rmatvec(residual) if isinstance(X, InPlaceDesign) else X.T @ residual
            return d_eta, family.loss(v, Y, eta_new), (grad, residual.sum()), None
        d_eta, loss, grad, grad_intercept, mean = parts
        return d_eta, loss, (grad, grad_intercept), mean
    n = X.shape[0]
    d_eta = np.empty(n)
    grad = np.zeros(X.shape[1])
    loss = grad_intercept = 0.0
    for start in range(0, n, _ROW_BLOCK):
        rows = slice(start, start + _ROW_BLOCK)
        block = X[rows]
        d = block @ d_beta
        d += d_intercept
        d_eta[rows] = d
        eta_new = eta[rows] + d
        loss += family.loss(v[rows], Y[rows], eta_new)
        residual = v[rows] * (family.mean(eta_new) - Y[rows])
        grad += block.T @ residual
        grad_intercept += residual.sum()
    return d_eta, loss, (grad, grad_intercept), None
