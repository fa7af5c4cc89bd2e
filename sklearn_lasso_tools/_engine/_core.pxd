# The kernels other compiled modules call (``_gram_path``, ``_wide_newton``); see
# ``_core.pyx``.

cdef double gram_cd(
    int p, double* wp, double l1, double l2, const double* Gp, const double* Xyp, double yy,
    int max_iter, double tol, bint positive, double* work, int* kept, int* epochs,
) noexcept nogil

cdef double dense_cd(
    int n, int p, double* wp, double l1, double l2, const double* X, const double* y,
    int max_iter, double tol, bint positive, double* r, double* g, double* sq, int* kept,
    double* abs_tol_out, int* epochs,
) noexcept nogil
