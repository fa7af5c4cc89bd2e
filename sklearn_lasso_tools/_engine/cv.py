"""Cross-validation over a regularization path: pure numerics.

Each fold's path is fitted on the training part (in parallel through joblib, so a user's
``joblib.parallel_config`` decides where it runs), every alpha is scored on the held-out
part with a scikit-learn scorer, and glmnet's rules pick ``alpha_min`` and ``alpha_1se``.
"""

import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse

from .._validation import is_int
from .cross_products import cross_products_for
from .dense_layout import take_rows
from .families import family_for
from .folds import KFolds
from .in_place import reads_in_place
from .path import l1_path
from .scoring import SQUARED_ERROR_SCORING, score_path, score_squares
from .threads import single_threaded_blas

__all__ = [
    "CVResult",
    "budget_rule",
    "cross_validate_path",
    "fold_statistics",
    "held_out_blocks",
    "make_splitter",
    "one_se_rule",
    "subset_path",
]


@dataclass(frozen=True)
class CVResult:
    """Scores of every alpha on every fold, and the rules' choices.

    Attributes
    ----------
    scores : ndarray of shape (n_alphas, n_folds)
        Greater is better.
    mean, std, se : ndarray of shape (n_alphas,)
        Fold-size-weighted mean, plain standard deviation over folds, and glmnet's
        standard error (weighted spread over ``sqrt(n_folds - 1)``).
    index_min, index_1se : int
        Positions of ``alpha_min`` and ``alpha_1se`` on the grid.
    fold_support : ndarray of shape (n_folds, n_alphas, n_features)
        Whether each fold's fit selects each feature at each alpha.
    """

    scores: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    se: np.ndarray
    index_min: int
    index_1se: int
    fold_support: np.ndarray


def one_se_rule(mean, se):
    """glmnet's rules on a descending grid: the largest alpha with the best mean, and the
    largest alpha whose mean is within one standard error of it."""
    index_min = int(np.flatnonzero(mean >= np.max(mean))[0])
    index_1se = int(np.flatnonzero(mean >= mean[index_min] - se[index_min])[0])
    return index_min, index_1se


def budget_rule(mean, se, n_nonzero, k):
    """The budgeted rule ``k`` on a descending grid: the largest alpha whose mean score is
    within one standard error of the best and that keeps at most ``k`` features.

    When no alpha within one standard error keeps so few, the alpha with the best mean
    score among those keeping at most ``k`` features (the largest such alpha on ties).

    Returns
    -------
    index : int
        Position on the grid.
    within : bool
        Whether ``index`` is within one standard error of the best mean score.
    """
    index_min, _ = one_se_rule(mean, se)
    small = np.asarray(n_nonzero) <= k
    band = mean >= mean[index_min] - se[index_min]
    candidates = np.flatnonzero(band & small)
    if candidates.size:
        return int(candidates[0]), True
    # the first grid point of the default grid keeps nothing, but a given grid may not
    if not small.any():
        return int(np.argmin(n_nonzero)), False
    best = np.max(mean[small])
    return int(np.flatnonzero(small & (mean >= best))[0]), False


def make_splitter(cv, family, y_codes, random_state):
    """An int gives K folds (stratified when the family asks for it: classes), the same on
    every fit unless ``random_state`` asks for shuffled ones (seeded by it); ``None`` keeps
    the order, as scikit-learn's ``check_cv``. A class with fewer members than folds gets
    ``StratifiedKFold``'s own ``UserWarning``, and the fit goes on.

    ``family``: the path's family (or its name)."""
    stratify = family_for(family).stratify
    if not is_int(cv):
        from sklearn.model_selection import check_cv  # (see folds: not loaded for an int)

        return check_cv(cv, y_codes, classifier=stratify)
    shuffle = random_state is not None
    return KFolds(cv, stratify=stratify, shuffle=shuffle, random_state=random_state)


