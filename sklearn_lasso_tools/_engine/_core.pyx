# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""Cyclic coordinate descent for the elastic net, on three designs.

Each kernel minimizes, over ``w`` (written in place, warm-started from its value),

    P(w) = 0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2      (w >= 0 if positive)

for a dense Fortran-ordered ``X``, a Gram matrix ``G = X'X`` with ``X'y``, or a sparse CSC
``X`` with sample weights ``u`` and implicit centring by ``m`` (then the loss is
``0.5 sum_i u_i (y_i - (x_i - m) . w)^2``: the problem on ``sqrt(u) (X - m)`` and
``sqrt(u) y``).

Stopping rule: the duality gap. With ``r = y - X w`` and ``g = X'r - l2 w`` (the elastic
net is the lasso on ``[X; sqrt(l2) I]`` and ``[y; 0]``, whose residual's correlations are
``g``), the point ``s r`` with ``s = min(1, l1 / ||g||_inf)`` is dual feasible and

    gap = P(w) - (s r.y - 0.5 s^2 (||r||^2 + l2 ||w||^2)) >= P(w) - min P

(with ``positive``, ``max_j g_j`` replaces ``||g||_inf``; with ``l1 = 0`` the ridge dual at
``r``, and with ``l1 = l2 = 0`` the gradient's squared norm ``||X'r||^2``). A kernel stops
once ``gap <= tol ||y||^2`` (weighted: ``tol sum_i u_i y_i^2``), checked before the first
epoch, after an epoch whose largest update is at most ``tol`` times the largest coefficient,
and after the last epoch: the meaning scikit-learn's ``enet_coordinate_descent`` gives
``tol``, and the same trigger, so a solve is as accurate as it was (checking on a schedule
too stops some solves earlier, with a gap that meets the bound but coefficients that,
along flat directions such as duplicated columns, are further from the optimum than the
tests of the estimators allow). Each check also discards features
that the gap proves zero at the optimum (gap safe screening, Ndiaye et al. 2017: those with
``|g_j| s / l1 + sqrt(2 gap) / l1 ||[x_j; sqrt(l2) e_j]|| < 1``), so that later epochs
visit fewer features.

The kernels return ``(gap, tol ||y||^2, epochs)`` and never warn: the caller judges
convergence. Their loops run without the GIL, and read their inputs without writing to
them, so threads may share one design.
"""

from libc.math cimport fabs, sqrt
from libc.stdint cimport int32_t
from scipy.linalg.cython_blas cimport dasum, daxpy, dcopy, ddot, dgemv

import numpy as np

cdef inline double _coordinate(double z, double l1, double curvature, bint positive) noexcept nogil:
    """The minimizer over ``t`` of ``0.5 curvature t^2 - z t + l1 |t|`` (``t >= 0`` if
    positive): ``z`` soft-thresholded by ``l1``, over the curvature."""
    if z > l1:
        return (z - l1) / curvature
    if z < -l1 and not positive:
        return (z + l1) / curvature
    return 0.0


cdef double _gap(
    double l1, double l2, double r2, double ry, double w1, double w2, double g_top, double c2
) noexcept nogil:
    """The duality gap from its scalars: ``r2 = ||r||^2``, ``ry = r.y``, ``w1 = ||w||_1``,
    ``w2 = ||w||^2``, ``g_top`` the dual norm of ``g = X'r - l2 w`` (its largest entry, or
    largest magnitude) and ``c2 = ||X'r||^2`` (used only without l1 penalty)."""
    cdef double s, quad
    if l1 > 0:
        s = 1.0 if g_top <= l1 else l1 / g_top
        quad = r2 + l2 * w2
        return 0.5 * quad + l1 * w1 - (s * ry - 0.5 * s * s * quad)
    if l2 > 0:  # ridge: the dual at r, whose X' part is paid for by ||X'r||^2 / (2 l2)
        return r2 + 0.5 * l2 * w2 - ry + c2 / (2.0 * l2)
    return c2  # least squares: no dual bound, the gradient's squared norm (as LSQR)


cdef double _finish_gap(
    int p, double l1, double l2, const double* w, double* g, double r2, double ry,
    bint positive,
) noexcept nogil:
    """The gap given ``g = X'r`` (overwritten with ``X'r - l2 w``) and ``r``'s scalars."""
    cdef int j
    cdef double c2 = 0.0, w2 = 0.0, g_top = 0.0, v
    for j in range(p):
        c2 += g[j] * g[j]
        w2 += w[j] * w[j]
        g[j] -= l2 * w[j]
        v = g[j] if positive else fabs(g[j])
        if j == 0 or v > g_top:
            g_top = v
    cdef int one = 1
    cdef double w1 = dasum(&p, <double*>w, &one) if p > 0 else 0.0
    return _gap(l1, l2, r2, ry, w1, w2, g_top, c2)


