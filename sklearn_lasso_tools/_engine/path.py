"""The regularization path (``l1_path``): pure numerics, no pandas, no plotting. The
strengths come from ``grid``, the fitted path is a ``linear_path.LinearPath``.

Every problem is solved on standardized, weighted-centred features (glmnet's way) and the
coefficients are mapped back to the caller's scale at the end:

- regression: ``sum_i v_i (y_i - b - x_i w)^2 / 2 + alpha * penalty(w)``
- binary / multinomial logistic: ``sum_i v_i logloss_i + alpha * penalty(w)``
- Poisson (log link): ``sum_i v_i (exp(eta_i) - y_i eta_i) + alpha * penalty(w)``,
  ``eta = b + x w``

(each family's loss, see ``families``)

with ``v`` the sample weights normalised to sum to one and
``penalty(w) = sum_j f_j * (l1_ratio * |w_j| + (1 - l1_ratio) / 2 * w_j^2)`` on standardized
coefficients when ``scale=True``, ``f`` the penalty factors (glmnet's ``penalty.factor``,
rescaled to sum to the number of features; all ones by default). A factor is folded into
its column: the solvers see ``x_j / f_j`` and a plain L1 penalty on ``f_j w_j``, with a
per-column ridge weight ``1 / f_j`` when ``l1_ratio < 1``. A zero factor (unpenalized) is
the tiny ``UNPENALIZED``, whose shrinkage is far below the solver's tolerance.
GLM problems are solved by proximal Newton (glmnet's IRLS) whose weighted-Lasso steps
run in the compiled coordinate descent (``_engine._core``).
"""

import warnings
from types import SimpleNamespace

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._validation import check_penalty_factor
from . import grid
from .cross_products import RowSubset, cross_products_for
from .dense_layout import take_rows
from .families import family_for
from .in_place import reads_in_place
from .linear_path import LinearPath, to_caller_scale
from .solvers import gaussian, glm
from .standardize import prepare
from .threads import single_threaded_blas


def multinomial(*args, **kwargs):
    """``multinomial.multinomial``, loaded on first use (a first call without more than
    two classes does not pay for its module)."""
    from .multinomial import multinomial as solve

    return solve(*args, **kwargs)


# the path solvers, by ``Family.solver``
SOLVERS = {"gaussian": gaussian, "glm": glm, "multinomial": multinomial}

__all__ = ["LinearPath", "l1_path"]


def _start_gradient(prob, Y, family, penalty_factor, l1_ratio, positive, tol, max_iter):
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
        solve = SOLVERS[family.solver]
        trace = solve(family, sub, Y, np.array([alpha]), l1_ratio, tol, max_iter, False, False)
        beta = trace.betas[0]
        if beta.ndim == 2:  # (multinomial)
            eta = trace.intercepts[0] + np.column_stack([sub.matvec(b) for b in beta])
        else:
            eta = trace.intercepts[0] + sub.matvec(beta)
        grad = _gradient(prob, Y, family.mean(eta))
        alpha = grid.alpha_max(grad, penalty_factor[prob.keep] > 0, positive, l1_ratio)
    return grad * (1 + 1e-6)


