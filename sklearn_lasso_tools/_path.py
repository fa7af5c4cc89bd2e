"""The regularization path engine: pure numerics, no pandas, no plotting.

Every problem is solved on standardized, weighted-centred features (glmnet's way) and the
coefficients are mapped back to the caller's scale at the end:

- regression: ``sum_i v_i (y_i - b - x_i w)^2 / 2 + alpha * penalty(w)``
- binary / multinomial logistic: ``sum_i v_i logloss_i + alpha * penalty(w)``

with ``v`` the sample weights normalised to sum to one and
``penalty(w) = sum_j f_j * (l1_ratio * |w_j| + (1 - l1_ratio) / 2 * w_j^2)`` on standardized
coefficients when ``scale=True``, ``f`` the penalty factors (glmnet's ``penalty.factor``,
rescaled to sum to the number of features; all ones by default). A factor is folded into
its column: the solvers see ``x_j / f_j`` and a plain L1 penalty on ``f_j w_j``, with a
per-column ridge weight ``1 / f_j`` when ``l1_ratio < 1``. A zero factor (unpenalized) is
the tiny ``_UNPENALIZED``, whose shrinkage is far below the solver's tolerance.
Logistic problems are solved by proximal Newton (glmnet's IRLS) whose weighted-Lasso steps
run in scikit-learn's coordinate descent.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning

from ._compat import quiet_coordinate_descent, single_threaded_blas
from ._solvers import SOLVERS, _log_sum_exp
from ._validation import check_penalty_factor

__all__ = [
    "CrossProducts",
    "LinearPath",
    "RowSubset",
    "cross_products_for",
    "l1_path",
    "prepare",
    "take_rows",
]

_UNPENALIZED = 1e-10
_BLOCK_ROWS = 4096  # rows per block of a cross-product (see CrossProducts)
_BLOCK_COLUMNS = 256  # columns per block of take_rows


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


@dataclass(frozen=True)
class _Problem:
    """Standardized design: dense and centred, sparse with an implicit offset, or (for
    squared loss with more samples than features) only its Gram matrix."""

    X: object  # C-ordered ndarray (centred, scaled), CSC matrix (scaled only) or None
    offset: np.ndarray | None  # column means of sparse X (None when X is centred)
    mean: np.ndarray  # caller-scale column means, all features
    scale: np.ndarray  # caller-scale column divisors (std * penalty factor), all features
    keep: np.ndarray  # non-constant features
    v: np.ndarray  # sample weights summing to one
    uniform: bool
    subset: np.ndarray | None = None  # the full problem's features, when restricted
    ridge: np.ndarray | None = None  # per-column L2 weights 1 / f_j (None: all ones)
    positive: bool = False
    gram: np.ndarray | None = None  # X~' diag(n v) X~, given instead of X (see RowSubset)
    xy: np.ndarray | None = None  # X~' diag(n v) y, with the Gram matrix

    @property
    def n_samples(self):
        return self.v.size

    @property
    def n_features(self):
        return self.gram.shape[0] if self.X is None else self.X.shape[1]

    @property
    def columns(self):
        """Which features of the full problem these columns are (all, unless restricted)."""
        return np.arange(self.n_features) if self.subset is None else self.subset

    def restrict(self, mask):
        """The same problem on the features where ``mask`` is true."""
        if mask.all():
            return self
        columns = np.flatnonzero(mask)
        if isinstance(self.X, np.ndarray) and self.X.flags.c_contiguous:
            X = np.take(self.X, columns, axis=1)  # twice as fast as indexing, on C order
        else:
            X = self.X[:, columns]
        if sparse.issparse(X):
            X.indices = X.indices.astype(np.int32, copy=False)
            X.indptr = X.indptr.astype(np.int32, copy=False)
        offset = None if self.offset is None else self.offset[columns]
        ridge = None if self.ridge is None else self.ridge[columns]
        return _Problem(
            X, offset, None, None, None, self.v, self.uniform, columns, ridge, self.positive
        )

    def matvec(self, beta):
        nonzero = np.flatnonzero(beta)
        if nonzero.size > beta.size // 4:
            out = self.X @ beta
        else:  # few active features: touch only their columns
            out = self.X[:, nonzero] @ beta[nonzero]
        return out if self.offset is None else out - self.offset @ beta

    def rmatvec(self, r):
        """X~' r for a residual-like ``r`` (already weighted)."""
        out = self.X.T @ r
        return out if self.offset is None else out - self.offset * r.sum()


