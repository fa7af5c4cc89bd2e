"""Path solvers on a standardized design: squared loss, binary and multinomial logistic.

Each solver walks a descending grid of alphas with warm starts and returns the standardized
coefficients, intercepts and deviances at each point. Logistic losses are minimized by
proximal Newton (glmnet's IRLS, with a backtracking safeguard glmnet does without): each
step is a weighted least-squares problem with the elastic-net penalty, solved by
scikit-learn's coordinate descent on the Gram matrix when n_samples > n_features.
"""

from functools import partial

import numpy as np
from scipy.special import expit

from ._wls import WeightedLasso

__all__ = ["SOLVERS"]

_MIN_HESSIAN = 1e-5 * (1 - 1e-5)  # glmnet's floor on p(1-p)
_MAX_NEWTON = 500
_FDEV = 1e-5  # glmnet's early stop: gain in deviance explained below this (relative)
_DEVMAX = 0.999  # ... or deviance explained above this


class _Trace:
    """What a solver collects along the path."""

    def __init__(self, null_dev, stop_early, saturates=False, on_point=None):
        self.null_dev, self.stop_early, self.saturates = null_dev, stop_early, saturates
        self.on_point = on_point  # called once per fitted path point (progress bars)
        self.betas, self.intercepts, self.devs, self.n_iter = [], [], [], []
        self.unconverged = []  # (alpha, duality gap / tolerance) of final inner solves
        self.failures = []  # inner solves of the current Newton step that stopped short
        self.newton_unconverged = []  # alphas where Newton ran out of iterations

    def settle(self, alpha, newton_converged=True):
        """Keep the failures of the final step only: earlier steps are inexact anyway."""
        self.unconverged.extend(self.failures)
        self.failures = []
        if not newton_converged:
            self.newton_unconverged.append(alpha)

    def add(self, beta, intercept, dev, n_iter):
        self.betas.append(np.array(beta, copy=True))
        self.intercepts.append(np.array(intercept, copy=True))
        self.devs.append(dev)
        self.n_iter.append(n_iter)
        if self.on_point is not None:
            self.on_point()
        r_new = 1 - self.devs[-1] / self.null_dev
        if self.saturates and r_new > _DEVMAX:
            return True  # (nearly) interpolated: smaller alphas only inflate the weights
        if not self.stop_early or len(self.devs) < 5:
            return False
        r_old = 1 - self.devs[-2] / self.null_dev
        return r_new > _DEVMAX or r_new - r_old < _FDEV * r_new


def _penalty(beta, alpha, l1_ratio, ridge=None):
    squares = beta**2 if ridge is None else ridge * beta**2
    return alpha * (l1_ratio * np.abs(beta).sum() + 0.5 * (1 - l1_ratio) * squares.sum())


def _l2(prob, alpha, l1_ratio):
    """The solver's ridge weight: one number, or one per column (penalty factors)."""
    l2 = alpha * (1 - l1_ratio) * prob.n_samples
    return l2 if prob.ridge is None else l2 * prob.ridge


def _weighted_lasso(prob, z, W, beta, alpha, l1_ratio, tol, max_iter, trace):
    """Minimize ``sum_i W_i (z_i - c - x~_i b)^2 / 2 + alpha * penalty(b)`` from ``beta``.

    Returns ``(b, c - xbar_W . b, epochs)``: the intercept is on the centred x~ scale.
    """
    n = prob.n_samples
    sw = W.sum()
    z_bar = W @ z / sw
    x_bar = prob.rmatvec(W) / sw
    b = np.array(beta, dtype=np.float64, copy=True)
    # the path driver already screened these features (strong rules with KKT checks)
    problem = WeightedLasso(prob, z - z_bar, n * W, x_bar, screen=False)
    epochs, failures = problem.solve(
        b, alpha * l1_ratio * n, _l2(prob, alpha, l1_ratio), tol=tol, max_iter=max_iter
    )
    trace.failures.extend((alpha, ratio) for ratio in failures)
    return b, z_bar - x_bar @ b, epochs


def _line_search(objective_at, current, max_halvings=30):
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


