"""A fitted path on the caller's scale (``LinearPath``), and how a solver's trace on the
standardized problem becomes one (``to_caller_scale``)."""

import math
from dataclasses import dataclass

import numpy as np

from .families import family_for
from .standardize import UNPENALIZED

__all__ = ["LinearPath", "to_caller_scale"]


@dataclass(frozen=True)
class LinearPath:
    """A fitted path; coefficients on the caller's scale.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        Descending strengths.
    coefs : ndarray of shape (n_alphas, n_features) or (n_alphas, n_classes, n_features)
    intercepts : ndarray of shape (n_alphas,) or (n_alphas, n_classes)
    n_nonzero : ndarray of shape (n_alphas,)
        Features with a nonzero coefficient (in any class).
    dev_ratio : ndarray of shape (n_alphas,)
        Fraction of the null deviance explained.
    null_deviance : float
    task : {"regression", "binary", "multinomial", "poisson"}
        The family's engine name (``family`` gives the family object).
    scales : ndarray of shape (n_features,)
        What standardization divided each feature by (1 for constant features or
        ``scale=False``): ``coefs * scales`` are the standardized coefficients.
    penalty_factor : ndarray of shape (n_features,)
        Each feature's penalty factor as used (rescaled to sum to n_features).
    n_iter : ndarray of shape (n_alphas,)
        Coordinate descent epochs spent at each alpha.
    """

    alphas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    n_nonzero: np.ndarray
    dev_ratio: np.ndarray
    null_deviance: float
    task: str
    scales: np.ndarray
    n_iter: np.ndarray
    penalty_factor: np.ndarray

    @property
    def family(self):
        return family_for(self.task)


# a path of at most this many coefficients in all is rescaled in one go (a 100-point path
# of 10 features point by point spent 0.4 ms, a fifth of its fit, in the loop's calls)
_AT_ONCE = 1 << 16


def to_caller_scale(prob, alphas, trace, family, penalty_factor, out=None):
    """The ``LinearPath`` of a solver's ``trace`` on the standardized problem ``prob``:
    coefficients divided by the scales (into ``out`` when it fits), intercepts shifted by
    the means, deviance ratios from the trace's deviances."""
    betas = trace.betas
    shape = (len(betas),) + np.shape(betas[0])[:-1] + (prob.keep.size,)
    inverse = 1.0 / prob.scale[prob.keep]
    kept = np.flatnonzero(prob.keep)
    mean = prob.mean[prob.keep]
    intercepts = np.array(trace.intercepts, dtype=np.float64)
    if math.prod(shape) <= _AT_ONCE:
        stacked = trace.stacked_betas()
        betas[:] = [None] * len(betas)
        nonzero = stacked != 0
        n_nonzero = (nonzero.any(axis=1) if nonzero.ndim == 3 else nonzero).sum(axis=-1)
        values = stacked * inverse
        intercepts -= values @ mean
        if kept.size == shape[-1] and not _fits(out, shape):
            coefs = values  # (every feature kept: these are all the coefficients)
        else:
            coefs = _zeros(shape, out)
            coefs[..., kept] = values
    else:
        coefs = _zeros(shape, out)
        n_nonzero = _rescale_by_point(betas, coefs, intercepts, inverse, kept, mean)
    if intercepts.ndim == 2:  # (multinomial) glmnet's convention: intercepts sum to zero
        intercepts -= intercepts.mean(axis=1, keepdims=True)
    devs = np.asarray(trace.devs)
    # (a constant target has nothing to explain: ratio 0, as glmnet's null model)
    dev_ratio = 1.0 - devs / trace.null_dev if trace.null_dev > 0 else np.zeros_like(devs)
    penalty_factor_used = np.ones(prob.keep.size)
    scales = prob.scale
    if penalty_factor is not None:
        penalty_factor_used = penalty_factor
        scales = np.where(prob.keep, prob.scale / np.maximum(penalty_factor, UNPENALIZED), 1.0)
    return LinearPath(
        alphas,
        coefs,
        intercepts,
        n_nonzero,
        dev_ratio,
        trace.null_dev,
        family.task,
        scales,
        np.asarray(trace.n_iter),
        penalty_factor_used,
    )


def _zeros(shape, out):
    """Zeros of ``shape``: ``out``, filled, when it can hold them."""
    if _fits(out, shape):
        out.fill(0.0)
        return out
    return np.zeros(shape)


def _fits(out, shape):
    """Whether ``out`` can hold coefficients of this shape."""
    return (
        isinstance(out, np.ndarray)
        and out.shape == shape
        and out.dtype == np.float64
        and out.flags.c_contiguous
        and out.flags.writeable
    )


def _rescale_by_point(betas, coefs, intercepts, inverse, kept, mean):
    """Fill ``coefs`` and shift ``intercepts`` one point at a time, dropping the trace's
    copy as it goes: wide paths (p = 1e5 and more) then hold the coefficients once, not
    three times; and only each point's nonzero coefficients (a wide path's few hundred):
    the dense result is filled, never scanned. Returns the points' numbers of nonzeros."""
    n_nonzero = np.zeros(len(betas), dtype=np.intp)
    for i in range(len(betas)):
        beta = betas[i]
        nonzero = np.flatnonzero(beta.any(axis=0) if beta.ndim == 2 else beta)
        values = beta[..., nonzero] * inverse[nonzero]
        coefs[i][..., kept[nonzero]] = values
        intercepts[i] -= values @ mean[nonzero]
        n_nonzero[i] = nonzero.size
        betas[i] = None
    return n_nonzero
