# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""Weighted Lasso problems on a small Gram matrix, in compiled code: a whole squared-loss
path (``gram_path``), and one proximal Newton step's problem of a GLM on a few dense
features (``weighted_solve``, which also builds the step's weighted Gram matrix).

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
from scipy.linalg.cython_blas cimport dgemv, dsyrk

import numpy as np

from ._core cimport gram_cd
from ._signed_solve cimport sign_of, signed_solve

cdef int _FIRST_EPOCHS = 100  # as weighted_lasso._FIRST_EPOCHS
cdef int _REPAIRS = 5  # as weighted_lasso._REPAIRS


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
    cdef int a, j
    cdef double l1, l2, t, dot_xy, dot_c, guess
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
                    b[j] = guess if sign_of(guess) == sign_of(b[j]) else 0.0
            epochs[a] = _solve(p, b, l1, l2, Gp, Xyp, yy, max_iter, tol, positive, work, kept,
                               active, &ratios[a])
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


cdef int _solve(
    int p, double* b, double l1, double l2, const double* G, const double* Xy, double yy,
    int max_iter, double tol, bint positive, double* work, int* kept, int* active,
    double* ratio,
) noexcept nogil:
    """``WeightedLasso.solve`` on a Gram matrix without screening, from ``b`` (updated in
    place): zero if it is optimal there, else the polish, else rounds of 100, 200, 400,
    ... epochs of descent each followed by a polish. Returns the epochs; ``ratio`` gets
    the final gap over its tolerance when descent stopped at ``max_iter`` short of it.
    ``work``: 2 p + p^2 + 4 p doubles; ``kept``, ``active``: p ints each."""
    cdef int epochs = 0, rounds = _FIRST_EPOCHS, it = 0
    cdef double gap, abs_tol = tol * yy
    if _solved_at_zero(p, b, Xy, l1, positive):
        return 0
    if _polish(p, b, l1, l2, G, Xy, positive, min(_FIRST_EPOCHS, max_iter), active, work + 2 * p):
        return 0
    while epochs < max_iter:
        rounds = min(rounds, max_iter - epochs)
        gap = gram_cd(p, b, l1, l2, G, Xy, yy, rounds, tol, positive, work, kept, &it)
        epochs += it
        if gap <= abs_tol or _polish(p, b, l1, l2, G, Xy, positive, it, active, work + 2 * p):
            return epochs
        rounds *= 2
    ratio[0] = gap / abs_tol
    return epochs


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
    cdef int i, j, k = 0, n_keep, n_join
    cdef int attempt
    cdef double* system = work  # k x k
    cdef double* signs = work + p * p
    cdef double* root = signs + p
    cdef double* solution = root + p
    cdef double* pull = solution + p
    cdef double v
    for j in range(p):
        if b[j] != 0.0:
            active[k] = j
            signs[k] = sign_of(b[j])
            k += 1
    if k == 0:
        return False
    if _REPAIRS * <double>k * k * k / 3 > <double>epochs * k * p:
        return False
    for attempt in range(_REPAIRS):
        for i in range(k):
            for j in range(k):
                system[i * k + j] = G[<size_t>active[i] * p + active[j]]
        n_keep = signed_solve(k, system, root, solution, Xy, 1, active, signs, l1, l2)
        if n_keep < 0:
            return False  # not positive definite: the active columns are dependent
        if n_keep < k:  # signs flipped: those features leave
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
                signs[k + n_join] = 1.0 if positive else sign_of(pull[j])
                n_join += 1
        if n_join == 0:
            for j in range(p):
                b[j] = 0.0
            for i in range(k):
                b[active[i]] = solution[i]
            return True
        k += n_join
    return False


def weighted_solve(
    const double[:, ::1] X, const double[::1] u, const double[::1] t, const double[::1] m,
    double[::1] b, double l1, double l2, int max_iter, double tol, bint positive,
):
    """One weighted problem of ``WeightedLasso`` on a small dense design, from ``b``
    (updated in place): ``0.5 sum_i u_i (t_i - (x_i - m) . b)^2 + l1 ||b||_1 + 0.5 l2
    ||b||^2``, through the Gram matrix of ``sqrt(u) (X - m)`` (built here, as
    ``WeightedLasso._restrict`` would) and ``_solve``. A proximal Newton step of a GLM
    on a few features is this, and its Python route's calls cost more than its work.

    Returns ``(epochs, ratio)``: ``ratio`` is the final gap over its tolerance when
    descent stopped at ``max_iter`` short of it, else 0.
    """
    cdef int n = X.shape[0], p = X.shape[1], i, j, one = 1
    cdef double yy = 0.0, root, ratio = 0.0, zero = 0.0, plus = 1.0
    cdef int epochs
    cdef char uplo = b"L", trans = b"N", gemv_trans = b"N"
    if p == 0:
        return 0, 0.0
    A_arr = np.empty((n, p))
    y_arr = np.empty(n)
    G_arr = np.empty((p, p))
    cdef double[:, ::1] A = A_arr, G = G_arr
    cdef double[::1] y = y_arr
    cdef double[::1] Xy = np.empty(p)
    cdef double[::1] work_view = np.empty(2 * p + p * p + 4 * p)
    cdef int[::1] index_view = np.empty(2 * p, dtype=np.intc)
    with nogil:
        for i in range(n):
            root = sqrt(u[i])
            y[i] = t[i] * root
            yy += y[i] * y[i]
            for j in range(p):
                A[i, j] = (X[i, j] - m[j]) * root
        # A in C order is A' in Fortran order (p x n): G = (A')(A')' and Xy = (A') y
        dsyrk(&uplo, &trans, &p, &n, &plus, &A[0, 0], &p, &zero, &G[0, 0], &p)
        for i in range(p):  # (Fortran's lower triangle is C's upper: mirror it down)
            for j in range(i):
                G[i, j] = G[j, i]
        dgemv(&gemv_trans, &p, &n, &plus, &A[0, 0], &p, &y[0], &one, &zero, &Xy[0], &one)
        epochs = _solve(p, &b[0], l1, l2, &G[0, 0], &Xy[0], yy, max_iter, tol, positive,
                        &work_view[0], &index_view[0], &index_view[p], &ratio)
    return epochs, ratio
