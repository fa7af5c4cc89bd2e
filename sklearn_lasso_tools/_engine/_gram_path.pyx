# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""A whole squared-loss path on a small Gram matrix, in compiled code.

On a few features (diabetes: 10) each point of a path costs microseconds of arithmetic
and tens of microseconds of Python and numpy calls around it. This kernel runs the
solver's own steps for every point without returning to Python: the warm start moved
along the line through the last two points (``solvers._extrapolate``), the check that
zero is optimal, the polish (the exact minimizer on the active set with its signs, with
LARS-like repairs: ``weighted_lasso._polish`` and ``_solve_active``, Jacobi-scaled
Cholesky through LAPACK), and between polishes coordinate descent in rounds of 100, 200,
400, ... epochs (``_core.gram_cd``, the kernel ``gram_descent`` runs), exactly as
``WeightedLasso.solve`` does on a Gram matrix without screening.
"""

from libc.math cimport fabs, sqrt
from scipy.linalg.cython_lapack cimport dposv

import numpy as np

from ._core cimport gram_cd

cdef int _FIRST_EPOCHS = 100  # as weighted_lasso._FIRST_EPOCHS
cdef int _REPAIRS = 5  # as weighted_lasso._REPAIRS
cdef double _TINY = np.finfo(float).tiny


cdef inline double _sign(double x) noexcept nogil:
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def gram_path(
    const double[:, ::1] G, const double[::1] Xy, double yy, const double[::1] alphas,
    double l1_scale, double l2_scale, int max_iter, double tol, bint positive,
    double n_samples,
):
    """The path of ``0.5 ||y - X b||^2 + l1 ||b||_1 + 0.5 l2 ||b||^2`` at ``l1 = l1_scale
    * alpha`` and ``l2 = l2_scale * alpha`` for each of the descending ``alphas``, from
    ``G = X'X`` (C order), ``Xy = X'y`` and ``yy = ||y||^2``.

    Returns ``(betas, devs, epochs, ratios)``: the coefficients (n_alphas, p), the
    residual sums of squares over ``n_samples``, the epochs of descent per point, and per
    point the final gap over its tolerance when descent stopped at ``max_iter`` short of
    it (else 0).
    """
    cdef int p = G.shape[0], m = alphas.shape[0]
    cdef int a, j, it, epochs_run, rounds
    cdef double l1, l2, t, gap, abs_tol, dot_xy, dot_c, guess
    betas_arr = np.zeros((m, p))
    devs_arr = np.zeros(m)
    epochs_arr = np.zeros(m, dtype=np.intc)
    ratios_arr = np.zeros(m)
    cdef double[:, ::1] betas = betas_arr
    cdef double[::1] devs = devs_arr, ratios = ratios_arr
    cdef int[::1] epochs = epochs_arr
    if p == 0 or m == 0:
        devs_arr[:] = yy / n_samples
        return betas_arr, devs_arr, epochs_arr, ratios_arr
    cdef double[::1] b_view = np.zeros(p)
    cdef double[::1] work_view = np.empty(2 * p + p * p + 4 * p)
    cdef int[::1] index_view = np.empty(2 * p, dtype=np.intc)
    cdef double* b = &b_view[0]
    cdef double* work = &work_view[0]  # 2 p for descent, then p^2 + 4 p for the polish
    cdef int* kept = &index_view[0]
    cdef int* active = &index_view[p]
    cdef const double* Gp = &G[0, 0]
    cdef const double* Xyp = &Xy[0]
    with nogil:
        for a in range(m):
            l1 = l1_scale * alphas[a]
            l2 = l2_scale * alphas[a]
            if a >= 2:  # the warm start on the line through the last two points
                t = (alphas[a] - alphas[a - 1]) / (alphas[a - 1] - alphas[a - 2])
                for j in range(p):
                    guess = b[j] + t * (b[j] - betas[a - 2, j])
                    b[j] = guess if _sign(guess) == _sign(b[j]) else 0.0
            epochs_run = 0
            if not _solved_at_zero(p, b, Xyp, l1, positive):
                if not _polish(p, b, l1, l2, Gp, Xyp, positive,
                               min(_FIRST_EPOCHS, max_iter), active, work + 2 * p):
                    rounds = _FIRST_EPOCHS
                    while epochs_run < max_iter:
                        rounds = min(rounds, max_iter - epochs_run)
                        gap = gram_cd(p, b, l1, l2, Gp, Xyp, yy, rounds, tol, positive,
                                      work, kept, &it)
                        abs_tol = tol * yy
                        epochs_run += it
                        if gap <= abs_tol or _polish(p, b, l1, l2, Gp, Xyp, positive, it,
                                                     active, work + 2 * p):
                            break
                        rounds *= 2
                    else:
                        ratios[a] = gap / abs_tol
            epochs[a] = epochs_run
            # the deviance: ||y - X b||^2 = yy - b.Xy - b.(Xy - G b)
            dot_xy = 0.0
            dot_c = 0.0
            for j in range(p):
                dot_xy += b[j] * Xyp[j]
            for j in range(p):
                if b[j] != 0.0:
                    dot_c += b[j] * _row_dot(p, Gp, j, b)
            dot_c = dot_xy - dot_c  # b.(Xy - G b)
            devs[a] = max(yy - dot_xy - dot_c, 0.0) / n_samples
            for j in range(p):
                betas[a, j] = b[j]
    return betas_arr, devs_arr, epochs_arr, ratios_arr


cdef inline double _row_dot(int p, const double* G, int j, const double* b) noexcept nogil:
    cdef int i
    cdef double s = 0.0
    for i in range(p):
        s += G[<size_t>j * p + i] * b[i]
    return s


cdef bint _solved_at_zero(int p, double* b, const double* Xy, double l1,
                          bint positive) noexcept nogil:
    """Whether ``b`` is zero and zero is optimal (up to rounding: alpha_max itself)."""
    cdef int j
    cdef double pull
    for j in range(p):
        if b[j] != 0.0:
            return False
    for j in range(p):
        pull = Xy[j] if positive else fabs(Xy[j])
        if not pull <= l1 * (1 + 1e-12):
            return False
    return True


cdef bint _polish(
    int p, double* b, double l1, double l2, const double* G, const double* Xy, bint positive,
    int epochs, int* active, double* work,
) noexcept nogil:
    """``weighted_lasso._polish`` on a Gram matrix: replace ``b`` by the exact minimizer
    with its active set and signs if that meets the optimality conditions, a few times
    dropping features whose sign flips and adding those that violate the conditions.
    Skipped when solving (up to _REPAIRS times) costs more than the ``epochs`` just run."""
    cdef int i, j, k = 0, n_keep, n_join, info, nrhs = 1
    cdef int attempt
    cdef char uplo = b"U"
    cdef double* system = work  # k x k
    cdef double* signs = work + p * p
    cdef double* root = signs + p
    cdef double* solution = root + p
    cdef double* pull = solution + p
    cdef double v
    for j in range(p):
        if b[j] != 0.0:
            active[k] = j
            signs[k] = _sign(b[j])
            k += 1
    if k == 0:
        return False
    if _REPAIRS * <double>k * k * k / 3 > <double>epochs * k * p:
        return False
    for attempt in range(_REPAIRS):
        for i in range(k):
            for j in range(k):
                system[i * k + j] = G[<size_t>active[i] * p + active[j]]
        if l2 != 0.0:
            for i in range(k):
                system[i * k + i] += l2
        # Jacobi scaling keeps the solve accurate when columns have very different scales
        for i in range(k):
            root[i] = sqrt(max(system[i * k + i], _TINY))
        for i in range(k):
            for j in range(k):
                system[i * k + j] /= root[i] * root[j]
            solution[i] = (Xy[active[i]] - l1 * signs[i]) / root[i]
        dposv(&uplo, &k, &nrhs, system, &k, solution, &k, &info)
        if info != 0:
            return False  # not positive definite: the active columns are dependent
        n_keep = 0
        for i in range(k):
            solution[i] /= root[i]
            if _sign(solution[i]) == signs[i]:
                n_keep += 1
        if n_keep < k:  # signs flipped: those features leave
            n_keep = 0
            for i in range(k):
                if _sign(solution[i]) == signs[i]:
                    active[n_keep] = active[i]
                    signs[n_keep] = signs[i]
                    n_keep += 1
            k = n_keep
            if k == 0:
                return False
            continue
        for j in range(p):
            pull[j] = Xy[j]
        for i in range(k):
            v = solution[i]
            for j in range(p):
                pull[j] -= v * G[<size_t>active[i] * p + j]
        for i in range(k):
            pull[active[i]] = 0.0
        n_join = 0
        for j in range(p):
            v = pull[j] if positive else fabs(pull[j])
            if v > l1 * (1 + 1e-9):
                active[k + n_join] = j
                signs[k + n_join] = 1.0 if positive else _sign(pull[j])
                n_join += 1
        if n_join == 0:
            for j in range(p):
                b[j] = 0.0
            for i in range(k):
                b[active[i]] = solution[i]
            return True
        k += n_join
    return False
