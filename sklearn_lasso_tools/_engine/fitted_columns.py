"""The restricted designs of a path's fitted set (see ``solvers._screened``): the set only
grows along the path, so on a Fortran-ordered dense design its columns are kept in one
buffer, in the design's order, and a feature joining moves the columns after it and copies
its own, instead of a new copy of every column (a fresh array, whose first touch of its
pages costs as much as the copy). The restricted problems are the same numbers in the same
layout as ``Problem.restrict``'s copies."""

import numpy as np

from ._wide import merge_columns
from .problem import Problem

__all__ = ["FittedColumns"]

_FIRST_CAPACITY = 64  # columns of the first buffer; each next one holds twice as many


class FittedColumns:
    """``restrict(mask)`` of the problem ``prob``, for masks that mostly grow."""

    def __init__(self, prob):
        self.prob = prob
        X = prob.X
        self._applies = (
            isinstance(X, np.ndarray)
            and prob.offset is None
            and X.dtype == np.float64
            and X.flags.f_contiguous
        )
        self._buffer = None
        self._kept = np.empty(0, dtype=np.intp)  # the features in the buffer, in order

    def restrict(self, mask):
        """The problem on the features where ``mask`` is true. The last one returned is
        written over: only one is in use at a time."""
        prob = self.prob
        if not self._applies or mask.all():
            return prob.restrict(mask)
        columns = np.flatnonzero(mask)
        kept = self._kept
        if not mask[kept].all():  # a feature left the set (not along a path): start over
            kept = np.empty(0, dtype=np.intp)
        if self._buffer is None or self._buffer.shape[1] < columns.size:
            capacity = _FIRST_CAPACITY if self._buffer is None else 2 * self._buffer.shape[1]
            capacity = min(max(capacity, columns.size), mask.size)
            self._buffer = np.empty((prob.n_samples, capacity), order="F")
            kept = np.empty(0, dtype=np.intp)
        merge_columns(self._buffer, kept, columns, prob.X)
        self._kept = columns
        ridge = None if prob.ridge is None else prob.ridge[columns]
        X = self._buffer[:, : columns.size]
        return Problem(
            X, None, None, None, None, prob.v, prob.uniform, columns, ridge, prob.positive
        )
