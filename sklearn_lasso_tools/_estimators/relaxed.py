"""The relaxed Lasso of SelectThenRefit: blending the L1 fit with the refit (``gamma``), and
choosing alpha and gamma together on shared folds (``gamma="cv"``, as
``cv.glmnet(relax=TRUE)``). A mixin of ``SelectThenRefit``."""

from functools import partial

import numpy as np
import pandas as pd
from sklearn.base import clone

from .._compat import (
    check_params,
)
from .._engine.cv import make_splitter
from .._engine.families import family_for
from .._engine.path import l1_path
from .._engine.refit import REFIT_L2, refit_linear
from .._engine.relax import blend
from .._engine.relaxed_cv import cross_validate_relaxed
from .._engine.scoring import PathPointClassifier, PathPointRegressor
from .._validation import (
    Rule,
    check_alphas,
    engine_params,
    engine_task,
    fit_inputs,
)
from .routing import split_params
from .selector import L1Selector

__all__ = ["RelaxedFit"]


class RelaxedFit:
    """``gamma``'s blend and ``gamma="cv"``'s search, for :class:`SelectThenRefit`."""

    def _blend(self):
        """The linear model ``gamma_ * L1 + (1 - gamma_) * refit`` on the selected columns."""
        for role, fitted in (("selector", self.selector_), ("estimator", self.estimator_)):
            if not (hasattr(fitted, "coef_") and hasattr(fitted, "intercept_")):
                raise ValueError(
                    f"The 'gamma' parameter of {type(self).__name__} blends linear fits, so "
                    f"the fitted {role} must have coef_ and intercept_ ({type(fitted).__name__}"
                    f" has not); use gamma=0 with it. Got gamma={self.gamma!r}."
                )
        refit_coef = np.asarray(self.estimator_.coef_, dtype=np.float64)
        refit_intercept = np.asarray(self.estimator_.intercept_, dtype=np.float64)
        l1_coef = np.asarray(self.selector_.coef_, dtype=np.float64)
        l1_coef = l1_coef[..., self.selector_.get_support()]
        l1_intercept = np.asarray(self.selector_.intercept_, dtype=np.float64)
        if l1_coef.size != refit_coef.size or l1_intercept.size != refit_intercept.size:
            raise ValueError(
                f"The 'gamma' parameter of {type(self).__name__} blends the selector's and the "
                f"estimator's coefficients, but their shapes differ: {l1_coef.shape} and "
                f"{refit_coef.shape}. Got gamma={self.gamma!r}."
            )
        coef = blend(l1_coef.reshape(refit_coef.shape), refit_coef, self.gamma_)
        intercept = blend(l1_intercept.reshape(refit_intercept.shape), refit_intercept, self.gamma_)
        return _linear_model(coef, intercept, getattr(self.estimator_, "classes_", None))

    def _fit_cv(self, X, y, sample_weight, selector_params, classification):
        """``gamma="cv"``: alpha and gamma chosen together on shared folds."""
        owner = type(self).__name__
        selector = self._planned_selector()
        strength = ("alpha", "C", "n_features")
        if not isinstance(selector, L1Selector) or any(
            getattr(selector, name) is not None for name in strength
        ):
            raise ValueError(
                f"The 'gamma' parameter of {owner} is 'cv', which tunes alpha and gamma "
                "together on the selector's folds: the selector must be an L1Selector that "
                "chooses its strength by cross-validation (alpha, C and n_features None). "
                f"Got selector={selector!r}."
            )
        if isinstance(selector.rule, bool) or selector.rule not in Rule.ALL:
            raise ValueError(
                f"{owner} with gamma='cv' applies glmnet's 'min' or '1se' rule for relaxed "
                f"fits; got the selector's rule={selector.rule!r}."
            )
        gammas = self._check_gammas()
        probe = clone(selector)
        check_params(probe)
        split = split_params(probe, selector_params, probe._cv())
        X_valid, y_valid, task, y_enc, classes, weights = fit_inputs(probe, X, y, sample_weight)
        family = family_for(engine_task(task, classes))
        self._check_selector_classes(classification, family.has_classes)
        params = engine_params(probe, classes)
        path = l1_path(
            X_valid,
            y_enc,
            task=family,
            alphas=check_alphas(probe.alphas, type(probe).__name__),
            eps=probe.eps,
            sample_weight=weights,
            **params,
        )
        cv = 5 if probe.cv is None else probe.cv
        splitter = make_splitter(cv, family, y_enc, probe.random_state)
        splits = list(splitter.split(X_valid, y_enc, **split))
        refit = None
        if self.estimator is not None:
            refit = partial(_estimator_refit_factory, self.estimator, y_valid, owner)
        result = cross_validate_relaxed(
            X_valid,
            y_enc,
            y_valid,
            splits,
            task=family,
            alphas=path.alphas,
            gammas=gammas,
            scoring=probe.scoring or family.default_scoring,
            classes=classes,
            sample_weight=weights,
            n_jobs=probe.n_jobs,
            refit=refit,
            refit_params={"l2": REFIT_L2, "positive": params.get("positive", False)},
            **params,
        )
        g, a = result.index_min if probe.rule == Rule.MIN else result.index_1se
        self.alphas_, self.gammas_ = path.alphas, gammas
        self.alpha_, self.gamma_ = float(path.alphas[a]), float(gammas[g])
        self.cv_results_ = _cv_table(path, gammas, result)
        self.selector_ = clone(selector).set_params(alpha=self.alpha_)
        self.selector_.fit(
            X, y, **({} if sample_weight is None else {"sample_weight": sample_weight})
        )

        def internal_refit(support):
            coef, intercept = refit_linear(
                X_valid[:, support],
                y_enc,
                task=family,
                sample_weight=weights,
                l2=REFIT_L2,
                scale=probe.scale,
                n_classes=params["n_classes"],
                positive=params.get("positive", False),
            )
            if family.has_classes and coef.ndim == 1:  # binary: LogisticRegression's shapes
                coef, intercept = coef[None, :], np.array([intercept])
            return _linear_model(coef, intercept, classes)

        self._fit_selected(
            X,
            y,
            sample_weight,
            classification,
            internal_refit if self.estimator is None else None,
            stacklevel=5,
        )
        return self

    def _check_gammas(self):
        try:
            values = np.asarray(self.gammas, dtype=np.float64)
        except (TypeError, ValueError):
            values = None
        if (
            values is None
            or values.ndim != 1
            or values.size == 0
            or not np.all((values >= 0) & (values <= 1))
        ):
            raise ValueError(
                f"The 'gammas' parameter of {type(self).__name__} must be a non-empty 1-D "
                f"array of floats in [0, 1]. Got {self.gammas!r} instead."
            )
        return np.unique(values)


