"""The restricted designs of a path's fitted set (see ``solvers._screened``): the set only
grows along the path, so on a Fortran-ordered dense design its columns are kept in one
buffer, in the design's order, and a feature joining moves the columns after it and copies
its own, instead of a new copy of every column (a fresh array, whose first touch of its
pages costs as much as the copy). So too for the small sets a design read in place copies
(``InPlaceDesign.restrict``): a joining feature's column is gathered alone, where a copy of
the set reads every row of the design whole. The restricted problems are the same numbers
in the same layout as ``Problem.restrict``'s copies."""

import numpy as np

from ._wide import merge_columns
from .in_place import InPlaceDesign
from .problem import Problem

__all__ = ["FittedColumns"]

_FIRST_CAPACITY = 64  # columns of the first buffer; each next one holds twice as many
# reads_whole only up to this many features: past it, the whole design's Gram matrices
# (n p^2 each, against a few passes' n p at p = 200) would cost more than the passes saved
_WHOLE_FEATURES = 256


class FittedColumns:
    """``restrict(mask)`` of the problem ``prob``, for masks that mostly grow."""

    def __init__(self, prob):
        self.prob = prob
        X = prob.X
        self._in_place = isinstance(X, InPlaceDesign)
        self._applies = self._in_place or (
            isinstance(X, np.ndarray)
            and prob.offset is None
            and X.dtype == np.float64
            and X.flags.f_contiguous
        )
        self._buffer = None
        self._kept = np.empty(0, dtype=np.intp)  # the features in the buffer, in order

    def reads_whole(self, k):
        """Whether ``k`` fitted columns of a C-ordered design read in place are read in
        place too (too many to copy). Reading them then costs about as much as reading
        every column (a pass reads each row of ``X`` whole, a cache line holding eight of
        its values), and only the whole design's passes give the loss's gradient on every
        feature, which the check of the optimality conditions after each point then takes
        from the last Newton step's pass instead of a pass of its own: on logit_50000x200
        of benchmarks/run.py, 64 of the CV's 184 passes (its Gram matrices, on every
        feature, are made in single precision: see ``Curvature.gram``). (A Fortran-ordered
        ``X``'s columns are read alone.)"""
        X = self.prob.X
        if not self._in_place or X.shape[1] > _WHOLE_FEATURES:
            return False
        return X.X.flags.c_contiguous and not X.copies(k)

    def restrict(self, mask):
        """The problem on the features where ``mask`` is true. The last one returned is
        written over: only one is in use at a time."""
        prob = self.prob
        if not self._applies or mask.all():
            return prob.restrict(mask)
        columns = np.flatnonzero(mask)
        if self._in_place and not prob.X.copies(columns.size):
            self._buffer = None  # (read in place from now on: no copy)
            return prob.restrict(mask)
        kept = self._kept
        if not mask[kept].all():  # a feature left the set (not along a path): start over
            kept = np.empty(0, dtype=np.intp)
        if self._buffer is None or self._buffer.shape[1] < columns.size:
            capacity = _FIRST_CAPACITY if self._buffer is None else 2 * self._buffer.shape[1]
            capacity = min(max(capacity, columns.size), mask.size)
            if self._in_place:  # (the most it copies: one buffer, never regrown)
                capacity = prob.X.copied_columns()
            self._buffer = np.empty((prob.n_samples, capacity), order="F")
            kept = np.empty(0, dtype=np.intp)
        if self._in_place:  # the new columns gathered (standardized) alone
            new = ~np.isin(columns, kept, assume_unique=True)
            source, X = np.cumsum(new, dtype=np.intp) - 1, prob.X.columns(columns[new])
        else:
            source, X = columns, prob.X
        merge_columns(self._buffer, kept, columns, X, source)
        self._kept = columns
        ridge = None if prob.ridge is None else prob.ridge[columns]
        X = self._buffer[:, : columns.size]
        return Problem(
            X, None, None, None, None, prob.v, prob.uniform, columns, ridge, prob.positive
        )
