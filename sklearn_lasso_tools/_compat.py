"""The one place that touches scikit-learn internals or version differences."""

import numpy as np
from sklearn.base import _fit_context
from sklearn.linear_model import enet_path
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import validate_data

__all__ = ["Interval", "StrOptions", "_fit_context", "enet_path_weighted", "validate_data"]


def enet_path_weighted(X, y, alphas, *, l1_ratio, coef_init, tol, max_iter,
                       precompute=False, Xy=None, sample_weight=None, X_offset=None):
    """`enet_path` on prepared data, skipping its input checks.

    `sample_weight` and `X_offset` (the implicit centering of sparse `X`) are keyword
    arguments that `enet_path` forwards to its sparse solver; scikit-learn's own
    `ElasticNet` and `LassoCV` pass them the same way.
    """
    params = {}
    coef_init = np.array(coef_init, dtype=np.float64, order="F")  # the solver writes into it
    if X_offset is not None:
        params["X_offset"] = X_offset
        params["X_scale"] = 1.0
    if sample_weight is not None:
        params["sample_weight"] = sample_weight
    _, coefs, gaps = enet_path(
        X, y, l1_ratio=l1_ratio, alphas=alphas, coef_init=coef_init, precompute=precompute,
        Xy=Xy, tol=tol, max_iter=max_iter, check_input=False, copy_X=False, **params,
    )
    return coefs, gaps