def gaussian(prob, Y, alphas, l1_ratio, tol, max_iter, stop_early, saturate, on_point=None):
    v, n = prob.v, prob.n_samples
    y_bar = v @ Y
    yc = Y - y_bar
    trace = _Trace(v @ yc**2, stop_early, saturate, on_point)
    u = n * v
    centred = np.zeros(prob.n_features)  # x~ is already v-centred
    gram, Xy = prob.gram, prob.xy
    if gram is None and prob.offset is None and n > prob.n_features:
        weighted = prob.X if prob.uniform else prob.X * u[:, None]
        gram = np.ascontiguousarray(weighted.T @ prob.X)
        Xy = weighted.T @ yc
    problem = WeightedLasso(prob, yc, u, centred, gram=gram, Xy=Xy)
    yy = yc @ (u * yc)
    b = np.zeros(prob.n_features)
    for alpha in alphas:
        epochs, failures = problem.solve(
            b, alpha * l1_ratio * n, _l2(prob, alpha, l1_ratio), tol=tol, max_iter=max_iter
        )
        trace.failures.extend((alpha, ratio) for ratio in failures)
        trace.settle(alpha)
        if gram is None:
            dev = v @ (yc - prob.matvec(b)) ** 2
        elif problem.screen:  # b'Gb = b'(Xy - c), c the correlations the next solve's
            # screening starts from (so computed once)
            dev = max(yy - b @ Xy - b @ problem.correlations(b), 0.0) / n
        else:
            dev = max(yy - 2 * b @ Xy + b @ gram @ b, 0.0) / n
        if trace.add(b, y_bar, dev, epochs):
            break
    return trace


def _binomial_loss(v, y, eta):
    return v @ (np.logaddexp(0.0, eta) - y * eta)


def binomial(prob, Y, alphas, l1_ratio, tol, max_iter, stop_early, saturate, on_point=None):
    v = prob.v
    p_bar = v @ Y
    state = _BinomialState(np.zeros(prob.X.shape[1]), np.log(p_bar / (1 - p_bar)), None)
    state.eta = np.full(prob.n_samples, state.intercept)
    trace = _Trace(2 * _binomial_loss(v, Y, state.eta), stop_early, saturate, on_point)

    def gradient():
        return np.abs(prob.rmatvec(v * (expit(state.eta) - Y)))

    newton = partial(
        _binomial_newton,
        Y=Y,
        v=v,
        state=state,
        l1_ratio=l1_ratio,
        tol=tol,
        max_iter=max_iter,
        trace=trace,
    )
    for epochs in _screened(prob, alphas, l1_ratio, state, gradient, newton):
        if trace.add(state.beta, state.intercept, 2 * _binomial_loss(v, Y, state.eta), epochs):
            break
    return trace


class _BinomialState:
    def __init__(self, beta, intercept, eta):
        self.beta, self.intercept, self.eta = beta, intercept, eta

    def active(self):
        return self.beta != 0


def _screened(prob, alphas, l1_ratio, state, gradient, fit):
    """Fit each alpha on its strong set (Tibshirani et al. 2012): the active features and
    those whose gradient exceeds ``l1_ratio * (2 alpha - previous alpha)``; the features
    left out are then checked against the optimality conditions and violators join.

    ``fit(sub, alpha)`` fits the problem restricted to ``sub.columns``, updating ``state``;
    yields the epochs spent once each alpha is fitted.
    """
    grad = gradient()
    previous = alphas[0]
    for alpha in alphas:
        strong = state.active() | (grad >= l1_ratio * (2 * alpha - previous))
        epochs = 0
        while True:
            epochs += fit(prob.restrict(strong), alpha=alpha)
            grad = gradient()
            violators = ~strong & (grad > alpha * l1_ratio)
            if not violators.any():
                break
            strong |= violators
        previous = alpha
        yield epochs


def _binomial_newton(sub, Y, v, state, alpha, l1_ratio, tol, max_iter, trace):
    """Proximal Newton on the features ``sub.columns``; updates ``state``."""
    columns = sub.columns
    beta = state.beta[columns]
    intercept, eta = state.intercept, state.eta
    objective = _binomial_loss(v, Y, eta) + _penalty(beta, alpha, l1_ratio, sub.ridge)
    threshold = tol * trace.null_dev
    epochs, change = 0, np.inf
    for _ in range(_MAX_NEWTON):
        trace.failures = []
        p = expit(eta)
        h = np.maximum(p * (1 - p), _MIN_HESSIAN)
        W = v * h
        beta_new, intercept_new, n_iter = _weighted_lasso(
            sub, eta + (Y - p) / h, W, beta, alpha, l1_ratio, tol, max_iter, trace
        )
        epochs += n_iter
        d_beta = beta_new - beta
        d_eta = intercept_new - intercept + sub.matvec(d_beta)

        def trial(t, beta=beta, eta=eta, d_beta=d_beta, d_eta=d_eta):
            return _binomial_loss(v, Y, eta + t * d_eta) + _penalty(
                beta + t * d_beta, alpha, l1_ratio, sub.ridge
            )

        step, objective = _line_search(trial, objective)
        beta = beta + step * d_beta
        intercept = intercept + step * (intercept_new - intercept)
        eta = eta + step * d_eta
        change, previous = step * step * (W @ d_eta**2), change
        # converged, or Newton's quadratic rate puts the next step below the threshold
        predicted = change * change / previous if np.isfinite(previous) else np.inf
        if change <= threshold or (step == 1.0 and predicted <= threshold):
            trace.settle(alpha)
            break
    else:
        trace.settle(alpha, newton_converged=False)
    state.beta[:] = 0.0
    state.beta[columns] = beta
    state.intercept, state.eta = intercept, eta
    return epochs


