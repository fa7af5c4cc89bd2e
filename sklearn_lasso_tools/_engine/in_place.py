"""A dense design read in place, standardization folded in: ``X~ = (X[rows][:, cols] -
shift) * scale`` of the caller's ``X`` (float64, C- or Fortran-ordered), never copied whole.

Tall dense GLM fits (binomial, Poisson) spend their time in passes over the rows of the
design (``_row_blocks``), which standardize each block of rows into a scratch buffer in
the core's cache on the way: a standardized copy of ``X``, a fold's copy of its rows, or
a strong set's copy of its columns then buys nothing but memory (each was as large as a
fraction of ``X``). Strong sets of a few columns are still copied (``restrict``): their
passes then read those columns alone, and they are small. Which fits read their design in
place is ``reads_in_place``'s to say. Pure numerics.
"""

import numpy as np

from ._row_blocks import fill_block, glm_step, products, weighted_block
from .dense_layout import design_order
from .families import family_for

__all__ = ["InPlaceDesign", "reads_in_place", "row_blocks", "weighted_moments"]

# a strong set of at most this share of X's columns is copied (read many times, and small)
_COPIED_SHARE = 1 / 8
_MOMENT_ROWS = 4096  # rows per block of weighted_moments
_IN_PLACE_ROWS_PER_FEATURE = 4  # tall GLM designs read in place have this many rows a feature


class InPlaceDesign:
    """``X~ = (X[rows][:, cols] - shift) * scale`` (``rows`` None: all; ``cols``: indices
    into ``X``'s columns, ``shift`` and ``scale`` one per column of ``X~``), read in place.
    What a ``problem.Problem`` holds in place of a standardized copy."""

    __slots__ = ("X", "rows", "cols", "shift", "scale", "shape")

    def __init__(self, X, rows, cols, shift, scale):
        self.X, self.rows, self.cols = X, rows, np.asarray(cols, dtype=np.intp)
        self.shift = np.ascontiguousarray(shift, dtype=np.float64)
        self.scale = np.ascontiguousarray(scale, dtype=np.float64)
        self.shape = (X.shape[0] if rows is None else len(rows), self.cols.size)

    def _parts(self):
        return self.X, self.rows, self.cols, self.shift, self.scale

    def restrict(self, columns):
        """``X~[:, columns]``: in place, or (a few columns) a standardized copy in
        Fortran order (as ``standardize.prepare`` makes them)."""
        columns = np.asarray(columns, dtype=np.intp)
        if self.copies(columns.size):
            return self.columns(columns)
        return self.select(columns)

    def select(self, columns):
        """``X~[:, columns]`` read in place, never copied."""
        return InPlaceDesign(
            self.X, self.rows, self.cols[columns], self.shift[columns], self.scale[columns]
        )

    def copies(self, k):
        """Whether ``restrict`` to ``k`` columns copies them."""
        return k <= self.copied_columns()

    def copied_columns(self):
        """The most columns ``restrict`` copies."""
        return int(_COPIED_SHARE * self.X.shape[1])

    def columns(self, columns):
        """A standardized copy of ``X~[:, columns]``, Fortran-ordered."""
        columns = np.asarray(columns, dtype=np.intp)
        cols = self.cols[columns]
        A = self.X[:, cols] if self.rows is None else self.X[np.ix_(self.rows, cols)]
        A = np.asfortranarray(A)
        A -= self.shift[columns]
        A *= self.scale[columns]
        return A

    def matvec(self, beta):
        """``X~ beta``, reading only the columns of nonzero coefficients."""
        nonzero = np.flatnonzero(beta)
        if nonzero.size == beta.size:
            return products(*self._parts(), beta, None)[0]
        sub = InPlaceDesign(
            self.X, self.rows, self.cols[nonzero], self.shift[nonzero], self.scale[nonzero]
        )
        return products(*sub._parts(), beta[nonzero], None)[0]

    def rmatvec(self, r):
        """``X~' r``."""
        return products(*self._parts(), None, r)[1]

    def glm_step(self, poisson, d_beta, d_intercept, eta, v, Y):
        """``_row_blocks.glm_step`` on this design."""
        return glm_step(*self._parts(), d_beta, d_intercept, eta, v, Y, poisson)

    def weighted_block(self, start, centre, root, w, out, sums):
        """``_row_blocks.weighted_block`` on this design."""
        weighted_block(*self._parts(), start, centre, root, w, out, sums)

    def blocks(self, size):
        """``(rows, block)`` pairs: ``X~[rows]`` (a slice) as C-ordered copies of at most
        ``size`` rows, written into one buffer (each is gone when the next comes)."""
        n = self.shape[0]
        buffer = np.empty((min(size, n), self.shape[1]))
        for start in range(0, n, size):
            block = buffer[: min(size, n - start)]
            fill_block(*self._parts(), start, block)
            yield slice(start, start + size), block


def row_blocks(X, size):
    """``(rows, X[rows])`` by blocks of ``size`` rows (slices) of a dense design: views of
    an array, standardized copies of a design read in place (``InPlaceDesign.blocks``)."""
    if isinstance(X, InPlaceDesign):
        yield from X.blocks(size)
        return
    for start in range(0, X.shape[0], size):
        rows = slice(start, start + size)
        yield rows, X[rows]


def weighted_moments(X, rows, v):
    """The ``v``-weighted column means and variances of ``X[rows]`` (``rows`` None: all),
    a block of rows at a time (the variances about the means, in a second pass: no
    cancellation), without a copy of ``X``."""
    p = X.shape[1]
    columns = np.arange(p)
    mean, var = np.zeros(p), np.zeros(p)
    design = InPlaceDesign(X, rows, columns, np.zeros(p), np.ones(p))
    for rows_block, block in design.blocks(_MOMENT_ROWS):
        mean += v[rows_block] @ block
    design = InPlaceDesign(X, rows, columns, mean, np.ones(p))
    for rows_block, block in design.blocks(_MOMENT_ROWS):
        var += np.einsum("i,ij,ij->j", v[rows_block], block, block)
    return mean, var


def reads_in_place(X, task, n_rows=None):
    """Whether a fit of ``task`` (a family, or its name) on the dense ``X`` (or ``n_rows``
    of its rows) reads it in place (``InPlaceDesign``): a single-response GLM (binomial,
    Poisson) on a large tall design, float64 in C or Fortran order. Its Newton steps are
    passes over the rows (``_row_blocks``), which standardize each block on the way."""
    if not isinstance(X, np.ndarray) or X.ndim != 2 or family_for(task).solver != "glm":
        return False
    n, p = X.shape[0] if n_rows is None else n_rows, X.shape[1]
    return (
        X.dtype == np.float64
        and (X.flags.c_contiguous or X.flags.f_contiguous)
        and n >= _IN_PLACE_ROWS_PER_FEATURE * p
        and design_order((n, p)) == "F"
    )
