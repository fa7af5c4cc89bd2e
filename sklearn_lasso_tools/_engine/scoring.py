"""Scoring every point of a path on held-out data.

scikit-learn's common scorers are computed for all alphas at once from the matrix of
decision values (hundreds of scorer calls, each re-validating its input, would cost more
than the fits). Any other scorer, or a weighted AUC, is called once per alpha on a small
estimator that stands for that point of the path.
"""

import numpy as np
from scipy.special import expit, log_softmax, softmax, xlogy
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from .families import BINOMIAL, GAUSSIAN, MULTINOMIAL, POISSON, family_for

__all__ = ["SQUARED_ERROR_SCORING", "score_path", "score_squares"]

SQUARED_ERROR_SCORING = ("neg_mean_squared_error", "r2")  # scored from moments, see _cv
_EPS = np.finfo(np.float64).eps  # scikit-learn's clipping of probabilities in log_loss
_RANKED_VALUES = 1 << 16  # decision values ranked at once by _roc_auc (its temporaries)


def score_path(scoring, task, coefs, intercepts, classes, X, y_codes, y_labels, sample_weight=None):
    """Scores (greater is better) of each path point, shape (n_alphas,).

    ``task`` is the path's family (or its name); ``coefs`` is (n_alphas, n_features) or
    (n_alphas, n_classes, n_features).
    """
    family = family_for(task)
    if isinstance(scoring, str):
        fast = _FAST.get(family, {}).get(scoring)
        if fast is not None and (sample_weight is None or scoring != "roc_auc"):
            decision = _decision(X, coefs, intercepts)
            w = np.ones(len(y_codes)) if sample_weight is None else sample_weight
            return fast(decision, y_codes, w / w.sum())
    from sklearn.metrics import get_scorer  # (the common scorers above do without it)

    scorer = get_scorer(scoring)
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    return np.array(
        [
            scorer(_point(family, coef, b0, classes), X, y_labels, **kwargs)
            for coef, b0 in zip(coefs, intercepts, strict=True)
        ]
    )


def score_squares(scoring, squares, weight, total):
    """Scores of each path point from its weighted sum of squared residuals on the
    held-out rows (``squares``), their weight and weighted sum of squares about their
    mean (``total``): for the squared-error scorers of ``SQUARED_ERROR_SCORING``."""
    if scoring == "r2":
        return 1 - squares / total
    return -squares / weight


def _decision(X, coefs, intercepts):
    """(n_samples, n_alphas) or (n_samples, n_alphas, n_classes); only the columns some
    alpha uses are multiplied (few of them, for wide data)."""
    n_features = coefs.shape[-1]
    flat = coefs.reshape(-1, n_features)
    used = np.flatnonzero(np.any(flat != 0, axis=0))
    if used.size < n_features // 2:
        X, flat = X[:, used], flat[:, used]
    decision = np.asarray(X @ flat.T)
    if coefs.ndim == 3:
        decision = decision.reshape(-1, coefs.shape[0], coefs.shape[1])
    decision += intercepts  # (in place: a tall CV's held-out decisions are megabytes)
    return decision


def _roc_auc(decision, y, w):
    positive = y == 1
    n_pos, n_neg = positive.sum(), (~positive).sum()
    if n_pos == 0 or n_neg == 0:  # undefined: NaN, as scikit-learn's roc_auc_score
        return np.full(decision.shape[1:], np.nan)
    # average ranks for ties, as the trapezoid rule; a block of alphas at a time (the
    # ranking's temporaries, each as large as its input, would be the largest arrays of a
    # tall CV)
    rank_sums = np.empty(decision.shape[1:])
    step = max(1, _RANKED_VALUES // len(y))
    for start in range(0, decision.shape[1], step):
        part = slice(start, start + step)
        rank_sums[part] = _positive_rank_sums(decision[:, part], positive)
    return (rank_sums - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _positive_rank_sums(decision, positive):
    """Each column's sum of the ``positive`` rows' ranks (1-based, ties given their
    average rank; NaN for a column holding NaN), as ``rankdata(decision, axis=0)`` would
    give them. Ranks are halves of integers, so the sums are exact whatever their order;
    scipy's rankdata, with its input checks, cost ten times as much on a small fold."""
    n = decision.shape[0]
    order = np.argsort(decision, axis=0)
    ordered = np.take_along_axis(decision, order, axis=0)
    position = np.arange(1, n + 1)[:, None]
    # each sorted value's run of ties spans positions first..last
    starts = np.empty(ordered.shape, dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=0)
    ends = np.empty_like(starts)
    ends[-1] = True
    ends[:-1] = starts[1:]
    last = np.minimum.accumulate(np.where(ends, position, n + 1)[::-1], axis=0)[::-1]
    sums = np.where(positive[order], (first + last) / 2, 0.0).sum(axis=0)
    sums[np.isnan(ordered[-1])] = np.nan  # (argsort puts NaN last)
    return sums


def _binary_log_loss(decision, y, w):
    sign = np.where(y == 1, 1.0, -1.0)[:, None]
    log_p = np.maximum(-np.logaddexp(0.0, -sign * decision), np.log(_EPS))
    return w @ log_p


def _multinomial_log_loss(decision, y, w):
    log_p = log_softmax(decision, axis=2)[np.arange(len(y)), :, y]
    return w @ np.maximum(log_p, np.log(_EPS))


def _binary_accuracy(decision, y, w):
    return w @ ((decision > 0) == (y == 1)[:, None])


def _multinomial_accuracy(decision, y, w):
    return w @ (decision.argmax(axis=2) == y[:, None])


def _neg_mse(prediction, y, w):
    return -(w @ (prediction - y[:, None]) ** 2)


def _neg_poisson_deviance(decision, y, w):
    """``-mean_poisson_deviance`` of ``exp(decision)``, from the log of the mean."""
    y = y[:, None]
    with np.errstate(over="ignore"):
        return -2 * (w @ (xlogy(y, y) - y * decision - y + np.exp(decision)))


def _r2(prediction, y, w):
    total = w @ (y - w @ y) ** 2
    return 1 - (w @ (prediction - y[:, None]) ** 2) / total


# each family's scorers computed for all alphas at once, by scorer name
_FAST = {
    GAUSSIAN: {"neg_mean_squared_error": _neg_mse, "r2": _r2},
    BINOMIAL: {"roc_auc": _roc_auc, "neg_log_loss": _binary_log_loss, "accuracy": _binary_accuracy},
    MULTINOMIAL: {"neg_log_loss": _multinomial_log_loss, "accuracy": _multinomial_accuracy},
    POISSON: {"neg_mean_poisson_deviance": _neg_poisson_deviance},
}


def _point(family, coef, intercept, classes):
    """One path point as an estimator: a classifier for class families, else a regressor
    predicting the family's mean."""
    if family.has_classes:
        return PathPointClassifier(coef, intercept, classes)
    return PathPointRegressor(coef, intercept, family)


class PathPointRegressor(RegressorMixin, BaseEstimator):
    """One point of a fitted path, as a regressor a scorer can call: predicts the mean of
    ``family`` (the inverse link) at ``X coef + intercept``."""

    def __init__(self, coef, intercept, family=GAUSSIAN):
        self.coef = coef
        self.intercept = intercept
        self.family = family

    def predict(self, X):
        return self.family.mean(X @ self.coef + self.intercept)


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
