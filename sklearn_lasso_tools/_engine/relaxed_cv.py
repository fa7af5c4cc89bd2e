"""Cross-validation of relaxed fits: every (alpha, gamma) pair scored on the same folds,
and glmnet's rules for relaxed fits (``cv.glmnet(relax=TRUE)``). Pure numerics.
"""

from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed

from .cv import fold_statistics, subset_path
from .families import family_for
from .relax import blend, refit_path
from .scoring import score_path

__all__ = ["RelaxedCVResult", "cross_validate_relaxed", "relaxed_rules"]


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