def prepare(X, sample_weight=None, *, scale=True, penalty_factor=None, positive=False, copy_X=True):
    """Standardize ``X`` with weighted means and population standard deviations, and fold
    the penalty factors (already checked by ``check_penalty_factor``) into the columns.
    With ``copy_X=False`` a dense ``X`` (float64) is centred and scaled in place."""
    n_samples, n_features = X.shape
    uniform = sample_weight is None
    v = np.full(n_samples, 1.0 / n_samples) if uniform else sample_weight / sample_weight.sum()
    if sparse.issparse(X):
        X = sparse.csc_array(X, dtype=np.float64)
        mean = X.T @ v
        var = X.multiply(X).T @ v - mean**2
    else:
        # the one copy (none with copy_X=False when X is in the design's order already),
        # made first: then the means, summed in that order, do not depend on X's order
        order = design_order(X.shape)
        centred = np.array(X, dtype=np.float64, order=order, copy=copy_X or None)
        mean = v @ centred
        centred -= mean
        var = np.einsum("i,ij,ij->j", v, centred, centred)
    keep, col_scale, ridge = _column_scales(mean, var, scale, penalty_factor)
    inv = 1.0 / col_scale[keep]
    if sparse.issparse(X):
        Xk = sparse.csc_array(X[:, keep] @ sparse.diags_array(inv))
        Xk.sort_indices()
        Xk.indices = Xk.indices.astype(np.int32, copy=False)
        Xk.indptr = Xk.indptr.astype(np.int32, copy=False)
        offset = mean[keep] * inv
    else:
        Xk = centred if keep.all() else centred[:, keep]
        Xk *= inv
        Xk = np.asarray(Xk, order=order)  # (a selection of columns may not keep it)
        offset = None
    return _Problem(Xk, offset, mean, col_scale, keep, v, uniform, None, ridge, bool(positive))


def design_order(shape):
    """The memory order of a dense standardized design of this shape. Tall designs are
    C-ordered: Gram products and X' r over every feature are fastest so. Wide ones are
    Fortran-ordered: their paths copy strong and working sets of columns many times, and
    descent reads whole columns (X' r over every feature then runs on a float32 copy)."""
    return "F" if shape[0] < shape[1] else "C"


def take_rows(X, rows):
    """``X[rows]``, a dense ``X``'s in ``design_order`` (gathered a block of columns at a
    time: no second copy of the rows for a change of order)."""
    if not isinstance(X, np.ndarray) or design_order((len(rows), X.shape[1])) == "C":
        return X[rows]
    out = np.empty((len(rows), X.shape[1]), dtype=X.dtype, order="F")
    for start in range(0, X.shape[1], _BLOCK_COLUMNS):
        columns = slice(start, start + _BLOCK_COLUMNS)
        out[:, columns] = X[rows, columns]
    return out


def _column_scales(mean, var, scale, penalty_factor):
    """The non-constant features, what standardization divides each feature by, and the
    per-column ridge weights (None without penalty factors)."""
    std = np.sqrt(np.maximum(var, 0.0))
    keep = std > 1e-10 * np.maximum(np.abs(mean), 1.0)
    col_scale = np.where(keep & bool(scale), std, 1.0)
    ridge = None
    if penalty_factor is not None:
        factor = np.maximum(penalty_factor, _UNPENALIZED)
        col_scale = np.where(keep, col_scale * factor, col_scale)
        ridge = 1.0 / factor[keep]
    return keep, col_scale, ridge


