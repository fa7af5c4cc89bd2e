"""Columns of a standardized sparse design as the solvers read them: a CSC matrix with
int32 indices (as ``standardize.prepare`` makes it, scaled but not centred: its centring
is the problem's ``offset``), its products ``X' r`` and its column subsets, sparse
(``ColumnBlock``) or dense, each in one compiled pass (``_csc``). Pure numerics."""

import numpy as np

from ._csc import csc_dense_columns, csc_rmatvec, csc_take_columns

__all__ = ["ColumnBlock", "dense_columns", "sparse_rmatvec", "take_columns"]


def sparse_rmatvec(X, r):
    """``X' r`` for a CSC ``X`` with int32 indices (as ``prepare`` makes them)."""
    return csc_rmatvec(X.data, X.indices, X.indptr, np.ascontiguousarray(r, dtype=np.float64))


class ColumnBlock:
    """Some columns of a CSC design (``take_columns``): its three arrays (int32 indices)
    and shape, which is all the solvers read of a restricted sparse design. Not a scipy
    matrix: a path takes thousands of them, and scipy's checks of a new matrix cost more
    than copying the columns."""

    __slots__ = ("data", "indices", "indptr", "shape")

    def __init__(self, data, indices, indptr, n_rows):
        self.data, self.indices, self.indptr = data, indices, indptr
        self.shape = (n_rows, indptr.size - 1)

    def toarray(self):
        return dense_columns(self, np.arange(self.shape[1]))


def take_columns(X, columns):
    """``X[:, columns]`` of a CSC ``X`` with int32 indices (``columns``: indices), in one
    compiled pass, as a ``ColumnBlock``."""
    columns = np.asarray(columns, dtype=np.int64)
    parts = csc_take_columns(X.data, X.indices, X.indptr, columns)
    return ColumnBlock(*parts, X.shape[0])


def dense_columns(X, columns):
    """``X[:, columns]`` of a CSC ``X`` with int32 indices, dense, in Fortran order."""
    columns = np.asarray(columns, dtype=np.int64)
    return csc_dense_columns(X.data, X.indices, X.indptr, columns, X.shape[0])
