"""SelectThenRefit: relaxed Lasso / post-lasso, L1 to choose features, another model to fit."""

import warnings
from copy import deepcopy
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    validate_data,
)
from .._engine.families import family_for
from .._validation import (
    fixed_engine_task,
)
from .relaxed import RelaxedFit
from .routing import check_direct_params, routing_enabled
from .selector import L1Selector

__all__ = ["SelectThenRefit"]


def _estimator_has(attribute):
    """Whether the fitted inner estimator (or, before fit, the one that will be used) has it."""

    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attribute)
        return hasattr(self._planned_estimator(), attribute)

    return check


class SelectThenRefit(RelaxedFit, MetaEstimatorMixin, BaseEstimator):
    """Select features with an L1 model, then refit another estimator on them.

    The relaxed Lasso (post-lasso) workflow: the L1 penalty chooses the features, and an
    estimator with a milder (or no) penalty fits their weights without L1's shrinkage.
    ``gamma`` blends the two fits as glmnet's relaxed Lasso does, and ``gamma="cv"``
    chooses the L1 strength and ``gamma`` together by cross-validation. A classifier or a
    regressor according to ``estimator``, known before fit (see ``estimator``).

    Parameters
    ----------
    selector : transformer, default=None
        A fitted-on-``fit`` feature selector; ``None`` means ``L1Selector()`` with the
        task of the model's type: ``task="classification"`` for a classifier,
        ``task="regression"`` for a regressor.
    estimator : estimator, default=None
        Refitted on the selected columns. ``None`` means ``LogisticRegression()`` (a
        classifier, which refuses a continuous target), unless ``selector`` is an
        :class:`L1Selector` with ``task="regression"`` (then ``LinearRegression()``, a
        regressor) or ``task="poisson"`` (then ``PoissonRegressor(alpha=0)``). With
        ``gamma="cv"``, the relaxed refit described below (not for Poisson). For regression
        with the default selector, pass ``estimator=LinearRegression()``.
    gamma : float in [0, 1] or "cv", default=0.0
        The relaxed fit ``gamma * L1 + (1 - gamma) * refit`` of the coefficients and the
        intercept (glmnet's ``relax=TRUE``; Meinshausen 2007, Hastie, Tibshirani &
        Tibshirani 2020): 0 predicts with the refit alone, 1 with the selector's L1 fit.
        Blending needs linear fits on the caller's scale (``coef_`` and ``intercept_`` on
        both the selector and the fitted estimator); predictions then come from the blended
        linear model. ``"cv"`` tunes the selector's alpha and ``gamma`` (over ``gammas``)
        together on the selector's folds with its ``rule``, as
        ``cv.glmnet(relax=TRUE)``; the selector must then be an :class:`L1Selector` that
        chooses its strength by cross-validation.
    gammas : array-like of float in [0, 1], default=(0.0, 0.25, 0.5, 0.75, 1.0)
        The candidates for ``gamma="cv"`` (glmnet's default); unused otherwise.

    Attributes
    ----------
    selector_ : transformer
        The fitted clone of ``selector`` (with ``gamma="cv"``, fitted at ``alpha_``).
    estimator_ : estimator
        The fitted clone of ``estimator``; a ``DummyClassifier(strategy="prior")`` or
        ``DummyRegressor()`` when nothing was selected. With ``gamma="cv"`` and
        ``estimator=None``, the relaxed refit as a linear model (``coef_``,
        ``intercept_``, ``predict``).
    selected_features_ : ndarray of str
    classes_ : ndarray
        Class labels (classifiers only).
    coef_ : ndarray of shape (n_features,) or (n_outputs, n_features)
        The coefficients that predict (the refit's, or the blend when ``gamma_ > 0``),
        expanded to every input feature, zeros where a feature was dropped.
    intercept_ : float or ndarray
    gamma_ : float
        The blend used (``gamma``, or the one cross-validation chose).
    alpha_ : float
        With ``gamma="cv"``: the chosen L1 strength.
    alphas_ : ndarray of shape (n_alphas,)
        With ``gamma="cv"``: the descending grid (the selector's ``alphas``).
    gammas_ : ndarray of shape (n_gammas,)
        With ``gamma="cv"``: the candidates, ascending.
    cv_results_ : DataFrame of shape (n_gammas * n_alphas, 6 + n_folds)
        With ``gamma="cv"``: one row per (gamma, alpha) with ``alpha``, ``gamma``,
        ``n_nonzero`` (on the whole data), ``mean_test_score``, ``std_test_score``,
        ``se_test_score`` (glmnet's standard error) and ``split<k>_test_score``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.

    Notes
    -----
    With ``gamma="cv"``, every fold fits the L1 path on its training part, refits each
    distinct active set along it (warm-started), blends every gamma and scores every
    (alpha, gamma) on its held-out part. The refit is least squares for regression
    (unpenalized, as glmnet's) and, for classification, the logistic loss with a light
    ridge, ``1e-4 / 2 * ||s * w||^2`` added to the (weighted) mean log-loss, ``s`` the
    features' standard deviations when the selector's ``scale=True``; unlike glmnet's
    unpenalized refit, it stays finite on separable classes. A given ``estimator`` is
    refitted instead (one fit per distinct active set per fold). The rules are glmnet's
    for relaxed fits: ``"min"`` takes the best mean score (ties to the largest alpha,
    then the largest gamma); ``"1se"`` takes, among all pairs within one standard error
    of it, the largest alpha and then the largest gamma.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer, load_diabetes
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_lasso_tools import L1Selector, SelectThenRefit
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> model = SelectThenRefit(L1Selector(C=0.01), LogisticRegression(max_iter=1000))
    >>> model.fit(X, y).selected_features_.tolist()
    ['worst radius', 'worst concave points']
    >>> round(model.score(X, y), 3)
    0.914
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> selector = L1Selector(task="regression", random_state=0)
    >>> relaxed = SelectThenRefit(selector, gamma="cv").fit(X, y)
    >>> relaxed.gamma_, round(relaxed.alpha_, 3)
    (0.25, 1.316)
    >>> relaxed.selected_features_.tolist()
    ['sex', 'bmi', 'bp', 's1', 's3', 's5', 's6']
    """

    _parameter_constraints = {
        "selector": [HasMethods(["fit", "transform", "get_support"]), None],
        "estimator": [HasMethods(["fit", "predict"]), None],
        "gamma": [Interval(Real, 0, 1, closed="both"), StrOptions({"cv"})],
        "gammas": ["array-like"],
    }

    def __init__(
        self, selector=None, estimator=None, *, gamma=0.0, gammas=(0.0, 0.25, 0.5, 0.75, 1.0)
    ):
        self.selector = selector
        self.estimator = estimator
        self.gamma = gamma
        self.gammas = gammas

    def _planned_estimator(self):
        """The estimator to refit (its type is this model's type, known before fit)."""
        if self.estimator is not None:
            return self.estimator
        fixed = fixed_engine_task(getattr(self.selector, "task", "auto"))
        if fixed is not None:  # (else classes decide the family: a classifier either way)
            return family_for(fixed).default_refit()
        return LogisticRegression()

    def _planned_selector(self):
        """``selector``, or the default ``L1Selector`` with the task of the model's type."""
        if self.selector is not None:
            return self.selector
        classifier = is_classifier(self._planned_estimator())
        return L1Selector(task="classification" if classifier else "regression")

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the selector, then the estimator on the selected columns.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to both fits (and to every fold with ``gamma="cv"``).
        **params : dict
            Metadata for the selector's ``fit`` (its ``cv`` splitter's, as in
            ``LassoCV``): ``groups`` without metadata routing; with
            ``sklearn.set_config(enable_metadata_routing=True)``, what the selector
            requests.

        Returns
        -------
        self : SelectThenRefit
        """
        selector_params = self._selector_params(params)
        classification = self._check_target(y)
        if isinstance(self.gamma, str):
            return self._fit_cv(X, y, sample_weight, selector_params, classification)
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        self.selector_ = clone(self._planned_selector())
        self.selector_.fit(X, y, **weights, **selector_params)
        if isinstance(self.selector_, L1Selector):
            self._check_selector_classes(classification, hasattr(self.selector_, "classes_"))
        self.gamma_ = float(self.gamma)
        self._fit_selected(X, y, sample_weight, classification, stacklevel=4)
        return self

    def get_metadata_routing(self):
        """How :meth:`fit`'s metadata reaches the selector's ``fit``.

        Returns
        -------
        MetadataRouter
        """
        return MetadataRouter(owner=type(self).__name__).add(
            selector=self._planned_selector(),
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def _selector_params(self, params):
        if routing_enabled():
            return dict(process_routing(self, "fit", **params).selector.fit)
        return check_direct_params(self, params)

    def _check_target(self, y):
        """Whether this is classification (by the model's type, known before fit); a
        classifier refuses a continuous target in scikit-learn's words."""
        if not is_classifier(self._planned_estimator()):
            return False
        if y is not None and np.asarray(y).size:  # (else the selector's validation says)
            with np.errstate(invalid="ignore"):  # NaN in y: the validation names it
                check_classification_targets(y)
        return True

    def _check_selector_classes(self, classification, read_classes):
        """A classifier's L1Selector must read y as classes (with task="auto" it reads
        floats with more than two values as quantities)."""
        if classification and not read_classes:
            raise ValueError(
                f"{type(self).__name__} with estimator={self.estimator!r} is a classifier, "
                "but its selector read y as quantities (floats with more than two values), "
                "not classes. For regression pass estimator=LinearRegression() (or "
                "selector=L1Selector(task='regression')); for classes, "
                "selector=L1Selector(task='classification')."
            )

    def _fit_selected(
        self, X, y, sample_weight, classification, internal_refit=None, *, stacklevel
    ):
        """Everything after the selector: the refit on its columns, and the blend."""
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        self._model = None
        self.n_features_in_ = self.selector_.n_features_in_
        if hasattr(self.selector_, "feature_names_in_"):
            self.feature_names_in_ = self.selector_.feature_names_in_
        self.selected_features_ = self.selector_.get_feature_names_out()
        if not self.selector_.get_support().any():
            warnings.warn(
                "The selector kept no feature; predicting the prior (class frequencies or "
                "the mean of y).",
                UserWarning,
                stacklevel=stacklevel,  # past the _fit_context wrapper, to fit's caller
            )
            dummy = DummyClassifier(strategy="prior") if classification else DummyRegressor()
            self.estimator_ = dummy.fit(np.zeros((np.asarray(y).shape[0], 1)), y, **weights)
            return
        if internal_refit is not None:
            self.estimator_ = internal_refit(self.selector_.get_support())
        else:
            estimator = clone(self._planned_estimator())
            self.estimator_ = estimator.fit(self.selector_.transform(X), y, **weights)
        if self.gamma_ > 0:
            self._model = self._blend()

    def _select(self, X):
        check_is_fitted(self)
        if self.selected_features_.size:
            return self.selector_.transform(X)
        X = validate_data(self, X, reset=False, accept_sparse=True)
        return np.zeros((X.shape[0], 1))

    def _predictor(self):
        return self.estimator_ if self._model is None else self._model

    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Predict with the refitted (or, when ``gamma_ > 0``, the blended) model."""
        X = self._select(X)
        return self._predictor().predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities (of the blend through the sigmoid or softmax when
        ``gamma_ > 0``)."""
        X = self._select(X)
        return self._predictor().predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities."""
        X = self._select(X)
        return self._predictor().predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the refitted (or blended) linear model."""
        X = self._select(X)
        return self._predictor().decision_function(X)

    @available_if(_estimator_has("score"))
    def score(self, X, y, sample_weight=None):
        """The refitted estimator's ``score`` (accuracy or R^2 by default)."""
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        X = self._select(X)
        return self._predictor().score(X, y, **weights)

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
        inner = np.asarray(self._predictor().coef_)  # AttributeError for non-linear models
        full = np.zeros(inner.shape[:-1] + (support.size,))
        full[..., support] = inner
        return full

    @property
    def intercept_(self):
        """The intercept of the refitted (or blended) model."""
        check_is_fitted(self)
        return self._predictor().intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self._planned_estimator())
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = deepcopy(inner.classifier_tags)
        tags.regressor_tags = deepcopy(inner.regressor_tags)
        selector_sparse = get_tags(self._planned_selector()).input_tags.sparse
        tags.input_tags.sparse = selector_sparse and inner.input_tags.sparse
        tags.target_tags.required = True
        return tags