cdef inline double _radius(double gap, double l1) noexcept nogil:
    """The gap safe sphere's radius around the scaled dual point."""
    return sqrt(2.0 * (gap if gap > 0 else 0.0)) / l1


cdef inline double _dual_scale(int p, const double* g, double l1, bint positive) noexcept nogil:
    """``s / l1``: the dual point is ``r`` times this."""
    cdef int j
    cdef double top = 0.0, v
    for j in range(p):
        v = g[j] if positive else fabs(g[j])
        if v > top:
            top = v
    return 1.0 / (l1 if top <= l1 else top)


cdef inline bint _safe_to_drop(
    double gj, double scale, double radius, double sq, double l2, bint positive
) noexcept nogil:
    """Whether feature j is zero at every optimum: its correlation with any dual point in
    the sphere stays below 1 (one-sided when positive)."""
    cdef double corr = gj * scale
    if not positive:
        corr = fabs(corr)
    return corr + radius * sqrt(sq + l2) < 1.0


# --- dense X (Fortran order): the residual r = y - X w is kept -------------------------

def dense_descent(
    double[::1] w, double l1, double l2, const double[::1, :] X, const double[::1] y,
    int max_iter, double tol, bint positive,
):
    """Coordinate descent on a dense Fortran-ordered ``X`` (n, p) with a kept residual.

    Parameters
    ----------
    w : ndarray of shape (p,), float64, C-contiguous
        The warm start, overwritten with the solution.
    l1, l2 : float
        The penalties of ``0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2``.
    X : ndarray of shape (n, p), float64, Fortran order
    y : ndarray of shape (n,), float64
    max_iter : int
        Most epochs (passes over the features not yet screened out).
    tol : float
        The gap tolerance relative to ``||y||^2``.
    positive : bool
        Constrain ``w >= 0``.

    Returns
    -------
    gap, abs_tol : float
        The final duality gap and ``tol ||y||^2``.
    n_iter : int
        Epochs run.
    """
    cdef int n = X.shape[0], p = X.shape[1], n_iter = 0
    cdef double abs_tol, gap
    if p == 0 or n == 0:
        return 0.0, tol * float(np.dot(y, y)), 0
    cdef double[::1] r_view = np.empty(n)
    cdef double[::1] g_view = np.empty(p)
    cdef double[::1] sq_view = np.empty(p)
    cdef int[::1] kept_view = np.empty(p, dtype=np.intc)
    with nogil:
        gap = dense_cd(
            n, p, &w[0], l1, l2, &X[0, 0], &y[0], max_iter, tol, positive, &r_view[0],
            &g_view[0], &sq_view[0], &kept_view[0], &abs_tol, &n_iter,
        )
    return gap, abs_tol, n_iter


cdef double dense_cd(
    int n, int p, double* wp, double l1, double l2, const double* X, const double* y,
    int max_iter, double tol, bint positive, double* r, double* g, double* sq, int* kept,
    double* abs_tol_out, int* epochs,
) noexcept nogil:
    """`dense_descent`'s loop on raw buffers (``r``: n doubles, left holding the residual
    ``y - X w``; ``g``, ``sq``: p doubles; ``kept``: p ints; n, p > 0); returns the gap and
    writes ``tol ||y||^2`` and the epochs run (see ``_core.pxd``)."""
    cdef int one = 1, i, j, k, it, n_kept = 0
    cdef double plus = 1.0, minus = -1.0
    cdef double abs_tol, gap, z, wj, new, delta, d_max, w_max, scale, radius
    cdef char notrans = b"N"
    cdef double* Xp = <double*>X
    cdef double* yp = <double*>y
    dcopy(&n, yp, &one, r, &one)
    dgemv(&notrans, &n, &p, &minus, Xp, &n, wp, &one, &plus, r, &one)
    abs_tol = tol * ddot(&n, yp, &one, yp, &one)
    for j in range(p):
        sq[j] = ddot(&n, Xp + <size_t>j * n, &one, Xp + <size_t>j * n, &one)
        if sq[j] > 0:
            kept[n_kept] = j
            n_kept += 1
        else:
            wp[j] = 0.0  # a zero column: w_j only adds penalty (r is unchanged)
    gap = _dense_gap(n, p, l1, l2, Xp, yp, wp, r, g, positive)
    it = 0
    while gap > abs_tol and it < max_iter:
        if l1 > 0:  # screen with the gap just computed
            scale = _dual_scale(p, g, l1, positive)
            radius = _radius(gap, l1)
            k = 0
            for i in range(n_kept):
                j = kept[i]
                if _safe_to_drop(g[j], scale, radius, sq[j], l2, positive):
                    if wp[j] != 0.0:
                        daxpy(&n, &wp[j], Xp + <size_t>j * n, &one, r, &one)
                        wp[j] = 0.0
                else:
                    kept[k] = j
                    k += 1
            n_kept = k
        while it < max_iter:
            d_max = 0.0
            w_max = 0.0
            for i in range(n_kept):
                j = kept[i]
                wj = wp[j]
                z = ddot(&n, Xp + <size_t>j * n, &one, r, &one) + sq[j] * wj
                new = _coordinate(z, l1, sq[j] + l2, positive)
                if new != wj:
                    delta = wj - new
                    daxpy(&n, &delta, Xp + <size_t>j * n, &one, r, &one)
                    wp[j] = new
                    if fabs(delta) > d_max:
                        d_max = fabs(delta)
                if fabs(new) > w_max:
                    w_max = fabs(new)
            it += 1
            if d_max <= tol * w_max or it == max_iter:
                break
        gap = _dense_gap(n, p, l1, l2, Xp, yp, wp, r, g, positive)
    abs_tol_out[0] = abs_tol
    epochs[0] = it
    return gap


