"""The multinomial path solver (glmnet's ``family="multinomial"``, ungrouped).

glmnet's scheme: cycle over the ``K`` classes, one proximal Newton step each with the
class's own curvature ``p_k (1 - p_k)`` (a weighted Lasso on its working response, with a
line search on the full loss), until no step moves the linear predictor by more than
glmnet's threshold. What makes it cheap here:

- on tall dense designs each class keeps its weighted Gram matrix until its curvature
  drifts (``Curvature``; a step with a slightly stale curvature still descends, and the
  line search guards it), and its Lasso's ``X~' W (z - zbar)`` comes from the gradient:
  most steps cost two products with the design's columns, not a Gram matrix;
- the linear predictors are stored a row per class, and a step's loss is computed from the
  other classes' log-sum-exp, fixed during the step;
- on a few dense features (``small_paths._compiled_applies``: digits' 64) each alpha's cycles
  run in compiled code (``_multinomial_cycle``), the same steps without the Python and numpy
  calls that cost several times their arithmetic (digits' path: 1.45 s -> 0.5 s CPU; a
  class's Gram matrix in single precision, as it only shapes the steps: 0.59 -> 0.51).

Tried and dropped (measured on digits, 1797 x 64, 10 classes): joint steps for all classes
with one shared curvature bound per sample (``2 max_k p_ik (1 - p_ik)``, Gershgorin's bound
on ``diag(p) - p p'``, or the max without the 2), so that one Gram matrix serves every class,
and joint (Jacobi) steps with per-class curvature: with glmnet's stopping rule they took
4 to 15 times the Newton iterations of the cycle and ran 2 to 4 times slower. Starting
each alpha from the path's prediction (linear in log(alpha), as the binomial's wide
designs do) halves the cycles, but at glmnet's stopping rule and default tolerance it moves
the cross-validated deviance of digits by 0.2% and lambda.min from glmnet's grid index 64
to 63 (the exact curve's minimum, tol=1e-10, is at 63, 0.007% below 64): kept out, as the
project wants glmnet's index.
"""

from functools import partial

import numpy as np

from . import newton_step
from ._multinomial_cycle import class_cycles
from .curvature import Curvature
from .families import MIN_HESSIAN
from .small_paths import _compiled_applies
from .solvers import _GLMState, _screened
from .trace import Trace

__all__ = ["multinomial"]

# A class's curvature is rebuilt once it drifted by this much (weighted, relative): a looser
# rule than the binomial's (0.01), measured on digits (one BLAS thread, CPU): 0.01 1.20 s,
# 0.03 1.12 s, 0.1 1.00 s, 0.3 0.90 s, with KKT residuals at default tol the same up to
# 0.1 (max 0.134 vs 0.138 of alpha, median 0.017) and larger at 0.3 (median 0.020).
_CLASS_DRIFT = 0.1


def multinomial(
    family, prob, Y, alphas, l1_ratio, tol, max_iter, stop_early, saturate, on_point=None
):
    """glmnet's ungrouped multinomial: a partial Newton step per class, cycled."""
    v = prob.v
    intercepts = family.null_intercept(v, Y)
    YT = np.ascontiguousarray(Y.T)
    state = _MultinomialState(
        np.zeros((Y.shape[1], prob.n_features)),
        intercepts,
        np.repeat(intercepts[:, None], prob.n_samples, axis=1),
    )
    state.loss = _loss(v, YT, state.eta)
    trace = Trace(2 * state.loss, stop_early, saturate, on_point)
    if _keeps_curvature(prob):
        state.curvatures = [Curvature(v, _CLASS_DRIFT) for _ in range(Y.shape[1])]
        if _compiled_applies(prob):
            state.kept = _KeptCurvatures(Y.shape[1], prob.n_samples)

    def gradient(floor, screen=None):  # (exact everywhere)
        residual = v * (_softmax(state.eta) - YT)
        return np.abs(_rmatvec(prob, residual)).max(axis=0)

    newton = partial(
        _class_cycle,
        YT=YT,
        v=v,
        state=state,
        l1_ratio=l1_ratio,
        tol=tol,
        max_iter=max_iter,
        trace=trace,
    )
    fits = _screened(prob, alphas, l1_ratio, state, gradient, newton)
    for alpha, epochs in zip(alphas, fits, strict=True):
        shift = state.intercept.mean()  # (the loss does not see a common shift)
        state.intercept -= shift
        state.eta -= shift
        if trace.add(alpha, state.beta, state.intercept, 2 * state.loss, epochs):
            break
    return trace


class _MultinomialState(_GLMState):
    """``beta`` of shape (K, features), ``intercept`` (K,), ``eta`` (K, samples): a row per
    class, so reductions over the classes run along contiguous rows (over a short last
    axis, numpy's are several times slower)."""

    curvatures = None  # per class, on tall dense designs (see ``_keeps_curvature``)
    kept = None  # ... or their arrays, on a few features (see ``_compiled_cycles``)

    def active(self):
        return (self.beta != 0).any(axis=0)


def _keeps_curvature(prob):
    """Whether each class keeps its Gram matrix across steps: where ``Curvature`` says it
    pays (a dense design, tall and not tiny, without per-feature ridge weights)."""
    return prob.X is not None and Curvature.applies(prob)


def _lse(ET):
    """``log(sum_k exp(ET[k]))`` per column, without overflow."""
    top = ET.max(axis=0)
    return top + np.log(np.exp(ET - top).sum(axis=0))


def _softmax(ET):
    P = np.exp(ET - ET.max(axis=0))
    P /= P.sum(axis=0)
    return P


def _loss(v, YT, ET):
    return v @ (_lse(ET) - (YT * ET).sum(axis=0))


