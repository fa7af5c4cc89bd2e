"""A point of a path: one strength and the model fitted at it, read from a fitted path or
fitted afresh at that strength (on all features, or on some alone) on one validated
dataset. What ``L1Selector`` keeps."""

from typing import NamedTuple

import numpy as np

from .._engine.families import family_for
from .._engine.path import l1_path
from .._engine.standardize import UNPENALIZED

__all__ = ["Point", "PointFits"]


class Point(NamedTuple):
    """One strength and the model fitted at it."""

    alpha: float
    coef: np.ndarray
    intercept: object
    n_iter: int

    @classmethod
    def of(cls, path, index):
        return cls(
            path.alphas[index], path.coefs[index], path.intercepts[index], path.n_iter[index]
        )


class PointFits:
    """Single-strength fits on one validated dataset."""

    def __init__(self, X, y, task, weights, params):
        self.X, self.y, self.task, self.weights, self.params = X, y, task, weights, params

    def at(self, alpha, columns=None):
        """The fit at ``alpha``; with ``columns``, on those features alone (the others'
        coefficients are zero; no columns is the intercept-only model)."""
        if columns is None:
            return self._fit(self.X, alpha, self.params)
        if len(columns) == 0:
            return Point(alpha, *self._null_model())
        # the same penalty on these features as in the full problem: the engine rescales
        # penalty factors to average one over the features it is given, so the strength
        # absorbs their average here (zero when all of them are unpenalized)
        params, strength = dict(self.params), alpha
        factor = params["penalty_factor"]
        if factor is not None:
            mean = factor[columns].mean()
            params["penalty_factor"] = factor[columns] if mean > 0 else None
            strength = alpha * max(mean, UNPENALIZED)
        point = self._fit(self.X[:, columns], strength, params)
        coef = np.zeros(point.coef.shape[:-1] + (self.X.shape[1],))
        coef[..., columns] = point.coef
        return point._replace(alpha=alpha, coef=coef)

    def _fit(self, X, alpha, params):
        path = l1_path(
            X, self.y, task=self.task, alphas=[alpha], sample_weight=self.weights, **params
        )
        return Point.of(path, 0)

    def _null_model(self):
        """Zero coefficients and the intercept-only fit: ``(coef, intercept, n_iter)``."""
        family = family_for(self.task)
        Y = family.targets(self.y, self.params["n_classes"])
        v = np.ones(len(Y)) if self.weights is None else self.weights
        intercept = family.null_intercept(v / v.sum(), Y)
        return np.zeros(np.shape(intercept) + (self.X.shape[1],)), intercept, 0
