"""Cross-validation over a regularization path: pure numerics.

Each fold's path is fitted on the training part (in parallel through joblib, so a user's
``joblib.parallel_config`` decides where it runs), every alpha is scored on the held-out
part with a scikit-learn scorer, and glmnet's rules pick ``alpha_min`` and ``alpha_1se``.
"""

from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import KFold, StratifiedKFold, check_cv

from ._path import l1_path
from ._validation import is_int

__all__ = ["CVResult", "cross_validate_path", "make_splitter", "one_se_rule"]


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


def make_splitter(cv, task, y_codes, random_state, owner):
    """An int gives shuffled folds (stratified for classification), as ``cv.glmnet``."""
    if not is_int(cv):
        return check_cv(cv, y_codes, classifier=task == "classification")
    if task == "regression":
        return KFold(cv, shuffle=True, random_state=random_state)
    smallest = np.bincount(y_codes).min()
    if smallest < cv:
        raise ValueError(
            f"The 'cv' parameter of {owner} asks for {cv} stratified folds, but the "
            f"smallest class has only {smallest} samples."
        )
    return StratifiedKFold(cv, shuffle=True, random_state=random_state)


def cross_validate_path(X, y, y_original, splits, *, task, alphas, scorer, classes=None,
                        sample_weight=None, n_jobs=None, **path_params):
    """Fit the path on each training fold and score each alpha on its test fold.

    ``y`` is what the engine takes (class codes or floats); ``y_original`` what the scorer
    compares against. Folds missing a class are fitted on the classes they have.
    """
    jobs = (
        delayed(_fit_and_score_fold)(
            X, y, y_original, train, test, task=task, alphas=alphas, scorer=scorer,
            classes=classes, sample_weight=sample_weight, **path_params,
        )
        for train, test in splits
    )
    results = Parallel(n_jobs=n_jobs)(jobs)
    scores = np.column_stack([r[0] for r in results])
    fold_support = np.stack([r[1] for r in results])
    fold_weights = np.array([
        len(test) if sample_weight is None else sample_weight[test].sum() for _, test in splits
    ])
    mean = scores @ fold_weights / fold_weights.sum()
    spread = ((scores - mean[:, None]) ** 2) @ fold_weights / fold_weights.sum()
    se = np.sqrt(spread / max(len(splits) - 1, 1))
    index_min, index_1se = one_se_rule(mean, se)
    return CVResult(scores, mean, scores.std(axis=1), se, index_min, index_1se, fold_support)


def _fit_and_score_fold(X, y, y_original, train, test, *, task, alphas, scorer, classes,
                        sample_weight, **path_params):
    weights = None if sample_weight is None else sample_weight[train]
    path = l1_path(X[train], y[train], task=task, alphas=alphas, sample_weight=weights,
                   stop_early=False, **path_params)
    test_weights = None if sample_weight is None else sample_weight[test]
    kwargs = {} if test_weights is None else {"sample_weight": test_weights}
    X_test, y_test = X[test], y_original[test]
    scores = np.array([
        scorer(_point(task, coef, b0, classes), X_test, y_test, **kwargs)
        for coef, b0 in zip(path.coefs, path.intercepts)
    ])
    support = path.coefs != 0
    if support.ndim == 3:
        support = support.any(axis=1)
    return scores, support


def _point(task, coef, intercept, classes):
    if task == "regression":
        return PathPointRegressor(coef, intercept)
    return PathPointClassifier(coef, intercept, classes)


class PathPointRegressor(RegressorMixin, BaseEstimator):
    """One point of a fitted path, as a regressor a scorer can call."""

    def __init__(self, coef, intercept):
        self.coef = coef
        self.intercept = intercept

    def predict(self, X):
        return X @ self.coef + self.intercept


class PathPointClassifier(ClassifierMixin, BaseEstimator):
    """One point of a fitted path, as a classifier a scorer can call."""

    def __init__(self, coef, intercept, classes):
        self.coef = coef
        self.intercept = intercept
        self.classes = classes

    @property
    def classes_(self):
        return self.classes

    def decision_function(self, X):
        return X @ self.coef.T + self.intercept

    def predict_proba(self, X):
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p = expit(scores)
            return np.column_stack([1 - p, p])
        return softmax(scores, axis=1)

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def predict(self, X):
        scores = self.decision_function(X)
        codes = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes[codes]