class CrossProducts:
    """Weighted cross-products of ``[X, y]`` (dense ``X``, squared loss), from which the
    standardized Gram matrix of any subset of rows follows by subtracting the other rows'
    products: the folds of a cross-validation then neither copy their rows nor multiply
    them. Everything is centred on the whole data's means first, so the differences lose
    no digits to large means.

    ``held_out`` may list the rows each fold holds out: when no row is in two of them,
    the whole data's products are the sum of theirs (and of the rows none holds out), so
    each row is multiplied once, not once for the whole and once more for its fold.
    """

    def __init__(self, X, y, sample_weight=None, held_out=()):
        self.X, self.y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.w = np.ones(X.shape[0]) if sample_weight is None else sample_weight
        self.centre = self.w @ X / self.w.sum()
        self.y_centre = self.w @ y / self.w.sum()
        self._parts = []  # (rows, their moments) of the held-out blocks
        every = np.concatenate([np.empty(0, dtype=np.intp), *held_out])
        counts = np.bincount(every, minlength=X.shape[0])  # how often each row is held out
        if len(held_out) and counts.max() <= 1:
            self._parts = [(rows, self._moments(rows)) for rows in held_out]
            parts = [moments for _, moments in self._parts]
            if not counts.all():
                parts.append(self._moments(np.flatnonzero(counts == 0)))
            self.total = tuple(sum(terms) for terms in zip(*parts, strict=True))
        else:
            self.total = self._moments(None)

    def _moments_of(self, rows):
        """The moments of ``rows``, those of a held-out block already computed."""
        for part, moments in self._parts:
            if np.array_equal(part, rows):
                return moments
        return self._moments(rows)

    def _moments(self, rows):
        """``(sum w, sum w a, sum w a a')`` of ``a = [x, y] - centres`` over ``rows`` (an
        index array, or None for all), a block of rows at a time: fresh copies of a large
        design would cost as much in page faults as the products themselves."""
        n_rows, p = self.X.shape[0] if rows is None else rows.size, self.X.shape[1]
        sums, products = np.zeros(p + 1), np.zeros((p + 1, p + 1))
        buffer = np.empty((min(n_rows, _BLOCK_ROWS), p))
        # one thread: on a shared machine, two threads often take twice as long, not half
        with single_threaded_blas():
            for start in range(0, n_rows, _BLOCK_ROWS):
                block = slice(start, start + _BLOCK_ROWS)
                if rows is not None:
                    block = rows[block]
                w = self.w[block]
                Z = buffer[: w.size]
                if rows is None:
                    np.subtract(self.X[block], self.centre, out=Z)
                else:
                    # (mode="clip": with "raise", numpy buffers ``out``, a copy more)
                    np.take(self.X, block, axis=0, out=Z, mode="clip")
                    Z -= self.centre
                t = self.y[block] - self.y_centre
                sums[:p] += w @ Z
                sums[p] += w @ t
                if not np.all(w == 1.0):
                    root = np.sqrt(w)
                    Z *= root[:, None]
                    t = t * root
                products[:p, :p] += Z.T @ Z
                products[:p, p] += Z.T @ t
                products[p, p] += t @ t
        products[p, :p] = products[:p, p]
        return (self.w if rows is None else self.w[rows]).sum(), sums, products

    def moments(self):
        """The whole data's weighted column means and covariance matrix of ``X``."""
        weight, sums, products = self.total
        mean = sums / weight
        cov = products / weight - np.multiply.outer(mean, mean)
        return self.centre + mean[:-1], cov[:-1, :-1]

    def squared_residuals(self, rows, coefs, intercepts):
        """``(squares, weight, total)``: the weighted sum of squared residuals over ``rows``
        of each point of a path (``coefs`` of shape (n_alphas, n_features), caller's
        scale), the rows' weight, and their weighted sum of squares about their mean, all
        from the rows' moments (no pass over them); None when the terms that cancel exceed
        a sum a million times (nearly exact fits), which would keep only about 10 digits."""
        weight, sums, products = self._moments_of(rows)
        B = np.column_stack([-coefs, np.ones(len(coefs))])  # residual: a . B_k + d_k
        d = self.y_centre - intercepts - coefs @ self.centre
        with single_threaded_blas():  # (a small product: threads cost more than they save)
            quadratic = np.einsum("kj,kj->k", B @ products, B)
        squares = quadratic + d * (2 * (B @ sums) + weight * d)
        # the size of the terms that cancel (Cauchy-Schwarz)
        terms = (np.abs(B) @ np.sqrt(products.diagonal()) + np.sqrt(weight) * np.abs(d)) ** 2
        if np.any(terms > 1e6 * squares):
            return None
        return squares, weight, products[-1, -1] - sums[-1] ** 2 / weight

    def without(self, rows):
        """A ``RowSubset`` of every row but ``rows`` (indices), or None when a feature is
        nearly constant on the others but not everywhere: the difference of products
        would then be mostly rounding."""
        weight, sums, products = (
            total - part for total, part in zip(self.total, self._moments_of(rows), strict=True)
        )
        mean = sums / weight
        cov = products / weight - np.multiply.outer(mean, mean)
        second_moment = products.diagonal() / weight
        magnitude = np.maximum(np.abs(np.append(self.centre, self.y_centre) + mean), 1.0)
        constant = second_moment <= (1e-10 * magnitude) ** 2  # dropped, as by prepare
        if np.any((cov.diagonal() <= 1e-8 * second_moment) & ~constant):
            return None
        return RowSubset(self.centre + mean[:-1], cov)


