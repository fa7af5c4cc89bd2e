"""Path solvers on a standardized design: squared loss and single-response GLMs (binomial,
Poisson); the multinomial's has its own module (``multinomial``), built on the helpers
here and on a Newton step's pieces (``newton_step``), and ``path.SOLVERS`` names them all.

Each solver walks a descending grid of alphas with warm starts and returns the standardized
coefficients, intercepts and deviances at each point; each takes the family (see
``families``) first. The GLM losses are minimized by proximal Newton (glmnet's IRLS, with a
backtracking safeguard glmnet does without): each step is a weighted least-squares problem
with the elastic-net penalty, solved by the compiled coordinate descent (on the Gram matrix
when n_samples > n_features).
"""

from functools import partial

import numpy as np

from . import newton_step, wide_newton
from .curvature import Curvature
from .fitted_columns import FittedColumns
from .gradient_bound import gradient_bound_for
from .small_paths import _compiled_gaussian, _compiled_glm, _compiled_glm_applies
from .step_pass import step_pass
from .trace import Trace
from .weighted_lasso import _FEW, WeightedLasso, _SinglePrecision

__all__ = ["glm", "gaussian"]

_FIRST_STEP_SLACK = 100  # a first Newton step's weighted Lasso stops at this times tol
_CORRECTED_SLACK = 0.01  # ... a first step with its model corrected (Curvature.model_error)
_WIDE_SLACK = 300  # ... on wide designs, and each next step's at a tenth of the last's
# _screened fits the whole design once the fitted set holds this share of the features
# (cheaper than copying most columns), or once a design read in place would read it in
# place (see FittedColumns.reads_whole); _glm_path.GLMPath never does (it fits the fitted
# set alone: its Gram matrix costs n k^2), so its test sets this above 1
_WHOLE_DESIGN_SHARE = 0.5


def gaussian(family, prob, Y, alphas, l1_ratio, tol, max_iter, stop_early, saturate, on_point=None):
    v, n = prob.v, prob.n_samples
    y_bar = v @ Y
    yc = Y - y_bar
    trace = Trace(v @ yc**2, stop_early, saturate, on_point)
    u = np.ones(n) if prob.uniform else n * v
    gram, Xy = prob.gram, prob.xy
    if gram is None and prob.offset is None and n > prob.n_features:
        weighted = prob.X if prob.uniform else prob.X * u[:, None]
        gram = np.ascontiguousarray(weighted.T @ prob.X)
        Xy = weighted.T @ yc
    yy = yc @ (u * yc)
    if gram is not None and prob.ridge is None and prob.n_features <= _FEW:
        return _compiled_gaussian(prob, gram, Xy, yy, y_bar, alphas, l1_ratio, tol, max_iter, trace)
    centred = np.zeros(prob.n_features)  # x~ is already v-centred
    problem = WeightedLasso(prob, yc, u, centred, gram=gram, Xy=Xy, along_path=True)
    b = np.zeros(prob.n_features)
    for alpha in alphas:
        if gram is not None:  # (elsewhere, the checks at a new start would cost a pass over X)
            _extrapolate(b, trace, alpha)
        epochs, failures = problem.solve(
            b,
            alpha * l1_ratio * n,
            newton_step.ridge_weight(prob, alpha, l1_ratio),
            tol=tol,
            max_iter=max_iter,
        )
        trace.failures.extend((alpha, ratio) for ratio in failures)
        trace.settle(alpha)
        if gram is None:
            dev = v @ problem.residual(b) ** 2  # (mostly kept from the last check)
        else:  # b'Gb = b'(Xy - c), c the correlations (kept from the last check, if at b)
            dev = max(yy - b @ Xy - b @ problem.correlations(b), 0.0) / n
        if trace.add(alpha, b, y_bar, dev, epochs):
            break
    return trace


def _extrapolate(b, trace, alpha):
    """Move ``b``, the path's last point, along the line through its last two points to
    ``alpha`` (once it has two): a warm start that is exact while no feature enters or
    leaves (the Lasso's path is piecewise linear in alpha)."""
    if len(trace.alphas) >= 2:
        (first, last), before = trace.alphas[-2:], trace.betas[-2]
        b[:] = _on_line(b, before, (alpha - last) / (last - first))


