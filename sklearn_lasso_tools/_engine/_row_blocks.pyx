# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""Passes over a tall dense design by blocks of rows, in compiled code: a GLM Newton
step's working quantities (``glm_step``: ``X d``, then the loss and ``X' r`` after the
step), ``X d`` and ``X' r`` alone (``products``), and standardized blocks of rows for
products made elsewhere (``fill_block``).

The design is ``X~ = (X[rows][:, cols] - shift) * scale``, read from the caller's ``X``
in place (C- or Fortran-ordered): each block of rows (a few hundred: in the core's cache)
is standardized into a scratch buffer, then BLAS works on it from the cache. The scratch
holds the same numbers a standardized copy of ``X`` would (``(x - shift) * scale``,
rounded once each), so no copy of ``X`` is made, also for a fold's rows (``rows``:
indices) or a strong set's columns (``cols``). A plain Fortran- or C-ordered block (no
rows, columns or shift given) is read where it is. Reading each block once serves both
products of a Newton step: half the memory traffic of a product and then a transposed
one, which is what such a step is bound by.
"""

from libc.math cimport exp, fabs, log, log1p, INFINITY
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy

from scipy.linalg.cython_blas cimport dgemv

from ._proximal_newton cimport PRODUCT

import numpy as np

cdef int _BLOCK_CELLS = 16384  # cells per block of rows (128 kB: in a core's L2 cache, with room)
# the products fold the standardization into their vectors where each column's mean is
# at most this many of its standard deviations (three digits of sixteen lost at most)
cdef double _FOLDED_SPREAD = 1e3
cdef double _MAX_ETA = 700.0  # as families.Poisson


cdef struct Design:
    const double *X
    Py_ssize_t row_stride, col_stride  # in elements
    const Py_ssize_t *rows  # NULL: rows 0, 1, ...
    const Py_ssize_t *cols  # NULL: columns 0, 1, ...
    const double *shift  # NULL: no standardization (scale too)
    const double *scale
    int n, k  # rows and columns of X~


cdef Design _design(X, rows, cols, shift, scale, object keep) except *:
    """The ``Design`` of ``X~``; ``keep`` holds the arrays it points into."""
    cdef Design d
    cdef const double[:, :] view
    cdef Py_ssize_t[::1] index
    cdef const double[::1] values
    X = np.asarray(X)
    if X.dtype != np.float64:
        raise TypeError("X must be float64")
    keep.append(X)
    view = X
    d.X = &view[0, 0] if X.size else NULL
    d.row_stride, d.col_stride = X.strides[0] // 8, X.strides[1] // 8
    d.n, d.k = X.shape[0], X.shape[1]
    d.rows = d.cols = NULL
    d.shift = d.scale = NULL
    if rows is not None:
        rows = np.ascontiguousarray(rows, dtype=np.intp)
        keep.append(rows)
        d.n = rows.size
        if rows.size:
            index = rows
            d.rows = &index[0]
    if cols is not None:
        cols = np.ascontiguousarray(cols, dtype=np.intp)
        keep.append(cols)
        d.k = cols.size
        if cols.size and not (cols.size == X.shape[1] and np.array_equal(cols, np.arange(d.k))):
            index = cols
            d.cols = &index[0]
    if shift is not None and d.k:
        shift = np.ascontiguousarray(shift, dtype=np.float64)
        scale = np.ascontiguousarray(scale, dtype=np.float64)
        keep.extend((shift, scale))
        values = shift
        d.shift = &values[0]
        values = scale
        d.scale = &values[0]
    return d


cdef int _block_rows(int k) noexcept nogil:
    return max(8, _BLOCK_CELLS // max(k, 1))


cdef const double *_block(
    const Design *d, int start, int rows, double *scratch, int *lda, bint *row_major
) noexcept nogil:
    """Rows ``start:start + rows`` of ``X~``: where they are (plain designs), or written
    into ``scratch`` (row-major); sets the leading dimension and the layout."""
    cdef int i, j
    cdef Py_ssize_t r, c
    cdef const double *x
    cdef double *out
    if d.rows == NULL and d.cols == NULL and d.shift == NULL:
        if d.row_stride == 1:  # Fortran order
            lda[0], row_major[0] = <int>d.col_stride, False
            return d.X + start
        if d.col_stride == 1:  # C order
            lda[0], row_major[0] = <int>d.row_stride, True
            return d.X + start * d.row_stride
    lda[0], row_major[0] = d.k, True
    if d.col_stride == 1 or d.row_stride > d.col_stride:  # rows contiguous: by rows
        for i in range(rows):
            r = (d.rows[start + i] if d.rows != NULL else start + i) * d.row_stride
            out = scratch + i * d.k
            if d.cols == NULL and d.col_stride == 1:
                x = d.X + r
                if d.shift != NULL:
                    for j in range(d.k):
                        out[j] = (x[j] - d.shift[j]) * d.scale[j]
                else:
                    memcpy(out, x, d.k * sizeof(double))
                continue
            for j in range(d.k):
                c = d.cols[j] if d.cols != NULL else j
                out[j] = d.X[r + c * d.col_stride]
            if d.shift != NULL:
                for j in range(d.k):
                    out[j] = (out[j] - d.shift[j]) * d.scale[j]
    else:  # columns contiguous: by columns
        for j in range(d.k):
            c = (d.cols[j] if d.cols != NULL else j) * d.col_stride
            x = d.X + c
            if d.rows != NULL:
                for i in range(rows):
                    scratch[i * d.k + j] = x[d.rows[start + i] * d.row_stride]
            else:
                for i in range(rows):
                    scratch[i * d.k + j] = x[(start + i) * d.row_stride]
            if d.shift != NULL:
                for i in range(rows):
                    scratch[i * d.k + j] = (scratch[i * d.k + j] - d.shift[j]) * d.scale[j]
    return scratch


cdef void _times(
    const double *A, int lda, bint row_major, int rows, int k, const double *x, double *y
) noexcept nogil:
    """``y = A x`` for a block ``A`` (rows x k)."""
    cdef int one = 1
    cdef double unit = 1.0, zero = 0.0
    if row_major:
        dgemv(b"T", &k, &rows, &unit, <double *>A, &lda, <double *>x, &one, &zero, y, &one)
    else:
        dgemv(b"N", &rows, &k, &unit, <double *>A, &lda, <double *>x, &one, &zero, y, &one)


cdef void _add_transposed(
    const double *A, int lda, bint row_major, int rows, int k, const double *r, double *g
) noexcept nogil:
    """``g += A' r`` for a block ``A`` (rows x k)."""
    cdef int one = 1
    cdef double unit = 1.0
    if row_major:
        dgemv(b"N", &k, &rows, &unit, <double *>A, &lda, <double *>r, &one, &unit, g, &one)
    else:
        dgemv(b"T", &rows, &k, &unit, <double *>A, &lda, <double *>r, &one, &unit, g, &one)


