"""A path's strengths: ``alpha_max`` (where every penalized coefficient is zero), glmnet's
log-spaced grid down from it, and the spacing at which the early stop looks at a path."""

import numpy as np

__all__ = ["alpha_max", "default_alphas", "reference_step"]


def alpha_max(grad, penalized, positive, l1_ratio):
    """The smallest alpha at which every penalized coefficient is zero."""
    grad = grad[..., penalized]
    return np.max(grad if positive else np.abs(grad), initial=0.0) / max(l1_ratio, 1e-3)


def default_alphas(alpha_max, *, n_samples, n_features, n_alphas=100, eps=None):
    """glmnet's grid: ``alpha_max`` down to ``eps * alpha_max``, log-spaced."""
    if eps is None:
        eps = 1e-4 if n_samples > n_features else 1e-2
    return np.geomspace(alpha_max, alpha_max * eps, n_alphas)


# the early stop compares the path at the points of glmnet's default grid over its range
_REFERENCE_POINTS = 100


def reference_step(alphas):
    """The spacing in log(alpha) of glmnet's default grid over the range of ``alphas``:
    where the early stop looks at the path, whatever the grid's density (None for a
    single alpha)."""
    span = np.log(alphas[0] / alphas[-1]) if len(alphas) > 1 else 0.0
    return span / (_REFERENCE_POINTS - 1) if span > 0 else None
