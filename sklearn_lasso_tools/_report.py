"""LassoPathReport: the whole regularization path, cross-validated, with tables."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.metrics import get_scorer_names
from sklearn.utils.validation import check_is_fitted

from ._compat import Interval, StrOptions, _fit_context
from ._cv import cross_validate_path, make_splitter
from ._path import l1_path
from ._scoring import DEFAULT_SCORING
from ._validation import engine_params, engine_task, feature_names, fit_inputs, is_int

__all__ = ["LassoPathReport"]

TASK_OPTIONS = StrOptions({"auto", "regression", "classification"})


class LassoPathReport(BaseEstimator):
    """The L1 (or elastic-net) regularization path of a linear model, cross-validated.

    Fits every strength of a descending grid with warm starts (glmnet's algorithm), then
    refits the grid on each cross-validation fold to score it, and applies glmnet's
    ``min`` and ``1se`` rules. Regression uses the squared loss; classification the
    logistic loss (binary or multinomial). The intercept is never penalized.

    Parameters
    ----------
    alphas : int or array-like of shape (n_alphas,), default=100
        Number of strengths on glmnet's default grid, or the strengths themselves (used
        sorted descending, computed in full).
    eps : float, default=None
        The default grid ends at ``eps * alpha_max``; 1e-4 when n_samples > n_features,
        else 1e-2.
    cv : int, cross-validation generator or iterable, default=5
        Folds for cross-validation; an int gives shuffled (stratified, for
        classification) folds seeded by ``random_state``. ``None`` fits the path only.
    scoring : str or callable, default=None
        A "greater is better" scikit-learn scorer. Default: ROC AUC for binary, negative
        log-loss for multiclass, negative mean squared error for regression.
    task : {"auto", "regression", "classification"}, default="auto"
        "auto" reads the target with :func:`sklearn.utils.multiclass.type_of_target`.
    l1_ratio : float, default=1.0
        Share of L1 in the penalty; 1 is the Lasso, smaller values the elastic net.
    scale : bool, default=True
        Penalize standardized coefficients (as after ``StandardScaler``); coefficients are
        reported on the caller's scale either way.
    n_jobs : int, default=None
        Folds fitted in parallel through joblib.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling of the folds when ``cv`` is an int.
    tol : float, default=1e-7
        Relative duality-gap tolerance of the inner solver (and Newton tolerance).
    max_iter : int, default=10_000
        Coordinate descent epochs per inner solve (warm-started solves need few; the
        budget matters near interpolation, p >> n).

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
    """

    _parameter_constraints = {
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "eps": [Interval(Real, 0, 1, closed="neither"), None],
        "cv": ["cv_object", None],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "task": [TASK_OPTIONS],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "scale": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
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
        tol=1e-7,
        max_iter=10_000,
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
        self.tol = tol
        self.max_iter = max_iter

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the path and, with ``cv``, score it by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : LassoPathReport
        """
        X, y, task, y_enc, classes, weights = fit_inputs(self, X, y, sample_weight)
        self._fit_path(X, y, task, y_enc, classes, weights)
        return self

    def _fit_path(self, X, y, task, y_enc, classes, weights):
        """The work of ``fit`` on validated inputs (``L1Selector`` reuses it)."""
        alphas = check_alphas(self.alphas, type(self).__name__)
        self.task_ = task
        if classes is not None:
            self.classes_ = classes
        etask = engine_task(task, classes)
        params = engine_params(self, classes)
        path = l1_path(
            X, y_enc, task=etask, alphas=alphas, eps=self.eps, sample_weight=weights, **params
        )
        self.linear_path_ = path
        self.weight_sum_ = X.shape[0] if weights is None else float(weights.sum())
        self.alphas_ = path.alphas
        self.coefs_ = path.coefs
        self.intercepts_ = path.intercepts
        self.n_nonzero_ = path.n_nonzero
        self.dev_ratio_ = path.dev_ratio
        self._set_entry(path)
        if self.cv is None:
            return
        splitter = make_splitter(self.cv, task, y_enc, self.random_state, type(self).__name__)
        splits = list(splitter.split(X, y_enc))
        result = cross_validate_path(
            X,
            y_enc,
            y,
            splits,
            task=etask,
            alphas=path.alphas,
            scoring=self.scoring or DEFAULT_SCORING[etask],
            classes=classes,
            sample_weight=weights,
            n_jobs=self.n_jobs,
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
            freq.T, index=pd.Index(self._names(), name="feature"), columns=["min", "1se"]
        )

    def _set_entry(self, path):
        nonzero = path.coefs != 0
        if nonzero.ndim == 3:
            nonzero = nonzero.any(axis=1)
        entered = nonzero.any(axis=0)
        first = np.where(entered, nonzero.argmax(axis=0), len(path.alphas))
        self.entry_alphas_ = np.where(
            entered, path.alphas[np.minimum(first, len(path.alphas) - 1)], np.nan
        )
        size = np.abs(path.coefs * path.scales)
        size = size.max(axis=1) if size.ndim == 3 else size
        at_entry = size[np.minimum(first, len(path.alphas) - 1), np.arange(first.size)]
        order = np.lexsort((-at_entry, first))
        self.entry_order_ = self._names()[order[entered[order]]]

    def _names(self):
        return feature_names(self, self.n_features_in_)

    def _rule_index(self, rule):
        check_is_fitted(self, "cv_mean_")
        if rule not in ("min", "1se"):
            raise ValueError(f"rule must be 'min' or '1se'; got {rule!r}.")
        return self.cv_result_.index_min if rule == "min" else self.cv_result_.index_1se

    def path_table(self):
        """One row per alpha: glmnet's printed Df / %Dev / Lambda table, plus CV columns.

        Returns
        -------
        DataFrame with columns ``alpha``, ``C``, ``n_nonzero``, ``dev_ratio`` and, with
        ``cv``, ``cv_mean``, ``cv_std``, ``cv_se``.
        """
        check_is_fitted(self)
        table = pd.DataFrame(
            {
                "alpha": self.alphas_,
                "C": 1.0 / (self.alphas_ * self.weight_sum_),
                "n_nonzero": self.n_nonzero_,
                "dev_ratio": self.dev_ratio_,
            }
        )
        if hasattr(self, "cv_mean_"):
            table["cv_mean"] = self.cv_mean_
            table["cv_std"] = self.cv_std_
            table["cv_se"] = self.cv_se_
        return table

    def to_frame(self):
        """Tidy coefficients: one row per alpha and feature (and class, for multiclass).

        Returns
        -------
        DataFrame with columns ``alpha``, ``feature``, (``class``,) ``coef``.
        """
        check_is_fitted(self)
        names = self._names()
        coefs = self.coefs_
        if coefs.ndim == 2:
            return pd.DataFrame(
                {
                    "alpha": np.repeat(self.alphas_, len(names)),
                    "feature": np.tile(names, len(self.alphas_)),
                    "coef": coefs.ravel(),
                }
            )
        n_alphas, n_classes, n_features = coefs.shape
        return pd.DataFrame(
            {
                "alpha": np.repeat(self.alphas_, n_classes * n_features),
                "class": np.tile(np.repeat(self.classes_, n_features), n_alphas),
                "feature": np.tile(names, n_alphas * n_classes),
                "coef": coefs.ravel(),
            }
        )

    def summary(self):
        """One row per feature: when it enters, its coefficients at both rules, and how
        often the folds select it.

        Returns
        -------
        DataFrame indexed by feature with ``entry_alpha``, ``entry_rank`` and, with
        ``cv``, ``coef_min``, ``coef_1se`` (one column per class for multiclass),
        ``freq_min``, ``freq_1se``; sorted by entry.
        """
        check_is_fitted(self)
        names = self._names()
        table = pd.DataFrame(
            {"entry_alpha": self.entry_alphas_}, index=pd.Index(names, name="feature")
        )
        rank = pd.Series(np.arange(1, len(self.entry_order_) + 1), index=self.entry_order_)
        table["entry_rank"] = rank.reindex(names).astype("Int64").to_numpy()
        if hasattr(self, "cv_mean_"):
            for rule in ("min", "1se"):
                coef = self.coefs_[self._rule_index(rule)]
                if coef.ndim == 1:
                    table[f"coef_{rule}"] = coef
                else:
                    for label, row in zip(self.classes_, coef, strict=True):
                        table[f"coef_{rule}[{label}]"] = row
            table["freq_min"] = self.selection_frequency_["min"].to_numpy()
            table["freq_1se"] = self.selection_frequency_["1se"].to_numpy()
        return table.sort_values(["entry_rank", "entry_alpha"], ascending=[True, False])

    def selected_features(self, rule="1se"):
        """Names of the features with a nonzero coefficient at the rule's strength.

        Parameters
        ----------
        rule : {"min", "1se"}, default="1se"

        Returns
        -------
        ndarray of str
        """
        coef = self.coefs_[self._rule_index(rule)]
        support = coef != 0 if coef.ndim == 1 else (coef != 0).any(axis=0)
        return self._names()[support]

    def selector(self, rule="1se"):
        """An unfitted :class:`L1Selector` at the strength this rule chose.

        Parameters
        ----------
        rule : {"min", "1se"}, default="1se"

        Returns
        -------
        L1Selector
        """
        from ._selector import L1Selector

        alpha = float(self.alphas_[self._rule_index(rule)])
        return L1Selector(
            alpha,
            scale=self.scale,
            task=self.task,
            l1_ratio=self.l1_ratio,
            tol=self.tol,
            max_iter=self.max_iter,
        )

    def chart(self, top=10, *, standardized=True, multiclass="norm", max_rows=4000):
        """The coefficient path linked with the CV curve, as an Altair chart.

        Drag across either panel to shade that range of alpha in both. See
        :func:`sklearn_lasso_tools.charts.report_chart`.

        Parameters
        ----------
        top : int, default=10
            The first ``top`` features to enter are coloured and labelled.
        standardized : bool, default=True
            Plot ``coef * feature std``; ``False`` plots the caller's scale.
        multiclass : {"norm", "class"}, default="norm"
            Multinomial paths: each feature's norm across classes, or one line per class.
        max_rows : int, default=4000
            Row budget per dataset; further grey lines become a band.

        Returns
        -------
        alt.VConcatChart, or alt.LayerChart without ``cv``
        """
        from .charts import report_chart

        return report_chart(
            self, top=top, standardized=standardized, multiclass=multiclass, max_rows=max_rows
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Notebook display: the chart, through Altair's active renderer (which picks the
        MIME type), with the path table as the text fallback."""
        if not hasattr(self, "coefs_"):
            return super()._repr_mimebundle_(include=include, exclude=exclude)
        from ._display import _mimebundle

        text = f"{self!r}\n{self.path_table().to_string(float_format='{:.4g}'.format)}"
        chart = self.chart(**getattr(self, "_chart_options", {}))
        return _mimebundle(chart, text, include=include, exclude=exclude)

    @property
    def _repr_html_(self):
        # Fitted, the chart is the display: without this, IPython would add scikit-learn's
        # estimator diagram as text/html beside it, and front ends prefer HTML to images.
        if hasattr(self, "coefs_"):
            raise AttributeError("a fitted LassoPathReport displays as its chart")
        return super()._repr_html_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags


def check_alphas(alphas, owner):
    """An int, or a 1-D array of positive finite floats."""
    if is_int(alphas):
        return int(alphas)
    values = np.asarray(alphas, dtype=np.float64) if np.ndim(alphas) == 1 else None
    if values is None or values.size == 0 or not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(
            f"The 'alphas' parameter of {owner} must be a positive int or a 1-D array of "
            f"positive floats. Got {alphas!r} instead."
        )
    return values
