"""The regularization path engine: pure numerics, no pandas, no plotting.

Every problem is solved on standardized, weighted-centred features (glmnet's way) and the
coefficients are mapped back to the caller's scale at the end:

- regression: ``sum_i v_i (y_i - b - x_i w)^2 / 2 + alpha * penalty(w)``
- binary / multinomial logistic: ``sum_i v_i logloss_i + alpha * penalty(w)``

with ``v`` the sample weights normalised to sum to one and
``penalty(w) = l1_ratio * ||w||_1 + (1 - l1_ratio) / 2 * ||w||_2^2`` on standardized
coefficients when ``scale=True``. Logistic problems are solved by proximal Newton
(glmnet's IRLS) whose weighted-Lasso steps run in scikit-learn's coordinate descent.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit, logsumexp
from sklearn import config_context
from sklearn.exceptions import ConvergenceWarning

from ._compat import enet_path_weighted

__all__ = ["LinearPath", "l1_path", "null_gradient", "prepare"]

TASKS = ("regression", "binary", "multinomial")
_MIN_HESSIAN = 1e-5 * (1 - 1e-5)  # glmnet's clipping of p(1-p)
_MAX_NEWTON = 100
_FDEV = 1e-5  # glmnet's early-stopping thresholds on the deviance explained
_DEVMAX = 0.999


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
    task : {"regression", "binary", "multinomial"}
    scales : ndarray of shape (n_features,)
        What standardization divided each feature by (1 for constant features or
        ``scale=False``): ``coefs * scales`` are the penalized coefficients.
    """

    alphas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    n_nonzero: np.ndarray
    dev_ratio: np.ndarray
    null_deviance: float
    task: str
    scales: np.ndarray


@dataclass(frozen=True)
class _Problem:
    """Standardized design: dense and centred, or sparse with an implicit offset."""

    X: object  # Fortran ndarray (centred, scaled) or CSC matrix (scaled only)
    offset: np.ndarray | None  # column means of sparse X (None when X is centred)
    mean: np.ndarray  # caller-scale column means, all features
    scale: np.ndarray  # caller-scale column scales, all features (1 for dropped ones)
    keep: np.ndarray  # non-constant features
    v: np.ndarray  # sample weights summing to one
    uniform: bool

    @property
    def n_samples(self):
        return self.X.shape[0]

    def matvec(self, beta):
        out = self.X @ beta
        return out if self.offset is None else out - self.offset @ beta

    def rmatvec(self, r):
        """X~' r for a residual-like ``r`` (already weighted)."""
        out = self.X.T @ r
        return out if self.offset is None else out - self.offset * r.sum()


def prepare(X, sample_weight=None, *, scale=True):
    """Standardize ``X`` with weighted means and population standard deviations."""
    n_samples, n_features = X.shape
    uniform = sample_weight is None
    v = np.full(n_samples, 1.0 / n_samples) if uniform else sample_weight / sample_weight.sum()
    if sparse.issparse(X):
        X = sparse.csc_array(X, dtype=np.float64)
        mean = X.T @ v
        var = X.multiply(X).T @ v - mean**2
    else:
        mean = v @ X
        var = v @ (X - mean) ** 2
    std = np.sqrt(np.maximum(var, 0.0))
    keep = std > 1e-10 * np.maximum(np.abs(mean), 1.0)
    col_scale = np.where(keep & bool(scale), std, 1.0)
    inv = 1.0 / col_scale[keep]
    if sparse.issparse(X):
        Xk = sparse.csc_array(X[:, keep] @ sparse.diags_array(inv))
        Xk.sort_indices()
        Xk.indices = Xk.indices.astype(np.int32, copy=False)
        Xk.indptr = Xk.indptr.astype(np.int32, copy=False)
        offset = mean[keep] * inv
    else:
        Xk = np.asfortranarray((X[:, keep] - mean[keep]) * inv)
        offset = None
    return _Problem(Xk, offset, mean, col_scale, keep, v, uniform)


def null_gradient(prob, Y, task):
    """Gradient of the loss at the intercept-only model, shape (n_kept,) or (K, n_kept)."""
    if task == "multinomial":
        R = prob.v[:, None] * (Y - prob.v @ Y)
        return np.stack([prob.rmatvec(R[:, k]) for k in range(Y.shape[1])])
    return prob.rmatvec(prob.v * (Y - prob.v @ Y))


