# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""Proximal Newton at one alpha of a wide dense binomial or Poisson path, on the fitted
set's columns, in compiled code: ``solvers._glm_newton``'s loop on wide designs (see
``wide_newton`` for when it applies).

A wide path (n < p) fits hundreds of points, each mostly one Newton step on a few hundred
fitted columns: a few hundred microseconds of arithmetic, and as much again of Python and
numpy calls on arrays of n or k entries around it (working response and weights, the
optimality check, the weighted Lasso's working set and copies, the line search). Here a
call runs the same steps in the same order as ``_glm_newton`` with ``wide``: the check of
the optimality conditions before each step (stopping Newton), the weighted Lasso solved to
``_WIDE_SLACK`` times tol and tenfold finer each next step, on a working set (the active
features and those whose correlation, from the gradient, reaches the threshold) by the
coordinate descent of ``_core`` on its weighted centred columns, the features left out
checked and violators joining; then the backtracking line search and glmnet's rule on the
step's length. Unlike ``WeightedLasso``, descent always runs on the columns (no Gram
matrix for small working sets) and no active-set polish follows it: both only make the
same solution to tol cheaper there, and on a wide fitted set neither pays.
"""

from libc.math cimport exp, fabs, sqrt, INFINITY
from libc.string cimport memset
from scipy.linalg.cython_blas cimport dgemv

import numpy as np

from ._core cimport dense_cd
from ._proximal_newton cimport loss_at, newton_converged, penalty

cdef int _MAX_NEWTON = 500  # as newton_step.MAX_NEWTON
cdef double _WIDE_SLACK = 300.0  # as solvers._WIDE_SLACK
cdef int _MAX_HALVINGS = 30  # as newton_step.line_search
cdef double _MIN_HESSIAN = 1e-7  # as families.MIN_HESSIAN
cdef double _MAX_ETA = 700.0  # as families._MAX_ETA
cdef int _FEW = 64  # as weighted_lasso._FEW: no working set on so few features


cdef class WideNewton:
    """The buffers of one path's Newton steps (``n`` samples, up to ``capacity`` fitted
    features, grown as the fitted set grows), and the last call's results."""

    cdef bint poisson, positive
    cdef double l1_ratio, tol, threshold
    cdef int max_iter, n
    cdef const double[::1] Y, v
    cdef double[::1] mu, W, z, t, root, r, d_eta, ur
    cdef double[::1] b, d_beta, x_bar, corr, g, sq, bw, A
    cdef int[::1] work, index, kept
    cdef int capacity
    cdef readonly double intercept, objective, loss, grad_intercept
    cdef readonly bint known, converged
    cdef readonly list failures  # the gap ratios of the last step's short solves

    def __init__(self, Y, v, poisson, l1_ratio, tol, threshold, max_iter, positive):
        self.Y, self.v = Y, v
        self.n = Y.shape[0]
        self.poisson, self.positive = poisson, positive
        self.l1_ratio, self.tol, self.threshold = l1_ratio, tol, threshold
        self.max_iter = max_iter
        n = self.n
        self.mu, self.W, self.z, self.t = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
        self.root, self.r, self.d_eta, self.ur = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
        self.capacity = -1
        self._reserve(0)

    cdef _reserve(self, int k):
        if k <= self.capacity:
            return
        k = max(k, 2 * self.capacity, 16)
        self.b, self.d_beta, self.x_bar = np.empty(k), np.empty(k), np.empty(k)
        self.corr, self.g, self.sq, self.bw = np.empty(k), np.empty(k), np.empty(k), np.empty(k)
        self.A = np.empty(<size_t>self.n * k)
        self.work = np.empty(k, dtype=np.intc)
        self.index = np.empty(k, dtype=np.intc)
        self.kept = np.empty(k, dtype=np.intc)
        self.capacity = k

    def fit(self, const double[::1, :] X, double[::1] beta, double intercept,
            double[::1] eta, double objective, double alpha, double[::1] grad, bint known,
            double grad_intercept):
        """Newton from ``beta`` (the fitted columns' coefficients, updated in place),
        ``intercept`` and ``eta`` (updated in place) whose objective is ``objective``;
        ``grad``: the loss's gradient on the columns at ``eta`` when ``known``, else a
        buffer; it holds the gradient at the end when ``self.known``. Returns the epochs
        of descent; ``intercept``, ``objective``, ``grad_intercept``, ``converged`` and
        ``failures`` are then the results' (``loss``: the objective's loss part)."""
        cdef int k = X.shape[1], epochs = 0, n_failures = 0
        self._reserve(k)
        cdef double[::1] ratios = np.empty(max(k, 1))
        self.intercept, self.objective = intercept, objective
        self.known, self.grad_intercept = known, grad_intercept
        with nogil:
            epochs = self._newton(
                &X[0, 0] if k > 0 else NULL, k, &beta[0] if k > 0 else NULL, &eta[0],
                alpha, &grad[0] if k > 0 else NULL, &ratios[0], &n_failures,
            )
        self.failures = [ratios[i] for i in range(n_failures)]
        self.loss = self.objective - (
            penalty(k, &beta[0], &beta[0], 0.0, alpha, self.l1_ratio) if k > 0 else 0.0
        )
        return epochs

    def predict(self, const double[::1, :] X, const double[::1] last, const double[::1] first,
                double t, double shift, const double[::1] eta, double alpha, double[::1] guess,
                double[::1] eta_out):
        """``solvers._predicted``'s arithmetic: the point ``guess`` on the line through
        ``first`` and ``last`` (the path's last two points on the columns) at ``t``, the
        coefficients that would change sign at zero, and the linear predictor there,
        ``eta + X (guess - last) + shift``, into ``eta_out``. Returns the objective there
        (the loss at ``eta_out`` plus the penalty at ``guess``)."""
        cdef int i, j, n = self.n, k = X.shape[1], one = 1
        cdef double g, plus = 1.0, zero = 0.0, value
        cdef char trans_n = b"N"
        cdef double* d = &self.d_eta[0]
        self._reserve(k)
        with nogil:
            for j in range(k):
                g = last[j] + t * (last[j] - first[j])
                guess[j] = g if _sign(g) == _sign(last[j]) else 0.0
                self.d_beta[j] = guess[j] - last[j]
            if k > 0:  # (d_eta is the loss's direction: t = 1 below)
                dgemv(&trans_n, &n, &k, &plus, &X[0, 0], &n, &self.d_beta[0], &one, &zero, d,
                      &one)
            else:
                memset(d, 0, n * sizeof(double))
            for i in range(n):
                d[i] = d[i] + shift
            value = self._loss_at(&eta[0], 1.0)
            for i in range(n):
                eta_out[i] = eta[i] + d[i]
            if k > 0:
                value += penalty(k, &guess[0], &guess[0], 0.0, alpha, self.l1_ratio)
        return value

    def penalty(self, const double[::1] beta, double alpha):
        """``newton_step.penalty`` at ``beta`` (no ridge weights)."""
        if beta.shape[0] == 0:
            return 0.0
        return penalty(beta.shape[0], &beta[0], &beta[0], 0.0, alpha, self.l1_ratio)

    cdef int _newton(self, const double* X, int k, double* beta, double* eta, double alpha,
                     double* grad, double* ratios, int* n_failures) noexcept nogil:
        cdef int i, j, iteration, halving, n = self.n, one = 1, epochs = 0
        cdef double h, m, slack, z_bar, intercept_new, shift, step, value, acc
        cdef double change = INFINITY, previous, zero = 0.0, plus = 1.0
        cdef char trans_t = b"T", trans_n = b"N"
        cdef bint accepted, mu_known = False
        cdef const double* Y = &self.Y[0]
        cdef const double* v = &self.v[0]
        cdef double* mu = &self.mu[0]
        cdef double* W = &self.W[0]
        cdef double* z = &self.z[0]
        cdef double* r = &self.r[0]
        cdef double* d_eta = &self.d_eta[0]
        cdef double* b = &self.b[0]
        cdef double* d_beta = &self.d_beta[0]
        self.converged = False
        for iteration in range(_MAX_NEWTON):
            n_failures[0] = 0
            if not mu_known:
                for i in range(n):
                    mu[i] = _mean(eta[i], self.poisson)
            for i in range(n):
                m = mu[i]
                h = m if self.poisson else m * (1 - m)
                h = max(h, _MIN_HESSIAN)
                z[i] = eta[i] + (Y[i] - m) / h
                W[i] = v[i] * h
            if not self.known:
                acc = 0.0
                for i in range(n):
                    r[i] = v[i] * (mu[i] - Y[i])
                    acc += r[i]
                if k > 0:
                    dgemv(&trans_t, &n, &k, &plus, X, &n, r, &one, &zero, grad, &one)
                self.grad_intercept, self.known = acc, True
            if self._kkt_holds(k, grad, beta, alpha):
                self.converged = True
                break
            slack = max(_WIDE_SLACK / 10.0 ** iteration, 1.0)
            for j in range(k):
                b[j] = beta[j]
            epochs += self._weighted_lasso(
                X, k, grad, alpha, self.tol * slack, &z_bar, ratios, n_failures
            )
            acc = 0.0
            for j in range(k):
                acc += self.x_bar[j] * b[j]
                d_beta[j] = b[j] - beta[j]
            intercept_new = z_bar - acc
            shift = intercept_new - self.intercept
            if k > 0:
                dgemv(&trans_n, &n, &k, &plus, X, &n, d_beta, &one, &zero, d_eta, &one)
            else:
                memset(d_eta, 0, n * sizeof(double))
            for i in range(n):
                d_eta[i] = shift + d_eta[i]
            # the first of steps 1, 1/2, 1/4, ... that does not increase the objective
            step, accepted = 1.0, False
            for halving in range(_MAX_HALVINGS):
                value = self._loss_at(eta, step) + penalty(
                    k, beta, d_beta, step, alpha, self.l1_ratio
                )
                if value <= self.objective + 1e-12 * fabs(self.objective):
                    accepted = True
                    break
                step /= 2
            mu_known = accepted  # (the means at the step taken)
            if not accepted:
                step, value = 0.0, self.objective
            self.objective = value
            self.known = False
            for j in range(k):
                beta[j] = beta[j] + step * d_beta[j]
            self.intercept = self.intercept + step * (intercept_new - self.intercept)
            acc = 0.0
            for i in range(n):
                eta[i] = eta[i] + step * d_eta[i]
                acc += W[i] * d_eta[i] * d_eta[i]
            previous, change = change, step * step * acc
            if slack == 1.0 and newton_converged(change, previous, step, self.threshold):
                self.converged = True
                break
        return epochs

    cdef bint _kkt_holds(self, int k, const double* grad, const double* beta,
                         double alpha) noexcept nogil:
        """``newton_step.kkt_holds``."""
        cdef int j
        cdef double bound = alpha * self.l1_ratio, limit, g, pull
        limit = sqrt(self.tol) * bound
        if not fabs(self.grad_intercept) <= limit:
            return False
        for j in range(k):
            g = grad[j] if self.l1_ratio == 1.0 else grad[j] + alpha * (1 - self.l1_ratio) * beta[j]
            if beta[j] != 0.0:
                if not fabs(g + (bound if beta[j] > 0 else -bound)) <= limit:
                    return False
            else:
                pull = -g if self.positive else fabs(g)
                if not pull - bound <= limit:
                    return False
        return True

    cdef double _loss_at(self, const double* eta, double t) noexcept nogil:
        """The family's loss at ``eta + t d_eta`` (Poisson: infinite past _MAX_ETA); the
        mean there goes to ``mu``."""
        return loss_at(self.n, eta, t, &self.d_eta[0], &self.v[0], &self.Y[0], self.poisson,
                       &self.mu[0])

    cdef int _weighted_lasso(self, const double* X, int k, const double* grad, double alpha,
                             double tol, double* z_bar_out, double* ratios,
                             int* n_failures) noexcept nogil:
        """``newton_step.weighted_lasso`` from ``b`` (written over with the solution) with the
        known gradient: the weighted means ``x_bar`` and ``z_bar``, the working set from
        the correlations ``-n (grad - sum r x_bar)``, descent on ``sqrt(n W) (X - x_bar)``
        and ``sqrt(n W) (z - z_bar)``, the check of the features left out."""
        cdef int i, j, c, w, it, n = self.n, one = 1, epochs = 0
        cdef double sw = 0.0, z_bar = 0.0, su, gap, abs_tol, zero = 0.0, plus = 1.0
        cdef double l1 = alpha * self.l1_ratio * n, l2 = alpha * (1 - self.l1_ratio) * n
        cdef double pull, m
        cdef bint any_b = False, all_work, violated
        cdef char trans_t = b"T"
        cdef double* W = &self.W[0]
        cdef double* b = &self.b[0]
        cdef double* x_bar = &self.x_bar[0]
        cdef double* corr = &self.corr[0]
        cdef double* root = &self.root[0]
        cdef double* t = &self.t[0]
        cdef double* ur = &self.ur[0]
        cdef double* r = &self.r[0]
        cdef double* A = &self.A[0]
        cdef double* bw = &self.bw[0]
        cdef int* work = &self.work[0]
        cdef int* index = &self.index[0]
        cdef double* col
        cdef const double* xcol
        for i in range(n):
            sw += W[i]
        for i in range(n):
            z_bar += W[i] * self.z[i]
        z_bar /= sw
        z_bar_out[0] = z_bar
        if k == 0:
            return 0
        dgemv(&trans_t, &n, &k, &plus, X, &n, W, &one, &zero, x_bar, &one)
        for j in range(k):
            x_bar[j] /= sw
        for i in range(n):
            root[i] = sqrt(n * W[i])
            t[i] = (self.z[i] - z_bar) * root[i]  # the descent's response
        for j in range(k):
            corr[j] = -n * (grad[j] - self.grad_intercept * x_bar[j])
            any_b = any_b or b[j] != 0.0
        if not any_b:  # zero is optimal (up to rounding: alpha_max itself)
            violated = False
            for j in range(k):
                pull = corr[j] if self.positive else fabs(corr[j])
                if pull > l1 * (1 + 1e-12):
                    violated = True
            if not violated:
                return 0
        for j in range(k):
            work[j] = k <= _FEW or b[j] != 0.0 or fabs(corr[j]) >= l1
        while True:
            w, all_work = 0, True
            for j in range(k):
                if work[j]:
                    index[w] = j
                    bw[w] = b[j]
                    w += 1
                else:
                    all_work = False
            for c in range(w):
                col = A + <size_t>c * n
                xcol = X + <size_t>index[c] * n
                m = x_bar[index[c]]
                for i in range(n):
                    col[i] = (xcol[i] - m) * root[i]
            it = 0
            if w > 0:
                gap = dense_cd(
                    n, w, bw, l1, l2, A, t, self.max_iter, tol, self.positive, r, &self.g[0],
                    &self.sq[0], &self.kept[0], &abs_tol, &it,
                )
                if gap > abs_tol:
                    ratios[n_failures[0]] = gap / abs_tol
                    n_failures[0] += 1
            else:
                for i in range(n):
                    r[i] = t[i]
            epochs += it
            for j in range(k):
                b[j] = 0.0
            for c in range(w):
                b[index[c]] = bw[c]
            if all_work:
                return epochs
            # the correlations of the features left out with the weighted residual
            su = 0.0
            for i in range(n):
                ur[i] = root[i] * r[i]
                su += ur[i]
            dgemv(&trans_t, &n, &k, &plus, X, &n, ur, &one, &zero, corr, &one)
            violated = False
            for j in range(k):
                if not work[j]:
                    pull = corr[j] - x_bar[j] * su
                    pull = pull if self.positive else fabs(pull)
                    if pull > l1:
                        work[j] = True
                        violated = True
            if not violated:
                return epochs


cdef inline double _mean(double e, bint poisson) noexcept nogil:
    if poisson:
        return exp(min(e, _MAX_ETA))
    return 1.0 / (1.0 + exp(-e))


cdef inline double _sign(double x) noexcept nogil:
    return (x > 0) - (x < 0)
