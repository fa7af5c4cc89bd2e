# The kernels other compiled modules call (``_gram_path``); see ``_core.pyx``.

cdef double gram_cd(
    int p, double* wp, double l1, double l2, const double* Gp, const double* Xyp, double yy,
    int max_iter, double tol, bint positive, double* work, int* kept, int* epochs,
) noexcept nogil
