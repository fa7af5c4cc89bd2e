"""The tables of a fitted LassoPathReport: glmnet's path table, the tidy path, the
per-feature summary, the features kept at a rule, the path's events and the correlated
groups. A mixin of ``LassoPathReport``, reading only its fitted attributes."""

from numbers import Real

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .._engine.events import EVENTS, path_events
from .._engine.groups import CORR_FLOOR
from .._engine.support import support as feature_support
from .._validation import (
    Rule,
)
from .correlated import dropped_correlates

__all__ = ["ReportTables"]


class ReportTables:
    """Tables and lists of a fitted :class:`LassoPathReport`."""

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
        names = self.feature_names_
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
        names = self.feature_names_
        table = pd.DataFrame(
            {"entry_alpha": self.entry_alphas_}, index=pd.Index(names, name="feature")
        )
        rank = pd.Series(np.arange(1, len(self.entry_order_) + 1), index=self.entry_order_)
        table["entry_rank"] = rank.reindex(names).astype("Int64").to_numpy()
        if hasattr(self, "cv_mean_"):
            for rule in Rule.ALL:
                coef = self.coefs_[self.rule_index(rule, stacklevel=3)]
                if coef.ndim == 1:
                    table[f"coef_{rule}"] = coef
                else:
                    for label, row in zip(self.classes_, coef, strict=True):
                        table[f"coef_{rule}[{label}]"] = row
            for rule in Rule.ALL:
                table[f"freq_{rule}"] = self.selection_frequency_[rule].to_numpy()
        if hasattr(self, "stability_max_"):
            table["stability"] = self.stability_max_.to_numpy()
        return table.sort_values(["entry_rank", "entry_alpha"], ascending=[True, False])

    def selected_features(self, rule="1se"):
        """Names of the features with a nonzero coefficient at the rule's strength.

        Parameters
        ----------
        rule : {"min", "1se"} or int, default="1se"
            ``"min"``: ``alpha_min_``; ``"1se"``: ``alpha_1se_``; an int k >= 1: the
            largest alpha within one standard error of the best mean CV score that keeps
            at most k features (when none does, the best-scoring alpha that keeps at most
            k, with a ``UserWarning``).

        Returns
        -------
        ndarray of str
        """
        coef = self.coefs_[self.rule_index(rule, stacklevel=3)]
        support = feature_support(coef)
        return self.feature_names_[support]

    def path_events(self):
        """The path's story: each feature's entries, exits and sign flips along the grid.

        Between grid points ``step - 1`` and ``step`` a feature *enters* (its coefficient
        becomes nonzero), *exits* (becomes zero) or *flips sign* (nonzero at both, with
        opposite signs). A multinomial path defines entries and exits on the any-class
        support and sign flips per class. A feature nonzero at the first grid point
        enters there (``step`` 0).

        Returns
        -------
        DataFrame
            One row per event, by step: ``feature``, ``event`` ("enter", "exit" or
            "sign flip"), (``class``: the class whose coefficient flips, multinomial
            only,) ``alpha`` and ``step`` (the first grid point showing the new state),
            ``n_nonzero`` there and, with ``cv``, ``cv_mean`` there.

        Examples
        --------
        >>> from sklearn.datasets import load_diabetes
        >>> from sklearn_lasso_tools import LassoPathReport
        >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
        >>> report = LassoPathReport(cv=None).fit(X, y)
        >>> events = report.path_events()
        >>> events.loc[events["feature"] == "s3", ["event", "step"]].to_numpy().tolist()
        [['enter', 12], ['exit', 66], ['enter', 71]]
        """
        check_is_fitted(self, "coefs_")
        step, feature, event, klass = path_events(self.coefs_)
        table = pd.DataFrame(
            {
                "feature": self.feature_names_[feature],
                "event": pd.Categorical(np.asarray(EVENTS)[event], categories=EVENTS),
            }
        )
        if self.coefs_.ndim == 3:
            labels = np.asarray(self.classes_, dtype=object)
            table["class"] = np.where(klass >= 0, labels[np.maximum(klass, 0)], None)
        table["alpha"] = self.alphas_[step]
        table["step"] = step
        table["n_nonzero"] = self.n_nonzero_[step]
        if hasattr(self, "cv_mean_"):
            table["cv_mean"] = self.cv_mean_[step]
        return table

    def correlated_groups(self, threshold=0.9, rule="1se"):
        """Groups of highly correlated features of which L1 kept one and dropped the others.

        L1 picks one of several near-copies more or less arbitrarily; the elastic net
        (``l1_ratio < 1``) spreads the weight across them instead. Correlations are
        weighted Pearson correlations of the training ``X``, computed at fit between the
        features the path keeps down to ``alpha_min_`` and every feature.

        Parameters
        ----------
        threshold : float, default=0.9
            Smallest absolute correlation that groups two features, in [0.5, 1].
        rule : {"min", "1se"} or int, default="1se"
            The strength whose kept and dropped features are compared, as for
            :meth:`selected_features`.

        Returns
        -------
        DataFrame
            One row per dropped feature: ``group`` (numbered by the kept feature's
            entry), ``kept`` (of the kept features it correlates with at least
            ``threshold``, the most correlated), ``dropped``, ``corr``; strongest first
            within a group. Empty when there is no such group.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_lasso_tools import LassoPathReport
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(100, 5))
        >>> X[:, 1] = X[:, 0] + 0.01 * rng.normal(size=100)  # a near-copy of x0
        >>> y = X[:, 0] + X[:, 1] + X[:, 2] + rng.normal(size=100)
        >>> report = LassoPathReport(random_state=0).fit(X, y)
        >>> groups = report.correlated_groups()
        >>> groups[["kept", "dropped"]].to_numpy().tolist()
        [['x0', 'x1']]
        """
        check_is_fitted(self, "alphas_")
        if not hasattr(self, "correlations_"):
            raise ValueError(
                "correlated_groups needs the correlations a cross-validated LassoPathReport "
                "(cv set) computes at fit; a report fitted with cv=None has none (fit it "
                "with cv)."
            )
        if not (isinstance(threshold, Real) and CORR_FLOOR <= threshold <= 1):
            raise ValueError(
                f"The 'threshold' parameter of correlated_groups must be a float in "
                f"[{CORR_FLOOR}, 1]. Got {threshold!r} instead."
            )
        coef = self.coefs_[self.rule_index(rule, stacklevel=3)]
        kept = feature_support(coef)
        names = self.feature_names_
        missing = np.setdiff1d(np.flatnonzero(kept), self._correlated_candidates)
        if missing.size and not kept.all():  # (keeping everything, nothing was dropped)
            raise ValueError(
                f"correlated_groups has no correlations for {list(names[missing])}, kept at "
                f"rule={rule!r} but not down to alpha_min_."
            )
        return dropped_correlates(
            self.correlations_, pd.Series(kept, index=names), self.entry_order_, threshold
        )
