"""SelectThenRefit: relaxed Lasso / post-lasso, L1 to choose features, another model to fit."""

import warnings
from copy import deepcopy

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ._compat import HasMethods, _fit_context, validate_data
from ._selector import L1Selector

__all__ = ["SelectThenRefit"]


def _estimator_has(attribute):
    """Whether the fitted inner estimator (or, before fit, the one that will be used) has it."""

    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attribute)
        return hasattr(self._planned_estimator(), attribute)

    return check


class SelectThenRefit(MetaEstimatorMixin, BaseEstimator):
    """Select features with an L1 model, then refit another estimator on them.

    The relaxed Lasso (post-lasso) workflow: the L1 penalty chooses the features, and an
    estimator with a milder (or no) penalty fits their weights without L1's shrinkage.
    A classifier or a regressor according to ``estimator``.

    Parameters
    ----------
    selector : transformer, default=None
        A fitted-on-``fit`` feature selector; ``None`` means ``L1Selector()``.
    estimator : estimator, default=None
        Refitted on the selected columns; ``None`` means ``LogisticRegression()`` for a
        classification target and ``LinearRegression()`` for a regression target.

    Attributes
    ----------
    selector_ : transformer
        The fitted clone of ``selector``.
    estimator_ : estimator
        The fitted clone of ``estimator``; a ``DummyClassifier(strategy="prior")`` or
        ``DummyRegressor()`` when nothing was selected.
    selected_features_ : ndarray of str
    classes_ : ndarray
        Class labels (classifiers only).
    coef_ : ndarray of shape (n_features,) or (n_outputs, n_features)
        The inner estimator's coefficients expanded to every input feature, zeros where a
        feature was dropped.
    intercept_ : float or ndarray
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_lasso_tools import L1Selector, SelectThenRefit
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> model = SelectThenRefit(L1Selector(C=0.01), LogisticRegression(max_iter=1000))
    >>> model.fit(X, y).selected_features_.tolist()
    ['worst radius', 'worst concave points']
    >>> round(model.score(X, y), 3)
    0.914
    """

    _parameter_constraints = {
        "selector": [HasMethods(["fit", "transform", "get_support"]), None],
        "estimator": [HasMethods(["fit", "predict"]), None],
    }

    def __init__(self, selector=None, estimator=None):
        self.selector = selector
        self.estimator = estimator

    def _planned_estimator(self):
        if self.estimator is not None:
            return self.estimator
        task = getattr(self.selector, "task", "auto")
        return LinearRegression() if task == "regression" else LogisticRegression()

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the selector, then the estimator on the selected columns.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to both fits.

        Returns
        -------
        self : SelectThenRefit
        """
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        self.selector_ = clone(self.selector if self.selector is not None else L1Selector())
        self.selector_.fit(X, y, **weights)
        self.n_features_in_ = self.selector_.n_features_in_
        if hasattr(self.selector_, "feature_names_in_"):
            self.feature_names_in_ = self.selector_.feature_names_in_
        self.selected_features_ = self.selector_.get_feature_names_out()
        classification = self._is_classification(y)
        if not self.selector_.get_support().any():
            warnings.warn(
                "The selector kept no feature; predicting the prior (class frequencies or "
                "the mean of y).",
                UserWarning,
                stacklevel=3,  # past the _fit_context wrapper, to the caller of fit
            )
            dummy = DummyClassifier(strategy="prior") if classification else DummyRegressor()
            self.estimator_ = dummy.fit(np.zeros((len(y), 1)), y, **weights)
            return self
        if self.estimator is not None:
            estimator = clone(self.estimator)
        else:
            estimator = LogisticRegression() if classification else LinearRegression()
        self.estimator_ = estimator.fit(self.selector_.transform(X), y, **weights)
        return self

    def _is_classification(self, y):
        if self.estimator is not None:
            return is_classifier(self.estimator)
        if hasattr(self.selector_, "classes_"):
            return True
        if isinstance(self.selector_, L1Selector):
            return False
        return type_of_target(y) in ("binary", "multiclass")

    def _select(self, X):
        check_is_fitted(self)
        if self.selected_features_.size:
            return self.selector_.transform(X)
        X = validate_data(self, X, reset=False, accept_sparse=True)
        return np.zeros((X.shape[0], 1))

    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Predict with the refitted estimator on the selected columns."""
        X = self._select(X)
        return self.estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the refitted estimator."""
        X = self._select(X)
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities from the refitted estimator."""
        X = self._select(X)
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the refitted estimator."""
        X = self._select(X)
        return self.estimator_.decision_function(X)

    @available_if(_estimator_has("score"))
    def score(self, X, y, sample_weight=None):
        """The refitted estimator's ``score`` (accuracy or R^2 by default)."""
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        X = self._select(X)
        return self.estimator_.score(X, y, **weights)

    @property
    def classes_(self):
        """Class labels of the refitted classifier."""
        return self.estimator_.classes_

    @property
    def coef_(self):
        """Coefficients expanded to all input features (zeros where dropped)."""
        check_is_fitted(self)
        support = self.selector_.get_support()
        if not support.any():
            return np.zeros(support.size)
        inner = np.asarray(self.estimator_.coef_)  # AttributeError for non-linear models
        full = np.zeros(inner.shape[:-1] + (support.size,))
        full[..., support] = inner
        return full

    @property
    def intercept_(self):
        """The refitted estimator's intercept."""
        check_is_fitted(self)
        return self.estimator_.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self._planned_estimator())
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = deepcopy(inner.classifier_tags)
        tags.regressor_tags = deepcopy(inner.regressor_tags)
        if self.selector is not None:
            tags.input_tags.sparse = get_tags(self.selector).input_tags.sparse
        else:
            tags.input_tags.sparse = True
        tags.input_tags.sparse = tags.input_tags.sparse and inner.input_tags.sparse
        tags.target_tags.required = True
        return tags
