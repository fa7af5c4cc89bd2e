"""The loss's gradient on the features a tall dense path has left out, bounded from its
last full product, so that the check of the optimality conditions after each point does
not always pass over the whole design.

Along a path fitted on a strong set (``solvers._screened``), each point ends with ``X~' r``
on every feature: exact where a left-out feature may violate the conditions, or reach the
next point's strong-rule threshold. Between points the residual ``r`` moves little, and
``|x_j' r| <= |x_j' r0| + ||x_j|| ||r - r0||`` (Cauchy-Schwarz) from the last full
product's ``r0`` rules out most features for a few points (on logit_50000x200 of
benchmarks/run.py, a third of the checks while the strong set is small); the others are
computed exactly from their columns alone. The bound is what a feature ruled out gets:
below the floor, as its exact value is, so the checks and the screening decide as they
would on the exact values. The wide dense designs' float32 copies do the same with a
coarser first product (``weighted_lasso._SinglePrecision``).
"""

import numpy as np

from .in_place import InPlaceDesign, row_blocks

__all__ = ["GradientBound"]

_PARTIAL = 8  # columns computed alone while at most 1 / _PARTIAL of them; else a full product
_NORM_ROWS = 4096  # rows per block of the columns' norms


class GradientBound:
    """``X~' r`` on a dense design ``X`` (an array, or read in place), from its last full
    product where a bound allows."""

    def __init__(self, X):
        self.X = X
        self._lengths = None  # ||x_j||, rounded up
        self._reference = None  # (r0, X~' r0) of the last full product
        # the rounding of a product's n terms and their sum, on either side (Higham's bound,
        # doubled)
        self._relative = 2 * (X.shape[0] + 2) * np.finfo(np.float64).eps

    @staticmethod
    def applies(prob):
        """Whether ``prob`` is dense (standardized or read in place) and tall."""
        X = prob.X
        dense = isinstance(X, InPlaceDesign) or (isinstance(X, np.ndarray) and prob.offset is None)
        return dense and prob.n_samples >= prob.n_features

    def keep(self, r, product):
        """Take ``product = X~' r`` (a full one) as the reference of the next bounds."""
        self._reference = (np.array(r, copy=True), product)

    def magnitudes(self, r, floor):
        """``|X~' r|``, exact where it may reach ``floor`` (one per feature) and bounded
        below it elsewhere; None when that needs more than a few columns computed (a full
        product, for ``keep``, is then cheaper)."""
        if self._reference is None:
            return None
        r0, product = self._reference
        lengths = self._norms()
        spread = np.linalg.norm(r - r0) + self._relative * (np.linalg.norm(r) + np.linalg.norm(r0))
        bound = np.abs(product) + lengths * (spread * (1 + 1e-6))
        exact = np.flatnonzero(bound >= floor)
        if _PARTIAL * exact.size > bound.size:
            return None
        if exact.size:
            bound[exact] = np.abs(self._columns_times(exact, r))
        return bound

    def _columns_times(self, columns, r):
        """``X~[:, columns]' r``, reading those columns alone."""
        X = self.X
        if isinstance(X, InPlaceDesign):
            return X.select(columns).rmatvec(r)
        return X[:, columns].T @ r

    def _norms(self):
        """``||x~_j||`` of every column (computed once), rounded up."""
        if self._lengths is None:
            X = self.X
            squares = np.zeros(X.shape[1])
            for _, block in row_blocks(X, _NORM_ROWS):
                squares += np.einsum("ij,ij->j", block, block)
            self._lengths = np.sqrt(squares) * (1 + 1e-6) + 1e-300
        return self._lengths