def _folds(shift, scale):
    """Whether products with ``X~`` fold its standardization into their vectors (see
    ``_FOLDED_SPREAD``): ``X~ b = X (scale b) - shift . (scale b)`` and ``X~' r = scale
    (X' r - shift sum r)``, on the rows of ``X`` as they are (a fold's gathered)."""
    return shift is not None and bool(np.all(np.abs(shift) * scale <= _FOLDED_SPREAD))


def glm_step(
    X, rows, cols, shift, scale,
    d_beta_given,
    double d_intercept,
    const double[::1] eta,
    const double[::1] v,
    const double[::1] Y,
    bint poisson,
):
    """``(d_eta, loss, grad, grad_intercept, mu)`` of a step ``d_beta``, ``d_intercept``
    from ``eta`` on ``X~`` (see the module): ``d_eta = X~ d_beta + d_intercept``, and at
    ``eta + d_eta`` the loss ``sum_i v_i (log(1 + exp(eta_i)) - Y_i eta_i)`` (logistic)
    or ``sum_i v_i (exp(eta_i) - Y_i eta_i)`` (Poisson; infinite past ``_MAX_ETA``), the
    gradient ``X~' r``, ``sum r``, ``r = v (mu - Y)``, and ``mu``, the mean."""
    keep = []
    cdef bint fold = _folds(shift, scale)
    cdef const double[::1] d_beta
    if fold:
        scale = np.ascontiguousarray(scale, dtype=np.float64)
        shift = np.ascontiguousarray(shift, dtype=np.float64)
        d_beta_given = scale * d_beta_given
        d_intercept -= shift @ d_beta_given
    d_beta = np.ascontiguousarray(d_beta_given, dtype=np.float64)
    cdef Design d = _design(
        X, rows, cols, None if fold else shift, None if fold else scale, keep
    )
    cdef int n = d.n, k = d.k, block = _block_rows(d.k)
    cdef int start, m, i, lda, counted = 0
    cdef bint row_major, uniform = not poisson and _equal(v)
    cdef double e, mu, t, loss = 0.0, grad_intercept = 0.0, logs = 0.0
    cdef double factors[4]  # (four products: four chains of multiplications)
    cdef const double *A
    factors[0] = factors[1] = factors[2] = factors[3] = 1.0
    d_eta_array, mean_array = np.empty(n), np.empty(n)
    grad_array = np.zeros(k)
    cdef double[::1] d_eta = d_eta_array, grad = grad_array, mean = mean_array
    cdef double[::1] r = np.empty(block)
    cdef double *scratch = <double *>malloc(block * max(k, 1) * sizeof(double))
    if scratch == NULL:
        raise MemoryError()
    try:
        with nogil:
            start = 0
            while start < n:
                m = min(block, n - start)
                if k:
                    A = _block(&d, start, m, scratch, &lda, &row_major)
                    _times(A, lda, row_major, m, k, &d_beta[0], &d_eta[start])
                    for i in range(m):
                        d_eta[start + i] += d_intercept
                else:
                    for i in range(m):
                        d_eta[start + i] = d_intercept
                for i in range(m):
                    t = eta[start + i] + d_eta[start + i]
                    if poisson:
                        if t > _MAX_ETA:
                            loss = INFINITY
                        mu = exp(min(t, _MAX_ETA))
                        loss += v[start + i] * (mu - Y[start + i] * t)
                    else:
                        e = exp(-fabs(t))  # (no overflow either way)
                        mu = 1.0 / (1.0 + e) if t >= 0 else e / (1.0 + e)
                        # log(1 + exp(t)) = max(t, 0) + log(1 + exp(-|t|))
                        if uniform:  # (the logarithms of products: see _logistic_logs)
                            loss += (t if t > 0 else 0.0) - Y[start + i] * t
                            factors[i & 3] *= 1.0 + e
                            counted += 1
                            if counted == PRODUCT:
                                logs += _logistic_logs(factors)
                                counted = 0
                        else:
                            loss += v[start + i] * (
                                (t if t > 0 else 0.0) + log1p(e) - Y[start + i] * t
                            )
                    mean[start + i] = mu
                    r[i] = v[start + i] * (mu - Y[start + i])
                    grad_intercept += r[i]
                if k:
                    _add_transposed(A, lda, row_major, m, k, &r[0], &grad[0])
                start += m
            if uniform and n:
                loss = v[0] * (loss + logs + _logistic_logs(factors))
    finally:
        free(scratch)
    if fold:
        grad_array = scale * (grad_array - shift * grad_intercept)
    return d_eta_array, loss, grad_array, grad_intercept, mean_array


