"""Relaxed fits along a path (glmnet's ``relax=TRUE``): pure numerics.

For each distinct active set of an L1 path, the model is refitted on those features alone
(least squares for regression, as glmnet; for classification the logistic loss with a
light ridge so that separated classes cannot send the weights to infinity), and the
relaxed fit at ``gamma`` blends the two: ``gamma * l1 + (1 - gamma) * refit`` for the
coefficients and the intercept (Meinshausen 2007; Hastie, Tibshirani & Tibshirani 2020).
Cross-validation scores every (alpha, gamma) pair on the same folds and applies glmnet's
rules for relaxed fits (``cv.glmnet(relax=TRUE)``).
"""

from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from scipy.optimize import nnls
from scipy.special import expit, log_softmax, softmax

from .cv import fold_statistics, subset_path
from .families import family_for
from .path import l1_path
from .scoring import score_path
from .support import path_support

__all__ = [
    "REFIT_L2",
    "RelaxedCVResult",
    "blend",
    "cross_validate_relaxed",
    "refit_linear",
    "refit_path",
    "relaxed_rules",
]

REFIT_L2 = 1e-4
"""Ridge strength of the classification refit: ``REFIT_L2 / 2 * ||s * w||^2`` is added to
the (weighted) mean log-loss, ``s`` the features' standard deviations when ``scale``."""

_NEWTON_MAX_ITER = 100


def blend(l1, refit, gamma):
    """``gamma * l1 + (1 - gamma) * refit``, written so equal inputs give ``refit`` exactly."""
    return refit + gamma * (np.asarray(l1) - refit)


def refit_linear(
    X,
    y,
    *,
    task,
    sample_weight=None,
    l2=REFIT_L2,
    scale=True,
    n_classes=None,
    start=None,
    positive=False,
):
    """Refit a linear model on every column of ``X``.

    Regression: weighted least squares with an intercept (the minimum-norm solution when
    the columns are collinear), no penalty. Binary / multinomial: weighted mean log-loss
    plus ``l2 / 2 * ||s * w||^2`` (``s`` the weighted standard deviations when ``scale``,
    else 1; the intercept is free), by Newton's method to machine precision.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, k)
    y : ndarray of shape (n_samples,)
        Floats for regression, class codes for classification.
    task : Family or its name
        One whose ``supports_relax``: Gaussian, binomial or multinomial.
    sample_weight : ndarray of shape (n_samples,), default=None
    l2 : float, default=REFIT_L2
        Ridge strength (classification only; 0 is unpenalized, as glmnet's refit).
    scale : bool, default=True
    n_classes : int, default=None
        For "multinomial".
    start : tuple (coef, intercept), default=None
        Warm start for classification.
    positive : bool, default=False
        Non-negative coefficients (glmnet passes ``lower.limits`` to its refit too):
        non-negative least squares, or the path engine's constrained ridge-logistic solve.

    Returns
    -------
    coef : ndarray of shape (k,) or (n_classes, k)
    intercept : float or ndarray of shape (n_classes,)
    """
    family = family_for(task)
    if not family.supports_relax:
        raise ValueError(
            f"The relaxed refit supports regression and classification; got {family.task!r}."
        )
    X = X.toarray() if sparse.issparse(X) else np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    v = np.full(n, 1.0 / n) if sample_weight is None else sample_weight / sample_weight.sum()
    mean = v @ X
    Xc = X - mean
    if family.squared_loss:
        root = np.sqrt(v)
        y_mean = v @ y
        A, b = Xc * root[:, None], (y - y_mean) * root
        coef = nnls(A, b)[0] if positive else np.linalg.lstsq(A, b, rcond=None)[0]
        return coef, float(y_mean - mean @ coef)
    if positive:  # the same objective as below, by the engine's constrained solver
        path = l1_path(
            X,
            y,
            task=family,
            alphas=[max(l2, 1e-12)],
            l1_ratio=0.0,
            scale=scale,
            sample_weight=sample_weight,
            positive=True,
            tol=1e-12,
            n_classes=n_classes,
        )
        return path.coefs[0], path.intercepts[0]
    s2 = (v @ Xc**2) if scale else np.ones(X.shape[1])
    ridge = l2 * np.where(s2 > 0, s2, 1.0)
    Y = family.targets(y, n_classes)  # 0/1 (binary), or one-hot columns (multinomial)
    if Y.ndim == 1:
        return _newton_binary(Xc, Y, v, ridge, mean, start)
    return _newton_multinomial(Xc, Y, v, ridge, mean, start)


