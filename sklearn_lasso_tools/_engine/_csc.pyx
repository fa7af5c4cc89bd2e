# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""Products and column subsets of a CSC matrix (float64 data, int32 indices) over the
columns a solver needs, without scipy's per-call object and index checks: a path calls
them thousands of times on small working sets, where those checks cost more than the
arithmetic (``sparse_columns`` and ``problem`` wrap them)."""

from libc.math cimport fabs
from libc.stdint cimport int32_t, int64_t

import numpy as np


def csc_rmatvec(
    const double[::1] data, const int32_t[::1] indices, const int32_t[::1] indptr,
    const double[::1] r,
):
    """``X' r`` for a CSC ``X`` (``data, indices, indptr``)."""
    cdef int p = indptr.shape[0] - 1, j, q
    cdef double dot
    out = np.empty(p)
    cdef double[::1] o = out
    with nogil:
        for j in range(p):
            dot = 0.0
            for q in range(indptr[j], indptr[j + 1]):
                dot += data[q] * r[indices[q]]
            o[j] = dot
    return out


def csc_matvec(
    const double[::1] data, const int32_t[::1] indices, const int32_t[::1] indptr,
    const int64_t[::1] columns, const double[::1] values, int n,
):
    """``X[:, columns] @ values`` for a CSC ``X`` with ``n`` rows."""
    cdef Py_ssize_t k
    cdef int j, q
    cdef double v
    out = np.zeros(n)
    cdef double[::1] o = out
    with nogil:
        for k in range(columns.shape[0]):
            j = <int>columns[k]
            v = values[k]
            for q in range(indptr[j], indptr[j + 1]):
                o[indices[q]] += data[q] * v
    return out


def csc_take_columns(
    const double[::1] data, const int32_t[::1] indices, const int32_t[::1] indptr,
    const int64_t[::1] columns,
):
    """``(data, indices, indptr)`` of ``X[:, columns]`` (int32 indices, sorted as X's)."""
    cdef Py_ssize_t k, m = columns.shape[0]
    cdef int j, q, start, total = 0
    new_indptr = np.empty(m + 1, dtype=np.int32)
    cdef int32_t[::1] ptr = new_indptr
    ptr[0] = 0
    for k in range(m):
        j = <int>columns[k]
        total += indptr[j + 1] - indptr[j]
        ptr[k + 1] = total
    new_data = np.empty(total)
    new_indices = np.empty(total, dtype=np.int32)
    cdef double[::1] d = new_data
    cdef int32_t[::1] ix = new_indices
    with nogil:
        for k in range(m):
            j = <int>columns[k]
            start = ptr[k] - indptr[j]
            for q in range(indptr[j], indptr[j + 1]):
                d[start + q] = data[q]
                ix[start + q] = indices[q]
    return new_data, new_indices, new_indptr


def csc_dense_columns(
    const double[::1] data, const int32_t[::1] indices, const int32_t[::1] indptr,
    const int64_t[::1] columns, int n,
):
    """``X[:, columns]`` as a dense Fortran-ordered array."""
    cdef Py_ssize_t k
    cdef int j, q
    out = np.zeros((n, columns.shape[0]), order="F")
    cdef double[::1, :] o = out
    with nogil:
        for k in range(columns.shape[0]):
            j = <int>columns[k]
            for q in range(indptr[j], indptr[j + 1]):
                o[indices[q], k] = data[q]
    return out


def csc_bounded_magnitudes(
    const double[::1] data, const int32_t[::1] indices, const int32_t[::1] indptr,
    const double[::1] offset, const double[::1] reference, const double[::1] l1,
    const double[::1] r, double r_sum, double d_max, double d_sum, double r_max,
    double r_abs_sum, double relative, const double[::1] floor,
):
    """``|X~' r|`` with ``x~_j = x_j - offset_j``, exact (as ``csc_rmatvec`` and the
    offset give it) where it may reach ``floor[j]``, else its bound from ``reference``
    (``|X~' r0|``; ``l1``: the columns' L1 norms, rounded up; ``d_*``: ``r - r0``'s
    largest magnitude and sum; ``r_max``, ``r_abs_sum``: those of ``r`` and ``r0``
    added, for the products' rounding). See ``gradient_bound.SparseGradientBound``.
    Returns the magnitudes and how many stored entries were read."""
    cdef int p = indptr.shape[0] - 1, j, q
    cdef long read = 0
    cdef double dot, moved, size
    out = np.empty(p)
    cdef double[::1] o = out
    with nogil:
        for j in range(p):
            size = fabs(offset[j])
            moved = l1[j] * d_max + size * fabs(d_sum) + relative * (l1[j] * r_max + size * r_abs_sum)
            o[j] = reference[j] + moved * (1 + 1e-6)
            if o[j] >= floor[j]:
                dot = 0.0
                for q in range(indptr[j], indptr[j + 1]):
                    dot += data[q] * r[indices[q]]
                o[j] = fabs(dot - offset[j] * r_sum)
                read += indptr[j + 1] - indptr[j]
    return out, read