cdef bint _equal(const double[::1] v) noexcept:
    """Whether the weights ``v`` are all equal."""
    cdef Py_ssize_t i
    for i in range(1, v.shape[0]):
        if v[i] != v[0]:
            return False
    return True


cdef inline double _logistic_logs(double *factors) noexcept nogil:
    """The logarithm of the product of ``factors`` (reset to one): with equal sample
    weights, the sum of the logistic loss's ``log1p(x_i)`` (``x_i = exp(-|eta_i|)``) is
    the logarithm of the product of the ``1 + x_i``, one logarithm for PRODUCT samples
    instead of one each (half the pass's arithmetic outside its products). Each factor
    is at most 2, so a product of PRODUCT stays finite; its rounding adds a few ulps of
    the sum per sample, as the sum's own additions do (as ``_proximal_newton.logistic_sum_at`` does)."""
    cdef double value = log((factors[0] * factors[1]) * (factors[2] * factors[3]))
    factors[0] = factors[1] = factors[2] = factors[3] = 1.0
    return value


def products(X, rows, cols, shift, scale, beta, r):
    """``(X~ beta, X~' r)`` (see the module), each None when its vector is."""
    keep = []
    cdef bint fold = _folds(shift, scale)
    cdef Design d = _design(
        X, rows, cols, None if fold else shift, None if fold else scale, keep
    )
    cdef int n = d.n, k = d.k, block = _block_rows(d.k)
    cdef int start, m, lda
    cdef bint row_major, forward = beta is not None, backward = r is not None
    cdef const double *A
    cdef const double[::1] b, s
    cdef double[::1] out, grad
    out_array = grad_array = None
    if fold:
        scale = np.ascontiguousarray(scale, dtype=np.float64)
        shift = np.ascontiguousarray(shift, dtype=np.float64)
    if forward:
        if fold:
            beta = scale * beta
        b = np.ascontiguousarray(beta, dtype=np.float64)
        out_array = np.zeros(n)
        out = out_array
    if backward:
        s = np.ascontiguousarray(r, dtype=np.float64)
        grad_array = np.zeros(k)
        grad = grad_array
    if k == 0 or n == 0:
        return out_array, grad_array
    cdef double *scratch = <double *>malloc(block * k * sizeof(double))
    if scratch == NULL:
        raise MemoryError()
    try:
        with nogil:
            start = 0
            while start < n:
                m = min(block, n - start)
                A = _block(&d, start, m, scratch, &lda, &row_major)
                if forward:
                    _times(A, lda, row_major, m, k, &b[0], &out[start])
                if backward:
                    _add_transposed(A, lda, row_major, m, k, &s[start], &grad[0])
                start += m
    finally:
        free(scratch)
    if fold and forward:
        out_array -= shift @ beta
    if fold and backward:
        grad_array = scale * (grad_array - shift * np.sum(r))
    return out_array, grad_array