def default_alphas(prob, Y, task, *, n_alphas=100, eps=None, l1_ratio=1.0):
    """glmnet's grid: ``alpha_max`` down to ``eps * alpha_max``, log-spaced."""
    if eps is None:
        eps = 1e-4 if prob.n_samples > prob.keep.size else 1e-2
    grad = null_gradient(prob, Y, task)
    alpha_max = np.max(np.abs(grad), initial=0.0) / max(l1_ratio, 1e-3)
    if alpha_max <= 0:
        raise ValueError(
            "Every coefficient is zero at every strength: the features are constant "
            "or unrelated to a constant target."
        )
    return np.geomspace(alpha_max, alpha_max * eps, n_alphas)


def l1_path(X, y, *, task, alphas=100, eps=None, l1_ratio=1.0, scale=True,
            sample_weight=None, tol=1e-7, max_iter=1000, stop_early=None, n_classes=None):
    """Fit the elastic-net path of a linear model with warm starts.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Floats for regression; integer class codes ``0..K-1`` for classification.
    task : {"regression", "binary", "multinomial"}
    alphas : int or array-like, default=100
        Number of grid points, or the strengths themselves (used sorted descending).
    eps : float, default=None
        Grid end ``eps * alpha_max``; 1e-4 when n_samples > n_features, else 1e-2.
    l1_ratio : float, default=1.0
    scale : bool, default=True
        Penalize standardized coefficients (glmnet's ``standardize=TRUE``).
    sample_weight : ndarray of shape (n_samples,), default=None
    tol : float, default=1e-7
        Coordinate descent duality-gap tolerance (relative) and Newton tolerance.
    max_iter : int, default=1000
        Coordinate descent epochs per solve.
    stop_early : bool, default=None
        glmnet's rule: stop once the deviance explained exceeds 0.999 or gains less than
        a relative 1e-5. Defaults to True for a generated grid, False for given alphas.
    n_classes : int, default=None
        For "multinomial", the number of classes when the highest codes may be absent.

    Returns
    -------
    LinearPath
    """
    prob = prepare(X, sample_weight, scale=scale)
    Y = _targets(y, task, n_classes)
    if task != "regression" and _class_missing(prob.v @ Y, task):
        raise ValueError(
            "A class is missing from the (positively weighted) training samples; with "
            "cross-validation, use fewer folds or stratified folds."
        )
    if isinstance(alphas, (int, np.integer)):
        alphas = default_alphas(prob, Y, task, n_alphas=int(alphas), eps=eps, l1_ratio=l1_ratio)
        stop_early = True if stop_early is None else stop_early
    else:
        alphas = np.sort(np.asarray(alphas, dtype=np.float64))[::-1]
        stop_early = bool(stop_early)
    solve = _SOLVERS[task]
    # thousands of inner solves: skip their parameter checks, gather their warnings
    with config_context(skip_parameter_validation=True), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        betas, b0s, devs, null_dev = solve(prob, Y, alphas, l1_ratio, tol, max_iter, stop_early)
    _reissue(caught, tol, max_iter)
    return _to_caller_scale(prob, alphas[: len(betas)], betas, b0s, devs, null_dev, task)


def _reissue(caught, tol, max_iter):
    """One ConvergenceWarning for all inner solves that stopped early; others as they came."""
    unconverged = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if unconverged:
        gap = str(unconverged[-1].message).split("Duality gap:")[-1].strip()
        warnings.warn(
            f"Coordinate descent stopped at max_iter={max_iter} before reaching tol={tol} in "
            f"{len(unconverged)} inner solves (last duality gap: {gap}). Increase max_iter, "
            "or stop the path at a larger alpha.",
            ConvergenceWarning,
            stacklevel=3,
        )


def _class_missing(share, task):
    return bool(np.any(share <= 0) or (task == "binary" and share >= 1))


def _targets(y, task, n_classes=None):
    if task == "regression":
        return np.asarray(y, dtype=np.float64)
    if task == "binary":
        return (np.asarray(y) == 1).astype(np.float64)
    codes = np.asarray(y)
    n_classes = codes.max() + 1 if n_classes is None else n_classes
    return (codes[:, None] == np.arange(n_classes)).astype(np.float64)


