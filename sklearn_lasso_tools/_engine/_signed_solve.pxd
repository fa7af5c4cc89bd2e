# The polish's solve on an active set with its signs, inline in both polishes
# (``_gram_path._polish`` on a Gram matrix, ``_active_polish`` on the active columns).

from libc.float cimport DBL_MIN
from libc.math cimport sqrt
from scipy.linalg.cython_lapack cimport dposv


cdef inline double sign_of(double x) noexcept nogil:
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


cdef inline int signed_solve(
    int k, double* system, double* scale, double* solution, const double* rhs, size_t stride,
    int* active, double* signs, double l1, double l2,
) noexcept nogil:
    """Solve ``(system + l2 I) b = rhs_active - l1 signs`` for the ``k`` active features
    (``system``: their k x k matrix, written over; feature i's right-hand entry is
    ``rhs[active[i] * stride]``), Jacobi-scaled (``scale``: k doubles) because columns of
    very different scales would make the solve inaccurate.

    Returns -1 when ``system`` is not positive definite (the active columns are
    dependent). Else the number of features whose solution keeps its sign: ``k``
    (``solution`` then holds the solution), or fewer, and then those features are moved
    to the front of ``active`` and ``signs`` and the others leave."""
    cdef int i, j, n_keep = 0, info, nrhs = 1
    cdef char upper = b"U"
    if l2 != 0.0:
        for i in range(k):
            system[i * k + i] += l2
    for i in range(k):
        scale[i] = sqrt(max(system[i * k + i], DBL_MIN))
    for i in range(k):
        for j in range(k):
            system[i * k + j] /= scale[i] * scale[j]
        solution[i] = (rhs[active[i] * stride] - l1 * signs[i]) / scale[i]
    dposv(&upper, &k, &nrhs, system, &k, solution, &k, &info)
    if info != 0:
        return -1
    for i in range(k):
        solution[i] /= scale[i]
        if sign_of(solution[i]) == signs[i]:
            n_keep += 1
    if n_keep < k:
        n_keep = 0
        for i in range(k):
            if sign_of(solution[i]) == signs[i]:
                active[n_keep] = active[i]
                signs[n_keep] = signs[i]
                n_keep += 1
    return n_keep