def fill_block(X, rows, cols, shift, scale, int start, double[:, ::1] out):
    """Rows ``start:start + len(out)`` of ``X~`` (see the module) into ``out``, C-ordered
    (as many rows as ``out`` has, columns all of ``X~``'s)."""
    keep = []
    cdef Design d = _design(X, rows, cols, shift, scale, keep)
    cdef int m = out.shape[0], lda, i, j
    cdef bint row_major
    cdef const double *A
    if out.shape[1] != d.k or start + m > d.n:
        raise ValueError("out does not fit the block")
    if m == 0 or d.k == 0:
        return
    with nogil:
        A = _block(&d, start, m, &out[0, 0], &lda, &row_major)
        if A != &out[0, 0]:  # (a plain design's block, where it is)
            for i in range(m):
                for j in range(d.k):
                    out[i, j] = A[i * lda + j] if row_major else A[i + j * lda]


def weighted_block(
    X, rows, cols, shift, scale, int start,
    const double[::1] centre,
    const float[::1] root,
    const double[::1] w,
    float[:, ::1] out,
    double[::1] sums,
):
    """Rows ``start:start + len(out)`` of ``X~`` (see the module), centred on ``centre``
    and times ``root`` (one per row of ``X~``), in single precision into ``out``
    (``float32(x - c) * root``, as numpy's subtraction into float32 and product make
    them); adds the rows' ``w``-weighted sums to ``sums``. What a weighted Gram matrix's
    block needs, in one pass (``curvature``), without a standardized float64 copy."""
    keep = []
    cdef Design d = _design(X, rows, cols, shift, scale, keep)
    cdef int m = out.shape[0], k = d.k, i, j, lda
    cdef bint row_major
    cdef const double *A
    cdef double x, weight
    cdef float r
    if out.shape[1] != k or sums.shape[0] != k or start + m > d.n:
        raise ValueError("out does not fit the block")
    if m == 0 or k == 0:
        return
    cdef double *scratch = <double *>malloc(k * sizeof(double))
    if scratch == NULL:
        raise MemoryError()
    try:
        with nogil:
            for i in range(m):
                A = _block(&d, start + i, 1, scratch, &lda, &row_major)
                weight, r = w[start + i], root[start + i]
                for j in range(k):
                    x = A[j] if row_major else A[j * lda]
                    sums[j] += weight * x
                    out[i, j] = <float>(x - centre[j]) * r
    finally:
        free(scratch)
