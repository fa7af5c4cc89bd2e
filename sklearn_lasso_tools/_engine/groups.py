"""Correlated groups: features L1 dropped for a highly correlated one it kept.

Correlations are computed at fit between a few candidate features (those
the path keeps) and every feature, in ``O(n_samples * n_features * n_candidates)`` and
without densifying sparse input; only pairs with ``|corr| >= CORR_FLOOR`` are kept, so the
report never stores ``X`` nor a ``p x p`` matrix.
"""

import numpy as np
from scipy import sparse

__all__ = [
    "CORR_FLOOR",
    "correlated_pairs",
    "weighted_moments",
]

CORR_FLOOR = 0.5
_CHUNK_CELLS = 250_000  # features x candidates per block of X.T @ U (2 MB of floats)


def weighted_moments(X, weights):
    """Weighted column means and population standard deviations (``weights`` sum to one).

    Sparse columns are centred exactly, their implicit zeros counted once per column.
    """
    if sparse.issparse(X):
        X = sparse.csc_matrix(X)
        mean = np.asarray(X.T @ weights).ravel()
        # per column: sum over stored entries of w (x - mean)^2, plus the implicit zeros'
        # weight times mean^2 (column sums of sparse matrices sharing X's structure)
        w = weights[X.indices]
        centred = X.data - np.repeat(mean, np.diff(X.indptr))
        stored = sparse.csc_matrix((w * centred**2, X.indices, X.indptr), shape=X.shape)
        weight = sparse.csc_matrix((w, X.indices, X.indptr), shape=X.shape)
        var = np.asarray(stored.sum(axis=0)).ravel()
        var += (1.0 - np.asarray(weight.sum(axis=0)).ravel()) * mean**2
    else:
        mean = weights @ X
        var = np.empty(X.shape[1])
        step = max(1, _CHUNK_CELLS // max(X.shape[0], 1))
        for start in range(0, X.shape[1], step):
            block = X[:, start : start + step] - mean[start : start + step]
            var[start : start + step] = weights @ block**2
    return mean, np.sqrt(np.maximum(var, 0.0))


def correlated_pairs(X, candidates, sample_weight=None, floor=CORR_FLOOR, moments=None):
    """Pairs (candidate, other feature) whose weighted Pearson correlation is at least
    ``floor`` in absolute value.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    candidates : ndarray of int
        Features to correlate with every feature.
    sample_weight : ndarray of shape (n_samples,), default=None
    floor : float, default=CORR_FLOOR
    moments : tuple of ndarray, default=None
        The weighted column means and covariance matrix of ``X``, when already known
        (then no pass over ``X``).

    Returns
    -------
    first, second : ndarray of int
        Feature indices (``first`` among ``candidates``; never ``first == second``).
    corr : ndarray of float
        Constant features correlate with nothing.
    """
    n_samples, n_features = X.shape
    weights = np.full(n_samples, 1.0 / n_samples) if sample_weight is None else sample_weight
    weights = np.asarray(weights, dtype=np.float64) / np.sum(weights)
    if moments is None:
        mean, std = weighted_moments(X, weights)
    else:
        mean, cov = moments
        std = np.sqrt(np.maximum(cov.diagonal(), 0.0))
    constant = std <= 1e-12 * np.maximum(np.abs(mean), 1.0)
    std = np.where(constant, 1.0, std)
    candidates = np.asarray(candidates, dtype=np.intp)
    firsts, seconds, values = [], [], []
    step = max(1, _CHUNK_CELLS // max(n_features, n_samples, 1))
    for start in range(0, candidates.size, step):
        cols = candidates[start : start + step]
        if moments is None:
            block = X[:, cols]
            block = block.toarray() if sparse.issparse(block) else np.asarray(block)
            # weighted, centred candidates: X.T @ U is then the covariance (U sums to zero)
            covariance = np.asarray(X.T @ (weights[:, None] * (block - mean[cols])))
        else:
            covariance = cov[:, cols]
        corr = covariance / (std[:, None] * std[cols][None, :])
        corr[constant] = 0.0
        corr[:, constant[cols]] = 0.0
        corr[cols, np.arange(cols.size)] = 0.0  # a feature with itself
        other, which = np.nonzero(np.abs(corr) >= floor)
        firsts.append(cols[which])
        seconds.append(other)
        values.append(np.clip(corr[other, which], -1.0, 1.0))
    if not firsts:
        return np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0)
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(values)