@dataclass(frozen=True)
class RowSubset:
    """Some rows of a dense design, by their weighted column means and the weighted
    covariance of ``[X, y]`` (weights summing to one): what ``l1_path`` needs for squared
    loss with more samples than features, in place of ``X``."""

    mean: np.ndarray
    cov: np.ndarray

    @property
    def shape(self):
        return (None, self.mean.size)

    def prepare(self, n_samples, sample_weight, *, scale, penalty_factor, positive):
        """The ``_Problem`` of ``prepare``, carrying the Gram matrix and ``X~' diag(n v) y``
        in place of the design."""
        p = self.mean.size
        keep, col_scale, ridge = _column_scales(
            self.mean, self.cov.diagonal()[:p], scale, penalty_factor
        )
        columns = np.flatnonzero(keep)
        cov = self.cov[np.ix_(np.append(columns, p), columns)]
        inv = 1.0 / col_scale[keep]
        gram = n_samples * cov[:-1] * np.multiply.outer(inv, inv)
        xy = n_samples * cov[-1] * inv
        uniform = sample_weight is None
        v = np.full(n_samples, 1.0 / n_samples) if uniform else sample_weight / sample_weight.sum()
        return _Problem(
            None, None, self.mean, col_scale, keep, v, uniform, None, ridge, positive, gram, xy
        )


def _start_gradient(prob, Y, task, penalty_factor, l1_ratio, positive, tol, max_iter):
    """Correlations of every column with the residual of the model without penalized
    features: intercept only, or with the unpenalized features fitted. Those carry a
    penalty (tiny, but not zero), so they are fitted twice: unpenalized, then at the
    ``alpha_max`` this gives, where the path starts. The result is inflated by a
    millionth then, so that the path's own fit there (equal up to the solver's tolerance)
    keeps every penalized feature at zero, as glmnet's first point does."""
    unpenalized = None if penalty_factor is None else penalty_factor[prob.keep] == 0
    if unpenalized is None or not unpenalized.any():
        return _gradient(prob, Y, prob.v @ Y)
    sub = prob.restrict(unpenalized)
    alpha = 0.0
    for _ in range(2):
        trace = SOLVERS[task](sub, Y, np.array([alpha]), l1_ratio, tol, max_iter, False, False)
        intercept = trace.intercepts[0]
        if task == "multinomial":
            Eta = intercept + np.column_stack([sub.matvec(b) for b in trace.betas[0]])
            fitted = np.exp(Eta - _log_sum_exp(Eta)[:, None])
        else:
            eta = intercept + sub.matvec(trace.betas[0])
            fitted = eta if task == "regression" else expit(eta)
        grad = _gradient(prob, Y, fitted)
        alpha = _alpha_max(grad, penalty_factor[prob.keep] > 0, positive, l1_ratio)
    return grad * (1 + 1e-6)


def _gradient(prob, Y, fitted):
    """``X~' v (Y - fitted)``: shape (n_kept,), or (K, n_kept) for multinomial."""
    if Y.ndim == 2:
        residual = prob.v[:, None] * (Y - fitted)
        return np.stack([prob.rmatvec(residual[:, k]) for k in range(Y.shape[1])])
    return prob.rmatvec(prob.v * (Y - fitted))


def _alpha_max(grad, penalized, positive, l1_ratio):
    """The smallest alpha at which every penalized coefficient is zero."""
    grad = grad[..., penalized]
    return np.max(grad if positive else np.abs(grad), initial=0.0) / max(l1_ratio, 1e-3)


