"""Which features are in a model: those whose coefficient is exactly nonzero, in any class
(a multinomial feature is in when any of its class coefficients is). One definition for
the selector's ``support_``, the path's counts, its events and the report's tables."""

import numpy as np

__all__ = ["path_support", "support"]


def support(coef):
    """Boolean mask of shape (n_features,) from one point's ``coef`` of shape
    (n_features,) or (n_classes, n_features)."""
    nonzero = np.asarray(coef) != 0
    return nonzero if nonzero.ndim == 1 else nonzero.any(axis=0)


def path_support(coefs):
    """Boolean mask of shape (n_alphas, n_features) from a path's ``coefs`` of shape
    (n_alphas, n_features) or (n_alphas, n_classes, n_features)."""
    nonzero = np.asarray(coefs) != 0
    return nonzero if nonzero.ndim == 2 else nonzero.any(axis=1)