def _to_caller_scale(prob, alphas, betas, b0s, devs, null_dev, task):
    betas = np.asarray(betas)
    n_features = prob.keep.size
    coefs = np.zeros(betas.shape[:-1] + (n_features,))
    coefs[..., prob.keep] = betas / prob.scale[prob.keep]
    intercepts = np.asarray(b0s) - coefs @ prob.mean
    n_nonzero = (coefs != 0).any(axis=1).sum(axis=-1) if coefs.ndim == 3 else (coefs != 0).sum(1)
    dev_ratio = 1.0 - np.asarray(devs) / null_dev
    return LinearPath(alphas, coefs, intercepts, n_nonzero, dev_ratio, null_dev, task, prob.scale)


def _should_stop(devs, null_dev, stop_early):
    if not stop_early or len(devs) < 5:
        return False
    r_new, r_old = 1 - devs[-1] / null_dev, 1 - devs[-2] / null_dev
    return r_new > _DEVMAX or r_new - r_old < _FDEV * r_new


def _penalty(beta, alpha, l1_ratio):
    return alpha * (l1_ratio * np.abs(beta).sum() + 0.5 * (1 - l1_ratio) * (beta**2).sum())


def _weighted_lasso(prob, z, W, beta, alpha, l1_ratio, tol, max_iter):
    """Solve min over (c, beta) of sum_i W_i (z_i - c - x~_i beta)^2 / 2 + alpha*penalty.

    Returns the new ``beta`` and intercept ``c - xbar_W . beta`` on the x~ scale.
    """
    n = prob.n_samples
    sw = W.sum()
    z_bar = W @ z / sw
    if prob.offset is None:
        x_bar = W @ prob.X / sw
        root = np.sqrt(n * W)
        A = np.asfortranarray((prob.X - x_bar) * root[:, None])
        zw = (z - z_bar) * root
        gram = A.T @ A if n > A.shape[1] else False  # cheaper epochs when n > p
        coefs, _ = enet_path_weighted(A, zw, [alpha], l1_ratio=l1_ratio, coef_init=beta,
                                      tol=tol, max_iter=max_iter, precompute=gram,
                                      Xy=None if gram is False else A.T @ zw)
    else:
        x_bar = prob.X.T @ W / sw
        coefs, _ = enet_path_weighted(prob.X, z - z_bar, [alpha], l1_ratio=l1_ratio,
                                      coef_init=beta, tol=tol, max_iter=max_iter,
                                      sample_weight=n * W, X_offset=x_bar)
        x_bar = x_bar - prob.offset  # back to the centred x~ scale
    beta_new = coefs[:, 0]
    return beta_new, z_bar - x_bar @ beta_new


def _gaussian(prob, Y, alphas, l1_ratio, tol, max_iter, stop_early):
    v, n = prob.v, prob.n_samples
    y_bar = v @ Y
    yc = Y - y_bar
    null_dev = v @ yc**2
    if prob.offset is None:
        root = np.sqrt(n * v)
        A = prob.X if prob.uniform else np.asfortranarray(prob.X * root[:, None])
        yw = yc if prob.uniform else yc * root
        gram = A.T @ A if n > A.shape[1] else False
        Xy = A.T @ yw if gram is not False else None
        kwargs = {"precompute": gram, "Xy": Xy}
    else:
        yw = yc
        kwargs = {"X_offset": prob.offset, "sample_weight": None if prob.uniform else n * v}
        A = prob.X
    beta = np.zeros(A.shape[1])
    betas, b0s, devs = [], [], []
    for alpha in alphas:
        coefs, _ = enet_path_weighted(A, yw, [alpha], l1_ratio=l1_ratio, coef_init=beta,
                                      tol=tol, max_iter=max_iter, **kwargs)
        beta = coefs[:, 0].copy()
        r = yc - prob.matvec(beta)
        betas.append(beta)
        b0s.append(y_bar)
        devs.append(v @ r**2)
        if _should_stop(devs, null_dev, stop_early):
            break
    return betas, b0s, devs, null_dev


def _binomial_loss(v, y, eta):
    return v @ (np.logaddexp(0.0, eta) - y * eta)