def default_alphas(alpha_max, *, n_samples, n_features, n_alphas=100, eps=None):
    """glmnet's grid: ``alpha_max`` down to ``eps * alpha_max``, log-spaced."""
    if eps is None:
        eps = 1e-4 if n_samples > n_features else 1e-2
    return np.geomspace(alpha_max, alpha_max * eps, n_alphas)


def l1_path(
    X,
    y,
    *,
    task,
    alphas=100,
    eps=None,
    l1_ratio=1.0,
    scale=True,
    sample_weight=None,
    tol=1e-7,
    max_iter=10_000,
    stop_early=None,
    saturate=None,
    n_classes=None,
    on_point=None,
    penalty_factor=None,
    positive=False,
    copy_X=True,
    cross_products=None,
):
    """Fit the elastic-net path of a linear model with warm starts.

    Parameters
    ----------
    X : ndarray, sparse matrix of shape (n_samples, n_features), or RowSubset
        A ``RowSubset`` (given alphas, squared loss with more samples than features)
        stands for rows of a design through their Gram matrix.
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
    max_iter : int, default=10_000
        Coordinate descent epochs per solve.
    stop_early : bool, default=None
        glmnet's rule: stop once the deviance explained exceeds 0.999 or gains less than
        a relative 1e-5. Defaults to True for a generated grid, False for given alphas.
    saturate : bool, default=None
        Stop past 0.999 deviance explained even on given alphas (the data are nearly
        interpolated, classes separated, and smaller alphas only inflate the weights).
        Defaults to True for classification, False for regression.
    n_classes : int, default=None
        For "multinomial", the number of classes when the highest codes may be absent.
    on_point : callable, default=None
        Called with no argument each time a path point is fitted (progress bars).
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative per-feature multipliers of the penalty (glmnet's ``penalty.factor``):
        0 leaves a feature unpenalized, so it is always in the model. Rescaled to sum to
        n_features; ``alpha_max`` is then the smallest alpha zeroing every penalized feature.
    positive : bool, default=False
        Constrain every coefficient to be non-negative (glmnet's ``lower.limits = 0``).
    copy_X : bool, default=True
        If False, a dense ``X`` (float64) is overwritten: centred and scaled in place. For
        a caller's own copy (a fold's rows), which then is the design, not copied again.

    Returns
    -------
    LinearPath
    """
    penalty_factor = check_penalty_factor(penalty_factor, X.shape[1])
    prob = _problem(
        X, y, task, alphas, sample_weight, scale, penalty_factor, positive, copy_X, cross_products
    )
    Y = _targets(y, task, n_classes)
    if task != "regression" and _class_missing(prob.v @ Y, task):
        raise ValueError(
            "A class is missing from the (positively weighted) training samples; with "
            "cross-validation, use fewer folds or stratified folds."
        )
    # Thousands of small BLAS calls: one thread each is several times faster than two
    # (parallelism belongs to the folds). Inner solves report through the trace, which
    # becomes one warning below, so their own warnings are silenced here, once.
    with single_threaded_blas(), quiet_coordinate_descent():
        if isinstance(alphas, (int, np.integer)):
            grad = _start_gradient(prob, Y, task, penalty_factor, l1_ratio, positive, tol, max_iter)
            penalized = np.ones(grad.shape[-1], dtype=bool)
            if penalty_factor is not None:
                penalized = penalty_factor[prob.keep] > 0
            alpha_max = _alpha_max(grad, penalized, positive, l1_ratio)
            if alpha_max <= 0:
                raise ValueError(
                    "Every coefficient is zero at every strength: the features are constant "
                    "or unrelated to a constant target"
                    + (", or the positive constraint keeps them at zero." if positive else ".")
                )
            alphas = default_alphas(
                alpha_max,
                n_samples=prob.n_samples,
                n_features=prob.keep.size,
                n_alphas=int(alphas),
                eps=eps,
            )
            stop_early = True if stop_early is None else stop_early
        else:
            alphas = np.sort(np.asarray(alphas, dtype=np.float64))[::-1]
            stop_early = bool(stop_early)
        if saturate is None:
            saturate = task != "regression"
        trace = SOLVERS[task](
            prob, Y, alphas, l1_ratio, tol, max_iter, stop_early, saturate, on_point
        )
    _warn_unconverged(trace, tol, max_iter)
    return _to_caller_scale(prob, alphas[: len(trace.betas)], trace, task, penalty_factor)


