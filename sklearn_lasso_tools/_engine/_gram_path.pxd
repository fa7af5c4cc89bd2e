# The kernel other compiled modules call (``_glm_path``, ``_multinomial_cycle``); see
# ``_gram_path.pyx``.

cdef int _solve(
    int p, double* b, double l1, double l2, const double* G, const double* Xy, double yy,
    int max_iter, double tol, bint positive, double* work, int* kept, int* active,
    double* ratio,
) noexcept nogil
