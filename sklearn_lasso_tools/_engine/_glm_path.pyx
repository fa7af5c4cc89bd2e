# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""The proximal Newton path of a binomial or Poisson GLM (canonical link) on a small dense
design, in compiled code: ``solvers.glm``'s loop where it would call ``weighted_solve``
for every Newton step (``small_paths._compiled_glm_applies``).

On breast cancer (569 x 30) a path takes about two hundred Newton steps (two per point),
each a few tens of microseconds of arithmetic and a few hundred of Python and numpy calls
around it (working weights, the weighted Lasso's set-up, the line search's losses, the
path's screening).
``GLMPath.fit`` runs one point of the path without returning to Python, the same steps in
the same order as ``solvers._screened`` and ``solvers._glm_newton`` on a dense design
whose working sets take neither kept curvatures nor predictions (not wide): the strong
set, Newton steps whose weighted Lasso is ``_gram_path._solve`` on the weighted Gram
matrix of the fitted features (the first step to ``_FIRST_STEP_SLACK`` times tol; the
polish that ends almost every step runs on the active features' Gram matrix alone, see
``_active_polish``), the backtracking line search, glmnet's stopping rule on the step
length, and the check of the features left out against the optimality conditions,
violators joining; only, the fitted set stays itself where ``_screened`` takes the whole
design in its place. The path's early stop (``Trace``) stays in Python, called once per
point; without it, ``GLMPath.fit_path`` runs the whole path in one call. The points equal
the Python route's (the fitted set alone) to rounding (``tests/test_glm_path.py``).
"""

from libc.math cimport exp, fabs, sqrt, INFINITY
from libc.string cimport memset
from scipy.linalg.cython_blas cimport dgemv, dsyrk

import numpy as np

from ._active_polish cimport polish_active
from ._gram_path cimport _solve
from ._proximal_newton cimport logistic_sum_at, loss_at, newton_converged, penalty

cdef int _MAX_NEWTON = 500  # as newton_step.MAX_NEWTON
cdef double _FIRST_STEP_SLACK = 100.0  # as solvers._FIRST_STEP_SLACK
cdef int _MAX_HALVINGS = 30  # as newton_step.line_search
cdef double _MIN_HESSIAN = 1e-7  # as families.MIN_HESSIAN
cdef double _MAX_ETA = 700.0  # as families._MAX_ETA
cdef int _FIRST_EPOCHS = 100  # as _gram_path._FIRST_EPOCHS


cdef class GLMPath:
    """One path's state: the coefficients on every feature, intercept, linear predictor,
    loss, the gradient's magnitudes and the fitted set (see ``solvers._GLMState`` and
    ``_screened``), with the buffers of the Newton steps.

    ``X``: the standardized design (C order); ``v``: sample weights summing to one;
    ``intercept`` and ``loss``: the null model's; ``threshold``: glmnet's on a Newton
    step's squared length (tol times the null deviance).
    """

    cdef const double[:, ::1] X
    cdef const double[::1] Y, v
    cdef bint poisson, positive, started, uniform
    cdef double l1_ratio, tol, threshold, previous
    cdef int max_iter, n, p, k
    cdef readonly double intercept, loss
    cdef readonly int newton_failures  # Newton runs of the last point that did not converge
    cdef readonly object beta
    cdef double[::1] b_all, grad, eta, W, z, d_eta, roots, sub, b, x_bar, A, G, H, Xy, work, ratios
    cdef double[::1] copy  # the fitted columns (n x k, Fortran order)
    cdef double[::1] mu  # the mean at eta, when known (from the line search's loss)
    cdef bint mu_known
    cdef const double* fitted_X  # the fitted columns: copy
    cdef int[::1] strong, fitted, columns, index, slots
    cdef readonly int n_ratios  # entries of failures()

    def __init__(self, X, Y, v, poisson, intercept, loss, l1_ratio, tol, threshold,
                 max_iter, positive):
        self.X, self.Y, self.v = X, Y, v
        self.n, self.p = X.shape[0], X.shape[1]
        n, p = self.n, self.p
        self.poisson, self.positive = poisson, positive
        self.uniform = n > 0 and bool(np.all(np.asarray(v) == v[0]))
        self.intercept, self.loss = intercept, loss
        self.l1_ratio, self.tol, self.threshold = l1_ratio, tol, threshold
        self.max_iter = max_iter
        self.beta = np.zeros(p)
        self.b_all = self.beta
        self.eta = np.full(n, float(intercept))
        self.W, self.z, self.d_eta = np.empty(n), np.empty(n), np.empty(n)
        self.roots = np.empty(n)
        self.mu, self.mu_known = np.empty(n), False
        self.grad, self.sub, self.b, self.x_bar = np.empty(p), np.empty(p), np.empty(p), np.empty(p)
        self.Xy, self.ratios = np.empty(p), np.empty(p + 1)
        self.A, self.G, self.copy = np.empty(n * (p + 1)), np.empty(p * p), np.empty(n * p)
        self.H = np.empty((p + 1) * (p + 1))
        self.work = np.empty(2 * p + p * p + 4 * p + n)
        self.strong = np.zeros(p, dtype=np.intc)
        self.fitted = np.zeros(p, dtype=np.intc)
        self.columns = np.zeros(p, dtype=np.intc)
        self.index = np.empty(2 * p, dtype=np.intc)
        self.slots = np.empty(3 * p + 1, dtype=np.intc)
        self.started, self.k = False, 0
        with nogil:
            self._gradient()

    def fit(self, double alpha):
        """Fit the path's next point at ``alpha`` (the state moves there); returns the
        epochs of descent it took."""
        cdef int epochs
        with nogil:
            epochs = self._fit(alpha)
        return epochs

    def fit_path(self, const double[::1] alphas, double saturated, double null_dev,
                 double saturation):
        """``fit`` at each of ``alphas`` in turn, up to the first point whose deviance
        explained ``1 - dev / null_dev`` (``dev = 2 (loss - saturated)``) exceeds
        ``saturation`` (``Trace``'s stop when it has no early stop): a path in one call,
        where the Python around each point's ``fit`` costs as much as a Newton step.

        Returns, for the points fitted: ``(betas, intercepts, devs, epochs, failures,
        newton_failures)``, ``failures`` as ``(point, ratio)`` (see ``failures``) and
        ``newton_failures`` the Newton runs of each point that did not converge."""
        cdef int m = alphas.shape[0], p = self.p, a, j, r, fitted = 0
        betas_arr, intercepts_arr = np.zeros((m, p)), np.zeros(m)
        devs_arr, epochs_arr = np.zeros(m), np.zeros(m, dtype=np.intc)
        newton_arr, counts_arr = np.zeros(m, dtype=np.intc), np.zeros(m, dtype=np.intc)
        ratios_arr = np.zeros((m, p + 1))  # (a Newton run per fitted set's growth, at most)
        cdef double[:, ::1] betas = betas_arr, ratios = ratios_arr
        cdef double[::1] intercepts = intercepts_arr, devs = devs_arr
        cdef int[::1] epochs = epochs_arr, newton = newton_arr, counts = counts_arr
        with nogil:
            for a in range(m):
                epochs[a] = self._fit(alphas[a])
                for j in range(p):
                    betas[a, j] = self.b_all[j]
                intercepts[a] = self.intercept
                devs[a] = 2 * (self.loss - saturated)
                newton[a] = self.newton_failures
                counts[a] = self.n_ratios
                for r in range(self.n_ratios):
                    ratios[a, r] = self.ratios[r]
                fitted = a + 1
                if 1 - devs[a] / null_dev > saturation:
                    break
        failures = [(a, ratios[a, r]) for a in np.flatnonzero(counts_arr[:fitted])
                    for r in range(counts[a])]
        return (betas_arr[:fitted], intercepts_arr[:fitted], devs_arr[:fitted],
                epochs_arr[:fitted], failures, newton_arr[:fitted])

    def failures(self):
        """Gaps over their tolerance of the last point's final weighted Lasso solves that
        stopped at max_iter short of it (``Trace.unconverged``'s entries)."""
        return [self.ratios[i] for i in range(self.n_ratios)]

    cdef int _fit(self, double alpha) noexcept nogil:
        """``_screened``'s body for one alpha."""
        cdef int j, p = self.p, epochs = 0
        cdef double screen, bound = alpha * self.l1_ratio
        cdef bint grow, violated
        if not self.started:
            self.previous = alpha
        screen = self.l1_ratio * (2 * alpha - self.previous)
        for j in range(p):
            self.strong[j] = self.b_all[j] != 0.0 or self.grad[j] >= screen
        self.n_ratios = 0
        self.newton_failures = 0
        while True:
            grow = not self.started
            for j in range(p):
                if self.strong[j] and not self.fitted[j]:
                    grow = True
            if grow:
                # the fitted set alone, not the whole design once it holds half the features
                # as _screened's (a Gram matrix costs n k^2: breast cancer's path fits 30
                # columns from its 21st point on, against 15 to 29, 1 ms of its 8)
                for j in range(p):
                    self.fitted[j] = self.fitted[j] or self.strong[j]
                self.k = 0
                for j in range(p):
                    if self.fitted[j]:
                        self.columns[self.k] = j
                        self.k += 1
                self._take_fitted()
                self.started = True
            epochs += self._newton(alpha)
            self._gradient()
            violated = False
            for j in range(p):
                self.strong[j] = self.fitted[j]
                if not self.fitted[j] and self.grad[j] > bound:
                    self.strong[j] = 1
                    violated = True
            if not violated:
                break
        self.previous = alpha
        return epochs

    cdef void _take_fitted(self) noexcept nogil:
        """Copy the fitted columns to ``fitted_X`` in Fortran order (a column a feature):
        the Newton steps' products then read them contiguously, and so does the build
        of their weighted design (``_weighted_lasso``). The fitted set changes at a few
        points of a path, the steps read it at every one."""
        cdef int i, j, n = self.n, p = self.p, k = self.k
        cdef double* column
        if p == 0:
            self.fitted_X = NULL
            return
        for j in range(k):
            column = &self.copy[<size_t>j * n]
            for i in range(n):
                column[i] = self.X[i, self.columns[j]]
        self.fitted_X = &self.copy[0]

    cdef void _means(self) noexcept nogil:
        """``mu``: the mean at ``eta``, unless the line search's loss left it there."""
        cdef int i
        if self.mu_known:
            return
        for i in range(self.n):
            if self.poisson:
                self.mu[i] = exp(min(self.eta[i], _MAX_ETA))
            else:
                self.mu[i] = 1.0 / (1.0 + exp(-self.eta[i]))
        self.mu_known = True

    cdef void _gradient(self) noexcept nogil:
        """The loss's gradient's magnitudes ``|X' v (mu - Y)|`` at ``eta``, every feature."""
        cdef int i, one = 1, n = self.n, p = self.p
        cdef double zero = 0.0, plus = 1.0
        cdef char trans = b"N"
        if p == 0:
            return
        self._means()
        for i in range(n):
            self.W[i] = self.v[i] * (self.mu[i] - self.Y[i])
        # X in C order is X' in Fortran order (p x n)
        dgemv(&trans, &p, &n, &plus, &self.X[0, 0], &p, &self.W[0], &one, &zero,
              &self.grad[0], &one)
        for i in range(p):
            self.grad[i] = fabs(self.grad[i])

    cdef double _loss_at(self, double t) noexcept nogil:
        """The family's loss at ``eta + t d_eta`` (Poisson: infinite past _MAX_ETA); the
        mean there goes to ``mu`` (known once the step is taken: the exponentials are
        most of a step's work outside its Gram matrix)."""
        self.mu_known = False
        if self.uniform and not self.poisson:
            return self.v[0] * logistic_sum_at(self.n, &self.eta[0], t, &self.d_eta[0],
                                               &self.Y[0], &self.mu[0])
        return loss_at(self.n, &self.eta[0], t, &self.d_eta[0], &self.v[0], &self.Y[0],
                       self.poisson, &self.mu[0])

    cdef int _newton(self, double alpha) noexcept nogil:
        """``_glm_newton`` on the fitted features (no kept curvature, no prediction)."""
        cdef int i, j, iteration, halving, n = self.n, k = self.k, epochs = 0
        cdef int* columns = &self.columns[0]
        cdef double* sub = &self.sub[0]
        cdef double* d_beta = &self.b[0]
        cdef double mu, h, sw, z_bar, intercept_new, shift, acc, step, value, ratio = 0.0
        cdef double change = INFINITY, previous, objective
        cdef bint converged = False, accepted
        cdef const double* Xk = self.fitted_X
        cdef int one = 1
        cdef double zero = 0.0, plus = 1.0
        cdef char trans = b"N"
        cdef double* W = &self.W[0]
        cdef double* z = &self.z[0]
        cdef double* eta = &self.eta[0]
        cdef double* d_eta = &self.d_eta[0]
        cdef const double* Y = &self.Y[0]
        cdef const double* v = &self.v[0]
        for j in range(k):
            sub[j] = self.b_all[columns[j]]
        objective = self.loss + penalty(self.k, sub, NULL, 0.0, alpha, self.l1_ratio)
        for iteration in range(_MAX_NEWTON):
            sw = 0.0
            self._means()
            for i in range(n):
                mu = self.mu[i]
                h = mu if self.poisson else mu * (1 - mu)
                h = max(h, _MIN_HESSIAN)
                z[i] = eta[i] + (Y[i] - mu) / h
                W[i] = v[i] * h
                sw += W[i]
            z_bar = 0.0
            for i in range(n):
                z_bar += W[i] * z[i]
            z_bar /= sw
            for j in range(k):
                d_beta[j] = sub[j]
            ratio = 0.0
            epochs += self._weighted_lasso(
                alpha, z_bar, sw, self.tol * (_FIRST_STEP_SLACK if iteration == 0 else 1.0),
                &ratio,
            )
            acc = 0.0
            for j in range(k):
                acc += self.x_bar[j] * d_beta[j]
            intercept_new = z_bar - acc
            for j in range(k):
                d_beta[j] = d_beta[j] - sub[j]
            shift = intercept_new - self.intercept
            if k > 0:  # X_k d_beta through BLAS (a row's dot product is a serial chain)
                dgemv(&trans, &n, &k, &plus, Xk, &n, d_beta, &one, &zero, d_eta, &one)
            else:
                memset(d_eta, 0, n * sizeof(double))
            for i in range(n):
                d_eta[i] = shift + d_eta[i]
            # the first of steps 1, 1/2, 1/4, ... that does not increase the objective
            step, accepted = 1.0, False
            for halving in range(_MAX_HALVINGS):
                value = self._loss_at(step) + penalty(self.k, sub, d_beta, step, alpha, self.l1_ratio)
                if value <= objective + 1e-12 * fabs(objective):
                    accepted = True
                    break
                step /= 2
            # mu holds the means at the step taken; none (eta stays) leaves them unknown
            self.mu_known = accepted
            if not accepted:
                step, value = 0.0, objective
            objective = value
            for j in range(k):
                sub[j] = sub[j] + step * d_beta[j]
            self.intercept = self.intercept + step * (intercept_new - self.intercept)
            acc = 0.0
            for i in range(n):
                eta[i] = eta[i] + step * d_eta[i]
                acc += W[i] * d_eta[i] * d_eta[i]
            previous, change = change, step * step * acc
            if iteration > 0 and newton_converged(change, previous, step, self.threshold):
                converged = True
                break
        if not converged:
            self.newton_failures += 1
        if ratio > 0:  # (the final step's: earlier steps are inexact anyway)
            self.ratios[self.n_ratios] = ratio
            self.n_ratios += 1
        for j in range(self.p):
            self.b_all[j] = 0.0
        for j in range(k):
            self.b_all[columns[j]] = sub[j]
        self.loss = objective - penalty(self.k, sub, NULL, 0.0, alpha, self.l1_ratio)
        return epochs

    cdef int _weighted_lasso(self, double alpha, double z_bar, double sw, double tol,
                             double* ratio) noexcept nogil:
        """``newton_step.weighted_lasso`` through ``weighted_solve`` on the fitted features,
        from ``self.b``: the weighted means ``x_bar``, then the polish on the active
        features (``polish_active``), else the Gram matrix of ``sqrt(n W) (X - x_bar)``
        and its correlations with ``sqrt(n W) (z - z_bar)``, and ``_solve``."""
        cdef int i, j, one = 1, n = self.n, k = self.k
        cdef double yy = 0.0, zero = 0.0, plus = 1.0
        cdef char trans = b"N", trans_t = b"T", upper = b"U"
        cdef double* x_bar = &self.x_bar[0]
        cdef double* A = &self.A[0]
        cdef double* G = &self.G[0]
        cdef double* H = &self.H[0]
        cdef double* Xy = &self.Xy[0]
        cdef double* root = &self.roots[0]
        cdef int k1 = k + 1
        cdef double* column
        cdef const double* feature
        cdef const double* W = &self.W[0]
        cdef const double* z = &self.z[0]
        if k == 0:
            return 0
        # (X_k' W through BLAS: its kernels are wider than this module's loops)
        dgemv(&trans_t, &n, &k, &plus, self.fitted_X, &n, W, &one, &zero, x_bar, &one)
        for j in range(k):
            x_bar[j] /= sw
        for i in range(n):
            root[i] = sqrt(n * W[i])
        # most steps end at the polish on the active features (see _active_polish): it
        # takes A's first column sqrt(n W) (z - z_bar)
        for i in range(n):
            A[i] = (z[i] - z_bar) * root[i]
        if polish_active(n, k, self.fitted_X, x_bar, root, A, &self.b[0],
                         alpha * self.l1_ratio * n, alpha * (1 - self.l1_ratio) * n,
                         self.positive, min(_FIRST_EPOCHS, self.max_iter), H,
                         &self.work[0], &self.slots[0]):
            return 0
        # A = sqrt(n W) [X_k - x_bar, z - z_bar] in Fortran order (n x (k + 1), a column
        # a feature): dsyrk's transposed product reads it without the copies dgemm's
        # kernels make of both operands (OpenBLAS, 569 x 31: about two thirds of dgemm's
        # time on A' and A), and computes half of H
        for j in range(k):
            column = A + <size_t>j * n
            feature = self.fitted_X + <size_t>j * n
            for i in range(n):
                column[i] = (feature[i] - x_bar[j]) * root[i]
        for i in range(n):
            A[<size_t>k * n + i] = (z[i] - z_bar) * root[i]
        # H = A'A, its upper triangle in Fortran order: H[i, j] (i <= j) at j k1 + i; its
        # last column holds Xy and yy
        dsyrk(&upper, &trans_t, &k1, &n, &plus, A, &n, &zero, H, &k1)
        for i in range(k):  # (G exactly symmetric: H's upper triangle both ways)
            for j in range(i, k):
                G[i * k + j] = H[j * k1 + i]
                G[j * k + i] = H[j * k1 + i]
            Xy[i] = H[k * k1 + i]
        yy = H[k * k1 + k]
        return _solve(
            k, &self.b[0], alpha * self.l1_ratio * n, alpha * (1 - self.l1_ratio) * n, G,
            &self.Xy[0], yy, self.max_iter, tol, self.positive, &self.work[0],
            &self.index[0], &self.index[k], ratio,
        )