cdef double _dense_gap(
    int n, int p, double l1, double l2, double* X, double* y, double* w, double* r,
    double* g, bint positive,
) noexcept nogil:
    cdef int one = 1
    cdef double zero = 0.0, plus = 1.0
    cdef char trans = b"T"
    dgemv(&trans, &n, &p, &plus, X, &n, r, &one, &zero, g, &one)
    return _finish_gap(
        p, l1, l2, w, g, ddot(&n, r, &one, r, &one), ddot(&n, r, &one, y, &one), positive
    )


# --- Gram matrix: h = G w is kept, so X'r = X'y - h -------------------------------------

def gram_descent(
    double[::1] w, double l1, double l2, const double[:, ::1] G, const double[::1] Xy,
    const double[:] y, int max_iter, double tol, bint positive,
):
    """Coordinate descent on a Gram matrix ``G = X'X`` (p, p; symmetric, C order) with
    ``Xy = X'y``, keeping ``h = G w``; ``y`` gives ``||y||^2`` (``||r||^2 = ||y||^2 -
    2 w.Xy + w.h``).

    Parameters and returns are those of `dense_descent`, ``X`` replaced by ``G, Xy``.
    """
    cdef int p = G.shape[0], n = y.shape[0]
    cdef int i, it = 0
    cdef double yy = 0.0, gap
    if p == 0:
        return 0.0, tol * float(np.dot(y, y)), 0
    cdef double[::1] work_view = np.empty(2 * p)
    cdef int[::1] kept_view = np.empty(p, dtype=np.intc)
    with nogil:
        for i in range(n):  # (y may be strided: it is read once)
            yy += y[i] * y[i]
        gap = gram_cd(
            p, &w[0], l1, l2, &G[0, 0], &Xy[0], yy, max_iter, tol, positive,
            &work_view[0], &kept_view[0], &it,
        )
    return gap, tol * yy, it