def _on_line(last, first, t):
    """``last + t * (last - first)``, with the coefficients that would change sign at zero."""
    guess = last + t * (last - first)
    guess[np.sign(guess) != np.sign(last)] = 0.0
    return guess


def glm(family, prob, Y, alphas, l1_ratio, tol, max_iter, stop_early, saturate, on_point=None):
    """A single-response GLM family's path (binomial, Poisson) by proximal Newton."""
    v = prob.v
    state = _GLMState(np.zeros(prob.X.shape[1]), family.null_intercept(v, Y), None, Curvature(v))
    state.eta = np.full(prob.n_samples, state.intercept)
    state.loss = family.loss(v, Y, state.eta)
    saturated = family.saturated_loss(v, Y)
    trace = Trace(2 * (state.loss - saturated), stop_early, saturate, on_point)
    if _compiled_glm_applies(family, prob):
        args = (alphas, l1_ratio, tol, max_iter, state, saturated, trace)
        return _compiled_glm(family, prob, Y, *args)
    # wide designs: Newton from the path's prediction, stopped by the optimality conditions
    # (see _glm_newton); dense ones take X' r over every feature first in float32 (see
    # _SinglePrecision)
    wide = prob.n_samples < prob.n_features
    single = _SinglePrecision(prob.X, prob.single) if wide and prob.offset is None else None
    # tall dense and sparse ones, from the last full product where a bound allows (see
    # gradient_bound)
    bound = gradient_bound_for(prob)

    def gradient(floor, screen=None):
        known = state.gradient_on(None)
        if known is None:
            residual = v * (family.mean(state.eta) - Y)
            if single is not None:  # exact only where it may reach floor: not kept
                return np.abs(single.rmatvec(residual, 0.0, floor))
            if bound is not None:  # exact only where it may reach either: not kept
                # (a feature fitted, floor infinite, needs neither: the fitted set only
                # grows, so no threshold of it is read)
                either = np.where(floor < np.inf, np.minimum(floor, screen), np.inf)
                bounded = bound.magnitudes(residual, either)
                if bounded is not None:
                    return bounded
            known = prob.rmatvec(residual), residual.sum()
            state.gradient = (None, *known)
            if bound is not None:
                bound.keep(residual, known[0])
        return np.abs(known[0])

    newton = partial(
        _glm_newton,
        family=family,
        Y=Y,
        v=v,
        state=state,
        l1_ratio=l1_ratio,
        tol=tol,
        max_iter=max_iter,
        trace=trace,
        wide=wide,
    )
    fits = _screened(prob, alphas, l1_ratio, state, gradient, newton)
    for alpha, epochs in zip(alphas, fits, strict=True):
        if trace.add(alpha, state.beta, state.intercept, 2 * (state.loss - saturated), epochs):
            break
    return trace


class _GLMState:
    def __init__(self, beta, intercept, eta, curvature=None):
        self.beta, self.intercept, self.eta = beta, intercept, eta
        self.loss = None  # the loss at eta
        self.gradient = None  # (features or None for all, X' r, sum r) at eta, when known
        self.curvature = curvature
        self.predicted = None  # the alpha of the last prediction from the path's points
        self.wide = None  # the compiled wide Newton's buffers (see wide_newton)

    def gradient_on(self, subset):
        """The known ``(X' r, sum r)`` on the features ``subset`` (None: all), or None."""
        if self.gradient is None:
            return None
        known, grad, grad_intercept = self.gradient
        if known is None:
            return (grad if subset is None else grad[subset]), grad_intercept
        if subset is not None and np.array_equal(known, subset):
            return grad, grad_intercept
        return None

    def active(self):
        return self.beta != 0


