# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""The polish's solve on an active set from a kept Cholesky factor (``active_systems``).

A polish solves a small system some thousand times along a wide path, mostly with the
last active set or one differing by a feature or two: the arithmetic is microseconds, and
the numpy and LAPACK wrapper calls around it (ordering, bordering, two triangular solves)
cost tens. This runs one such solve in a single call, with the steps and LAPACK/BLAS
routines ``ActiveSystems`` took in Python (the same numbers: ``numpy``'s ``B' B`` is a
``dsyrk``, or a ``ddot`` for one column), so the factor it keeps is the same.
"""

from libc.math cimport sqrt
from libc.stdlib cimport free, malloc
from scipy.linalg.cython_blas cimport ddot, dsyrk
from scipy.linalg.cython_lapack cimport dpotrf, dtrtrs

import numpy as np

ctypedef Py_ssize_t intp

cdef double _TINY = np.finfo(float).tiny


def bordered_solve(
    const intp[::1] slots, const double[::1] signs, double l1, const double[::1] shift,
    const double[:, ::1] gram, const double[::1] xy, intp[::1] rank, intp[::1] factored,
    double[::1] factored_shift, double[::1] root, double[::1, :] upper, intp m,
    intp unfactored, double[::1] solution,
):
    """Solve ``(G + diag(shift)) w = xy - l1 signs`` on the store's ``slots`` into
    ``solution``; returns the new factor's size, or -1 when the system is not positive
    definite (the factor then unchanged).

    The factor (``upper``: the upper triangle of the Jacobi-scaled system, column-major,
    of the ``m`` slots ``factored[:m]`` with ``factored_shift`` and scales ``root``;
    ``rank``: each slot's place in it, or ``unfactored``) is that of the slots in its
    order first, then the others as given: its leading part common with the last one is
    kept and the rest factored bordering it. ``upper`` has room for every slot given.
    """
    cdef intp n = slots.shape[0], lda = upper.shape[0], i, j, a, k, kept, fresh, r
    cdef int info = 0, ni, ki, nrhs = 1, ldu = <int>lda
    cdef double diag, one = 1.0, zero = 0.0
    cdef char *up = "U"
    cdef char *low = "L"
    cdef char *trans = "T"
    cdef char *notrans = "N"
    cdef intp *order = <intp *>malloc((n + m + 1) * sizeof(intp))
    cdef intp *place = order + n  # each factored place's position among the slots, or -1
    cdef double *work = NULL
    cdef double *rhs
    cdef double *fresh_root
    cdef double *corner
    cdef double *border
    cdef double *product
    if order == NULL:
        raise MemoryError()
    try:
        with nogil:
            # the factored slots first, in the factor's order, then the others as given
            for r in range(m):
                place[r] = -1
            for i in range(n):
                r = rank[slots[i]]
                if r < m:
                    place[r] = i
            k = 0
            for r in range(m):
                if place[r] >= 0:
                    order[k] = place[r]
                    k += 1
            for i in range(n):
                if rank[slots[i]] == unfactored:
                    order[k] = i
                    k += 1
            kept = 0
            while (
                kept < n and kept < m and slots[order[kept]] == factored[kept]
                and shift[order[kept]] == factored_shift[kept]
            ):
                kept += 1
            fresh = n - kept
            # room for: rhs (n), the fresh part's scales (fresh), its corner, border and
            # product (fresh^2, kept fresh, fresh^2)
            work = <double *>malloc((n + fresh + fresh * (2 * fresh + kept) + 1) * sizeof(double))
            if work == NULL:
                info = -1
        if info:
            raise MemoryError()
        rhs = work
        fresh_root = rhs + n
        corner = fresh_root + fresh
        border = corner + fresh * fresh
        product = border + kept * fresh
        with nogil:
            if not (kept == n and n == m):
                for i in range(fresh):
                    a = slots[order[kept + i]]
                    diag = gram[a, a] + shift[order[kept + i]]
                    fresh_root[i] = sqrt(diag if diag > _TINY else _TINY)
                for j in range(fresh):  # (column-major; the matrix is symmetric)
                    a = slots[order[kept + j]]
                    for i in range(fresh):
                        corner[i + j * fresh] = gram[slots[order[kept + i]], a]
                    corner[j + j * fresh] += shift[order[kept + j]]
                    for i in range(fresh):
                        corner[i + j * fresh] /= fresh_root[i] * fresh_root[j]
                ni, ki = <int>fresh, <int>kept
                if kept and fresh:
                    for j in range(fresh):
                        a = slots[order[kept + j]]
                        for i in range(kept):
                            border[i + j * kept] = gram[a, factored[i]] / (
                                root[i] * fresh_root[j]
                            )
                    dtrtrs(up, trans, notrans, &ki, &ni, &upper[0, 0], &ldu, border, &ki, &info)
                    info = 0
                    if fresh == 1:
                        product[0] = ddot(&ki, border, &nrhs, border, &nrhs)
                    else:
                        dsyrk(low, trans, &ni, &ki, &one, border, &ki, &zero, product, &ni)
                    for j in range(fresh):
                        for i in range(j, fresh):
                            corner[i + j * fresh] -= product[i + j * fresh]
                            if i != j:
                                corner[j + i * fresh] -= product[i + j * fresh]
                if fresh:
                    dpotrf(up, &ni, corner, &ni, &info)
                if info == 0:
                    for j in range(fresh):
                        for i in range(kept):
                            upper[i, kept + j] = border[i + j * kept]
                        for i in range(fresh):
                            upper[kept + i, kept + j] = corner[i + j * fresh] if i <= j else 0.0
                    for i in range(m):
                        rank[factored[i]] = unfactored
                    for i in range(n):
                        factored[i] = slots[order[i]]
                        factored_shift[i] = shift[order[i]]
                        rank[factored[i]] = i
                    for i in range(fresh):
                        root[kept + i] = fresh_root[i]
                    m = n
            if info == 0:
                for i in range(n):
                    rhs[i] = (xy[slots[order[i]]] - l1 * signs[order[i]]) / root[i]
                ni = <int>n
                if n:
                    dtrtrs(up, trans, notrans, &ni, &nrhs, &upper[0, 0], &ldu, rhs, &ni, &info)
                    dtrtrs(up, notrans, notrans, &ni, &nrhs, &upper[0, 0], &ldu, rhs, &ni, &info)
                for i in range(n):
                    solution[order[i]] = rhs[i] / root[i]
                info = 0
        return -1 if info else m
    finally:
        free(order)
        free(work)