def _binomial(prob, Y, alphas, l1_ratio, tol, max_iter, stop_early):
    v = prob.v
    p_bar = v @ Y
    b = np.log(p_bar / (1 - p_bar))
    beta = np.zeros(prob.X.shape[1])
    eta = np.full(prob.n_samples, b)
    null_dev = 2 * _binomial_loss(v, Y, eta)
    betas, b0s, devs = [], [], []
    for alpha in alphas:
        objective = _binomial_loss(v, Y, eta) + _penalty(beta, alpha, l1_ratio)
        for _ in range(_MAX_NEWTON):
            p = expit(eta)
            h = np.maximum(p * (1 - p), _MIN_HESSIAN)
            W = v * h
            beta_new, b_new = _weighted_lasso(prob, eta + (Y - p) / h, W, beta, alpha,
                                              l1_ratio, tol, max_iter)
            d_eta = b_new + prob.matvec(beta_new) - eta
            step, objective = _line_search(
                lambda t: _binomial_loss(v, Y, eta + t * d_eta)
                + _penalty(beta + t * (beta_new - beta), alpha, l1_ratio),
                objective,
            )
            beta = beta + step * (beta_new - beta)
            b = b + step * (b_new - b)
            eta = eta + step * d_eta
            if step * step * (W @ d_eta**2) <= tol * W.sum():
                break
        betas.append(beta.copy())
        b0s.append(b)
        devs.append(2 * _binomial_loss(v, Y, eta))
        if _should_stop(devs, null_dev, stop_early):
            break
    return betas, b0s, devs, null_dev


def _multinomial_loss(v, Y, Eta):
    return v @ (logsumexp(Eta, axis=1) - (Y * Eta).sum(axis=1))


def _multinomial(prob, Y, alphas, l1_ratio, tol, max_iter, stop_early):
    """glmnet's ungrouped multinomial: a partial Newton step per class, cycled."""
    v = prob.v
    n_classes = Y.shape[1]
    b = np.log(np.maximum(v @ Y, 1e-300))
    b -= b.mean()
    B = np.zeros((n_classes, prob.X.shape[1]))
    Eta = np.tile(b, (prob.n_samples, 1))
    null_dev = 2 * _multinomial_loss(v, Y, Eta)
    betas, b0s, devs = [], [], []
    for alpha in alphas:
        objective = _multinomial_loss(v, Y, Eta) + _penalty(B, alpha, l1_ratio)
        for _ in range(_MAX_NEWTON):
            change = 0.0
            for k in range(n_classes):
                p = np.exp(Eta[:, k] - logsumexp(Eta, axis=1))
                h = np.maximum(p * (1 - p), _MIN_HESSIAN)
                W = v * h
                beta_k, b_k = _weighted_lasso(prob, Eta[:, k] + (Y[:, k] - p) / h, W, B[k],
                                              alpha, l1_ratio, tol, max_iter)
                d_beta, d_eta = beta_k - B[k], b_k + prob.matvec(beta_k) - Eta[:, k]

                def trial(t, k=k, d_beta=d_beta, d_eta=d_eta):
                    E = Eta.copy()
                    E[:, k] += t * d_eta
                    Bt = B.copy()
                    Bt[k] += t * d_beta
                    return _multinomial_loss(v, Y, E) + _penalty(Bt, alpha, l1_ratio)

                step, objective = _line_search(trial, objective)
                B[k] += step * d_beta
                b[k] += step * (b_k - b[k])
                Eta[:, k] += step * d_eta
                change = max(change, step * step * (W @ d_eta**2) / W.sum())
            if change <= tol:
                break
        shift = b.mean()
        b -= shift
        Eta -= shift
        betas.append(B.copy())
        b0s.append(b.copy())
        devs.append(2 * _multinomial_loss(v, Y, Eta))
        if _should_stop(devs, null_dev, stop_early):
            break
    return betas, b0s, devs, null_dev


def _line_search(objective_at, current, max_halvings=30):
    """Backtracking on the full step: the first of 1, 1/2, 1/4, ... that does not increase
    the penalized objective (a safeguard for IRLS, which glmnet takes without one)."""
    step = 1.0
    for _ in range(max_halvings):
        value = objective_at(step)
        if value <= current + 1e-12 * abs(current):
            return step, value
        step /= 2
    return 0.0, current


_SOLVERS = {"regression": _gaussian, "binary": _binomial, "multinomial": _multinomial}