def _gradient(prob, Y, fitted):
    """``X~' v (Y - fitted)``: shape (n_kept,), or (K, n_kept) for multinomial."""
    if Y.ndim == 2:
        residual = prob.v[:, None] * (Y - fitted)
        return np.stack([prob.rmatvec(residual[:, k]) for k in range(Y.shape[1])])
    return prob.rmatvec(prob.v * (Y - fitted))


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
    keep_last=False,
    n_classes=None,
    on_point=None,
    penalty_factor=None,
    positive=False,
    copy_X=True,
    cross_products=None,
    out=None,
    rows=None,
    single_out=None,
):
    """Fit the elastic-net path of a linear model with warm starts.

    Parameters
    ----------
    X : ndarray, sparse matrix of shape (n_samples, n_features), or RowSubset
        A ``RowSubset`` (given alphas, squared loss with more samples than features)
        stands for rows of a design through their Gram matrix.
    y : ndarray of shape (n_samples,)
        Floats for regression; integer class codes ``0..K-1`` for classification;
        non-negative counts for Poisson.
    task : Family or {"regression", "binary", "multinomial", "poisson"}
        The family (see ``families``), or its name (glmnet's, or the engine's).
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
        a relative 1e-5 per step of glmnet's default grid (100 points over the same range;
        judged at those points, so a denser grid goes as far). Defaults to True for a
        generated grid, False for given alphas.
    saturate : bool, default=None
        Stop past 0.999 deviance explained even on given alphas (the data are nearly
        interpolated, classes separated, and smaller alphas only inflate the weights).
        Defaults to True for classification and Poisson, False for regression.
    keep_last : bool, default=False
        A path that stopped early keeps its last point at the smaller alphas (as glmnet's
        cross-validation folds do) instead of ending there.
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
    out : ndarray, default=None
        An array the coefficients may be written into (used when it is float64 of their
        shape, C-ordered): a caller's spare, so that a wide path's coefficients do not
        take fresh pages (a fold's, see ``cv``).
    rows : ndarray of int, default=None
        Fit on ``X[rows]`` (``y`` and ``sample_weight`` are then those rows' own): read
        in place where the design is (see ``in_place.reads_in_place``), else copied.
    single_out : ndarray, default=None
        A C-ordered float32 array the float32 copy of a wide dense design may be written
        into (used when it has at least its rows and as many columns): a caller's spare,
        as ``out``.

    Returns
    -------
    LinearPath
    """
    family = family_for(task)
    penalty_factor = check_penalty_factor(penalty_factor, X.shape[1])
    if rows is not None and not reads_in_place(X, family, len(rows)):
        X, rows, copy_X = take_rows(X, rows), None, False
    prob = _problem(
        X,
        y,
        family,
        alphas,
        sample_weight,
        scale,
        penalty_factor,
        positive,
        copy_X,
        cross_products,
        rows,
        single_out,
    )
    Y = family.targets(y, n_classes)
    problem = family.degenerate(prob.v, Y)
    if problem is not None:
        raise ValueError(problem)
    if Y.ndim == 1 and _constant(Y, None if prob.uniform else prob.v):
        return _null_path(prob, Y, family, alphas, eps, penalty_factor)
    # Thousands of small BLAS calls: one thread each is several times faster than two
    # (parallelism belongs to the folds). Inner solves report through the trace, which
    # becomes one warning below (the compiled descent itself never warns).
    with single_threaded_blas():
        if isinstance(alphas, (int, np.integer)):
            grad = _start_gradient(
                prob, Y, family, penalty_factor, l1_ratio, positive, tol, max_iter
            )
            penalized = np.ones(grad.shape[-1], dtype=bool)
            if penalty_factor is not None:
                penalized = penalty_factor[prob.keep] > 0
            alpha_max = grid.alpha_max(grad, penalized, positive, l1_ratio)
            if alpha_max <= 0:
                raise ValueError(
                    "Every coefficient is zero at every strength: the features are constant "
                    "or unrelated to a constant target"
                    + (", or the positive constraint keeps them at zero." if positive else ".")
                )
            alphas = grid.default_alphas(
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
            saturate = family.saturates
        stop_step = grid.reference_step(alphas) if stop_early else None
        trace = SOLVERS[family.solver](
            family, prob, Y, alphas, l1_ratio, tol, max_iter, stop_step, saturate, on_point
        )
    _warn_unconverged(trace, tol, max_iter)
    if keep_last:
        trace.keep_last(len(alphas))
    return to_caller_scale(prob, alphas[: len(trace.betas)], trace, family, penalty_factor, out)


def _problem(
    X, y, family, alphas, sample_weight, scale, penalty_factor, positive, copy_X, cross_products,
    rows=None, single_out=None,
):  # fmt: skip
    """The standardized problem; for squared loss with more samples than features and
    given alphas (a generated grid starts from X~' r), from the Gram matrix alone (of
    ``cross_products``, or built a block of rows at a time): no centred copy of X; for a
    GLM on a large tall dense design, read in place (``rows``: which of its rows)."""
    params = {"scale": scale, "penalty_factor": penalty_factor, "positive": positive}
    if reads_in_place(X, family, len(y)):
        return prepare(X, sample_weight, rows=rows, in_place=True, **params)
    if not isinstance(alphas, (int, np.integer)) and not isinstance(X, RowSubset):
        if cross_products is None:
            cross_products = cross_products_for(X, y, family, sample_weight)
        if cross_products is not None:
            whole = cross_products.whole()
            X = X if whole is None else whole
    if isinstance(X, RowSubset):
        return X.prepare(len(y), sample_weight, **params)
    # (the multinomial solver screens in float64: no float32 copy)
    single = family.solver != "multinomial"
    return prepare(X, sample_weight, copy_X=copy_X, single=single, single_out=single_out, **params)


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


def _constant(y, v):
    """Whether ``y`` takes one value on the positively weighted samples (``v``: None when
    every sample has the same weight)."""
    if v is not None:
        y = y[v > 0]
    return bool((y == y[0]).all())


def _null_path(prob, y, family, alphas, eps, penalty_factor):
    """The path of a constant target: every coefficient zero and the intercept the
    constant, at every alpha (as ``LassoCV`` gives), with no deviance to explain. Its
    ``alpha_max`` is 0, so a generated grid is nominal: from 1 down to ``eps``; the path
    is not solved (0 / 0 deviance ratios and a grid of rounding errors, 1e-32, else)."""
    if isinstance(alphas, (int, np.integer)):
        alphas = grid.default_alphas(
            1.0, n_samples=prob.n_samples, n_features=prob.keep.size, n_alphas=int(alphas), eps=eps
        )
    else:
        alphas = np.sort(np.asarray(alphas, dtype=np.float64))[::-1]
    n = len(alphas)
    betas = [np.zeros(int(prob.keep.sum()))] * n
    trace = SimpleNamespace(
        betas=betas,
        stacked_betas=lambda: np.array(betas),
        # the null model of the one value, weight one: exactly the link of the constant
        intercepts=np.full(n, family.null_intercept(np.ones(1), y[prob.v > 0][:1])),
        devs=np.zeros(n),
        null_dev=0.0,
        n_iter=np.zeros(n, dtype=int),
    )
    return to_caller_scale(prob, alphas, trace, family, penalty_factor)
