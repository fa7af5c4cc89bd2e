"""Stability selection on a LassoPathReport's grid: complementary pairs of half-samples
(Shah & Samworth, 2013), each feature's selection frequency along the grid, the stability
region and its error bounds (Meinshausen & Bühlmann, 2010). A mixin of
``LassoPathReport``, called by its fit when ``n_bootstrap`` is set."""

import warnings

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

__all__ = ["ReportStability"]


class ReportStability:
    """The stability attributes of :class:`LassoPathReport` (``stability_path_``, ...)."""

    def _fit_stability(self, X, y_enc, etask, classes, weights, params, owner):
        """Complementary pairs stability selection on the fitted grid (see
        ``_engine.stability``)."""
        # (loaded here: a fit without n_bootstrap does not pay for the module)
        from .._engine.stability import complementary_pairs, select_stable, stability_path

        if classes is not None and np.bincount(y_enc).min() < 2:
            raise ValueError(
                f"The 'n_bootstrap' parameter of {owner} asks for stability selection, which "
                "splits every class in two halves; each class needs at least 2 samples, got "
                f"{np.bincount(y_enc).min()}."
            )
        if X.shape[0] < 4:
            raise ValueError(
                f"The 'n_bootstrap' parameter of {owner} asks for stability selection on "
                f"halves of the samples; that needs at least 4 samples, got {X.shape[0]}."
            )
        # None draws the same half-samples on every fit (a fixed seed, not the global
        # RNG): results change only when random_state asks
        rng = check_random_state(0 if self.random_state is None else self.random_state)
        pairs = complementary_pairs(
            X.shape[0], self.n_bootstrap, rng, strata=None if classes is None else y_enc
        )
        result = stability_path(
            X,
            y_enc,
            pairs,
            task=etask,
            alphas=self.alphas_,
            sample_weight=weights,
            n_jobs=self.n_jobs,
            **params,
        )
        names = self.feature_names_
        chosen = select_stable(result, self.stability_threshold, self.pfer)
        if not chosen.within_pfer:
            warnings.warn(
                f"Even at the largest alpha, half-samples select {chosen.q:.3g} features on "
                f"average, more than pfer={self.pfer} allows with stability_threshold="
                f"{self.stability_threshold} and {len(names)} features; the stability region "
                "is the first alpha alone and its bound exceeds pfer.",
                UserWarning,
                stacklevel=5,  # past _fit_path, fit and _fit_context, to the caller
            )
        self.stability_result_ = result
        self.stability_path_ = pd.DataFrame(
            result.frequency,
            index=pd.Index(self.alphas_, name="alpha"),
            columns=pd.Index(names, name="feature"),
        )
        self.stability_q_ = result.q
        self.stability_alpha_ = float(self.alphas_[chosen.end])
        self.stability_max_ = pd.Series(
            chosen.max_frequency, index=pd.Index(names, name="feature"), name="stability"
        )
        stable = self.stability_max_[chosen.stable]
        self.stable_features_ = stable.sort_values(ascending=False, kind="stable").index.to_numpy()
        self.stability_bound_ = chosen.mb_bound
        self.stability_bound_unimodal_ = chosen.unimodal_bound