cdef double gram_cd(
    int p, double* wp, double l1, double l2, const double* Gp, const double* Xyp, double yy,
    int max_iter, double tol, bint positive, double* work, int* kept, int* epochs,
) noexcept nogil:
    """`gram_descent`'s loop on raw buffers (``work``: 2 p doubles, ``kept``: p ints);
    returns the gap and writes the epochs run to ``epochs`` (see ``_core.pxd``)."""
    cdef int one = 1, i, j, k, it = 0, n_kept = 0
    cdef double zero = 0.0, plus = 1.0
    cdef double abs_tol, gap, z, wj, new, delta, d_max, w_max, scale, radius
    cdef char trans = b"T"
    cdef double* h = work
    cdef double* g = work + p
    cdef double* G = <double*>Gp
    cdef double* Xy = <double*>Xyp
    # h = G w (G symmetric: its C-order rows are Fortran columns)
    dgemv(&trans, &p, &p, &plus, G, &p, wp, &one, &zero, h, &one)
    abs_tol = tol * yy
    for j in range(p):
        if G[<size_t>j * p + j] > 0:
            kept[n_kept] = j
            n_kept += 1
        elif wp[j] != 0.0:
            delta = -wp[j]
            daxpy(&p, &delta, G + <size_t>j * p, &one, h, &one)
            wp[j] = 0.0
    gap = _gram_gap(p, l1, l2, yy, Xy, wp, h, g, positive)
    while gap > abs_tol and it < max_iter:
        if l1 > 0:
            scale = _dual_scale(p, g, l1, positive)
            radius = _radius(gap, l1)
            k = 0
            for i in range(n_kept):
                j = kept[i]
                if _safe_to_drop(g[j], scale, radius, G[<size_t>j * p + j], l2, positive):
                    if wp[j] != 0.0:
                        delta = -wp[j]
                        daxpy(&p, &delta, G + <size_t>j * p, &one, h, &one)
                        wp[j] = 0.0
                else:
                    kept[k] = j
                    k += 1
            n_kept = k
        while it < max_iter:
            d_max = 0.0
            w_max = 0.0
            for i in range(n_kept):
                j = kept[i]
                wj = wp[j]
                z = Xy[j] - h[j] + G[<size_t>j * p + j] * wj
                new = _coordinate(z, l1, G[<size_t>j * p + j] + l2, positive)
                if new != wj:
                    delta = new - wj
                    daxpy(&p, &delta, G + <size_t>j * p, &one, h, &one)
                    wp[j] = new
                    if fabs(delta) > d_max:
                        d_max = fabs(delta)
                if fabs(new) > w_max:
                    w_max = fabs(new)
            it += 1
            if d_max <= tol * w_max or it == max_iter:
                break
        gap = _gram_gap(p, l1, l2, yy, Xy, wp, h, g, positive)
    epochs[0] = it
    return gap


cdef double _gram_gap(
    int p, double l1, double l2, double yy, double* Xy, double* w, double* h, double* g,
    bint positive,
) noexcept nogil:
    cdef int j
    cdef double wXy = 0.0, wh = 0.0
    for j in range(p):
        wXy += w[j] * Xy[j]
        wh += w[j] * h[j]
        g[j] = Xy[j] - h[j]
    # r.r = y.y - 2 w.X'y + w.G w; r.y = y.y - w.X'y
    return _finish_gap(p, l1, l2, w, g, yy - 2.0 * wXy + wh, yy - wXy, positive)


# --- sparse CSC X, weights u, centring m ----------------------------------------------
# The design is Z = sqrt(u) (X - m); with e = y - X w (X as stored) and c = m.w, the
# residual is y - (X - m) w = e + c. Kept: R = u e (zero where u is, so X_j'R reads only
# X_j's entries), c, and S = sum_i u_i (e_i + c). Then
#     Z_j' sqrt(u) (e + c) = X_j'R + c a_j - m_j S,   a_j = sum_i u_i x_ij,
# and a change d of w_j moves R by -d u X_j, c by d m_j and S by -d (a_j - m_j sum u):
# O(nnz of column j) per update, the centring never densified.