def _linear_model(coef, intercept, classes):
    """A fixed linear model with ``coef_``/``intercept_`` in the given shapes, predicting
    on the selected columns (binary: one decision column, as ``LogisticRegression``)."""
    coef = np.asarray(coef, dtype=np.float64)
    intercept = np.asarray(intercept, dtype=np.float64)
    if classes is None:  # a (1, k) coef_ from a 2-D y still predicts one column
        model = PathPointRegressor(coef.reshape(-1), intercept.reshape(-1)[0])
    elif len(classes) == 2:
        model = PathPointClassifier(coef.reshape(-1), intercept.reshape(-1)[0], classes)
    else:
        model = PathPointClassifier(coef, intercept, classes)
    model.coef_, model.intercept_ = coef, intercept[()] if intercept.ndim == 0 else intercept
    return model


def _estimator_refit_factory(estimator, y, owner, train):
    """For a fold: refit a clone of ``estimator`` on active columns (``gamma="cv"``)."""
    return partial(_estimator_refit, estimator, y[train], owner)


def _estimator_refit(estimator, y, owner, X_active, columns, sample_weight):
    weights = {} if sample_weight is None else {"sample_weight": sample_weight}
    fitted = clone(estimator).fit(X_active, y, **weights)
    if not (hasattr(fitted, "coef_") and hasattr(fitted, "intercept_")):
        raise ValueError(
            f"The 'gamma' parameter of {owner} blends linear fits, so the fitted estimator "
            f"must have coef_ and intercept_ ({type(fitted).__name__} has not); use gamma=0 "
            "with it. Got gamma='cv'."
        )
    coef = np.asarray(fitted.coef_, dtype=np.float64)
    intercept = np.asarray(fitted.intercept_, dtype=np.float64)
    if coef.ndim == 2 and coef.shape[0] == 1:  # binary: the engine's shapes
        return coef[0], float(intercept.reshape(-1)[0])
    return coef, intercept[()] if intercept.ndim == 0 else intercept


def _cv_table(path, gammas, result):
    n_gammas, n_alphas, n_folds = result.scores.shape
    table = pd.DataFrame(
        {
            "alpha": np.tile(path.alphas, n_gammas),
            "gamma": np.repeat(gammas, n_alphas),
            "n_nonzero": np.tile(path.n_nonzero, n_gammas),
            "mean_test_score": result.mean.ravel(),
            "std_test_score": result.std.ravel(),
            "se_test_score": result.se.ravel(),
        }
    )
    for k in range(n_folds):
        table[f"split{k}_test_score"] = result.scores[:, :, k].ravel()
    return table