def _newton_binary(Xc, y, v, ridge, mean, start):
    """Newton with backtracking on centred columns; returns caller-scale coef, intercept."""
    k = Xc.shape[1]
    X1 = np.column_stack([np.ones(len(y)), Xc])
    penalty = np.concatenate([[0.0], ridge])
    theta = np.zeros(k + 1)
    if start is not None:  # caller-scale (coef, intercept) -> centred parametrization
        theta[1:] = start[0]
        theta[0] = start[1] + mean @ start[0]
    else:
        share = np.clip(v @ y, 1e-12, 1 - 1e-12)
        theta[0] = np.log(share / (1 - share))

    def objective(t):
        eta = X1 @ t
        return v @ (np.logaddexp(0.0, eta) - y * eta) + 0.5 * penalty @ t**2

    value = objective(theta)
    for _ in range(_NEWTON_MAX_ITER):
        p = expit(X1 @ theta)
        grad = X1.T @ (v * (p - y)) + penalty * theta
        hess = (X1 * (v * p * (1 - p))[:, None]).T @ X1 + np.diag(penalty)
        step = -np.linalg.lstsq(hess, grad, rcond=None)[0]
        theta, value, done = _newton_step(objective, theta, value, grad, step)
        if done:
            break
    coef = theta[1:]
    return coef, float(theta[0] - mean @ coef)


def _newton_multinomial(Xc, Y, v, ridge, mean, start):
    """Newton on all classes at once (symmetric parametrization, minimum-norm steps)."""
    n, k = Xc.shape
    K = Y.shape[1]
    X1 = np.column_stack([np.ones(n), Xc])
    penalty = np.tile(np.concatenate([[0.0], ridge]), K)  # class-major, as theta.ravel()
    theta = np.zeros((K, k + 1))
    if start is not None:
        theta[:, 1:] = start[0]
        theta[:, 0] = start[1] + start[0] @ mean
    else:
        theta[:, 0] = np.log(np.clip(v @ Y, 1e-12, None))
        theta[:, 0] -= theta[:, 0].mean()

    def objective(t):
        eta = X1 @ t.reshape(K, k + 1).T
        return -v @ (log_softmax(eta, axis=1) * Y).sum(axis=1) + 0.5 * penalty @ t**2

    flat = theta.ravel()
    value = objective(flat)
    for _ in range(_NEWTON_MAX_ITER):
        P = softmax(X1 @ flat.reshape(K, k + 1).T, axis=1)
        grad = (X1.T @ (v[:, None] * (P - Y))).T.ravel() + penalty * flat
        hess = np.empty((K, k + 1, K, k + 1))
        for a in range(K):
            for b in range(a, K):
                d = v * P[:, a] * ((a == b) - P[:, b])
                block = (X1 * d[:, None]).T @ X1
                hess[a, :, b, :] = block
                hess[b, :, a, :] = block.T
        hess = hess.reshape(K * (k + 1), K * (k + 1)) + np.diag(penalty)
        step = -np.linalg.lstsq(hess, grad, rcond=None)[0]
        flat, value, done = _newton_step(objective, flat, value, grad, step)
        if done:
            break
    theta = flat.reshape(K, k + 1)
    theta[:, 0] -= theta[:, 0].mean()  # glmnet's convention: intercepts sum to zero
    coef = theta[:, 1:]
    return coef, theta[:, 0] - coef @ mean


def _newton_step(objective, theta, value, grad, step):
    """One damped Newton step: full steps once in the quadratic region (where rounding in
    the objective would stall a line search), Armijo backtracking before. Returns the new
    point, its objective and whether Newton has converged (or cannot move)."""
    decrement = -grad @ step
    if not decrement > 1e-28:
        return theta, value, True
    if decrement < 1e-12:
        theta = theta + step
        return theta, objective(theta), decrement < 1e-24
    t = 1.0
    for _ in range(60):
        candidate = theta + t * step
        new = objective(candidate)
        if new <= value - 0.25 * t * decrement:
            return candidate, new, False
        t *= 0.5
    return theta, value, True


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


