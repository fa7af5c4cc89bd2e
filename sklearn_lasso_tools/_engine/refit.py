"""The refit of a linear model on chosen columns, for the relaxed Lasso: least squares for
regression (as glmnet's), the logistic loss with a light ridge for classification, so that
separated classes cannot send the weights to infinity (Newton's method, to machine
precision). Pure numerics.
"""

import numpy as np
from scipy import sparse
from scipy.optimize import nnls
from scipy.special import expit, log_softmax, softmax

from .families import family_for
from .path import l1_path

__all__ = ["REFIT_L2", "refit_linear"]

REFIT_L2 = 1e-4
"""Ridge strength of the classification refit: ``REFIT_L2 / 2 * ||s * w||^2`` is added to
the (weighted) mean log-loss, ``s`` the features' standard deviations when ``scale``."""

_NEWTON_MAX_ITER = 100


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
