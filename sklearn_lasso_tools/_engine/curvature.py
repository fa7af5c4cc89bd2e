"""A Newton step's curvature, kept for the steps after it, for tall dense designs.

A proximal Newton step for the logistic loss is a weighted Lasso whose weights are the
curvature ``h_i = p_i (1 - p_i)``. With many more samples than features in the working set,
that step costs mostly its weighted Gram matrix (``n k^2``), while everything else in it
costs ``n k``. Proximal Newton converges with any positive curvature, not only the current
one: quadratically with the current one, linearly with an older one, at a rate set by how far
the weights have moved since. Along a warm-started path they move little from one alpha to
the next, so keeping the Gram matrix of an earlier step and rebuilding it only when the
steps stop contracting (or the weights have drifted) makes most steps ``n k``.

The Gram matrix is kept on the working set's features; when the set grows, only the new
rows and columns are computed (``n k`` per new feature).
"""

import numpy as np

from .in_place import InPlaceDesign, row_blocks

__all__ = ["Curvature"]

_MIN_ROWS_PER_FEATURE = 4  # below this, or
_MIN_GRAM_WORK = 2_000_000  # ... below this n k^2, a Gram matrix is not worth keeping
# Rebuild once the weights moved by more than this (weighted, relative), or when a step with
# kept weights shrank the step length by less than this; tuned on logit_50000x200 of
# benchmarks/run.py (one Gram matrix per five steps, two steps per alpha).
_DRIFT = 0.01
_SLOW = 0.1
# The next first step's model error is the last one's plus this share of its last change
# (same features and kept weights): 593 passes of logit_50000x200's CV, against 612 at 0.7,
# 621 at 1 (a full linear extrapolation, which follows the rough first steps' noise) and
# 631 at 0 (the last error as it is).
_TREND = 0.5
_ROW_BLOCK = 4096  # rows per block of a Gram matrix's product (6.5 MB at k = 200)
# A Gram matrix is extended by its new features' rows and columns (in double precision:
# 2 n k m for m new of k) while they are at most this share of them, else made anew
# (in single precision, symmetric: n k^2 at twice the speed); 110 against 31 ms when a
# path on logit_50000x200 of benchmarks/run.py takes its whole design at k = 26
_EXTENDED_SHARE = 0.25


class Curvature:
    """Curvature weights and their Gram matrix, shared by the Newton steps of a path.

    ``v`` are the sample weights (summing to one); the Gram matrix is that of the weighted
    least-squares problem of ``_wls.WeightedLasso``: ``n * sum_i w_i (x~_i - m)(x~_i - m)'``
    with ``w = v * h`` and ``m`` the ``w``-weighted means.
    """

    def __init__(self, v, drift=_DRIFT):
        self.v = v
        self.drift = drift  # rebuild once the weights moved by more than this
        self.h = None  # the kept curvature
        self.columns = None  # features (of the full problem) the Gram matrix covers
        self.mean = None
        self.matrix = None
        self.rebuild = True
        self.centre = None  # (columns, means) of the last Gram matrix, to centre the next
        self.error = None  # (columns, error, weights) of the last first step's model
        self.before = None  # ... and of the one before it
        self.kept = 0  # which weights are kept (counts them)

    @staticmethod
    def applies(sub):
        """Whether keeping Gram matrices pays for the problem ``sub``: dense, tall, not
        tiny, and without per-feature ridge weights (penalty factors with l1_ratio < 1)."""
        n, k = sub.X.shape
        return (
            sub.offset is None
            and sub.ridge is None
            and n >= _MIN_ROWS_PER_FEATURE * k
            and n * k * k >= _MIN_GRAM_WORK
        )

    def weights(self, h):
        """The curvature of the next step: the kept one, or ``h`` (which is then kept).

        Returns ``(curvature, kept)``."""
        if not self.rebuild and self.h is not None:
            drift = self.v @ np.abs(h - self.h) / (self.v @ self.h)
            if drift <= self.drift:
                return self.h, True
        if self.mean is not None:
            self.centre = (self.columns, self.mean)
        self.h, self.columns, self.mean, self.matrix = h, None, None, None
        self.kept += 1
        return h, False

    def observe(self, columns, known, predicted, correction, n):
        """Record the error of a first Newton step's quadratic model at the point the step
        led to, from the loss's gradient there, ``known = (X~' r, sum r)``: the
        coefficients' (centred and times n, as ``Xy``; ``predicted``, the model's before
        any ``correction``) and the intercept's (the model's is zero, less the correction's)."""
        grad, grad_intercept = known
        actual = n * (grad - grad_intercept * self.mean)
        model_intercept = 0.0 if correction is None else -correction[1]
        error = (actual - predicted, grad_intercept - model_intercept)
        self.before, self.error = self.error, (columns, error, self.kept)

    def model_error(self, columns):
        """The next first step's model error (see ``observe``) as predicted from the last
        one's, on the features ``columns`` (None: not known on them).

        A first step from the last alpha's solution solves a quadratic model of the loss
        (kept curvature, gradient at the start), whose error where it leads is mostly
        the kept curvature's drift and the loss's third derivative along the step: alike
        from one alpha of the path to the next. Taking the last one's error off the model
        makes the first step land within the optimality conditions about half the time
        on logit_50000x200 of benchmarks/run.py (else a second step corrects it), which
        saves that step's pass over X. Where the one before was on the same features and
        weights, the error's trend (``_TREND`` of its last change) lands a few more."""
        if self.error is None or not np.array_equal(self.error[0], columns):
            return None
        error, before = self.error[1], self.before
        same = before is not None and before[2] == self.error[2] == self.kept
        if not (same and np.array_equal(before[0], columns)):
            return error
        return tuple(e + _TREND * (e - b) for e, b in zip(error, before[1], strict=True))

    def judge(self, kept, step, change, previous):
        """After a step: rebuild before the next one if kept weights did not contract."""
        self.rebuild = kept and not (step == 1.0 and change < _SLOW * previous)

    def gram(self, sub):
        """``(mean, Gram matrix)`` on the features ``sub.columns``, for the kept weights."""
        columns = sub.columns
        if self.columns is not None and np.array_equal(self.columns, columns):
            return self.mean, self.matrix
        w = self.v * self.h
        total = w.sum()
        known = self.columns is not None and np.isin(self.columns, columns).all()
        if not known or columns.size - self.columns.size > _EXTENDED_SHARE * columns.size:
            if self.columns is not None:
                self.centre = (self.columns, self.mean)
            self.mean, matrix = _weighted_gram(sub.X, w, self._centre_on(columns))
            self.matrix = sub.n_samples * matrix
        else:
            self._extend(sub, w, total)
        self.columns = columns
        return self.mean, self.matrix

    def _centre_on(self, columns):
        """Where the next Gram matrix's products are centred: the last one's means (the
        weights drift little), zero (the standardized features' mean) where unknown."""
        centre = np.zeros(columns.size)
        if self.centre is not None:
            known, means = self.centre
            where = np.searchsorted(columns, known)
            inside = where < columns.size
            inside[inside] = columns[where[inside]] == known[inside]
            centre[where[inside]] = means[inside]
        return centre

    def _extend(self, sub, w, total):
        """Add the new features' rows and columns: ``X' diag(w) (x_j - m_j)`` (the
        centring of the other side drops out, as ``sum_i w_i (x_ij - m_j) = 0``)."""
        columns = sub.columns
        old = np.searchsorted(columns, self.columns)
        new = np.setdiff1d(np.arange(columns.size), old, assume_unique=True)
        mean = np.empty(columns.size)
        mean[old] = self.mean
        sums, cross = _weighted_cross(sub.X, new, w)
        mean[new] = sums[new] / total
        # X' diag(w) (x_j - m_j) = X' diag(w) x_j - (X' w) m_j
        cross = sub.n_samples * (cross - np.multiply.outer(sums, mean[new]))
        matrix = np.empty((columns.size, columns.size))
        matrix[np.ix_(old, old)] = self.matrix
        matrix[:, new] = cross
        matrix[new, :] = cross.T
        self.mean, self.matrix = mean, matrix


