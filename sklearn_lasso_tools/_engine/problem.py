"""The standardized problem the path solvers read (``Problem``): its design, the sample
weights, and the means and scales that map coefficients back to the caller's. The design is
one of four: a dense copy, centred and scaled (``standardize.prepare``); a tall dense design
read in place, standardization folded into each pass (``in_place.InPlaceDesign``); a sparse
CSC design, scaled, its centring implicit in ``offset`` (``sparse_columns``); or, for
squared loss with more samples than features, only its Gram matrix
(``cross_products.RowSubset``). ``restrict``, ``matvec`` and ``rmatvec`` read each the same
way. Pure numerics."""

from dataclasses import dataclass

import numpy as np

from ._csc import csc_matvec
from .in_place import InPlaceDesign
from .sparse_columns import sparse_rmatvec, take_columns

__all__ = ["Problem"]


@dataclass(frozen=True)
class Problem:
    """Standardized design: dense and centred (a copy, or read in place), sparse with an
    implicit offset, or (for squared loss with more samples than features) only its Gram
    matrix."""

    X: object  # ndarray (centred, scaled), InPlaceDesign, CSC matrix or ColumnBlock
    # (scaled only), None
    offset: np.ndarray | None  # column means of sparse X (None when X is centred)
    mean: np.ndarray  # caller-scale column means, all features
    scale: np.ndarray  # caller-scale column divisors (std * penalty factor), all features
    keep: np.ndarray  # non-constant features
    v: np.ndarray  # sample weights summing to one
    uniform: bool
    subset: np.ndarray | None = None  # the full problem's features, when restricted
    ridge: np.ndarray | None = None  # per-column L2 weights 1 / f_j (None: all ones)
    positive: bool = False
    gram: np.ndarray | None = None  # X~' diag(n v) X~, given instead of X (see RowSubset)
    xy: np.ndarray | None = None  # X~' diag(n v) y, with the Gram matrix
    single: tuple | None = None  # X's float32 copy, made with it (see _SinglePrecision)

    @property
    def n_samples(self):
        return self.v.size

    @property
    def n_features(self):
        return self.gram.shape[0] if self.X is None else self.X.shape[1]

    @property
    def columns(self):
        """Which features of the full problem these columns are (all, unless restricted)."""
        return np.arange(self.n_features) if self.subset is None else self.subset

    def restrict(self, mask):
        """The same problem on the features where ``mask`` is true."""
        if mask.all():
            return self
        columns = np.flatnonzero(mask)
        if isinstance(self.X, InPlaceDesign):
            X = self.X.restrict(columns)
        elif self.offset is not None:
            X = take_columns(self.X, columns)
        elif self.X.flags.c_contiguous:
            X = np.take(self.X, columns, axis=1)  # twice as fast as indexing, on C order
        else:
            X = self.X[:, columns]
        offset = None if self.offset is None else self.offset[columns]
        ridge = None if self.ridge is None else self.ridge[columns]
        return Problem(
            X, offset, None, None, None, self.v, self.uniform, columns, ridge, self.positive
        )

    def matvec(self, beta):
        if isinstance(self.X, InPlaceDesign):
            return self.X.matvec(beta)
        if self.offset is not None:  # only the nonzero coefficients' columns are read
            nonzero = np.flatnonzero(beta)
            X, values = self.X, beta[nonzero]
            out = csc_matvec(X.data, X.indices, X.indptr, nonzero, values, X.shape[0])
            return out - self.offset[nonzero] @ values
        if np.count_nonzero(beta) > beta.size // 4:
            out = self.X @ beta
        else:  # few active features: touch only their columns
            nonzero = np.flatnonzero(beta)
            out = self.X[:, nonzero] @ beta[nonzero]
        return out if self.offset is None else out - self.offset @ beta

    def rmatvec(self, r):
        """X~' r for a residual-like ``r`` (already weighted)."""
        if isinstance(self.X, InPlaceDesign):
            return self.X.rmatvec(r)
        if self.offset is None:
            return self.X.T @ r
        return sparse_rmatvec(self.X, r) - self.offset * r.sum()
