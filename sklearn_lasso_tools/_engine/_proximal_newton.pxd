# The arithmetic of a proximal Newton step that the compiled GLM kernels share
# (``_glm_path`` for small designs, ``_wide_newton`` for wide ones), as ``solvers`` does
# it in numpy: the loss and mean at a step along ``d_eta``, the elastic-net penalty at a
# step along ``d``, and glmnet's rule for when Newton has converged.

from libc.math cimport exp, fabs, isfinite, log1p, INFINITY

cdef inline double loss_at(int n, const double* eta, double t, const double* d_eta,
                           const double* v, const double* Y, bint poisson,
                           double* mu) noexcept nogil:
    """The family's loss at ``eta + t d_eta`` (Poisson: infinite past families._MAX_ETA, 700); the mean
    there goes to ``mu``."""
    cdef int i
    cdef double e, x, total = 0.0
    for i in range(n):
        e = eta[i] + t * d_eta[i]
        if poisson:
            if e > 700.0:
                return INFINITY
            mu[i] = exp(e)
            total += v[i] * (mu[i] - Y[i] * e)
        else:
            # numpy's logaddexp(0, e) and (to rounding) expit(e), one exponential
            x = exp(-fabs(e))
            mu[i] = 1.0 / (1.0 + x) if e >= 0 else x / (1.0 + x)
            total += v[i] * (((e if e > 0 else 0.0) + log1p(x) if e != 0 else 0.6931471805599453) - Y[i] * e)
    return total


cdef inline double penalty(int k, const double* b, const double* d, double t, double alpha,
                           double l1_ratio) noexcept nogil:
    """``solvers._penalty`` at ``b + t d`` (``d``: NULL for ``b``)."""
    cdef int j
    cdef double value, l1 = 0.0, l2 = 0.0
    for j in range(k):
        value = b[j] if d == NULL else b[j] + t * d[j]
        l1 += fabs(value)
        l2 += value * value
    return alpha * (l1_ratio * l1 + 0.5 * (1 - l1_ratio) * l2)


cdef inline bint newton_converged(double change, double previous, double step,
                                  double threshold) noexcept nogil:
    """``solvers._newton_converged``."""
    if change <= threshold:
        return True
    return step == 1.0 and isfinite(previous) and change * change <= threshold * previous