def _weighted_gram(X, w, centre):
    """``(m, G)``: ``m`` the ``w``-weighted means and ``G = sum_i w_i (x_i - m)(x_i -
    m)'``, in one pass by blocks of rows: no weighted copy of the whole design (it would be
    the largest array of a tall fit), and no pass of its own for the means (the products
    are centred on ``c = centre``, near ``m``, and corrected: ``G = sum_i w_i (x_i - c)
    (x_i - c)' - W (m - c)(m - c)'``, ``W = sum_i w_i``).

    Each block's product is in single precision (summed in double): two thirds of the
    time, and the curvature it gives is an approximation anyway (kept while the weights
    drift by up to a percent; the gradient, and so where Newton stops, stays exact)."""
    gram = np.zeros((X.shape[1], X.shape[1]))
    sums = np.zeros(X.shape[1])
    root = np.sqrt(w).astype(np.float32)
    block = np.empty((min(_ROW_BLOCK, X.shape[0]), X.shape[1]), dtype=np.float32)
    if isinstance(X, InPlaceDesign):  # (each block made in one compiled pass)
        centre = np.ascontiguousarray(centre, dtype=np.float64)
        for start in range(0, X.shape[0], _ROW_BLOCK):
            part = block[: min(_ROW_BLOCK, X.shape[0] - start)]
            X.weighted_block(start, centre, root, w, part, sums)
            gram += part.T @ part
    else:
        for rows, rows_of_X in row_blocks(X, _ROW_BLOCK):
            sums += w[rows] @ rows_of_X
            part = block[: root[rows].size]
            np.subtract(rows_of_X, centre, out=part, casting="same_kind")
            part *= root[rows, None]
            gram += part.T @ part
    total = w.sum()
    mean = sums / total
    shift = mean - centre
    gram -= total * np.multiply.outer(shift, shift)
    return mean, gram


def _weighted_cross(X, new, w):
    """``(X' w, X' diag(w) X[:, new])``, by blocks of rows (``new`` may be half the
    columns, when the working set becomes the whole design)."""
    cross = np.zeros((X.shape[1], new.size))
    sums = np.zeros(X.shape[1])
    for rows, block in row_blocks(X, _ROW_BLOCK):
        sums += w[rows] @ block
        part = block[:, new] * w[rows, None]
        cross += block.T @ part
    return sums, cross
