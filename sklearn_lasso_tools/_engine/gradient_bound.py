"""The loss's gradient on the features a tall dense or a sparse path has left out, bounded
from its last full product, so that the check of the optimality conditions after each
point does not always pass over the whole design.

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

A sparse design (``SparseGradientBound``) is bounded with Hoelder's
``|x_j' d| <= ||x_j||_1 ||d||_inf`` instead (much tighter on a rare word's column, of few
entries), and its exact columns cost their entries alone: on tfidf_2000x30000 of
benchmarks/run.py the checks read about half the entries that full products read.
``gradient_bound_for`` gives the bound a problem takes.
"""

import numpy as np

from ._csc import csc_bounded_magnitudes
from .in_place import InPlaceDesign, row_blocks

__all__ = ["GradientBound", "SparseGradientBound", "gradient_bound_for"]

_PARTIAL = 8  # columns computed alone while at most 1 / _PARTIAL of them; else a full product
_SPARSE_PARTIAL = 2  # ... entries of a sparse design's columns (they cost their entries alone)
_NORM_ROWS = 4096  # rows per block of the columns' norms


def _rounding(n_samples):
    """The relative rounding of a product's ``n_samples`` terms and their sum, on either
    side (Higham's bound, doubled)."""
    return 2 * (n_samples + 2) * np.finfo(np.float64).eps


def gradient_bound_for(prob):
    """The bound of ``X~' r`` a GLM path on ``prob`` keeps, or None (wide dense designs
    have their float32 copies instead)."""
    if GradientBound.applies(prob):
        return GradientBound(prob.X)
    if SparseGradientBound.applies(prob):
        return SparseGradientBound(prob)
    return None


class GradientBound:
    """``X~' r`` on a dense design ``X`` (an array, or read in place), from its last full
    product where a bound allows."""

    def __init__(self, X):
        self.X = X
        self._lengths = None  # ||x_j||, rounded up
        self._reference = None  # (r0, X~' r0) of the last full product
        self._relative = _rounding(X.shape[0])

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


class SparseGradientBound:
    """``|X~' r|`` on a sparse design (``prob``: CSC, scaled, centred by its ``offset``:
    ``x~_j = x_j - offset_j``), from its last full product where a bound allows: bound and
    exact columns in one compiled pass (``_csc.csc_bounded_magnitudes``), as numpy's
    passes over the bound's arrays would cost about what the product does."""

    def __init__(self, prob):
        X = prob.X
        self.X, self.offset = X, np.ascontiguousarray(prob.offset, dtype=np.float64)
        # ||x_j||_1 (a trailing zero so every start is an index; reduceat gives an empty
        # column the entry at its start: zeroed)
        l1 = np.add.reduceat(np.append(np.abs(X.data), 0.0), X.indptr[:-1])
        l1[np.diff(X.indptr) == 0] = 0.0
        self._l1 = l1 * (1 + 1e-6)
        self._half = X.data.size / _SPARSE_PARTIAL
        self._relative = _rounding(X.shape[0])
        self._reference = None  # (r0, |X~' r0|, max |r0|, sum |r0|) of the last full product

    @staticmethod
    def applies(prob):
        return prob.offset is not None and hasattr(prob.X, "indptr")

    def keep(self, r, product):
        """Take ``product = X~' r`` (a full one) as the reference of the next bounds."""
        r = np.array(r, dtype=np.float64, copy=True)
        size = np.abs(r)
        self._reference = (r, np.abs(product), size.max(), size.sum())

    def magnitudes(self, r, floor):
        """``|X~' r|``, exact where it may reach ``floor`` (one per feature) and bounded
        below it elsewhere; None when the last call read more than 1 / _SPARSE_PARTIAL of
        the entries (the reference is then stale: a full product, for ``keep``, pays)."""
        if self._reference is None:
            return None
        r0, product, r0_max, r0_abs_sum = self._reference
        r = np.ascontiguousarray(r, dtype=np.float64)
        d, size = r - r0, np.abs(r)
        X = self.X
        bound, read = csc_bounded_magnitudes(
            X.data, X.indices, X.indptr, self.offset, product, self._l1, r,
            r.sum(), np.abs(d).max(), d.sum(), size.max() + r0_max,
            size.sum() + r0_abs_sum, self._relative,
            np.ascontiguousarray(np.broadcast_to(floor, X.shape[1]), dtype=np.float64),
        )  # fmt: skip
        if read > self._half:
            self._reference = None  # (the next check takes a full product)
        return bound