def _log_sum_exp(E):
    top = E.max(axis=1)
    return top + np.log(np.exp(E - top[:, None]).sum(axis=1))


def _multinomial_loss(v, Y, Eta):
    return v @ (_log_sum_exp(Eta) - (Y * Eta).sum(axis=1))


def multinomial(prob, Y, alphas, l1_ratio, tol, max_iter, stop_early, saturate, on_point=None):
    """glmnet's ungrouped multinomial: a partial Newton step per class, cycled."""
    v = prob.v
    intercepts = np.log(np.maximum(v @ Y, 1e-300))
    intercepts -= intercepts.mean()
    state = _MultinomialState(
        np.zeros((Y.shape[1], prob.X.shape[1])),
        intercepts,
        np.tile(intercepts, (prob.n_samples, 1)),
    )
    trace = _Trace(2 * _multinomial_loss(v, Y, state.eta), stop_early, saturate, on_point)

    def gradient():
        P = np.exp(state.eta - _log_sum_exp(state.eta)[:, None])
        residual = v[:, None] * (P - Y)
        return np.max([np.abs(prob.rmatvec(r)) for r in residual.T], axis=0)

    newton = partial(
        _multinomial_newton,
        Y=Y,
        v=v,
        state=state,
        l1_ratio=l1_ratio,
        tol=tol,
        max_iter=max_iter,
        trace=trace,
    )
    for epochs in _screened(prob, alphas, l1_ratio, state, gradient, newton):
        shift = state.intercept.mean()
        state.intercept -= shift
        state.eta -= shift
        if trace.add(state.beta, state.intercept, 2 * _multinomial_loss(v, Y, state.eta), epochs):
            break
    return trace


class _MultinomialState(_BinomialState):
    def active(self):
        return (self.beta != 0).any(axis=0)


def _multinomial_newton(sub, Y, v, state, alpha, l1_ratio, tol, max_iter, trace):
    """Cycles of per-class proximal Newton steps on ``sub.columns``; updates ``state``."""
    columns = sub.columns
    B = state.beta[:, columns]
    intercepts, Eta = state.intercept, state.eta
    objective = _multinomial_loss(v, Y, Eta) + _penalty(B, alpha, l1_ratio, sub.ridge)
    epochs = 0
    for _ in range(_MAX_NEWTON):
        trace.failures = []
        change = 0.0
        for k in range(Y.shape[1]):
            p = np.exp(Eta[:, k] - _log_sum_exp(Eta))
            h = np.maximum(p * (1 - p), _MIN_HESSIAN)
            W = v * h
            beta_k, intercept_k, n_iter = _weighted_lasso(
                sub,
                Eta[:, k] + (Y[:, k] - p) / h,
                W,
                B[k],
                alpha,
                l1_ratio,
                tol,
                max_iter,
                trace,
            )
            epochs += n_iter
            d_beta = beta_k - B[k]
            d_eta = intercept_k - intercepts[k] + sub.matvec(d_beta)
            others = _penalty(B, alpha, l1_ratio, sub.ridge) - _penalty(
                B[k], alpha, l1_ratio, sub.ridge
            )

            def trial(t, k=k, d_beta=d_beta, d_eta=d_eta, others=others, Eta=Eta, B=B):
                E = Eta.copy()
                E[:, k] += t * d_eta
                return (
                    _multinomial_loss(v, Y, E)
                    + others
                    + _penalty(B[k] + t * d_beta, alpha, l1_ratio, sub.ridge)
                )

            step, objective = _line_search(trial, objective)
            B[k] += step * d_beta
            intercepts[k] += step * (intercept_k - intercepts[k])
            Eta[:, k] += step * d_eta
            change = max(change, step * step * (W @ d_eta**2))
        if change <= tol * trace.null_dev:
            trace.settle(alpha)
            break
    else:
        trace.settle(alpha, newton_converged=False)
    state.beta[:] = 0.0
    state.beta[:, columns] = B
    return epochs


SOLVERS = {"regression": gaussian, "binary": binomial, "multinomial": multinomial}
