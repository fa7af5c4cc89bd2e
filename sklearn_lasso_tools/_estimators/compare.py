"""compare_penalties: L1, L2 and elastic net on the same folds and strengths."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.utils import check_array, check_consistent_length

from .._engine.cv import make_splitter
from .._engine.families import family_for
from .._validation import Rule, check_features, check_target, check_weights, engine_task
from .report import LassoPathReport

__all__ = ["PenaltyComparison", "compare_penalties"]

PENALTIES = ("l1", "l2", "elasticnet")


@dataclass(frozen=True)
class PenaltyComparison:
    """What :func:`compare_penalties` returns.

    Attributes
    ----------
    table : DataFrame
        One row per penalty and strength: ``penalty``, ``l1_ratio``, ``C``, ``alpha``,
        ``cv_mean``, ``cv_std``, ``cv_se``, ``n_nonzero``, ``best``.
    best : DataFrame
        One row per penalty: the strength with the best mean CV score.
    coefs : DataFrame
        Coefficients (caller's scale) of each penalty's best model, one row per feature
        and one column per penalty (``penalty[class]`` for multiclass).
    reports : dict of str to LassoPathReport
        The fitted report behind each penalty.
    groups : DataFrame
        Correlated groups (``|corr| >= 0.9``) of which the best L1 model kept one feature
        and dropped the others (see :meth:`LassoPathReport.correlated_groups`), with each
        penalty's coefficients side by side: one row per feature of a group, with
        ``group``, ``feature``, ``role`` ("kept" or "dropped"), ``corr`` (with the kept
        feature) and the columns of ``coefs``. Empty without "l1" or without such groups.
    """

    table: pd.DataFrame
    best: pd.DataFrame
    coefs: pd.DataFrame
    reports: dict = field(repr=False)
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)

    def chart(self, top=20, *, standardized=True):
        """CV score and sparsity against ``C`` per penalty, and the best models'
        coefficients side by side (an Altair chart). See
        :func:`sklearn_lasso_tools.charts.comparison_chart`.

        Parameters
        ----------
        top : int, default=20
            Features shown in the coefficient panel (largest first).
        standardized : bool, default=True
            Coefficients times the feature standard deviation.

        Returns
        -------
        alt.VConcatChart
        """
        from ..charts import comparison_chart

        return comparison_chart(self, top=top, standardized=standardized)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Notebook display: the chart, with the best-per-penalty table as text."""
        from ..charts.display import _mimebundle

        text = f"PenaltyComparison, best strength per penalty:\n{self.best.to_string()}"
        if not self.groups.empty:
            text += (
                "\n\nCorrelated groups: L1 kept one feature and dropped the others "
                f"(coefficients side by side):\n{self.groups.to_string(index=False)}"
            )
        return _mimebundle(self.chart(), text, include=include, exclude=exclude)

    def _display_(self):
        """marimo's display protocol: the chart (marimo draws Altair charts itself)."""
        return self.chart()


def compare_penalties(
    X,
    y,
    *,
    penalties=PENALTIES,
    Cs=10,
    cv=5,
    scoring=None,
    task="auto",
    l1_ratio=0.5,
    scale=True,
    sample_weight=None,
    n_jobs=None,
    random_state=None,
    verbose=0,
    tol=1e-7,
    max_iter=10_000,
):
    """Cross-validate L1, L2 and elastic-net penalties over the same strengths and folds.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    penalties : sequence of {"l1", "l2", "elasticnet"}, default=("l1", "l2", "elasticnet")
    Cs : int or array-like, default=10
        Inverse strengths ``C = 1 / (alpha * n_samples)``; an int gives
        ``np.logspace(-4, 4, Cs)`` as ``LogisticRegressionCV`` does.
    cv : int, cross-validation generator or iterable, default=5
        Shared by every penalty.
    scoring : str or callable, default=None
        As for :class:`LassoPathReport`: by default the family's (ROC AUC for binary,
        neg log-loss for multiclass, neg MSE for regression, neg mean Poisson deviance
        for counts).
    task : {"auto", "regression", "classification", "poisson"}, default="auto"
        "auto" reads the target with :func:`sklearn.utils.multiclass.type_of_target`:
        text, booleans and integers with few distinct values are classes; floats with
        more than two values are quantities (regression). Integers with more than 50
        distinct values, or more than 10 covering over half the samples, raise a
        ``ValueError`` asking for ``task="regression"`` (or ``task="classification"``
        to fit that many classes), instead of a slow fit with hundreds of classes.
        "poisson" fits non-negative counts with a log link (glmnet's
        ``family="poisson"``); every penalty is then the same Poisson path engine's, L2
        being ``l1_ratio=0`` (as scikit-learn's ``PoissonRegressor(alpha=alpha)`` on
        standardized features).
    l1_ratio : float, default=0.5
        The L1 share of the "elasticnet" penalty.
    scale : bool, default=True
    sample_weight : array-like of shape (n_samples,), default=None
    n_jobs : int, default=None
        Folds fitted in parallel through joblib.
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
        Progress bars on stderr over each penalty's path and folds: 1 once a fit has run
        for two seconds, 2 from the start.
    tol : float, default=1e-7
    max_iter : int, default=10_000

    Returns
    -------
    PenaltyComparison

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn_lasso_tools import compare_penalties
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> result = compare_penalties(X, y, Cs=[0.01, 0.1, 1], random_state=0)
    >>> result.best[["C", "n_nonzero"]].to_dict("index")["l2"]["n_nonzero"]
    30
    """
    penalties = tuple(penalties)
    unknown = sorted(set(penalties) - set(PENALTIES))
    if unknown or not penalties:
        raise ValueError(
            f"The 'penalties' parameter of compare_penalties must be a non-empty subset of "
            f"{PENALTIES}. Got {penalties!r} instead."
        )
    Cs = np.logspace(-4, 4, Cs) if isinstance(Cs, (int, np.integer)) else np.asarray(Cs, float)
    if Cs.ndim != 1 or Cs.size == 0 or not np.all(np.isfinite(Cs) & (Cs > 0)):
        raise ValueError(
            f"The 'Cs' parameter of compare_penalties must be a positive int or a 1-D array "
            f"of positive floats. Got {Cs!r} instead."
        )
    # every penalty is scored on the same folds
    family, y_codes = _family_and_codes(X, y, task)
    splitter = make_splitter(cv, family, y_codes, random_state)
    splits = list(splitter.split(np.zeros((len(y_codes), 1)), y_codes))
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    weight_sum = len(y_codes) if weights is None else check_weights(weights, y_codes).sum()
    alphas = 1.0 / (np.sort(Cs) * weight_sum)  # descending alphas, ascending C
    reports, rows, best_rows, coefs = {}, [], {}, {}
    for penalty in penalties:
        ratio = {"l1": 1.0, "l2": 0.0, "elasticnet": l1_ratio}[penalty]
        report = LassoPathReport(
            alphas=alphas,
            cv=splits,
            scoring=scoring,
            task=task,
            l1_ratio=ratio,
            scale=scale,
            n_jobs=n_jobs,
            verbose=verbose,
            tol=tol,
            max_iter=max_iter,
        ).fit(X, y, sample_weight=sample_weight)
        reports[penalty] = report
        index = report.cv_result_.index_min
        table = report.path_table().drop(columns="dev_ratio")
        table["C"] = np.sort(Cs)  # as given, not recomputed from alpha
        table.insert(0, "penalty", penalty)
        table.insert(1, "l1_ratio", ratio)
        table["best"] = np.arange(len(table)) == index
        rows.append(table)
        best_rows[penalty] = table.iloc[index].drop(["penalty", "best"])
        coefs.update(_named_coefs(report, penalty, report.coefs_[index]))
    names = reports[penalties[0]].feature_names_
    table = pd.concat(rows, ignore_index=True)
    table = table[
        ["penalty", "l1_ratio", "C", "alpha", "cv_mean", "cv_std", "cv_se", "n_nonzero", "best"]
    ]
    best = pd.DataFrame(best_rows).T.rename_axis("penalty")
    best = best.astype(
        {
            "l1_ratio": float,
            "C": float,
            "alpha": float,
            "cv_mean": float,
            "cv_std": float,
            "cv_se": float,
            "n_nonzero": int,
        }
    )
    coef_table = pd.DataFrame(coefs, index=pd.Index(names, name="feature"))
    groups = _groups(reports.get("l1"), coef_table)
    return PenaltyComparison(table, best, coef_table, reports, groups)


GROUP_THRESHOLD = 0.9


def _groups(report, coef_table):
    """The L1 model's correlated groups with every penalty's coefficients, side by side."""
    if report is None:
        return pd.DataFrame()
    pairs = report.correlated_groups(GROUP_THRESHOLD, rule=Rule.MIN)
    rows = []
    for (group, kept), block in pairs.groupby(["group", "kept"], sort=False):
        rows.append((group, kept, "kept", 1.0))
        pairs = zip(block["dropped"], block["corr"], strict=True)
        rows += [(group, name, "dropped", r) for name, r in pairs]
    table = pd.DataFrame(rows, columns=["group", "feature", "role", "corr"])
    values = coef_table.loc[table["feature"]].reset_index(drop=True)
    return pd.concat([table, values], axis=1)


def _family_and_codes(X, y, task):
    # the reports check X again; these checks come first so that they name this function
    check_features(X, "compare_penalties")
    check_array(
        X,
        accept_sparse=True,
        dtype=None,
        ensure_all_finite=False,
        ensure_min_samples=2,
        estimator="compare_penalties",
    )
    check_array(y, ensure_2d=False, dtype=None, input_name="y", estimator="compare_penalties")
    check_consistent_length(X, y)
    resolved, codes, classes = check_target(np.asarray(y), task, "compare_penalties")
    family = family_for(engine_task(resolved, classes))
    if not family.stratify:
        codes = np.zeros(len(codes), dtype=int)  # KFold ignores y
    return family, codes


def _named_coefs(report, penalty, coef):
    if coef.ndim == 1:
        return {penalty: coef}
    return {f"{penalty}[{label}]": row for label, row in zip(report.classes_, coef, strict=True)}