def cross_products_for(X, y, task, sample_weight=None, held_out=()):
    """The whole data's ``CrossProducts`` where squared-loss paths are fitted from Gram
    matrices (a dense design with more samples than features), else None; ``held_out``:
    the folds' held-out rows (see ``CrossProducts``)."""
    if task == "regression" and isinstance(X, np.ndarray) and X.shape[0] > X.shape[1]:
        return CrossProducts(X, y, sample_weight, held_out)
    return None


def _problem(
    X, y, task, alphas, sample_weight, scale, penalty_factor, positive, copy_X, cross_products
):
    """The standardized problem; for squared loss with more samples than features and
    given alphas (a generated grid starts from X~' r), from the Gram matrix alone (of
    ``cross_products``, or built a block of rows at a time): no centred copy of X."""
    params = {"scale": scale, "penalty_factor": penalty_factor, "positive": positive}
    if not isinstance(alphas, (int, np.integer)) and not isinstance(X, RowSubset):
        if cross_products is None:
            cross_products = cross_products_for(X, y, task, sample_weight)
        if cross_products is not None:
            whole = cross_products.without(np.empty(0, dtype=np.intp))
            X = X if whole is None else whole
    if isinstance(X, RowSubset):
        return X.prepare(len(y), sample_weight, **params)
    return prepare(X, sample_weight, copy_X=copy_X, **params)


def _warn_unconverged(trace, tol, max_iter):
    if trace.unconverged:
        alphas = sorted({alpha for alpha, _ in trace.unconverged})
        worst_alpha, worst = max(trace.unconverged, key=lambda pair: pair[1])
        warnings.warn(
            f"Coordinate descent stopped at max_iter={max_iter} before reaching tol={tol} at "
            f"{len(alphas)} alpha(s) (from {alphas[-1]:.4g} down to {alphas[0]:.4g}); the "
            f"largest remaining duality gap is {worst:.3g} times its tolerance, at "
            f"alpha={worst_alpha:.4g}. Increase max_iter or tol, or end the path at a "
            "larger alpha.",
            ConvergenceWarning,
            stacklevel=3,
        )
    if trace.newton_unconverged:
        alphas = trace.newton_unconverged
        warnings.warn(
            f"Newton's method did not reach tol={tol} at {len(alphas)} alphas (from "
            f"{max(alphas):.4g} down to {min(alphas):.4g}). Increase tol, or end the path "
            "at a larger alpha.",
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


def _to_caller_scale(prob, alphas, trace, task, penalty_factor):
    # one point at a time, dropping the trace's copy as it goes: wide paths (p = 1e5 and
    # more) then hold the coefficients once, not three times
    betas = trace.betas
    coefs = np.zeros((len(betas),) + np.shape(betas[0])[:-1] + (prob.keep.size,))
    inverse = 1.0 / prob.scale[prob.keep]
    keep = prob.keep if not prob.keep.all() else slice(None)
    for i in range(len(betas)):
        coefs[i][..., keep] = betas[i] * inverse
        betas[i] = None
    intercepts = np.asarray(trace.intercepts) - coefs @ prob.mean
    if task == "multinomial":  # glmnet's convention: intercepts sum to zero
        intercepts -= intercepts.mean(axis=1, keepdims=True)
    nonzero = coefs != 0
    n_nonzero = (nonzero.any(axis=1) if nonzero.ndim == 3 else nonzero).sum(axis=-1)
    dev_ratio = 1.0 - np.asarray(trace.devs) / trace.null_dev
    penalty_factor_used = np.ones(prob.keep.size)
    scales = prob.scale
    if penalty_factor is not None:
        penalty_factor_used = penalty_factor
        scales = np.where(prob.keep, prob.scale / np.maximum(penalty_factor, _UNPENALIZED), 1.0)
    return LinearPath(
        alphas,
        coefs,
        intercepts,
        n_nonzero,
        dev_ratio,
        trace.null_dev,
        task,
        scales,
        np.asarray(trace.n_iter),
        penalty_factor_used,
    )
