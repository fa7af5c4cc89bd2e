# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""A logistic Newton step's pass over a tall dense design, in compiled code: the change of
the linear predictor ``X d``, and the loss and gradient ``X' r`` after the step, reading
each block of rows of ``X`` from memory once (``solvers._full_step``).

``X`` is Fortran-ordered (columns contiguous: BLAS's fastest products on a tall design),
so ``X d`` and then ``X' r`` as two products read the whole design twice from memory,
which is what such a step is bound by. Here a block of rows (a few hundred, all columns:
in the core's cache) gives its part of ``X d`` (BLAS on the block, strided: no copy), then
the mean, loss and residual of its samples, then its part of ``X' r`` from the cache.
(numpy's products on such a block copy it first: twice as slow as two whole products.)
"""

from libc.math cimport exp, fabs, log1p

from scipy.linalg.cython_blas cimport dgemv

import numpy as np

cdef int _BLOCK_ROWS = 512  # 800 kB at 200 columns: within a core's 1 MB cache


def binomial_step(
    const double[::1, :] X,
    const double[::1] d_beta,
    double d_intercept,
    const double[::1] eta,
    const double[::1] v,
    const double[::1] Y,
):
    """``(d_eta, loss, grad, grad_intercept)`` of a step ``d_beta``, ``d_intercept``
    from ``eta``: ``d_eta = X d_beta + d_intercept``, and at ``eta + d_eta`` the loss
    ``sum_i v_i (log(1 + exp(eta_i)) - Y_i eta_i)`` and the gradient ``X' r``, ``sum r``,
    ``r = v (mu - Y)``, ``mu`` the logistic mean."""
    cdef int n = X.shape[0], p = X.shape[1], one = 1
    cdef int start, rows, i
    cdef double e, mu, t, loss = 0.0, grad_intercept = 0.0
    d_eta_array = np.empty(n)
    grad_array = np.zeros(p)
    cdef double[::1] d_eta = d_eta_array, grad = grad_array
    cdef double[::1] r = np.empty(_BLOCK_ROWS)
    cdef double unit = 1.0
    cdef int lda = n
    with nogil:
        start = 0
        while start < n:
            rows = min(_BLOCK_ROWS, n - start)
            for i in range(rows):
                d_eta[start + i] = d_intercept
            dgemv(b"N", &rows, &p, &unit, &X[start, 0], &lda, &d_beta[0], &one, &unit,
                  &d_eta[start], &one)
            for i in range(rows):
                t = eta[start + i] + d_eta[start + i]
                e = exp(-fabs(t))  # (no overflow either way)
                mu = 1.0 / (1.0 + e) if t >= 0 else e / (1.0 + e)
                # log(1 + exp(t)) = max(t, 0) + log(1 + exp(-|t|))
                loss += v[start + i] * ((t if t > 0 else 0.0) + log1p(e) - Y[start + i] * t)
                r[i] = v[start + i] * (mu - Y[start + i])
                grad_intercept += r[i]
            dgemv(b"T", &rows, &p, &unit, &X[start, 0], &lda, &r[0], &one, &unit, &grad[0], &one)
            start += rows
    return d_eta_array, loss, grad_array, grad_intercept