def _screened(prob, alphas, l1_ratio, state, gradient, fit):
    """Fit each alpha on its strong set (Tibshirani et al. 2012): the active features and
    those whose gradient exceeds ``l1_ratio * (2 alpha - previous alpha)``; the features
    left out are then checked against the optimality conditions and violators join.

    ``fit(sub, alpha)`` fits the problem restricted to ``sub.columns``, updating ``state``;
    ``gradient(floor, screen)`` gives the loss's gradient's magnitudes, exact where they may
    reach ``floor`` (a number, or one per feature), and (where it takes ``screen``, the next
    alpha's strong-rule threshold) below either elsewhere, except where ``floor`` is
    infinite (the features fitted: their magnitudes are never read); yields the epochs
    spent once each alpha is fitted.

    The set fitted only grows along the path (features rarely leave it), so its restricted
    copy of the design changes only when a feature joins (``FittedColumns``), and once it
    holds ``_WHOLE_DESIGN_SHARE`` of the features, or is too large to be copied from a
    design read in place, the whole design is used.
    """
    grad = gradient(alphas[0] * l1_ratio, alphas[0] * l1_ratio)
    previous = alphas[0]
    fitted, sub, restricted = None, None, FittedColumns(prob)
    for alpha, following in zip(alphas, [*alphas[1:], alphas[-1]], strict=True):
        strong = state.active() | (grad >= l1_ratio * (2 * alpha - previous))
        epochs = 0
        while True:
            if fitted is None or (strong & ~fitted).any():
                fitted = strong if fitted is None else strong | fitted
                size = fitted.sum()
                if size >= _WHOLE_DESIGN_SHARE * fitted.size or restricted.reads_whole(size):
                    fitted = np.ones_like(fitted)  # cheaper than copying most columns
                sub = restricted.restrict(fitted)  # (the last one is written over)
            epochs += fit(sub, alpha=alpha)
            # exact where a feature left out may violate the conditions (the fit met them
            # on the features fitted)
            grad = gradient(
                np.where(fitted, np.inf, alpha * l1_ratio), l1_ratio * (2 * following - alpha)
            )
            violators = ~fitted & (grad > alpha * l1_ratio)
            if not violators.any():
                break
            strong = fitted | violators
        previous = alpha
        yield epochs


