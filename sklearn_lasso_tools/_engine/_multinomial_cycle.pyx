# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""The multinomial's class cycles (``multinomial._class_cycle``) on a small dense design,
in compiled code.

On digits (1797 x 64, 10 classes) a path takes about 4000 per-class Newton steps, each of
about 100 microseconds of arithmetic and several hundred of Python and numpy calls around
it. This kernel runs the cycles of one alpha without returning to Python, step for step as
the Python route does: the class's probabilities, its curvature kept until it drifts (its
weighted Gram matrix rebuilt then, else ``X~' W (z - zbar)`` from the gradient), the
weighted Lasso (``_gram_path._solve``), the line search on the full loss, glmnet's stopping
rule. ``exp(eta - shift)`` of every class is kept per sample (``shift``, a sample's largest
``eta`` at the start), so a class's step costs ``n`` exponentials and logarithms per trial
of its line search (the accepted trial's exponentials are kept), not ``n K``.
"""

from libc.math cimport exp, fabs, log, log1p, sqrt
from scipy.linalg.cython_blas cimport dgemv, ssyrk

import numpy as np

from ._gram_path cimport _solve

cdef int _MAX_HALVINGS = 30  # as newton_step.line_search
cdef double _RESHIFT = 1e10  # a sample's kept exponentials are rescaled past this


cdef double _penalty(int m, const double* b, double l1, double l2) noexcept nogil:
    cdef int j
    cdef double a = 0.0, s = 0.0
    for j in range(m):
        a += fabs(b[j])
        s += b[j] * b[j]
    return l1 * a + 0.5 * l2 * s


cdef void _gram(
    int n, int m, const double* X, const double* v, const double* h, double* xbar,
    double* G, float* A, float* G32,
) noexcept nogil:
    """``xbar`` and ``G = n sum_i w_i (x_i - xbar)(x_i - xbar)'`` with ``w = v h`` (as
    ``curvature.Curvature.gram``), the products in single precision: the matrix only
    shapes the steps (it is a kept curvature already, up to ``drift`` off), while each
    step's gradient, which sets where Newton converges, is exact. ``A``: n m floats of
    work; ``G32``: m m."""
    cdef int i, j
    cdef double w, total = 0.0, root
    cdef float zero = 0.0, scale = n
    cdef char uplo = b"L", trans = b"N"
    for j in range(m):
        xbar[j] = 0.0
    for i in range(n):
        w = v[i] * h[i]
        total += w
        for j in range(m):
            xbar[j] += w * X[<size_t>i * m + j]
    for j in range(m):
        xbar[j] /= total
    for i in range(n):
        root = sqrt(v[i] * h[i])
        for j in range(m):
            A[<size_t>i * m + j] = <float>((X[<size_t>i * m + j] - xbar[j]) * root)
    # A in C order is A' in Fortran order (m x n): G = (A')(A')'
    ssyrk(&uplo, &trans, &m, &n, &scale, A, &m, &zero, G32, &m)
    for i in range(m):  # (Fortran's lower triangle is C's upper: mirror it down)
        for j in range(i, m):
            G[i * m + j] = G32[i * m + j]
            G[j * m + i] = G32[i * m + j]


def class_cycles(
    const double[:, ::1] X, const double[:, ::1] YT, const double[::1] v,
    double[:, ::1] B, double[::1] c, double[:, ::1] ET,
    double[:, ::1] H, double[:, :, ::1] G, double[:, ::1] Xbar, signed char[::1] kept,
    double loss, double alpha, double l1_ratio, double tol, int max_iter, int max_newton,
    double threshold, double drift, double min_hessian, bint positive,
):
    """Cycles of per-class proximal Newton steps from ``(B, c, ET)`` (coefficients on the
    columns of ``X``, intercepts, linear predictors a row per class; updated in place),
    whose loss is ``loss``, until no step moves ``eta`` by more than ``threshold``.

    ``H``, ``G``, ``Xbar``: each class's kept curvature, its Gram matrix and weighted
    means on these columns, valid where ``kept`` (updated in place); a class's are rebuilt
    once its curvature drifted by more than ``drift`` (weighted, relative).

    Returns ``(loss, epochs, converged, ratios)``: ``ratios`` per class of the last cycle,
    the final gap over its tolerance where the weighted Lasso stopped at ``max_iter``.
    """
    cdef int n = X.shape[0], m = X.shape[1], K = YT.shape[0]
    cdef int i, j, k, cycle, halving, epochs = 0, one = 1
    cdef bint converged = False
    cdef double l1p = alpha * l1_ratio, l2p = alpha * (1 - l1_ratio)
    cdef double l1 = l1p * n, l2 = l2p * n
    cdef double pen, pen_rest, objective, gain, y_d, step, change, moved
    cdef double q, s, p, hh, sw, zbar, yy, rs, dc, c_new, ratio, e, top, scale
    cdef double plus = 1.0, zero = 0.0, minus_n = -<double>n
    cdef char no = b"N", tr = b"T"
    ratios_arr = np.zeros(K)
    cdef double[::1] ratios = ratios_arr
    # work: per sample (shift, others, p, residual, d_eta, the trial's exponentials and
    # 1 / sum_k exp(eta_k - shift)), per
    # class and sample (exp(eta - shift)); the Gram matrix's scaled design and product
    cdef double[::1] work_n = np.empty(7 * n + K * n)
    cdef float[::1] work_gram = np.empty(n * max(m, 1) + m * m, dtype=np.float32)
    cdef double[::1] work_m = np.empty(4 * max(m, 1) + 2 * m + m * m + 4 * m)
    cdef int[::1] index_view = np.empty(2 * max(m, 1), dtype=np.intc)
    cdef double[::1] yeta = np.empty(K)
    cdef double* shift = &work_n[0]
    cdef double* other = shift + n
    cdef double* prob = other + n
    cdef double* resid = prob + n
    cdef double* d_eta = resid + n
    cdef double* trial_q = d_eta + n
    cdef double* inv_total = trial_q + n
    cdef double* Q = inv_total + n
    cdef double* b = &work_m[0]
    cdef double* d_beta = b + max(m, 1)
    cdef double* Xy = d_beta + max(m, 1)
    cdef double* Xr = Xy + max(m, 1)
    cdef double* solve_work = Xr + max(m, 1)
    cdef const double* Xp = &X[0, 0]
    cdef double* h
    if m == 0:
        return loss, 0, True, ratios_arr
    with nogil:
        pen = 0.0
        for k in range(K):
            pen += _penalty(m, &B[k, 0], l1p, l2p)
        objective = loss + pen
        for i in range(n):
            top = ET[0, i]
            for k in range(1, K):
                top = max(top, ET[k, i])
            shift[i] = top
        for k in range(K):
            yeta[k] = 0.0
            for i in range(n):
                Q[<size_t>k * n + i] = exp(ET[k, i] - shift[i])
                yeta[k] += v[i] * YT[k, i] * ET[k, i]
        for cycle in range(max_newton):
            change = 0.0
            for k in range(K):
                pen_rest = pen - _penalty(m, &B[k, 0], l1p, l2p)
                # the class's probabilities against the other classes, fixed in this step
                # (a row at a time: contiguous, so the compiler vectorizes the sums)
                for i in range(n):
                    other[i] = 0.0
                for j in range(K):
                    if j != k:
                        for i in range(n):
                            other[i] += Q[<size_t>j * n + i]
                for i in range(n):
                    inv_total[i] = 1.0 / (other[i] + Q[<size_t>k * n + i])
                    prob[i] = Q[<size_t>k * n + i] * inv_total[i]
                h = &H[k, 0]
                if kept[k]:
                    moved = 0.0
                    s = 0.0
                    for i in range(n):
                        hh = max(prob[i] * (1 - prob[i]), min_hessian)
                        moved += v[i] * fabs(hh - h[i])
                        s += v[i] * h[i]
                    if moved > drift * s:
                        kept[k] = 0
                if not kept[k]:
                    for i in range(n):
                        h[i] = max(prob[i] * (1 - prob[i]), min_hessian)
                    _gram(n, m, Xp, &v[0], h, &Xbar[k, 0], &G[k, 0, 0], &work_gram[0],
                          &work_gram[n * m])
                    kept[k] = 1
                # the weighted problem: W = v h, z = eta + (y - p) / h
                sw = 0.0
                zbar = 0.0
                rs = 0.0
                for i in range(n):
                    resid[i] = v[i] * (prob[i] - YT[k, i])
                    rs += resid[i]
                    sw += v[i] * h[i]
                    zbar += v[i] * h[i] * ET[k, i] - resid[i]  # W z = W eta + v (y - p)
                zbar /= sw
                yy = 0.0
                for i in range(n):
                    e = ET[k, i] - resid[i] / (v[i] * h[i]) - zbar if v[i] > 0 else 0.0
                    yy += v[i] * h[i] * e * e
                yy *= n
                # X~' W (z - zbar) from the gradient: G b - n (X' r - sum(r) xbar)
                dgemv(&no, &m, &n, &plus, <double*>Xp, &m, resid, &one, &zero, Xr, &one)
                for j in range(m):
                    Xr[j] -= rs * Xbar[k, j]
                for j in range(m):
                    b[j] = B[k, j]
                dgemv(&tr, &m, &m, &plus, &G[k, 0, 0], &m, b, &one, &zero, Xy, &one)
                for j in range(m):
                    Xy[j] += minus_n * Xr[j]
                ratio = 0.0
                epochs += _solve(m, b, l1, l2, &G[k, 0, 0], Xy, yy, max_iter, tol, positive,
                                 solve_work, &index_view[0], &index_view[m], &ratio)
                ratios[k] = ratio
                c_new = zbar
                for j in range(m):
                    c_new -= Xbar[k, j] * b[j]
                    d_beta[j] = b[j] - B[k, j]
                dc = c_new - c[k]
                dgemv(&tr, &m, &n, &plus, <double*>Xp, &m, d_beta, &one, &zero, d_eta, &one)
                y_d = 0.0  # (the change of sum_i v_i y_i eta_i per unit step)
                for i in range(n):
                    d_eta[i] += dc
                    y_d += v[i] * YT[k, i] * d_eta[i]
                # the line search (newton_step.line_search) on the objective's change: the
                # class's part of a sample's loss changes by log1p(x) - y d, x = p (e^d - 1)
                step = 1.0
                for halving in range(_MAX_HALVINGS):
                    for j in range(m):
                        b[j] = B[k, j] + step * d_beta[j]
                    gain = pen_rest + _penalty(m, b, l1p, l2p) - pen - step * y_d
                    for i in range(n):
                        q = exp(ET[k, i] + step * d_eta[i] - shift[i])
                        trial_q[i] = q  # (the class's new exponentials, if accepted)
                        gain += v[i] * log1p(q * inv_total[i] - prob[i])
                    if gain <= 1e-12 * fabs(objective):
                        break
                    step /= 2
                else:
                    step = 0.0

                if step == 0.0:
                    continue
                objective += gain
                pen = pen_rest + _penalty(m, b, l1p, l2p)
                for j in range(m):
                    B[k, j] = b[j]
                c[k] += step * dc
                moved = 0.0
                yeta[k] += step * y_d
                for i in range(n):
                    ET[k, i] += step * d_eta[i]
                    moved += v[i] * h[i] * d_eta[i] * d_eta[i]
                    q = trial_q[i]
                    if q > _RESHIFT:  # keep the sample's exponentials finite
                        scale = 1.0 / q
                        for j in range(K):
                            Q[<size_t>j * n + i] *= scale
                        shift[i] = ET[k, i]
                        q = 1.0
                    Q[<size_t>k * n + i] = q
                change = max(change, step * step * moved)
            if change <= threshold:
                converged = True
                break
        # the loss, exactly
        loss = 0.0
        for i in range(n):
            s = 0.0
            for k in range(K):
                s += Q[<size_t>k * n + i]
            loss += v[i] * (log(s) + shift[i])
        for k in range(K):
            for i in range(n):
                loss -= v[i] * YT[k, i] * ET[k, i]
    return loss, epochs, converged, ratios_arr
