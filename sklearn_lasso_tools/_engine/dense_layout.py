"""Where a dense design lives in memory: the order of its standardized copy
(``design_order``: Fortran for wide and for large tall designs, C for small ones) and a
fold's copy of its rows in that order (``take_rows``), written without a second copy for
the change of order. Pure numerics."""

import numpy as np

from ._wide import gather_fortran

__all__ = ["design_order", "take_rows"]

_BLOCK_COLUMNS = 256  # columns per block of take_rows
_BLOCK_CELLS = 1 << 16  # cells per block of rows of take_rows (512 kB: in cache)
_FORTRAN_CELLS = 1_000_000  # tall designs from this size on are Fortran-ordered, when
_FORTRAN_FEATURES = 64  # ... they have more features than this (see design_order)


def design_order(shape):
    """The memory order of a dense standardized design of this shape. Wide designs are
    Fortran-ordered: their paths copy strong and working sets of columns many times, and
    descent reads whole columns (X' r over every feature then runs on a float32 copy).
    Large tall ones too (a million cells, more than a few features): ``X d`` and ``X' r``,
    most of a GLM step's work, take half as long so (OpenBLAS's products on a C-ordered
    tall matrix are compute-bound: 5.8 ms against 3.2 ms at 50,000 x 200), and copying
    the strong set's columns is a contiguous copy. Small tall ones stay C-ordered, as the
    compiled few-feature GLM steps (``_gram_path.weighted_solve``) take them."""
    n_samples, n_features = shape
    if n_samples < n_features:
        return "F"
    large = n_samples * n_features >= _FORTRAN_CELLS and n_features > _FORTRAN_FEATURES
    return "F" if large else "C"


def take_rows(X, rows, spare=None):
    """``X[rows]``, a dense ``X``'s in ``design_order`` (gathered a block of columns at a
    time: no second copy of the rows for a change of order). ``spare``: an array the
    result may be written into (used when it is float64 of that shape and order)."""
    if not isinstance(X, np.ndarray) or design_order((len(rows), X.shape[1])) == "C":
        return X[rows]
    if X.dtype == np.float64 and X.flags.c_contiguous and len(rows) < X.shape[1]:
        # compiled (see _wide): on wide designs 2.8 against 3.9 ms at 160 of 200 x 10,000
        # rows; the row blocks below are faster on tall ones (23 against 35 ms at 50,000 x 200)
        fits = (
            isinstance(spare, np.ndarray)
            and spare.dtype == np.float64
            and spare.shape == (len(rows), X.shape[1])
            and spare.flags.f_contiguous
            and spare.flags.writeable
        )
        return gather_fortran(X, np.asarray(rows, dtype=np.intp), spare if fits else None)
    out = np.empty((len(rows), X.shape[1]), dtype=X.dtype, order="F")
    if X.flags.c_contiguous:
        # whole rows into a small C-ordered buffer, then transposed into place: 2.5 times
        # faster than gathering rows column block by column block
        step = max(1, _BLOCK_CELLS // X.shape[1])
        buffer = np.empty((min(step, len(rows)), X.shape[1]), dtype=X.dtype)
        for start in range(0, len(rows), step):
            block = np.asarray(rows[start : start + step])
            chunk = buffer[: block.size]
            # (mode="clip": with "raise", numpy buffers ``out``, a copy more)
            np.take(X, block, axis=0, out=chunk, mode="clip")
            out[start : start + block.size] = chunk
        return out
    for start in range(0, X.shape[1], _BLOCK_COLUMNS):
        columns = slice(start, start + _BLOCK_COLUMNS)
        out[:, columns] = X[rows, columns]
    return out
