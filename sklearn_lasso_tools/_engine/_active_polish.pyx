# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""A proximal Newton step's weighted Lasso solved by the polish on the Gram matrix of its
active features alone (``_glm_path``'s steps).

The polish (the exact minimizer on the active set with its signs) ends almost every
Newton step of a small path without an epoch of descent. ``_gram_path._polish`` reads the
Gram matrix of every fitted feature for it: on the active set for the system, and the
active rows to check the features left out. That check is their correlations with the
residual, which one product of the design with the residual gives (n k), where those
rows cost n k per active feature; and the weighted Gram matrix was half of a path's time,
on breast cancer, whose active set is about half its fitted set. So here the Gram matrix
holds the active features' columns only (a feature's column joins with the feature), and
the same steps as ``_gram_path._polish`` run on it: the same active sets, signs and
repairs, to rounding (BLAS sums a Gram matrix's entries in an order that depends on its
shape). The caller falls back to ``_solve`` when this does not finish: no active feature
and zero not optimal, repairs exhausted, or a system not positive definite.
"""

from libc.math cimport fabs
from scipy.linalg.cython_blas cimport dgemm, dgemv, dsyrk

from ._signed_solve cimport sign_of, signed_solve

cdef int _REPAIRS = 5  # as _gram_path._REPAIRS


cdef bint polish_active(
    int n, int k, const double* X, const double* x_bar, const double* root, double* A,
    double* b, double l1, double l2, bint positive, int epochs, double* H, double* work,
    int* index,
) noexcept nogil:
    """Minimize ``0.5 ||t - A_k b||^2 + l1 ||b||_1 + 0.5 l2 ||b||^2`` from ``b`` by the
    polish, where ``A_k = diag(root) (X - x_bar)`` (``X``: n x k, Fortran order) and ``t``
    is ``A``'s first column; True (``b`` then the minimizer) or False (``b`` untouched).

    ``epochs``: the descent the polish may cost (``_gram_path._polish``'s). Buffers:
    ``A``: n (k + 1) doubles, its first column given; ``H``: (k + 1)^2; ``work``: k^2 +
    5 k + n; ``index``: 3 k + 1 ints.
    """
    cdef int i, j, s, cols, grown, attempt, m = 0, n_active = 0, n_keep, n_join
    cdef int ld = k + 1
    cdef double v
    cdef double zero = 0.0, plus = 1.0
    cdef char upper = b"U", trans = b"T", no_trans = b"N"
    cdef double* system = work  # the active set's (Jacobi-scaled) system, n_active^2
    cdef double* signs = work + k * k
    cdef double* scale = signs + k
    cdef double* solution = scale + k
    cdef double* coef = solution + k  # the solution by slot (zero for slots left out)
    cdef double* pull = coef + k
    cdef double* residual = pull + k
    cdef int* active = index  # slots of the active features
    cdef int* feature = index + k  # the feature of slot s (1, ..., m) at s - 1
    cdef int* slot = index + 2 * k + 1  # the slot of feature j, or 0
    # slot 0 is t; a feature's slot is its column of A and of H (H[a, b] at a + b ld,
    # upper triangle: a <= b)
    for j in range(k):
        slot[j] = 0
        if b[j] != 0.0:
            m += 1
            slot[j] = m
            feature[m - 1] = j
            active[n_active] = m
            signs[n_active] = sign_of(b[j])
            n_active += 1
    if m == 0:  # zero, if the conditions hold there (else descent: the caller's)
        _correlations(n, k, X, x_bar, root, A, coef, 0, pull, residual)
        for j in range(k):
            v = pull[j] if positive else fabs(pull[j])
            if not v <= l1 * (1 + 1e-12):
                return False
        return True
    if _REPAIRS * <double>m * m * m / 3 > <double>epochs * m * k:
        return False
    for s in range(1, m + 1):
        _column(n, X + <size_t>feature[s - 1] * n, x_bar[feature[s - 1]], root,
                A + <size_t>s * n)
    s = m + 1
    dsyrk(&upper, &trans, &s, &n, &plus, A, &n, &zero, H, &ld)
    for attempt in range(_REPAIRS):
        for i in range(n_active):
            for j in range(n_active):
                system[i * n_active + j] = _entry(H, ld, active[i], active[j])
        n_keep = signed_solve(n_active, system, scale, solution, H, ld, active, signs, l1, l2)
        if n_keep < 0:
            return False  # not positive definite: the active columns are dependent
        if n_keep < n_active:  # signs flipped: those features leave
            n_active = n_keep
            if n_active == 0:
                return False
            continue
        for s in range(m):
            coef[s] = 0.0
        for i in range(n_active):
            coef[active[i] - 1] = solution[i]
        _correlations(n, k, X, x_bar, root, A, coef, m, pull, residual)
        for i in range(n_active):
            pull[feature[active[i] - 1]] = 0.0
        n_join = 0
        grown = m
        for j in range(k):
            v = pull[j] if positive else fabs(pull[j])
            if v > l1 * (1 + 1e-9):
                if slot[j] == 0:  # its column joins A and H
                    m += 1
                    slot[j] = m
                    feature[m - 1] = j
                    _column(n, X + <size_t>j * n, x_bar[j], root, A + <size_t>m * n)
                active[n_active + n_join] = slot[j]
                signs[n_active + n_join] = 1.0 if positive else sign_of(pull[j])
                n_join += 1
        if n_join == 0:
            for j in range(k):
                b[j] = 0.0
            for i in range(n_active):
                b[feature[active[i] - 1]] = solution[i]
            return True
        if m > grown:  # H's columns of the new slots, against every slot up to them
            s, cols = m + 1, m - grown
            dgemm(&trans, &no_trans, &s, &cols, &n, &plus, A, &n, A + <size_t>(grown + 1) * n,
                  &n, &zero, H + <size_t>(grown + 1) * ld, &ld)
        n_active += n_join
    return False


cdef inline double _entry(const double* H, int ld, int a, int c) noexcept nogil:
    return H[a + <size_t>c * ld] if a <= c else H[c + <size_t>a * ld]


cdef void _column(int n, const double* x, double x_bar, const double* root,
                  double* column) noexcept nogil:
    """A feature's column of ``A``: ``root (x - x_bar)``."""
    cdef int i
    for i in range(n):
        column[i] = (x[i] - x_bar) * root[i]


cdef void _correlations(int n, int k, const double* X, const double* x_bar,
                        const double* root, const double* A, const double* coef, int m,
                        double* pull, double* residual) noexcept nogil:
    """``pull = A_k' (t - A_m coef)``, the correlations of every feature with the
    residual of the slots' fit, through ``X`` (one product, n k) rather than the Gram
    matrix's rows (n k per feature): ``A_j' r = X_j' (root r) - x_bar_j sum(root r)``."""
    cdef int i, j, one = 1
    cdef double total = 0.0, zero = 0.0, plus = 1.0, minus = -1.0
    cdef char trans = b"T", no_trans = b"N"
    for i in range(n):
        residual[i] = A[i]
    if m > 0:
        dgemv(&no_trans, &n, &m, &minus, A + n, &n, coef, &one, &plus, residual, &one)
    for i in range(n):
        residual[i] *= root[i]
        total += residual[i]
    dgemv(&trans, &n, &k, &plus, X, &n, residual, &one, &zero, pull, &one)
    for j in range(k):
        pull[j] -= x_bar[j] * total
