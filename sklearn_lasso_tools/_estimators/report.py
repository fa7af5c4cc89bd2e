"""LassoPathReport: the whole regularization path, cross-validated; its parameters and fit.

What a fitted report offers is in its mixins: the rules' choices (``report_rules``), its
tables (``report_tables``), its chart and notebook display (``report_display``), and
stability selection, which its fit calls (``report_stability``)."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .._compat import Interval, _fit_context
from .._engine.cross_products import cross_products_for
from .._engine.cv import (
    cross_validate_path,
    held_out_blocks,
    make_splitter,
)
from .._engine.events import entries
from .._engine.families import family_for
from .._engine.groups import correlated_pairs
from .._engine.path import l1_path
from .._engine.support import path_support
from .._engine.threads import single_threaded_blas
from .._progress import progress_bar
from .._validation import (
    Rule,
    check_alphas,
    engine_params,
    engine_task,
    feature_names,
    fit_inputs,
    is_int,
)
from ._base import PATH_CONSTRAINTS
from .report_display import ReportDisplay
from .report_rules import ReportRules
from .report_stability import ReportStability
from .report_tables import ReportTables
from .routing import split_params, splitter_router

__all__ = ["LassoPathReport"]


class LassoPathReport(ReportRules, ReportTables, ReportDisplay, ReportStability, BaseEstimator):
    """The L1 (or elastic-net) regularization path of a linear model, cross-validated.

    Fits every strength of a descending grid with warm starts (glmnet's algorithm), then
    refits the grid on each cross-validation fold to score it, and applies glmnet's
    ``min`` and ``1se`` rules. Regression uses the squared loss; classification the
    logistic loss (binary or multinomial); Poisson the Poisson deviance (log link, for
    counts). The intercept is never penalized.

    Parameters
    ----------
    alphas : int or array-like of shape (n_alphas,), default=100
        Number of strengths on glmnet's default grid, or the strengths themselves (used
        sorted descending, computed in full).
    eps : float, default=None
        The default grid ends at ``eps * alpha_max``; 1e-4 when n_samples > n_features,
        else 1e-2.
    cv : int, cross-validation generator or iterable, default=5
        Folds for cross-validation. An int gives that many folds (stratified, for
        classification): in the data's order with ``random_state=None``, so every fit
        gets the same folds, as scikit-learn's ``check_cv``; shuffled and seeded by
        ``random_state`` when it is set. A splitter's metadata such as ``groups`` (for
        ``GroupKFold``) is passed to :meth:`fit`. ``None`` fits the path only.
    scoring : str or callable, default=None
        A "greater is better" scikit-learn scorer. Default: the family's (ROC AUC for
        binary, negative log-loss for multiclass, negative mean squared error for
        regression, negative mean Poisson deviance for Poisson).
    task : {"auto", "regression", "classification", "poisson"}, default="auto"
        "auto" reads the target with :func:`sklearn.utils.multiclass.type_of_target`
        (never as counts): text, booleans and integers with few distinct values are
        classes; floats with more than two values are quantities (regression). Integers
        with more than 50 distinct values, or more than 10 covering over half the samples,
        raise a ``ValueError`` asking for ``task="regression"`` (or ``task="classification"``
        to fit that many classes), instead of a slow fit with hundreds of classes.
        "poisson" fits non-negative counts with a log link (glmnet's ``family="poisson"``).
    l1_ratio : float, default=1.0
        Share of L1 in the penalty; 1 is the Lasso, smaller values the elastic net.
    scale : bool, default=True
        Penalize standardized coefficients (as after ``StandardScaler``); coefficients are
        reported on the caller's scale either way.
    n_jobs : int, default=None
        Folds fitted in parallel through joblib.
    random_state : int, RandomState instance or None, default=None
        Randomness, only where asked for: set, it shuffles the folds of an int ``cv``
        and seeds the half-samples of ``n_bootstrap``. ``None`` keeps an int ``cv``'s
        folds in the data's order and draws the half-samples with a fixed seed (0), so
        repeated fits agree.
    verbose : int, default=0
        Progress bars on stderr (``tqdm.auto``: a widget in notebooks) over the path's
        strengths and the folds: 1 shows them once a fit has run for two seconds, 2 from
        the start.
    tol : float, default=1e-7
        Relative duality-gap tolerance of the inner solver (and Newton tolerance).
    max_iter : int, default=10_000
        Coordinate descent epochs per inner solve (warm-started solves need few; the
        budget matters near interpolation, p >> n).
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multipliers of the penalty, as glmnet's ``penalty.factor`` (rescaled to
        sum to n_features): 0 leaves a feature unpenalized, so it is always kept; larger
        values make a feature enter later.
    positive : bool, default=False
        Constrain the coefficients to be non-negative (glmnet's ``lower.limits = 0``).
    n_bootstrap : int, default=None
        Stability selection: the number ``B`` of complementary pairs of half-samples
        (Shah & Samworth, 2013) whose paths give each feature's selection frequency along
        the grid; ``None`` skips it. Fits ``2B`` paths, in parallel through joblib.
    stability_threshold : float, default=0.75
        A feature is stable when its largest frequency over the stability region reaches
        this (Meinshausen & Bühlmann's ``pi_thr``, in (0.5, 1]).
    pfer : float, default=1.0
        The bound on the expected number of falsely selected features that sets the
        stability region: it runs from the first alpha down to the smallest alpha at which
        Meinshausen & Bühlmann's bound ``q**2 / ((2 pi_thr - 1) p)`` is at most ``pfer``.

    Attributes
    ----------
    alphas_ : ndarray of shape (n_alphas,)
        Descending strengths (the default grid may stop early, as glmnet's does, once the
        deviance explained stops changing).
    coefs_ : ndarray of shape (n_alphas, n_features) or (n_alphas, n_classes, n_features)
    intercepts_ : ndarray of shape (n_alphas,) or (n_alphas, n_classes)
    n_nonzero_ : ndarray of shape (n_alphas,)
    dev_ratio_ : ndarray of shape (n_alphas,)
        Fraction of the null deviance explained (glmnet's %Dev / 100).
    linear_path_ : LinearPath
        The engine's result behind these attributes (with ``scales``, the feature scales
        that standardization divided by, so ``coefs_ * scales`` are standardized).
    feature_names_ : ndarray of str of shape (n_features,)
        The features' names (``feature_names_in_``, or ``x0``, ``x1``, ... without them).
    entry_alphas_ : ndarray of shape (n_features,)
        The largest alpha at which each feature is nonzero (NaN if never).
    entry_order_ : ndarray of str
        Names of the features that enter, in order of entry.
    cv_scores_ : ndarray of shape (n_alphas, n_folds)
    cv_mean_, cv_std_, cv_se_ : ndarray of shape (n_alphas,)
    alpha_min_, alpha_1se_ : float
    selection_frequency_ : DataFrame of shape (n_features, 2)
        Share of folds whose fit selects each feature at ``alpha_min_`` ("min") and
        ``alpha_1se_`` ("1se").
    correlations_ : DataFrame
        With ``cv``: weighted Pearson correlations ``corr`` of at least 0.5 in absolute
        value between each ``feature`` nonzero somewhere down to ``alpha_min_`` (and
        ``alpha_1se_``) and any ``other`` feature; what :meth:`correlated_groups` reads
        (``X`` itself is not kept).
    stability_path_ : DataFrame of shape (n_alphas, n_features)
        With ``n_bootstrap``: the share of the ``2B`` half-samples whose fit selects each
        feature (columns) at each alpha (index, descending).
    stability_q_ : ndarray of shape (n_alphas,)
        Average number of features a half-sample selects anywhere from the first alpha
        down to each alpha (the ``q`` of the region ending there).
    stability_alpha_ : float
        The smallest alpha of the stability region.
    stability_max_ : Series of shape (n_features,)
        Each feature's largest frequency over the region.
    stable_features_ : ndarray of str
        Features whose ``stability_max_`` reaches ``stability_threshold``, most stable
        first.
    stability_bound_ : float
        Meinshausen & Bühlmann's (2010) bound on the expected number of noise features
        among ``stable_features_``: ``q**2 / ((2 pi - 1) p)``, ``q`` the region's and
        ``pi`` the threshold rounded up to a multiple of ``1 / (2B)``.
    stability_bound_unimodal_ : float
        Shah & Samworth's (2013) tighter bound assuming unimodal frequencies (NaN outside
        the conditions it is proved under).
    stability_result_ : StabilityResult
        The numbers behind the stability attributes.
    classes_ : ndarray
        Class labels (classification only).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_lasso_tools import LassoPathReport
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> report = LassoPathReport(random_state=0).fit(X, y)
    >>> list(report.entry_order_[:3])
    ['bmi', 's5', 'bp']
    >>> bool(report.alpha_1se_ >= report.alpha_min_)
    True

    Stability selection on 10 complementary pairs of half-samples:

    >>> stability = LassoPathReport(cv=None, n_bootstrap=10, random_state=0).fit(X, y)
    >>> list(stability.stable_features_), round(stability.stability_bound_, 3)
    (['bmi', 's5'], 0.882)
    """

    _parameter_constraints = {
        **PATH_CONSTRAINTS,
        "cv": ["cv_object", None],
        "n_bootstrap": [Interval(Integral, 1, None, closed="left"), None],
        "stability_threshold": [Interval(Real, 0.5, 1, closed="right")],
        "pfer": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        alphas=100,
        eps=None,
        cv=5,
        scoring=None,
        task="auto",
        l1_ratio=1.0,
        scale=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
        tol=1e-7,
        max_iter=10_000,
        penalty_factor=None,
        positive=False,
        n_bootstrap=None,
        stability_threshold=0.75,
        pfer=1.0,
    ):
        self.alphas = alphas
        self.eps = eps
        self.cv = cv
        self.scoring = scoring
        self.task = task
        self.l1_ratio = l1_ratio
        self.scale = scale
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.tol = tol
        self.max_iter = max_iter
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.n_bootstrap = n_bootstrap
        self.stability_threshold = stability_threshold
        self.pfer = pfer

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the path and, with ``cv``, score it by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
        **params : dict
            Metadata for the ``cv`` splitter's ``split``, as in ``LassoCV``: ``groups``
            (e.g. for ``GroupKFold``) without metadata routing; with
            ``sklearn.set_config(enable_metadata_routing=True)``, whatever the splitter
            requests.

        Returns
        -------
        self : LassoPathReport
        """
        split = split_params(self, params, self.cv)
        X, y, task, y_enc, classes, weights = fit_inputs(self, X, y, sample_weight)
        # one BLAS limit for the fit: the path's and the folds' blocks inside it then cost
        # nothing to enter (setting it and restoring it cost 30 us, some twenty times)
        with single_threaded_blas():
            self._fit_path(X, y, task, y_enc, classes, weights, split_kwargs=split)
        return self

    def get_metadata_routing(self):
        """How :meth:`fit`'s metadata reaches the ``cv`` splitter.

        Returns
        -------
        MetadataRouter
        """
        return splitter_router(self, self.cv)

    def _fit_path(self, X, y, task, y_enc, classes, weights, split_kwargs):
        """The work of ``fit`` on validated inputs (``split_kwargs``: the splitter's
        metadata, such as ``groups``)."""
        owner = type(self).__name__
        alphas = check_alphas(self.alphas, owner)
        self.task_ = task
        if classes is not None:
            self.classes_ = classes
        etask = engine_task(task, classes)
        params = engine_params(self, classes)
        n_points = alphas if is_int(alphas) else len(alphas)
        label = f"l1_ratio={self.l1_ratio:g}"
        splits = None
        if self.cv is not None:
            splitter = make_splitter(self.cv, etask, y_enc, self.random_state)
            splits = list(splitter.split(X, y_enc, **(split_kwargs or {})))
        # squared loss, dense, tall: one cross-product of [X, y], the sum of the folds'
        # held-out blocks' products, serves the path (given alphas), the folds' Gram
        # matrices and the correlations behind correlated_groups
        cross = None
        if self.cv is not None or not is_int(alphas):
            held_out = () if splits is None else held_out_blocks(X, splits, etask)
            cross = cross_products_for(X, y_enc, etask, weights, held_out)
        with progress_bar(self.verbose, n_points, f"path {label}", "alpha") as bar:
            path = l1_path(
                X,
                y_enc,
                task=etask,
                alphas=alphas,
                eps=self.eps,
                sample_weight=weights,
                on_point=bar.on_point,
                cross_products=cross,
                **params,
            )
            bar.finish(len(path.alphas))
        self.linear_path_ = path
        self.feature_names_ = feature_names(self, X.shape[1])
        self.weight_sum_ = X.shape[0] if weights is None else float(weights.sum())
        self.alphas_ = path.alphas
        self.coefs_ = path.coefs
        self.intercepts_ = path.intercepts
        self.n_nonzero_ = path.n_nonzero
        self.dev_ratio_ = path.dev_ratio
        self.entry_alphas_, order = entries(path.coefs, path.alphas, path.scales)
        self.entry_order_ = self.feature_names_[order]
        if self.n_bootstrap is not None:
            self._fit_stability(X, y_enc, etask, classes, weights, params, owner)
        if self.cv is None:
            return
        with progress_bar(self.verbose, len(splits), f"CV {label}", "fold") as bar:
            result = cross_validate_path(
                X,
                y_enc,
                y,
                splits,
                task=etask,
                alphas=path.alphas,
                scoring=self.scoring or family_for(etask).default_scoring,
                classes=classes,
                sample_weight=weights,
                n_jobs=self.n_jobs,
                progress=bar,
                cross_products=cross,
                **params,
            )
        self.cv_result_ = result
        self.cv_scores_ = result.scores
        self.cv_mean_ = result.mean
        self.cv_std_ = result.std
        self.cv_se_ = result.se
        self.alpha_min_ = float(path.alphas[result.index_min])
        self.alpha_1se_ = float(path.alphas[result.index_1se])
        freq = result.fold_support[:, [result.index_min, result.index_1se]].mean(axis=0)
        self.selection_frequency_ = pd.DataFrame(
            freq.T, index=pd.Index(self.feature_names_, name="feature"), columns=list(Rule.ALL)
        )
        moments = None if cross is None else cross.moments()
        self._set_correlations(X, weights, max(result.index_min, result.index_1se), moments)

    def _set_correlations(self, X, weights, last, moments=None):
        """Correlations (|r| >= CORR_FLOOR) of each feature kept from the first grid point
        down to ``last`` with every feature, for :meth:`correlated_groups`; X is not kept."""
        candidates = np.flatnonzero(path_support(self.coefs_[: last + 1]).any(axis=0))
        if self.l1_ratio == 0:  # ridge drops nothing: no groups, and no p x p work
            candidates = candidates[:0]
        with single_threaded_blas():  # (two threads often take longer on a busy machine)
            first, second, corr = correlated_pairs(X, candidates, weights, moments=moments)
        names = self.feature_names_
        self.correlations_ = pd.DataFrame(
            {"feature": names[first], "other": names[second], "corr": corr}
        )
        self._correlated_candidates = candidates

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags
