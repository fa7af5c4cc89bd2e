"""Relaxed fits along a path (glmnet's ``relax=TRUE``): pure numerics.

For each distinct active set of an L1 path, the model is refitted on those features alone
(``refit.refit_linear``), and the relaxed fit at ``gamma`` blends the two:
``gamma * l1 + (1 - gamma) * refit`` for the coefficients and the intercept (Meinshausen
2007; Hastie, Tibshirani & Tibshirani 2020). Cross-validation of the blends is in
``relaxed_cv``.
"""

import numpy as np
from scipy import sparse

from .families import family_for
from .refit import refit_linear
from .support import path_support

__all__ = ["blend", "refit_path"]


def blend(l1, refit, gamma):
    """``gamma * l1 + (1 - gamma) * refit``, written so equal inputs give ``refit`` exactly."""
    return refit + gamma * (np.asarray(l1) - refit)


def active_sets(coefs):
    """Support of each path point, shape (n_alphas, n_features) (any class, multinomial)."""
    return path_support(coefs)


def refit_path(X, y, coefs, intercepts, *, task, sample_weight=None, refit=None, **refit_params):
    """The refit of every point of a path on its own active set.

    Each distinct active set is refitted once, in path order, warm-started from the
    previous one. An empty set keeps the L1 fit (the intercept-only model).

    Parameters
    ----------
    X, y : training data (``y`` as the engine takes it)
    coefs, intercepts : the path's, ``(n_alphas, [n_classes,] n_features)``
    task : Family or its name (see :func:`refit_linear`)
    refit : callable, default=None
        ``refit(X_active, columns, sample_weight) -> (coef, intercept)`` in the path's
        shapes; ``None`` uses :func:`refit_linear` with ``refit_params``.

    Returns
    -------
    refit_coefs, refit_intercepts : ndarrays of the shapes of ``coefs``, ``intercepts``
    """
    family = family_for(task)
    coefs = np.asarray(coefs)
    refit_coefs = np.zeros_like(coefs)
    refit_intercepts = np.array(intercepts, dtype=np.float64, copy=True)
    support = active_sets(coefs)
    X = X.tocsc() if sparse.issparse(X) else X
    done = {}
    previous = None  # (columns, coef, intercept)
    for i, mask in enumerate(support):
        if not mask.any():
            continue
        key = mask.tobytes()
        if key not in done:
            columns = np.flatnonzero(mask)
            if refit is not None:
                done[key] = refit(X[:, columns], columns, sample_weight)
            else:
                start = _expand_start(previous, columns)
                done[key] = refit_linear(
                    X[:, columns],
                    y,
                    task=family,
                    sample_weight=sample_weight,
                    start=start,
                    **refit_params,
                )
            previous = (columns, *done[key])
        coef, intercept = done[key]
        refit_coefs[i][..., mask] = coef
        refit_intercepts[i] = intercept
    return refit_coefs, refit_intercepts


def _expand_start(previous, columns):
    if previous is None:
        return None
    old_columns, coef, intercept = previous
    start = np.zeros(np.shape(coef)[:-1] + (columns.size,))
    position = np.searchsorted(columns, old_columns)
    kept = (position < columns.size) & (
        columns[np.minimum(position, columns.size - 1)] == old_columns
    )
    start[..., position[kept]] = np.asarray(coef)[..., kept]
    return start, intercept