def cross_validate_path(
    X,
    y,
    y_original,
    splits,
    *,
    task,
    alphas,
    scoring,
    classes=None,
    sample_weight=None,
    n_jobs=None,
    progress=None,
    cross_products=None,
    **path_params,
):
    """Fit the path on each training fold and score each alpha on its test fold.

    ``y`` is what the engine takes (class codes or floats); ``y_original`` what a scorer
    compares against. ``scoring`` is a scorer name or a callable scorer. ``progress``
    (e.g. a progress bar) has its ``update()`` called here, in the caller's process, as
    each fold's result arrives, wherever joblib runs the folds. ``cross_products``: the
    whole data's ``CrossProducts``, when the caller already has them.
    """
    family = family_for(task)
    cross_products = _shared_cross_products(X, y, splits, family, sample_weight, cross_products)
    jobs = (
        delayed(_fit_and_score_fold)(
            X,
            y,
            y_original,
            train,
            test,
            cross_products=cross_products,
            task=family,
            alphas=alphas,
            scoring=scoring,
            classes=classes,
            sample_weight=sample_weight,
            **path_params,
        )
        for train, test in splits
    )
    results = []
    with _reused_rows():
        for result in Parallel(n_jobs=n_jobs, return_as="generator")(jobs):
            results.append(result)
            if progress is not None:
                progress.update()
    scores = np.column_stack([r[0] for r in results])
    fold_support = np.stack([r[1] for r in results])
    mean, se = fold_statistics(scores, splits, sample_weight)
    index_min, index_1se = one_se_rule(mean, se)
    std = np.nanstd(scores, axis=1)  # (over the folds that have a score)
    return CVResult(scores, mean, std, se, index_min, index_1se, fold_support)


def _shared_cross_products(X, y, splits, family, sample_weight, given=None):
    """The cross-products the folds' Gram matrices come from (see ``CrossProducts``;
    ``given``, or built here), when the folds can share them (see ``held_out_blocks``);
    else None."""
    held_out = held_out_blocks(X, splits, family)
    if not held_out:
        return None
    return cross_products_for(X, y, family, sample_weight, held_out) if given is None else given


def held_out_blocks(X, splits, task):
    """The rows each fold holds out, when the folds' paths can come from the whole data's
    cross-products: squared loss on a dense design with more training samples than
    features, every training part the complement of fewer rows (as in K-fold); else ().
    ``task``: the family (or its name)."""
    if not family_for(task).squared_loss or sparse.issparse(X):
        return ()
    blocks = []
    for train, _ in splits:
        held_out = _held_out(X.shape[0], train)
        n_train = X.shape[0] - np.count_nonzero(held_out)
        if n_train != len(train) or n_train <= X.shape[1] or n_train < X.shape[0] / 2:
            return ()
        blocks.append(np.flatnonzero(held_out))
    return blocks


def _held_out(n_samples, train):
    """The rows not in ``train``, as a mask."""
    mask = np.ones(n_samples, dtype=bool)
    mask[train] = False
    return mask


def fold_statistics(scores, splits, sample_weight):
    """glmnet's fold-size-weighted mean and standard error over the folds (last axis):
    the weighted spread over ``sqrt(n_folds - 1)``.

    A fold without a score (NaN everywhere: ROC AUC on a held-out part with one class,
    which ``roc_auc_score`` leaves undefined) is left out, with a ``UserWarning``.
    """
    fold_weights = np.array(
        [len(test) if sample_weight is None else sample_weight[test].sum() for _, test in splits]
    )
    scored = ~np.isnan(scores).all(axis=tuple(range(scores.ndim - 1)))
    if not scored.any():
        raise ValueError(
            "No cross-validation fold has a score (e.g. ROC AUC on held-out parts with a "
            "single class each); use fewer folds."
        )
    if not scored.all():
        warnings.warn(
            f"{np.count_nonzero(~scored)} of {len(splits)} folds have no score (e.g. ROC "
            "AUC on a held-out part with a single class); the CV mean and standard error "
            "use the other folds. Fewer folds avoid this.",
            UserWarning,
            stacklevel=2,
        )
        scores, fold_weights = scores[..., scored], fold_weights[scored]
    share = fold_weights / fold_weights.sum()
    mean = scores @ share
    spread = ((scores - mean[..., None]) ** 2) @ share
    return mean, np.sqrt(spread / max(len(share) - 1, 1))


