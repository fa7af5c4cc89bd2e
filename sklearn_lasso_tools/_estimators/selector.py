"""L1Selector: keep the features an L1-penalized linear model gives nonzero weight."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectorMixin
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, StrOptions, _fit_context
from .._engine.support import support
from .._validation import (
    alpha_from_C,
    check_alphas,
    check_rule,
    check_strength,
    engine_params,
    engine_task,
    feature_names,
    fit_inputs,
)
from ._base import PATH_CONSTRAINTS, PATH_PARAMETERS
from .point import Point, PointFits
from .report import LassoPathReport
from .routing import split_params, splitter_router

__all__ = ["L1Selector"]

_BISECTION_STEPS = 30


class L1Selector(SelectorMixin, BaseEstimator):
    """Select features by the nonzero coefficients of an L1-penalized linear model.

    The strength is fixed by ``alpha`` or ``C``; else chosen on the path to keep
    ``n_features``; else chosen by cross-validation with glmnet's ``min`` or ``1se`` rule.
    Regression uses the squared loss, classification the logistic loss (binary or
    multinomial); features are standardized internally when ``scale=True``.

    Parameters
    ----------
    alpha : float, default=None
        Per-sample strength (glmnet's lambda, ``Lasso``'s alpha).
    C : float, default=None
        Inverse strength on the summed loss, as in ``LogisticRegression``:
        ``C = 1 / (alpha * n_samples)``.
    n_features : int, default=None
        Choose the strength on the path that keeps this many features.
    cv : int, cross-validation generator or iterable, default=None
        Folds for choosing the strength when neither ``alpha``, ``C``, ``n_features`` nor
        ``stability`` is given (``None`` means 5); unused otherwise. An int gives the same
        folds on every fit (in the data's order, stratified for classification) unless
        ``random_state`` is set, which shuffles them (see :class:`LassoPathReport`).
        Splitter metadata such as ``groups`` is passed to :meth:`fit`.
    rule : {"min", "1se"} or int, default="min"
        ``"min"``: the best mean CV score; ``"1se"``: the sparsest model within one
        standard error of it; an int k >= 1: the largest alpha within one standard error
        of the best that keeps at most k features (when none does, the best-scoring
        alpha that keeps at most k, with a ``UserWarning``).
    scale : bool, default=True
        Penalize standardized coefficients; ``coef_`` is on the caller's scale.
    task : {"auto", "regression", "classification", "poisson"}, default="auto"
        "auto" reads the target with :func:`sklearn.utils.multiclass.type_of_target`
        (never as counts): text, booleans and integers with few distinct values are
        classes; floats with more than two values are quantities (regression). Integers
        with more than 50 distinct values, or more than 10 covering over half the samples,
        raise a ``ValueError`` asking for ``task="regression"`` (or ``task="classification"``
        to fit that many classes), instead of a slow fit with hundreds of classes.
        "poisson" fits non-negative counts with a log link (glmnet's ``family="poisson"``).
    l1_ratio : float, default=1.0
        Share of L1 in the penalty (1 is the Lasso).
    scoring : str or callable, default=None
        Scorer for ``cv`` (default: ROC AUC, negative log-loss or negative MSE).
    alphas : int or array-like, default=100
        Grid for ``n_features`` and ``cv`` (see :class:`LassoPathReport`).
    eps : float, default=None
        End of the default grid relative to ``alpha_max``.
    n_jobs : int, default=None
        Folds fitted in parallel through joblib.
    random_state : int, RandomState instance or None, default=None
        Set, it shuffles an int ``cv``'s folds and seeds ``stability``'s half-samples;
        ``None`` keeps the folds in the data's order and the half-samples on a fixed seed,
        so repeated fits agree.
    verbose : int, default=0
        Progress bars on stderr over the path and the folds when they choose the
        strength: 1 once a fit has run for two seconds, 2 from the start (see
        :class:`LassoPathReport`).
    tol : float, default=1e-7
        Inner solver tolerance.
    max_iter : int, default=10_000
        Coordinate descent epochs per inner solve.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers of the penalty, as glmnet's ``penalty.factor`` (rescaled to
        sum to n_features): 0 leaves a feature unpenalized, so it is always selected.
    positive : bool, default=False
        Constrain the coefficients to be non-negative (glmnet's ``lower.limits = 0``).
    stability : float, default=None
        Stability selection instead of one strength: keep the features whose selection
        frequency over half-samples reaches this threshold (in (0.5, 1]) somewhere in the
        stability region, the top of the path where Meinshausen & Bühlmann's bound on the
        expected number of false selections is at most ``pfer`` (see
        :class:`LassoPathReport`). Not combined with ``alpha``, ``C`` or ``n_features``.
    n_bootstrap : int, default=None
        Complementary pairs of half-samples for ``stability`` (``None`` means 50).
    pfer : float, default=1.0
        With ``stability``: the bound on the expected number of falsely selected features
        that sets the stability region.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_classes, n_features)
        Coefficients at ``alpha_``, on the caller's scale.
    intercept_ : float or ndarray of shape (n_classes,)
    alpha_ : float
    C_ : float
        ``1 / (alpha_ * n_samples)``, n_samples being the sum of sample weights.
    n_iter_ : int
        Coordinate descent epochs spent at ``alpha_``; at least 1, as in scikit-learn (the
        check that a start, such as all zeros at ``alpha_max``, is optimal counts as one).
    support_ : ndarray of bool of shape (n_features,)
        Features whose coefficient is exactly nonzero (in any class). With
        ``stability``: the stable features; ``alpha_`` is then the smallest alpha of the
        stability region and ``coef_`` the L1 fit at ``alpha_`` on the stable features
        alone (zero elsewhere).
    selected_features_ : ndarray of str
    path_ : LassoPathReport or None
        The path that chose the strength (``None`` when it was given).
    classes_ : ndarray
        Class labels (classification only).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn_lasso_tools import L1Selector
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> selector = L1Selector(C=0.01).fit(X, y)
    >>> list(selector.selected_features_)
    ['worst radius', 'worst concave points']
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="neither"), None],
        "C": [Interval(Real, 0, None, closed="neither"), None],
        "n_features": [Interval(Integral, 1, None, closed="left"), None],
        "cv": ["cv_object", None],
        "rule": [StrOptions({"min", "1se"}), Interval(Integral, 1, None, closed="left")],
        **PATH_CONSTRAINTS,
        "stability": [Interval(Real, 0.5, 1, closed="right"), None],
        "n_bootstrap": [Interval(Integral, 1, None, closed="left"), None],
        "pfer": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        alpha=None,
        *,
        C=None,
        n_features=None,
        cv=None,
        rule="min",
        scale=True,
        task="auto",
        l1_ratio=1.0,
        scoring=None,
        alphas=100,
        eps=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
        tol=1e-7,
        max_iter=10_000,
        penalty_factor=None,
        positive=False,
        stability=None,
        n_bootstrap=None,
        pfer=1.0,
    ):
        self.alpha = alpha
        self.C = C
        self.n_features = n_features
        self.cv = cv
        self.rule = rule
        self.scale = scale
        self.task = task
        self.l1_ratio = l1_ratio
        self.scoring = scoring
        self.alphas = alphas
        self.eps = eps
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.tol = tol
        self.max_iter = max_iter
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.stability = stability
        self.n_bootstrap = n_bootstrap
        self.pfer = pfer

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the model and find the features it keeps.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
        **params : dict
            Metadata for the ``cv`` splitter's ``split`` when cross-validation chooses the
            strength, as in ``LassoCV``: ``groups`` (e.g. for ``GroupKFold``) without
            metadata routing; with ``sklearn.set_config(enable_metadata_routing=True)``,
            whatever the splitter requests.

        Returns
        -------
        self : L1Selector
        """
        owner = type(self).__name__
        split = split_params(self, params, self._cv())
        check_strength(self.alpha, self.C, owner)
        check_rule(self.rule, owner)  # a bool passes the constraint as an int
        fixed = self.alpha is not None or self.C is not None
        if fixed and self.n_features is not None:
            raise ValueError(
                f"{owner} takes the strength from 'alpha'/'C' or from 'n_features', not both; "
                f"got alpha={self.alpha!r}, C={self.C!r}, n_features={self.n_features!r}."
            )
        if self.stability is not None and (fixed or self.n_features is not None):
            raise ValueError(
                f"{owner} selects by 'stability' or by a strength ('alpha', 'C', "
                f"'n_features'), not both; got stability={self.stability!r}, "
                f"alpha={self.alpha!r}, C={self.C!r}, n_features={self.n_features!r}."
            )
        given = X, y  # (the path's report validates them again, as its own fit does)
        X, y, task, y_enc, classes, weights = fit_inputs(self, X, y, sample_weight)
        if self.n_features is not None and self.n_features > X.shape[1]:
            raise ValueError(
                f"The 'n_features' parameter of {owner} must be at most the number of "
                f"features; got n_features={self.n_features} for X with {X.shape[1]} "
                "feature(s)."
            )
        if classes is not None:
            self.classes_ = classes
        weight_sum = X.shape[0] if weights is None else float(weights.sum())
        fits = PointFits(
            X, y_enc, engine_task(task, classes), weights, engine_params(self, classes)
        )
        self.path_ = None
        if fixed:
            point = fits.at(
                self.alpha if self.alpha is not None else alpha_from_C(self.C, weight_sum)
            )
        else:
            self.path_ = self._path_report(*given, task, sample_weight, split)
            if self.stability is not None:
                point = self._by_stability(fits)
            elif self.n_features is not None:
                point = self._by_count(fits)
            else:
                point = self._by_cv()
        self.alpha_ = float(point.alpha)
        self.C_ = 1.0 / (self.alpha_ * weight_sum)
        self.coef_ = point.coef
        self.intercept_ = point.intercept
        self.n_iter_ = max(int(point.n_iter), 1)  # (checking an optimal start is one)
        self.support_ = support(point.coef)
        if self.stability is not None:
            self.support_ = np.isin(feature_names(self, X.shape[1]), self.path_.stable_features_)
        self.selected_features_ = feature_names(self, X.shape[1])[self.support_]
        if not self.support_.any():
            warnings.warn(
                f"{owner} selected no feature at alpha={self.alpha_:.4g} (C={self.C_:.4g}); "
                "transform will return zero columns.",
                UserWarning,
                stacklevel=3,  # past the _fit_context wrapper, to the caller of fit
            )
        return self

    def get_metadata_routing(self):
        """How :meth:`fit`'s metadata reaches the ``cv`` splitter.

        Returns
        -------
        MetadataRouter
        """
        return splitter_router(self, self._cv())

    def _cv(self):
        """The folds that choose the strength (None when they do not)."""
        chosen = self.alpha is not None or self.C is not None or self.n_features is not None
        if chosen or self.stability is not None:
            return None
        return 5 if self.cv is None else self.cv

    def _path_report(self, X, y, task, sample_weight, split):
        """The fitted path (and folds) that choose the strength: a ``LassoPathReport``
        with this selector's shared parameters (``PATH_PARAMETERS``)."""
        check_alphas(self.alphas, type(self).__name__)  # (errors name this selector)
        report = LassoPathReport(
            **{name: getattr(self, name) for name in PATH_PARAMETERS},
            cv=self._cv(),
        ).set_params(task=task)
        if self.stability is not None:
            report.set_params(
                n_bootstrap=50 if self.n_bootstrap is None else self.n_bootstrap,
                stability_threshold=self.stability,
                pfer=self.pfer,
            )
        return report.fit(X, y, sample_weight=sample_weight, **split)

    def _by_cv(self):
        index = self.path_.rule_index(self.rule, stacklevel=5)  # to the caller of fit
        return Point.of(self.path_.linear_path_, index)

    def _by_stability(self, fits):
        """The L1 fit at the end of the stability region, on the stable features alone."""
        report = self.path_
        mask = np.isin(report.feature_names_, report.stable_features_)
        return fits.at(report.stability_alpha_, columns=np.flatnonzero(mask))

    def _by_count(self, fits):
        """The strength on the path that keeps exactly ``n_features``, refined by bisection
        between grid points when the path jumps over that count."""
        path, target = self.path_, self.n_features
        reached = np.flatnonzero(path.n_nonzero_ >= target)
        if reached.size == 0:
            warnings.warn(
                f"The path never keeps {target} features (at most {path.n_nonzero_.max()}); "
                "using its smallest alpha.",
                UserWarning,
                stacklevel=4,
            )
            return Point.of(path.linear_path_, -1)
        i = reached[0]
        best = Point.of(path.linear_path_, i)
        if path.n_nonzero_[i] == target or i == 0:
            return best
        high, low = path.alphas_[i - 1], path.alphas_[i]
        for _ in range(_BISECTION_STEPS):
            middle = fits.at(np.sqrt(high * low))
            count = _n_selected(middle.coef)
            if count == target:
                return middle
            if count > target:
                low, best = middle.alpha, middle
            else:
                high = middle.alpha
        warnings.warn(
            f"No strength keeps exactly {target} features (features enter together); "
            f"keeping {_n_selected(best.coef)} at alpha={best.alpha:.4g}.",
            UserWarning,
            stacklevel=4,
        )
        return best

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags


def _n_selected(coef):
    return int(support(coef).sum())