@dataclass(frozen=True)
class RelaxedCVResult:
    """Scores of every (gamma, alpha) pair on every fold, and the rules' choices.

    Attributes
    ----------
    scores : ndarray of shape (n_gammas, n_alphas, n_folds)
        Greater is better.
    mean, std, se : ndarray of shape (n_gammas, n_alphas)
        As :class:`~sklearn_lasso_tools._cv.CVResult` (glmnet's weighted mean and SE).
    index_min, index_1se : tuple of int
        ``(gamma index, alpha index)`` chosen by :func:`relaxed_rules`.
    """

    scores: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    se: np.ndarray
    index_min: tuple
    index_1se: tuple


def relaxed_rules(mean, se):
    """glmnet's rules for relaxed fits (``getOptcv.relaxed``) on a descending alpha grid.

    ``mean`` and ``se`` have shape (n_gammas, n_alphas), gammas ascending. "min": the best
    mean score, ties going to the largest alpha, then the largest gamma. "1se": among all
    pairs whose mean is within one SE (of the "min" pair) of the best, the largest alpha,
    then the largest gamma (the sparsest and then the most shrunken fit).

    Returns
    -------
    index_min, index_1se : tuple of int
        ``(gamma index, alpha index)``.
    """

    def first(candidates):
        g, a = np.nonzero(candidates)
        alpha = a.min()
        return int(g[a == alpha].max()), int(alpha)

    index_min = first(mean >= np.max(mean))
    threshold = mean[index_min] - se[index_min]
    return index_min, first(mean >= threshold)


def cross_validate_relaxed(
    X,
    y,
    y_original,
    splits,
    *,
    task,
    alphas,
    gammas,
    scoring,
    classes=None,
    sample_weight=None,
    n_jobs=None,
    refit=None,
    refit_params=None,
    **path_params,
):
    """Relaxed fits on each training fold, every (gamma, alpha) scored on its test fold.

    The folds run through joblib as :func:`~sklearn_lasso_tools._cv.cross_validate_path`'s
    do. ``refit`` is a factory: ``refit(train) -> callable`` as :func:`refit_path` takes,
    or ``None`` for :func:`refit_linear` with ``refit_params``.
    """
    family = family_for(task)
    gammas = np.asarray(gammas, dtype=np.float64)
    if refit is None:
        refit_params = {
            "scale": path_params.get("scale", True),
            "n_classes": path_params.get("n_classes"),
            **(refit_params or {}),
        }
    else:
        refit_params = {}
    jobs = (
        delayed(_relaxed_fold)(
            X,
            y,
            y_original,
            train,
            test,
            task=family,
            alphas=alphas,
            gammas=gammas,
            scoring=scoring,
            classes=classes,
            sample_weight=sample_weight,
            refit=None if refit is None else refit(train),
            refit_params=refit_params,
            **path_params,
        )
        for train, test in splits
    )
    scores = np.stack(Parallel(n_jobs=n_jobs)(jobs), axis=-1)
    mean, se = fold_statistics(scores, splits, sample_weight)
    index_min, index_1se = relaxed_rules(mean, se)
    std = np.nanstd(scores, axis=-1)  # (over the folds that have a score)
    return RelaxedCVResult(scores, mean, std, se, index_min, index_1se)


def _relaxed_fold(
    X,
    y,
    y_original,
    train,
    test,
    *,
    task,
    alphas,
    gammas,
    scoring,
    classes,
    sample_weight,
    refit,
    refit_params,
    **path_params,
):
    coefs, intercepts = subset_path(
        X, y, train, task=task, alphas=alphas, sample_weight=sample_weight, **path_params
    )
    weights = None if sample_weight is None else sample_weight[train]
    refit_coefs, refit_intercepts = refit_path(
        X[train],
        y[train],
        coefs,
        intercepts,
        task=task,
        sample_weight=weights,
        refit=refit,
        **refit_params,
    )
    test_weights = None if sample_weight is None else sample_weight[test]
    X_test = X[test]
    return np.stack(
        [
            score_path(
                scoring,
                task,
                blend(coefs, refit_coefs, gamma),
                blend(intercepts, refit_intercepts, gamma),
                classes,
                X_test,
                y[test],
                y_original[test],
                test_weights,
            )
            for gamma in gammas
        ]
    )
