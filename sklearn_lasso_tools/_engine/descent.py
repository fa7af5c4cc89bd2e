"""Elastic-net coordinate descent: the entry point to the compiled kernels (``_core``)."""

import numpy as np

from ._core import dense_descent, gram_descent, sparse_descent

__all__ = ["coordinate_descent"]


def coordinate_descent(
    w,
    l1_reg,
    l2_reg,
    y,
    *,
    X=None,
    gram=None,
    Xy=None,
    sparse_X=None,
    sample_weight=None,
    X_mean=None,
    max_iter=1000,
    tol=1e-7,
    positive=False,
):
    """Cyclic coordinate descent for the elastic net, warm-started from ``w``.

    Minimizes ``0.5 * ||y - X w||^2 + l1_reg * ||w||_1 + 0.5 * l2_reg * ||w||^2`` over ``w``,
    with ``w >= 0`` if ``positive``, writing the solution into ``w``. For a sparse design
    the loss is ``0.5 * sum_i u_i (y_i - (x_i - X_mean) . w)^2`` with ``u = sample_weight``
    (centring implicit: the matrix is never densified). Descent stops once the duality gap
    is at most ``tol * ||y||^2`` (weighted: ``tol * sum_i u_i y_i^2``), the meaning
    scikit-learn's ``enet_coordinate_descent`` gives ``tol``, or after ``max_iter``
    epochs; it never warns (the caller judges convergence from the returned gap).

    Parameters
    ----------
    w : ndarray of shape (n_features,)
        float64, C-contiguous: the warm start, overwritten with the solution.
    l1_reg, l2_reg : float
        The penalties.
    y : ndarray of shape (n_samples,)
        The target (with ``gram``, used for ``||y||^2`` only).
    X : ndarray of shape (n_samples, n_features), optional
        A dense design in Fortran order.
    gram, Xy : ndarrays of shapes (n_features, n_features) and (n_features,), optional
        ``X' X`` and ``X' y``.
    sparse_X : scipy.sparse CSC matrix or ``sparse_columns.ColumnBlock``, optional
        A sparse design (float64 data, int32 indices).
    sample_weight : ndarray of shape (n_samples,), optional
        With ``sparse_X``: the sample weights ``u`` (ones if None).
    X_mean : ndarray of shape (n_features,), optional
        With ``sparse_X``: the centring (none if None).
    max_iter : int
        Most epochs.
    tol : float
        The gap tolerance relative to ``||y||^2``.
    positive : bool
        Constrain the coefficients to be non-negative.

    Returns
    -------
    gap : float
        The final duality gap.
    tol : float
        The absolute gap tolerance it was compared with.
    n_iter : int
        Epochs run.
    """
    if gram is not None:
        if not gram.flags.c_contiguous:
            # symmetric: a Fortran-ordered one's transpose is the same matrix in C order
            gram = gram.T if gram.flags.f_contiguous else np.ascontiguousarray(gram)
        return gram_descent(w, l1_reg, l2_reg, gram, Xy, y, max_iter, tol, positive)
    if sparse_X is not None:
        n_samples, n_features = sparse_X.shape
        if sample_weight is None:
            sample_weight = np.ones(n_samples)
        if X_mean is None:
            X_mean = np.zeros(n_features)
        return sparse_descent(
            w,
            l1_reg,
            l2_reg,
            sparse_X.data,
            sparse_X.indices,
            sparse_X.indptr,
            y,
            sample_weight,
            X_mean,
            max_iter,
            tol,
            positive,
        )
    return dense_descent(w, l1_reg, l2_reg, X, y, max_iter, tol, positive)