def sparse_descent(
    double[::1] w, double l1, double l2,
    const double[::1] data, const int32_t[::1] indices, const int32_t[::1] indptr,
    const double[::1] y, const double[::1] u, const double[::1] m,
    int max_iter, double tol, bint positive,
):
    """Coordinate descent on a sparse CSC ``X`` (``data, indices, indptr``; n = ``y.size``
    rows) for ``0.5 sum_i u_i (y_i - (x_i - m) . w)^2 + l1 ||w||_1 + 0.5 l2 ||w||^2``.

    Parameters and returns are those of `dense_descent`, with ``u`` (n,) the sample
    weights and ``m`` (p,) the centring; ``abs_tol`` is ``tol sum_i u_i y_i^2``.
    """
    cdef int n = y.shape[0], p = indptr.shape[0] - 1
    cdef int i, j, k, q, it = 0, n_kept = 0
    cdef double abs_tol, gap, z, wj, new, delta, d_max, w_max, scale, radius
    cdef double c = 0.0, S = 0.0, u_sum = 0.0, yy = 0.0, a, b, xi, dot
    if p <= 0 or n == 0:
        return 0.0, tol * float(np.dot(u, np.square(y))), 0
    cdef double[::1] R_view = np.empty(n)
    cdef double[::1] g_view = np.empty(p)
    cdef double[::1] sq_view = np.empty(p)
    cdef double[::1] a_view = np.empty(p)
    cdef int[::1] kept_view = np.empty(p, dtype=np.intc)
    cdef double* R = &R_view[0]
    cdef double* g = &g_view[0]
    cdef double* sq = &sq_view[0]
    cdef double* a_col = &a_view[0]
    cdef int* kept = &kept_view[0]
    cdef const double* xd = &data[0] if data.shape[0] > 0 else NULL
    cdef const int32_t* xi_ = &indices[0] if indices.shape[0] > 0 else NULL
    cdef const int32_t* ptr = &indptr[0]
    cdef const double* yp = &y[0]
    cdef const double* up = &u[0]
    cdef const double* mp = &m[0]
    cdef double* wp = &w[0]
    with nogil:
        for i in range(n):
            R[i] = up[i] * yp[i]
            u_sum += up[i]
            yy += R[i] * yp[i]
        abs_tol = tol * yy
        for j in range(p):
            # a_j, and ||Z_j||^2 = sum_stored u (x - m_j)^2 + m_j^2 (sum of u off them)
            a = 0.0
            b = 0.0
            dot = 0.0
            for q in range(ptr[j], ptr[j + 1]):
                i = xi_[q]
                a += up[i] * xd[q]
                b += up[i]
                dot += up[i] * (xd[q] - mp[j]) * (xd[q] - mp[j])
            a_col[j] = a
            sq[j] = dot + mp[j] * mp[j] * (u_sum - b)
            if sq[j] > 0:
                kept[n_kept] = j
                n_kept += 1
                if wp[j] != 0.0:
                    for q in range(ptr[j], ptr[j + 1]):
                        i = xi_[q]
                        R[i] -= wp[j] * up[i] * xd[q]
                    c += mp[j] * wp[j]
            else:
                wp[j] = 0.0
        for i in range(n):
            S += R[i]
        S += c * u_sum
        gap = _sparse_gap(n, p, l1, l2, xd, xi_, ptr, yp, up, mp, wp, R, c, S, a_col, g, positive)
        while gap > abs_tol and it < max_iter:
            if l1 > 0:
                scale = _dual_scale(p, g, l1, positive)
                radius = _radius(gap, l1)
                k = 0
                for q in range(n_kept):
                    j = kept[q]
                    if _safe_to_drop(g[j], scale, radius, sq[j], l2, positive):
                        if wp[j] != 0.0:
                            _move(j, -wp[j], xd, xi_, ptr, up, mp, a_col, u_sum, R, &c, &S)
                            wp[j] = 0.0
                    else:
                        kept[k] = j
                        k += 1
                n_kept = k
            while it < max_iter:
                d_max = 0.0
                w_max = 0.0
                for k in range(n_kept):
                    j = kept[k]
                    wj = wp[j]
                    dot = 0.0
                    for q in range(ptr[j], ptr[j + 1]):
                        dot += xd[q] * R[xi_[q]]
                    z = dot + c * a_col[j] - mp[j] * S + sq[j] * wj
                    new = _coordinate(z, l1, sq[j] + l2, positive)
                    if new != wj:
                        _move(j, new - wj, xd, xi_, ptr, up, mp, a_col, u_sum, R, &c, &S)
                        wp[j] = new
                        if fabs(new - wj) > d_max:
                            d_max = fabs(new - wj)
                    if fabs(new) > w_max:
                        w_max = fabs(new)
                it += 1
                if d_max <= tol * w_max or it == max_iter:
                    break
            gap = _sparse_gap(
                n, p, l1, l2, xd, xi_, ptr, yp, up, mp, wp, R, c, S, a_col, g, positive
            )
    return gap, abs_tol, it


cdef inline void _move(
    int j, double d, const double* xd, const int32_t* xi_, const int32_t* ptr,
    const double* u, const double* m, const double* a_col, double u_sum, double* R,
    double* c, double* S,
) noexcept nogil:
    """Add ``d`` to ``w_j``: update ``R``, ``c`` and ``S`` (see above)."""
    cdef int q, i
    for q in range(ptr[j], ptr[j + 1]):
        i = xi_[q]
        R[i] -= d * u[i] * xd[q]
    c[0] += d * m[j]
    S[0] -= d * (a_col[j] - m[j] * u_sum)


cdef double _sparse_gap(
    int n, int p, double l1, double l2, const double* xd, const int32_t* xi_,
    const int32_t* ptr, const double* y, const double* u, const double* m, double* w,
    double* R, double c, double S, const double* a_col, double* g, bint positive,
) noexcept nogil:
    cdef int i, j, q
    cdef double r2 = 0.0, ry = 0.0, e, dot
    for i in range(n):
        if u[i] != 0.0:
            e = R[i] / u[i] + c  # the residual y_i - (x_i - m) . w
            r2 += u[i] * e * e
            ry += u[i] * e * y[i]
    for j in range(p):
        dot = 0.0
        for q in range(ptr[j], ptr[j + 1]):
            dot += xd[q] * R[xi_[q]]
        g[j] = dot + c * a_col[j] - m[j] * S
    return _finish_gap(p, l1, l2, w, g, r2, ry, positive)
