"""Whole paths of small dense designs in compiled code: the squared loss's on its Gram
matrix (``_gram_path``) and the binomial's and Poisson's (``_glm_path``), with the rule for
when they apply (also the multinomial's, whose class cycles are compiled on the same
designs). On a few features the Python and numpy calls around each point cost several
times its arithmetic; ``solvers`` dispatches here, and ``Trace`` still collects the points
and stops the path.
"""

import numpy as np

from ._glm_path import GLMPath
from ._gram_path import gram_path
from .curvature import Curvature
from .weighted_lasso import _FEW, _gram_pays


def _compiled_applies(prob):
    """Whether ``weighted_solve`` solves ``prob``'s weighted problems: a dense design
    (C order) of a few features (where ``WeightedLasso`` neither screens nor copies parts
    of its Gram matrix) whose Gram matrix pays (see ``_gram_pays``), no ridge weights."""
    X = prob.X
    return (
        prob.offset is None
        and prob.ridge is None
        and isinstance(X, np.ndarray)
        and X.flags.c_contiguous
        and X.shape[1] <= _FEW
        and _gram_pays(*X.shape)
    )


def _compiled_gaussian(prob, gram, Xy, yy, y_bar, alphas, l1_ratio, tol, max_iter, trace):
    """The loop of ``gaussian`` on a Gram matrix of a few features (no screening: see
    ``WeightedLasso``), every point in compiled code (``_gram_path``): there, the Python
    and numpy calls around each point cost several times its arithmetic. The points are
    then added to ``trace`` in order, up to where it stops the path."""
    n = prob.n_samples
    betas, devs, epochs, ratios = gram_path(
        np.ascontiguousarray(gram),
        np.ascontiguousarray(Xy, dtype=np.float64),
        float(yy),
        np.ascontiguousarray(alphas, dtype=np.float64),
        l1_ratio * n,
        (1 - l1_ratio) * n,
        int(max_iter),
        float(tol),
        bool(prob.positive),
        float(n),
    )
    start = len(trace.alphas)
    intercepts = [np.array(y_bar, copy=True)] * len(alphas)  # (one for all)
    trace.extend(alphas, betas, intercepts, devs.tolist(), epochs.tolist())
    kept = len(trace.alphas) - start  # (points past an early stop are not reported)
    trace.unconverged.extend((alphas[i], float(ratios[i])) for i in np.flatnonzero(ratios[:kept]))
    return trace


def _compiled_glm_applies(family, prob):
    """Whether ``GLMPath`` runs ``prob``'s path: binomial or Poisson on a design whose
    every working set's Newton steps ``weighted_solve`` would solve, with neither kept
    curvature nor predictions (both conditions hold for every subset of the columns when
    they hold for all of them: n p^2 and p only shrink; not wide, as the Gram matrix pays)."""
    return (
        family.compiled_loss is not None and _compiled_applies(prob) and not Curvature.applies(prob)
    )


def _compiled_glm(family, prob, Y, alphas, l1_ratio, tol, max_iter, state, saturated, trace):
    """``glm``'s loop with every point fitted in compiled code (``_glm_path``): there, the
    Python and numpy calls around each Newton step cost several times its arithmetic.
    Without the early stop, which reads the trace point by point, the whole path is one
    call (``GLMPath.fit_path``)."""
    poisson = family.compiled_loss == "poisson"
    path = GLMPath(
        prob.X, np.ascontiguousarray(Y, dtype=np.float64), np.ascontiguousarray(prob.v),
        poisson, float(state.intercept), float(state.loss), float(l1_ratio),
        float(tol), float(tol * trace.null_dev), int(max_iter), bool(prob.positive),
    )  # fmt: skip
    if not trace.stop_early:
        alphas = np.ascontiguousarray(alphas, dtype=np.float64)
        betas, intercepts, devs, epochs, failures, newton = path.fit_path(
            alphas, float(saturated), float(trace.null_dev), trace.saturation
        )
        fitted = alphas[: len(betas)]
        trace.extend(fitted, betas, intercepts.tolist(), devs.tolist(), epochs.tolist())
        trace.unconverged.extend((fitted[i], ratio) for i, ratio in failures)
        trace.newton_unconverged.extend(np.repeat(fitted, newton).tolist())
        return trace
    for alpha in alphas:
        epochs = path.fit(alpha)
        if path.n_ratios or path.newton_failures:  # (rare: no objects made for none)
            trace.unconverged.extend((alpha, ratio) for ratio in path.failures())
            trace.newton_unconverged.extend([alpha] * path.newton_failures)
        if trace.add(alpha, path.beta, path.intercept, 2 * (path.loss - saturated), epochs):
            break
    return trace
