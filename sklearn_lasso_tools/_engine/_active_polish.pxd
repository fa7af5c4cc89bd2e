# The kernel ``_glm_path`` calls; see ``_active_polish.pyx``.

cdef bint polish_active(
    int n, int k, const double* X, const double* x_bar, const double* root, double* A,
    double* b, double l1, double l2, bint positive, int epochs, double* H, double* work,
    int* index,
) noexcept nogil