def _glm_newton(sub, family, Y, v, state, alpha, l1_ratio, tol, max_iter, trace, wide=False):
    """Proximal Newton on the features ``sub.columns``; updates ``state``.

    The first step is a rough one, its weighted Lasso solved to a looser tolerance (the
    next starts close anyway); the next are exact, and glmnet's rule on their length stops
    Newton. On tall dense designs, steps may keep an earlier step's curvature
    (``Curvature``); they then converge linearly, not quadratically, so the stopping rule
    is then the optimality conditions themselves, checked from the gradient each step
    needs anyway. On ``wide`` designs, where descent is most of the work, Newton starts
    from the path's prediction (``_predicted``) and stops on the optimality conditions,
    checked before each step: mostly after one rough step (its weighted Lasso solved to
    ``_WIDE_SLACK`` times tol), else the next ones are tenfold finer each (in compiled
    code on dense designs: ``wide_newton``)."""
    if wide and wide_newton.applies(family, sub) and not Curvature.applies(sub):
        return wide_newton.newton(sub, family, Y, v, state, alpha, l1_ratio, tol, max_iter, trace)
    columns = sub.columns
    beta = state.beta[columns]
    intercept, eta = state.intercept, state.eta
    objective = state.loss + newton_step.penalty(beta, alpha, l1_ratio, sub.ridge)
    threshold = tol * trace.null_dev
    curvature = state.curvature if Curvature.applies(sub) else None
    epochs, change, known = 0, np.inf, state.gradient_on(sub.subset)
    start = None
    if wide:
        start = _predicted(sub, family, Y, v, state, alpha, l1_ratio, objective, trace)
    if start is not None:
        beta, intercept, eta, objective = start
        known = None
    mean = None  # the mean at eta, when the last step's pass gave it
    for iteration in range(newton_step.MAX_NEWTON):
        trace.failures = []
        mu = family.mean(eta) if mean is None else mean
        h, z = family.working(Y, eta, mu)
        gram, kept, error = None, False, None
        if curvature is not None or wide:
            if known is None:
                residual = v * (mu - Y)
                known = sub.rmatvec(residual), residual.sum()
            grad, grad_intercept = known
            if newton_step.kkt_holds(
                grad, grad_intercept, beta, alpha, l1_ratio, sub.positive, tol
            ):
                trace.settle(alpha)
                break
        if wide:
            slack = max(_WIDE_SLACK / 10**iteration, 1.0)
        else:
            slack = _FIRST_STEP_SLACK if iteration == 0 else 1.0
        if curvature is not None:
            h, kept = curvature.weights(h)
            if kept:  # the working response of the kept curvature
                z = eta + (Y - mu) / h
            x_bar, matrix = curvature.gram(sub)
            # X~' W (z - zbar) from the gradient: eta = c + X~ beta, so no pass over X
            centred = sub.n_samples * (grad - grad_intercept * x_bar)
            Xy = matrix @ beta - centred
            if iteration == 0:
                error = curvature.model_error(columns)
            if error is not None:  # mostly the last step, so solved exactly
                Xy -= error[0]
                slack = _CORRECTED_SLACK
            gram = (x_bar, matrix, Xy)
        exact, inner_tol = slack == 1.0, tol * slack
        W = v * h
        if error is not None:  # (the intercept's: its gradient is sum W (eta - z) there)
            z = z - error[1] / W.sum()
        beta_new, intercept_new, n_iter = newton_step.weighted_lasso(
            sub, z, W, beta, alpha, l1_ratio, inner_tol, max_iter, trace, gram, known
        )
        epochs += n_iter
        d_beta = beta_new - beta
        full_step = mean = None
        if curvature is None:
            d_eta = intercept_new - intercept + sub.matvec(d_beta)
        else:  # the loss and gradient after a full step come with d_eta, in one pass
            d_eta, loss, known, mean = step_pass(
                family, sub.X, eta, d_beta, intercept_new - intercept, v, Y
            )
            full_step = loss + newton_step.penalty(beta_new, alpha, l1_ratio, sub.ridge)
            if iteration == 0:  # (what the next alpha's first step corrects its model by)
                curvature.observe(columns, known, centred + matrix @ d_beta, error, sub.n_samples)

        def trial(t, beta=beta, eta=eta, d_beta=d_beta, d_eta=d_eta, full_step=full_step):
            if t == 1.0 and full_step is not None:
                return full_step
            return family.loss(v, Y, eta + t * d_eta) + newton_step.penalty(
                beta + t * d_beta, alpha, l1_ratio, sub.ridge
            )

        step, objective = newton_step.line_search(trial, objective)
        if curvature is None or step != 1.0:
            known = mean = None  # the gradient and mean are not known at the new eta
        beta = beta + step * d_beta
        intercept = intercept + step * (intercept_new - intercept)
        eta = eta + step * d_eta
        change, previous = step * step * (W @ d_eta**2), change
        if curvature is not None:
            curvature.judge(kept, step, change, previous)
        if not kept and exact and newton_step.newton_converged(change, previous, step, threshold):
            trace.settle(alpha)
            break
    else:
        trace.settle(alpha, newton_converged=False)
    state.beta[:] = 0.0
    state.beta[columns] = beta
    state.intercept, state.eta = intercept, eta
    state.loss = objective - newton_step.penalty(beta, alpha, l1_ratio, sub.ridge)
    state.gradient = None if known is None else (sub.subset, *known)
    return epochs


def _predicted(sub, family, Y, v, state, alpha, l1_ratio, objective, trace):
    """The path's point at ``alpha`` predicted on ``sub.columns`` linearly in log(alpha)
    from its last two in ``trace`` (coefficients that would change sign are zero):
    ``(beta, intercept, eta, objective)`` when that lowers ``objective``, the warm
    start's; else None. Once per alpha: a later fit at the same alpha (features joined)
    starts where the last ended.

    Along a smooth path this starts Newton much closer than the last point does (its
    error is second order in the step of alpha), so one step mostly suffices."""
    if len(trace.alphas) < 2 or state.predicted == alpha:
        return None
    state.predicted = alpha
    first_alpha, last_alpha = trace.alphas[-2:]
    first, last = trace.betas[-2:]
    first_intercept, last_intercept = trace.intercepts[-2:]
    if not first_alpha > last_alpha > alpha:
        return None
    t = np.log(alpha / last_alpha) / np.log(last_alpha / first_alpha)
    beta = last[sub.columns]
    guess = _on_line(beta, first[sub.columns], t)
    intercept = last_intercept + t * (last_intercept - first_intercept)
    eta = state.eta + sub.matvec(guess - beta) + (intercept - last_intercept)
    value = family.loss(v, Y, eta) + newton_step.penalty(guess, alpha, l1_ratio, sub.ridge)
    return (guess, intercept, eta, value) if value < objective else None
