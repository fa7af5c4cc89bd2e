# The arithmetic of a proximal Newton step that the compiled GLM kernels share
# (``_glm_path`` for small designs, ``_wide_newton`` for wide ones), as ``solvers`` does
# it in numpy: the loss and mean at a step along ``d_eta`` (and the logistic loss's with
# equal sample weights, cheaper), the elastic-net penalty at a step along ``d``, and
# glmnet's rule for when Newton has converged.

from libc.math cimport exp, fabs, isfinite, log, log1p, INFINITY

cdef enum:
    PRODUCT = 512  # samples whose 1 + exp(-|eta|) are multiplied before a logarithm

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



cdef inline double logistic_sum_at(int n, const double* eta, double t, const double* d_eta,
                                   const double* Y, double* mu) noexcept nogil:
    """The logistic loss at ``eta + t d_eta`` summed over the samples (``loss_at`` for
    equal sample weights, over the weight); the mean there goes to ``mu``. The sum of the
    ``log1p(x_i)`` (``x_i = exp(-|eta_i|)``) is the logarithm of the product of the ``1 +
    x_i``, one logarithm for PRODUCT samples instead of one each (the ``log1p`` calls were
    half the line search's time). Each factor is at most 2, so a product of PRODUCT stays
    finite; its rounding adds a few ulps of the sum per sample, as the sum's own
    additions do."""
    cdef int i, start = 0, stop
    cdef double e, x, linear = 0.0, logs = 0.0
    cdef double factors[4]  # (four products: four chains of multiplications)
    while start < n:
        stop = min(start + PRODUCT, n)
        factors[0] = factors[1] = factors[2] = factors[3] = 1.0
        for i in range(start, stop):
            e = eta[i] + t * d_eta[i]
            x = exp(-fabs(e))
            mu[i] = 1.0 / (1.0 + x) if e >= 0 else x / (1.0 + x)
            factors[i & 3] *= 1.0 + x
            linear += (e if e > 0 else 0.0) - Y[i] * e
        logs += log((factors[0] * factors[1]) * (factors[2] * factors[3]))
        start = stop
    return linear + logs

cdef inline double penalty(int k, const double* b, const double* d, double t, double alpha,
                           double l1_ratio) noexcept nogil:
    """``newton_step.penalty`` at ``b + t d`` (``d``: NULL for ``b``)."""
    cdef int j
    cdef double value, l1 = 0.0, l2 = 0.0
    for j in range(k):
        value = b[j] if d == NULL else b[j] + t * d[j]
        l1 += fabs(value)
        l2 += value * value
    return alpha * (l1_ratio * l1 + 0.5 * (1 - l1_ratio) * l2)


cdef inline bint newton_converged(double change, double previous, double step,
                                  double threshold) noexcept nogil:
    """``newton_step.newton_converged``."""
    if change <= threshold:
        return True
    return step == 1.0 and isfinite(previous) and change * change <= threshold * previous
