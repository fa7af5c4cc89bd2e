# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""Kernels of wide dense designs (``dense_layout``, ``standardize``, ``fitted_columns`` and
``weighted_lasso`` use them).

Changes of memory order, a tile of columns at a time: the caller's C-ordered rows into
the Fortran-ordered design the path works on (a fold's rows), and that into the C-ordered
float32 copy its checks read (numpy's indexing and transposing copies take 1.5 to 2 times
as long, and a wide path makes two such copies per fold). And ``x_j' r`` over some columns
of a Fortran-ordered design, read in place (numpy would copy them first)."""

import numpy as np

from libc.math cimport fabs, sqrt
from libc.string cimport memcpy

ctypedef Py_ssize_t intp

# columns per tile: a row's cache line of them is read once, and as few columns are written
# as sequential streams (measured: 8 beats 4, 16 and 64, and numpy's fancy indexing by 1.5x)
cdef intp TILE = 8


def gather_fortran(const double[:, ::1] X, const intp[::1] rows, out=None):
    """``X[rows]`` (``X`` C-ordered) as a Fortran-ordered array: ``out`` (of that shape),
    or a new one."""
    cdef intp m = rows.shape[0], p = X.shape[1], i, j, block, start, stop
    if out is None:
        out = np.empty((m, p), order="F")
    cdef double[::1, :] o = out
    cdef const double *src
    with nogil:
        for block in range((p + TILE - 1) // TILE):
            start = block * TILE
            stop = min(start + TILE, p)
            for i in range(m):
                src = &X[rows[i], 0]
                for j in range(start, stop):
                    o[i, j] = src[j]
    return out


cdef void _single_tile(
    const double[::1, :] Z, intp start, intp stop, double[::1] cm, float[:, ::1] o,
    double[::1] nm,
) noexcept nogil:
    """Columns ``start:stop`` of ``Z`` (``cm``: their largest magnitudes, already set)
    into the float32 copy ``o``, each divided by its magnitude, with the copy's norms."""
    cdef intp i, j, n = Z.shape[0]
    cdef float f
    for j in range(start, stop):
        nm[j] = 0.0
    for i in range(n):
        for j in range(start, stop):
            f = <float>(Z[i, j] / cm[j])
            o[i, j] = f
            nm[j] += <double>f * <double>f
    for j in range(start, stop):
        nm[j] = sqrt(nm[j])


def single_copy(const double[::1, :] Z):
    """A float32 copy of ``Z`` (Fortran-ordered) in C order, each column divided by its
    largest magnitude (1 for a zero column): ``(copy, those magnitudes, the copy's
    column norms)``."""
    cdef intp n = Z.shape[0], p = Z.shape[1], i, j, block, start, stop
    cdef double top, a
    single = np.empty((n, p), dtype=np.float32)
    colmax = np.empty(p)
    norms = np.empty(p)
    cdef float[:, ::1] o = single
    cdef double[::1] cm = colmax, nm = norms
    with nogil:
        for block in range((p + TILE - 1) // TILE):
            start = block * TILE
            stop = min(start + TILE, p)
            for j in range(start, stop):
                top = 0.0
                for i in range(n):
                    a = fabs(Z[i, j])
                    if a > top:
                        top = a
                cm[j] = top if top > 0.0 else 1.0
            _single_tile(Z, start, stop, cm, o, nm)
    return single, colmax, norms


def column_dots(const double[::1, :] X, const intp[::1] columns, const double[::1] r):
    """``X[:, columns]' r`` (``X`` Fortran-ordered), the columns read in place (four
    partial sums: independent additions, which the processor overlaps)."""
    cdef intp n = X.shape[0], k = columns.shape[0], i, j, end = n - n % 4
    cdef double s0, s1, s2, s3
    cdef const double *col
    out = np.empty(k)
    cdef double[::1] o = out
    with nogil:
        for j in range(k):
            col = &X[0, columns[j]]
            s0 = s1 = s2 = s3 = 0.0
            for i in range(0, end, 4):
                s0 += col[i] * r[i]
                s1 += col[i + 1] * r[i + 1]
                s2 += col[i + 2] * r[i + 2]
                s3 += col[i + 3] * r[i + 3]
            for i in range(end, n):
                s0 += col[i] * r[i]
            o[j] = (s0 + s1) + (s2 + s3)
    return out


def weighted_columns(
    const double[::1, :] X, const intp[::1] columns, const double[::1] m, const double[::1] root
):
    """``(X[:, columns] - m[columns]) * root[:, None]`` (``X`` Fortran-ordered) in one pass,
    Fortran-ordered, with numpy's roundings (a GLM step's working columns: numpy's copy,
    shift and scale are three passes over them)."""
    cdef intp n = X.shape[0], k = columns.shape[0], i, j
    cdef double shift
    cdef const double *col
    out = np.empty((n, k), order="F")
    cdef double[::1, :] o = out
    with nogil:
        for j in range(k):
            col = &X[0, columns[j]]
            shift = m[columns[j]]
            for i in range(n):
                o[i, j] = (col[i] - shift) * root[i]
    return out


def merge_columns(
    double[::1, :] buffer,
    const intp[::1] kept,
    const intp[::1] columns,
    const double[::1, :] X,
    const intp[::1] source,
):
    """Write the design's ``columns`` into ``buffer``'s first columns, which hold its
    ``kept`` ones (``kept`` a sorted subset of the sorted ``columns``): kept columns move
    right to their new places, a new one, ``columns[i]``, is copied from ``X[:, source[i]]``
    (``X`` the design itself with ``source`` its ``columns``, or a gathered copy of the new
    ones), and the columns before the first new one stay where they are."""
    cdef intp n = X.shape[0], k = columns.shape[0], i, o = kept.shape[0] - 1
    cdef size_t size = n * sizeof(double)
    if n == 0:
        return
    with nogil:
        for i in range(k - 1, -1, -1):
            if o == i:
                break  # (the rest are kept, in place)
            if o >= 0 and kept[o] == columns[i]:
                memcpy(&buffer[0, i], &buffer[0, o], size)
                o -= 1
            else:
                memcpy(&buffer[0, i], &X[0, source[i]], size)


def centred_variances(const double[::1, :] X, const double[::1] mean, const double[::1] v):
    """``sum_i v_i (x_ij - mean_j)^2`` per column (``X`` Fortran-ordered, read only): the
    sums and roundings of numpy's ``einsum("i,ij,ij->j", v, X - mean, X - mean)``, without
    writing the centred copy first. Four columns at a time: each column's sum is still
    taken in row order, and the four are independent additions the processor overlaps."""
    cdef intp n = X.shape[0], p = X.shape[1], i, j, end = p - p % 4
    cdef double c0, c1, c2, c3, s0, s1, s2, s3, m0, m1, m2, m3, w
    out = np.empty(p)
    cdef double[::1] o = out
    with nogil:
        for j in range(0, end, 4):
            s0 = s1 = s2 = s3 = 0.0
            m0, m1, m2, m3 = mean[j], mean[j + 1], mean[j + 2], mean[j + 3]
            for i in range(n):
                w = v[i]
                c0 = X[i, j] - m0
                c1 = X[i, j + 1] - m1
                c2 = X[i, j + 2] - m2
                c3 = X[i, j + 3] - m3
                s0 += w * c0 * c0
                s1 += w * c1 * c1
                s2 += w * c2 * c2
                s3 += w * c3 * c3
            o[j], o[j + 1], o[j + 2], o[j + 3] = s0, s1, s2, s3
        for j in range(end, p):
            s0 = 0.0
            for i in range(n):
                c0 = X[i, j] - mean[j]
                s0 += v[i] * c0 * c0
            o[j] = s0
    return out


def standardize_single(double[::1, :] X, const double[::1] mean, const double[::1] inv, out=None):
    """Centre and scale ``X`` (Fortran-ordered) in place, ``(x - mean) * inv`` per column,
    and make ``single_copy``'s float32 copy of the result in the same pass (a tile of
    columns at a time, while in cache): ``(copy, colmax, norms)``, the numbers of
    ``single_copy`` after numpy's ``X -= mean; X *= inv``. ``out``: a C-ordered float32
    array of ``X``'s shape the copy is written into (else a new one)."""
    cdef intp n = X.shape[0], p = X.shape[1], i, j, block, start, stop
    cdef double top, a, x
    if out is None:
        out = np.empty((n, p), dtype=np.float32)
    colmax = np.empty(p)
    norms = np.empty(p)
    cdef float[:, ::1] o = out
    cdef double[::1] cm = colmax, nm = norms
    with nogil:
        for block in range((p + TILE - 1) // TILE):
            start = block * TILE
            stop = min(start + TILE, p)
            for j in range(start, stop):
                top = 0.0
                for i in range(n):
                    x = (X[i, j] - mean[j]) * inv[j]
                    X[i, j] = x
                    a = fabs(x)
                    if a > top:
                        top = a
                cm[j] = top if top > 0.0 else 1.0
            _single_tile(X, start, stop, cm, o, nm)
    return out, colmax, norms
