"""The active-set polish's linear systems along a path, kept from one solve to the next
(wide dense squared loss, see ``_wls.WeightedLasso``): Gram entries of the features that
have been active, and the Cholesky factor of the last active set, bordered for the next.
The store is kept here; each solve (ordering, bordering, the triangular solves) is one
compiled call (``_active_factor``): a path makes thousands, each microseconds of work."""

import numpy as np

from ._active_factor import bordered_solve

__all__ = ["ActiveSystems"]

_UNFACTORED = np.iinfo(np.intp).max  # the place in the factor of a feature not in it


class ActiveSystems:
    """The polish's linear systems along a path, kept across its solves: the Gram entries
    of the design columns of the features that have been active (with the columns, and
    their products with the response ``y``), and the Cholesky factor of the last system.
    An active set mostly is the last one (the next alpha's first solve) or differs from
    it by a few features (the polish's repairs): features the factor holds go first, in
    its order, so the factor of their common leading part is kept and only the rest is
    factored, bordering it, in place of a fresh product of the active columns and a
    fresh factorization. Once active, a feature is rarely left for good: none is dropped.
    """

    def __init__(self, columns, y, n_features):
        self._columns, self._y = columns, y  # columns(features): their design columns
        self._slot = np.full(n_features, -1)  # each feature's place in the store, or -1
        self._size = 0
        self._Z = np.empty((y.size, 0), order="F")
        self._gram = np.empty((0, 0))
        self._xy = np.empty(0)
        self._rank = np.empty(0, dtype=np.intp)  # each slot's place in the factor
        # the factor: its size, its slots (in order), their diagonal shifts and Jacobi
        # scales (the leading parts of buffers as long as the store's), and the upper
        # factor: the leading block of a column-major buffer (LAPACK reads it in place)
        self._factored_size = 0
        self._factored = np.empty(0, dtype=np.intp)
        self._shift, self._root = np.empty(0), np.empty(0)
        self._upper = np.empty((0, 0), order="F")

    def solve(self, features, signs, l1, shift):
        """The minimizer with these signs on ``features``: the solution ``w`` of
        ``(G + diag(shift)) w = X'y - l1 signs`` (``shift``: a number, or one per
        feature), or None when the system is singular (dependent columns); the factor
        is left as it was then."""
        slots = self._slots(features)
        shift = np.full(slots.size, shift) if np.isscalar(shift) else shift
        self._factor_room(slots.size)
        solution = np.empty(slots.size)
        size = bordered_solve(
            slots,
            np.ascontiguousarray(signs, dtype=np.float64),
            l1,
            np.ascontiguousarray(shift, dtype=np.float64),
            self._gram,
            self._xy,
            self._rank,
            self._factored,
            self._shift,
            self._root,
            self._upper,
            self._factored_size,
            _UNFACTORED,
            solution,
        )
        if size < 0:
            return None
        self._factored_size = size
        return solution

    def _factor_room(self, size):
        """The factor's buffer, with room for ``size`` features (the factor kept)."""
        if size > self._upper.shape[0]:
            kept = self._factored_size
            upper = np.empty((_grown(size), _grown(size)), order="F")
            upper[:kept, :kept] = self._upper[:kept, :kept]
            self._upper = upper
        return self._upper

    def _slots(self, features):
        """The store's places of ``features``, the new ones added."""
        slots = self._slot[features]
        new = features[slots < 0]
        if new.size:
            self._add(new)
            slots = self._slot[features]
        return slots

    def _add(self, new):
        start, end = self._size, self._size + new.size
        if end > self._xy.size:
            self._reserve(_grown(end))
        Z_new = self._Z[:, start:end]
        Z_new[:] = self._columns(new)
        products = Z_new.T @ self._Z[:, :end]
        self._gram[start:end, :end] = products
        self._gram[:end, start:end] = products.T
        self._xy[start:end] = Z_new.T @ self._y
        self._slot[new] = np.arange(start, end)
        self._size = end

    def _reserve(self, capacity):
        """Room for ``capacity`` features (the kept part copied over)."""
        kept = self._size
        Z = np.empty((self._y.size, capacity), order="F")
        Z[:, :kept] = self._Z[:, :kept]
        gram = np.empty((capacity, capacity))
        gram[:kept, :kept] = self._gram[:kept, :kept]
        xy = np.empty(capacity)
        xy[:kept] = self._xy[:kept]
        rank = np.full(capacity, _UNFACTORED)
        rank[:kept] = self._rank[:kept]
        self._Z, self._gram, self._xy, self._rank = Z, gram, xy, rank
        size = self._factored_size
        factored = np.empty(capacity, dtype=np.intp)
        shift, root = np.empty(capacity), np.empty(capacity)
        factored[:size], shift[:size], root[:size] = (
            self._factored[:size],
            self._shift[:size],
            self._root[:size],
        )
        self._factored, self._shift, self._root = factored, shift, root


def _grown(size):
    """A buffer's new capacity: half as much again (copies stay linear in the size)."""
    return size + size // 2 + 16