# Within ``_reused_rows`` (a cross-validation's folds run in its thread: joblib's default,
# sequential), a fold's copy of its rows is written over by the next fold's, not freshly
# allocated: a wide fold's copy is megabytes, and first touching fresh pages cost 20 ms
# against the gather's 3 (160 of 200 x 10,000 rows; transparent huge pages compacted on a
# loaded machine). So are its coefficients, once the fold has scored them (filling a
# fresh 100 x 10,000 array cost 13 ms, against 2 in a reused one). Nothing is kept past
# the block, nor in other threads. And so is the float32 copy of a wide fold's design
# (half its rows' size; see standardize.prepare).
_spare = threading.local()


@contextmanager
def _reused_rows():
    _spare.rows, _spare.coefs, _spare.single, _spare.enabled = None, None, None, True
    try:
        yield
    finally:
        _spare.rows, _spare.coefs, _spare.single, _spare.enabled = None, None, None, False


def subset_path(X, y, rows, *, task, alphas, sample_weight, design=None, **path_params):
    """``(coefs, intercepts)`` of the path fitted on ``rows`` at every one of ``alphas``.

    A fit that saturated (interpolated, or separated classes) keeps its last point at the
    smaller alphas, as glmnet's folds do. ``design``, a ``RowSubset`` of these rows, stands
    for ``X[rows]`` when given.
    """
    fold_rows = None
    if design is None and reads_in_place(X, task, len(rows)):
        design, fold_rows = X, rows  # (the fit reads its rows where they are: no copy)
    reuse = design is None and getattr(_spare, "enabled", False)
    coefs_spare = single_spare = None
    if getattr(_spare, "enabled", False):  # (given back by the fold that scored them)
        coefs_spare, _spare.coefs = _spare.coefs, None
    if design is None:
        spare = None
        if reuse:
            spare, _spare.rows = _spare.rows, None
        design = take_rows(X, rows, spare)
    wide = isinstance(design, np.ndarray) and design.shape[0] < design.shape[1]
    if reuse and wide:
        single_spare = _spare.single
        if single_spare is None or single_spare.shape[0] < len(rows):
            # (a few rows more than this fold's: the next fold may have one more)
            extra = max(1, len(rows) // 64)
            single_spare = np.empty((len(rows) + extra, X.shape[1]), dtype=np.float32)
        _spare.single = single_spare
    path = l1_path(
        design,
        y[rows],
        task=task,
        alphas=alphas,
        sample_weight=None if sample_weight is None else sample_weight[rows],
        stop_early=False,
        saturate=True,
        keep_last=True,  # (no padded copy afterwards: wide paths are large)
        copy_X=False,  # a copy of its own (rows: indices): standardized in place
        out=coefs_spare,
        rows=fold_rows,  # (or the rows of X read in place)
        single_out=single_spare,
        **path_params,
    )
    if reuse and wide and design.flags.f_contiguous:
        _spare.rows = design  # (wide: tall folds' rows are not gathered into a spare)
    return path.coefs, path.intercepts


def _fit_and_score_fold(
    X,
    y,
    y_original,
    train,
    test,
    *,
    cross_products,
    task,
    alphas,
    scoring,
    classes,
    sample_weight,
    **path_params,
):
    held_out = design = None
    if cross_products is not None:
        held_out = np.flatnonzero(_held_out(X.shape[0], train))
        design = cross_products.without(held_out)
    coefs, intercepts = subset_path(
        X,
        y,
        train,
        task=task,
        alphas=alphas,
        sample_weight=sample_weight,
        design=design,
        **path_params,
    )
    squares = None  # squared errors on the held-out rows follow from their moments
    if (
        cross_products is not None
        and scoring in SQUARED_ERROR_SCORING
        and np.array_equal(np.sort(test), held_out)
    ):
        squares = cross_products.squared_residuals(held_out, coefs, intercepts)
    if squares is not None:
        scores = score_squares(scoring, *squares)
    else:
        test_weights = None if sample_weight is None else sample_weight[test]
        # small products: one thread, as in the path (two often take far longer on a busy
        # machine; parallelism belongs to the folds)
        with single_threaded_blas():
            scores = score_path(
                scoring,
                task,
                coefs,
                intercepts,
                classes,
                X[test],
                y[test],
                y_original[test],
                test_weights,
            )
    support = coefs != 0
    if support.ndim == 3:
        support = support.any(axis=1)
    if getattr(_spare, "enabled", False):
        _spare.coefs = coefs  # scored: the next fold's may overwrite them
    return scores, support
