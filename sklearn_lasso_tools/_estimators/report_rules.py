"""What a LassoPathReport's rules choose: the grid position of ``"min"``, ``"1se"`` or a
feature budget, and an :class:`L1Selector` at that strength. A mixin of
``LassoPathReport``, reading only its fitted attributes."""

import warnings

from sklearn.utils.validation import check_is_fitted

from .._engine.cv import budget_rule
from .._validation import Rule, check_rule

__all__ = ["ReportRules"]


class ReportRules:
    """The rules' choices on a fitted :class:`LassoPathReport`."""

    def rule_index(self, rule, *, stacklevel=2):
        """The grid position (index into ``alphas_``) a rule picks.

        Parameters
        ----------
        rule : {"min", "1se"} or int
            ``"min"``: ``alpha_min_``; ``"1se"``: ``alpha_1se_``; an int k >= 1: the
            largest alpha within one standard error of the best that keeps at most k
            features (if none does, the best-scoring alpha that keeps at most k, with a
            ``UserWarning``).
        stacklevel : int, default=2
            Where that warning points (2: the caller of this method).

        Returns
        -------
        int
        """
        check_is_fitted(self, "cv_mean_")
        rule = check_rule(rule, type(self).__name__)
        if rule == Rule.MIN:
            return self.cv_result_.index_min
        if rule == Rule.ONE_SE:
            return self.cv_result_.index_1se
        index, within = budget_rule(self.cv_mean_, self.cv_se_, self.n_nonzero_, rule)
        if not within:
            warnings.warn(
                f"No alpha within one standard error of the best CV score keeps at most "
                f"{rule} features (alpha_1se_ keeps "
                f"{self.n_nonzero_[self.cv_result_.index_1se]}); using the best-scoring "
                f"alpha that does: alpha={self.alphas_[index]:.4g} with "
                f"{self.n_nonzero_[index]} features.",
                UserWarning,
                stacklevel=stacklevel,
            )
        return index

    def selector(self, rule="1se"):
        """An unfitted :class:`L1Selector` at the strength this rule chose.

        Parameters
        ----------
        rule : {"min", "1se"} or int, default="1se"
            As for :meth:`selected_features`.

        Returns
        -------
        L1Selector
        """
        from .selector import L1Selector

        alpha = float(self.alphas_[self.rule_index(rule, stacklevel=3)])
        return L1Selector(
            alpha,
            scale=self.scale,
            task=self.task,
            l1_ratio=self.l1_ratio,
            tol=self.tol,
            max_iter=self.max_iter,
            penalty_factor=self.penalty_factor,
            positive=self.positive,
        )
