"""One proximal Newton step's pieces on a standardized design, shared by the GLM solvers
(``solvers.glm`` and ``multinomial``): the elastic-net penalty and its ridge weight, the
step's weighted Lasso, the backtracking line search, glmnet's Newton stop and the check of
the optimality (KKT) conditions that ends Newton at a point."""

import numpy as np

from ._gram_path import weighted_solve
from .small_paths import _compiled_applies
from .weighted_lasso import WeightedLasso

__all__ = [
    "MAX_NEWTON",
    "kkt_holds",
    "line_search",
    "newton_converged",
    "penalty",
    "ridge_weight",
    "weighted_lasso",
]

MAX_NEWTON = 500


def penalty(beta, alpha, l1_ratio, ridge=None):
    """``alpha * penalty(beta)`` (``ridge``: the columns' ridge weights, see ``ridge_weight``)."""
    if l1_ratio == 1.0:  # (the same number: the ridge part adds 0.0; twice per Newton step)
        return alpha * (np.abs(beta).sum() + 0.0)
    squares = beta**2 if ridge is None else ridge * beta**2
    return alpha * (l1_ratio * np.abs(beta).sum() + 0.5 * (1 - l1_ratio) * squares.sum())


def ridge_weight(prob, alpha, l1_ratio):
    """The solver's ridge weight: one number, or one per column (penalty factors)."""
    l2 = alpha * (1 - l1_ratio) * prob.n_samples
    return l2 if prob.ridge is None else l2 * prob.ridge


def weighted_lasso(
    prob, z, W, beta, alpha, l1_ratio, tol, max_iter, trace, gram=None, gradient=None
):
    """Minimize ``sum_i W_i (z_i - c - x~_i b)^2 / 2 + alpha * penalty(b)`` from ``beta``;
    ``gram`` may give ``(xbar_W, Gram matrix, X~' W (z - zbar_W))`` already computed, and
    ``gradient`` the loss's ``(X~' r, sum r)`` at ``beta`` (``z``, ``W``: its Newton step's).

    Returns ``(b, c - xbar_W . b, epochs)``: the intercept is on the centred x~ scale.
    """
    n = prob.n_samples
    sw = W.sum()
    z_bar = W @ z / sw
    b = np.array(beta, dtype=np.float64, copy=True)
    # The path driver's strong set already holds the features near the threshold; descent
    # starts on the active ones, and the others join if they violate the conditions.
    x_bar, matrix, Xy = (prob.rmatvec(W) / sw, None, None) if gram is None else gram
    l1, l2 = alpha * l1_ratio * n, ridge_weight(prob, alpha, l1_ratio)
    if gram is None and _compiled_applies(prob):
        epochs, ratio = weighted_solve(
            prob.X, n * W, z - z_bar, x_bar, b, l1, l2, max_iter, tol, prob.positive
        )
        if ratio > 0:
            trace.failures.append((alpha, ratio))
        return b, z_bar - x_bar @ b, epochs
    problem = WeightedLasso(prob, z - z_bar, n * W, x_bar, gram=matrix, Xy=Xy, screen=1.0)
    if gradient is not None:
        # the correlations at beta, which screen descent's first working set, from the
        # gradient: with eta = c + X~ beta, W (z - zbar - X~ beta + xbar_W . beta) is
        # v (Y - mu) plus a multiple of W, which centring on xbar_W cancels (no pass over X)
        grad, grad_intercept = gradient
        problem.start_at(b, -n * (grad - grad_intercept * x_bar))
    epochs, failures = problem.solve(b, l1, l2, tol=tol, max_iter=max_iter)
    trace.failures.extend((alpha, ratio) for ratio in failures)
    return b, z_bar - x_bar @ b, epochs


def line_search(objective_at, current, max_halvings=30):
    """The first of steps 1, 1/2, 1/4, ... that does not increase the objective.

    Newton stops once a step's quadratic decrease ``sum_i W_i d_eta_i^2`` falls below
    ``tol`` times the null deviance (glmnet's scale for its threshold).
    """
    step = 1.0
    for _ in range(max_halvings):
        value = objective_at(step)
        if value <= current + 1e-12 * abs(current):
            return step, value
        step /= 2
    return 0.0, current


def newton_converged(change, previous, step, threshold):
    """Whether a Newton step with the current curvature (``change``: its squared length in
    the weighted metric) converged, or Newton's quadratic rate puts the next one below
    ``threshold`` (glmnet's rule, which the optimality check of kept curvatures falls back
    on where rounding keeps that check from passing)."""
    if change <= threshold:
        return True
    return step == 1.0 and np.isfinite(previous) and change * change <= threshold * previous


def kkt_holds(grad, grad_intercept, beta, alpha, l1_ratio, positive, tol):
    """Whether ``beta`` meets the optimality conditions of ``mean loss + alpha *
    penalty(beta)`` (``grad``: the loss's gradient) to within ``sqrt(tol)`` of the L1
    threshold: about the accuracy a duality gap of ``tol`` gives."""
    bound = alpha * l1_ratio
    limit = np.sqrt(tol) * bound
    if not abs(grad_intercept) <= limit:  # (checked part by part: the same answer, and
        return False  # a NaN fails as in one maximum)
    g = grad if l1_ratio == 1.0 else grad + alpha * (1 - l1_ratio) * beta
    active = np.flatnonzero(beta)
    if not np.all(np.abs(g[active] + bound * np.sign(beta[active])) <= limit):
        return False
    pull = -g if positive else np.abs(g)
    pull[active] = -np.inf
    return bool(np.all(pull - bound <= limit))