def _rmatvec(sub, R):
    """``R X~`` for the rows ``R`` (K, samples): shape (K, features)."""
    out = R @ sub.X
    return out if sub.offset is None else out - np.outer(R.sum(axis=1), sub.offset)


def _class_cycle(sub, YT, v, state, alpha, l1_ratio, tol, max_iter, trace):
    """Cycles of per-class proximal Newton steps on ``sub.columns`` (glmnet's), until no
    step moves ``eta`` by more than glmnet's threshold; updates ``state``. With
    ``state.curvatures``, a class keeps its weighted Gram matrix until its curvature
    drifts (``Curvature``), and ``X~' W (z - zbar)`` comes from the gradient."""
    columns = sub.columns
    n, K = sub.n_samples, YT.shape[0]
    B = state.beta[:, columns]
    intercepts, ET = state.intercept, state.eta
    if state.kept is not None:
        return _compiled_cycles(sub, YT, v, state, alpha, l1_ratio, tol, max_iter, trace)
    ridge = sub.ridge
    curvatures = state.curvatures
    objective = state.loss + newton_step.penalty(B, alpha, l1_ratio, ridge)
    epochs = 0
    rows = np.arange(K)
    for _ in range(newton_step.MAX_NEWTON):
        trace.failures = []
        change = 0.0
        for k in range(K):
            # the other classes' part of the loss, fixed during this class's step
            others = _lse(ET[rows != k])
            fixed = v @ (YT * ET).sum(axis=0) - v @ (YT[k] * ET[k])
            penalty = newton_step.penalty(B, alpha, l1_ratio, ridge) - newton_step.penalty(
                B[k], alpha, l1_ratio, ridge
            )
            eta = ET[k]
            p = np.exp(eta - np.logaddexp(others, eta))
            h = np.maximum(p * (1 - p), MIN_HESSIAN)
            gram = None
            if curvatures is not None:
                h, _ = curvatures[k].weights(h)
                curvatures[k].rebuild = False  # (drift alone decides)
                residual = v * (p - YT[k])
                x_bar, matrix = curvatures[k].gram(sub)
                # X~' W (z - zbar) from the gradient (eta = c + X~ beta): no pass over X
                Xy = matrix @ B[k] - n * (sub.rmatvec(residual) - residual.sum() * x_bar)
                gram = (x_bar, matrix, Xy)
            W = v * h
            beta_k, intercept_k, n_iter = newton_step.weighted_lasso(
                sub, eta + (YT[k] - p) / h, W, B[k], alpha, l1_ratio, tol, max_iter, trace, gram
            )
            epochs += n_iter
            d_beta = beta_k - B[k]
            d_eta = intercept_k - intercepts[k] + sub.matvec(d_beta)

            def trial(
                t,
                k=k,
                eta=eta,
                d_beta=d_beta,
                d_eta=d_eta,
                others=others,
                fixed=fixed,
                penalty=penalty,
            ):
                new = eta + t * d_eta
                loss = v @ (np.logaddexp(others, new) - YT[k] * new) - fixed
                return (
                    loss + penalty + newton_step.penalty(B[k] + t * d_beta, alpha, l1_ratio, ridge)
                )

            step, objective = newton_step.line_search(trial, objective)
            B[k] += step * d_beta
            intercepts[k] += step * (intercept_k - intercepts[k])
            ET[k] += step * d_eta
            change = max(change, step * step * (W @ d_eta**2))
        if change <= tol * trace.null_dev:
            trace.settle(alpha)
            break
    else:
        trace.settle(alpha, newton_converged=False)
    state.beta[:] = 0.0
    state.beta[:, columns] = B
    state.eta = ET
    state.loss = objective - newton_step.penalty(B, alpha, l1_ratio, ridge)
    return epochs


class _KeptCurvatures:
    """Each class's kept curvature (K, samples), and its Gram matrices (K, m, m) and
    weighted means (K, m) on the columns last fitted, valid where ``kept``."""

    def __init__(self, n_classes, n_samples):
        self.h = np.zeros((n_classes, n_samples))
        self.kept = np.zeros(n_classes, dtype=np.int8)
        self.columns, self.gram, self.mean = None, None, None

    def on(self, columns):
        """Ready for ``columns``: the Gram matrices are rebuilt when they change."""
        if self.columns is None or not np.array_equal(self.columns, columns):
            K, m = self.kept.size, columns.size
            self.columns = columns
            self.gram, self.mean = np.zeros((K, m, m)), np.zeros((K, m))
            self.kept[:] = 0
        return self


def _compiled_cycles(sub, YT, v, state, alpha, l1_ratio, tol, max_iter, trace):
    """``_class_cycle`` on a few dense features (``small_paths._compiled_applies``), every
    step in compiled code (``_multinomial_cycle``): the Python route's calls cost several
    times a step's arithmetic there."""
    columns = sub.columns
    kept = state.kept.on(columns)
    B = np.ascontiguousarray(state.beta[:, columns])
    loss, epochs, converged, ratios = class_cycles(
        np.ascontiguousarray(sub.X),
        YT,
        v,
        B,
        state.intercept,
        state.eta,
        kept.h,
        kept.gram,
        kept.mean,
        kept.kept,
        float(state.loss),
        float(alpha),
        float(l1_ratio),
        float(tol),
        int(max_iter),
        newton_step.MAX_NEWTON,
        float(tol * trace.null_dev),
        _CLASS_DRIFT,
        MIN_HESSIAN,
        bool(sub.positive),
    )
    trace.failures = [(alpha, ratio) for ratio in ratios if ratio > 0]
    trace.settle(alpha, newton_converged=converged)
    state.beta[:] = 0.0
    state.beta[:, columns] = B
    state.loss = loss
    return epochs
