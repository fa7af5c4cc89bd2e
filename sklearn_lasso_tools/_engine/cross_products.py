"""Squared loss with more samples than features, fitted from cross-products of
``[X, y]`` instead of ``X`` (glmnet's covariance updates): ``CrossProducts`` sums them
once for the whole data (and for each fold's held-out rows), ``RowSubset`` is the design of
some rows given by their moments alone, and its problem carries the standardized Gram
matrix in place of the design; ``cross_products_for`` says when a fit takes this route.
Pure numerics."""

from dataclasses import dataclass

import numpy as np

from .families import family_for
from .problem import Problem
from .standardize import column_scales
from .threads import single_threaded_blas

__all__ = ["CrossProducts", "RowSubset", "cross_products_for"]

_BLOCK_ROWS = 4096  # rows per block of a cross-product (see CrossProducts)


class CrossProducts:
    """Weighted cross-products of ``[X, y]`` (dense ``X``, squared loss), from which the
    standardized Gram matrix of any subset of rows follows by subtracting the other rows'
    products: the folds of a cross-validation then neither copy their rows nor multiply
    them. Everything is centred on the whole data's means first, so the differences lose
    no digits to large means.

    ``held_out`` may list the rows each fold holds out: when no row is in two of them,
    the whole data's products are the sum of theirs (and of the rows none holds out), so
    each row is multiplied once, not once for the whole and once more for its fold.
    """

    def __init__(self, X, y, sample_weight=None, held_out=()):
        self.X, self.y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.w = np.ones(X.shape[0]) if sample_weight is None else sample_weight
        # unit weights need no square roots in the products (checked once, not per block)
        self.unit = sample_weight is None or bool(np.all(sample_weight == 1.0))
        self.weight = self.w.sum()
        self.centre = self.w @ X / self.weight
        self.y_centre = self.w @ y / self.weight
        self._centres = np.append(self.centre, self.y_centre)  # of [X, y]
        self._parts = []  # (rows, their moments) of the held-out blocks
        self.total = None
        if len(held_out):
            every = np.concatenate(held_out)
            counts = np.bincount(every, minlength=X.shape[0])  # how often each row is held out
            if counts.max() <= 1:
                self._parts = [(rows, self._moments(rows)) for rows in held_out]
                parts = [moments for _, moments in self._parts]
                if not counts.all():
                    parts.append(self._moments(np.flatnonzero(counts == 0)))
                self.total = tuple(sum(terms) for terms in zip(*parts, strict=True))
        if self.total is None:
            self.total = self._moments(None)

    def _moments_of(self, rows):
        """The moments of ``rows``, those of a held-out block already computed."""
        for part, moments in self._parts:
            if np.array_equal(part, rows):
                return moments
        return self._moments(rows)

    def _moments(self, rows):
        """``(sum w, sum w a, sum w a a')`` of ``a = [x, y] - centres`` over ``rows`` (an
        index array, or None for all), a block of rows at a time: fresh copies of a large
        design would cost as much in page faults as the products themselves."""
        n_rows, p = self.X.shape[0] if rows is None else rows.size, self.X.shape[1]
        sums, products = np.zeros(p + 1), np.zeros((p + 1, p + 1))
        buffer = np.empty((min(n_rows, _BLOCK_ROWS), p))
        # one thread: on a shared machine, two threads often take twice as long, not half
        with single_threaded_blas():
            for start in range(0, n_rows, _BLOCK_ROWS):
                block = slice(start, start + _BLOCK_ROWS)
                if rows is not None:
                    block = rows[block]
                w = self.w[block]
                Z = buffer[: w.size]
                if rows is None:
                    np.subtract(self.X[block], self.centre, out=Z)
                else:
                    # (mode="clip": with "raise", numpy buffers ``out``, a copy more)
                    np.take(self.X, block, axis=0, out=Z, mode="clip")
                    Z -= self.centre
                t = self.y[block] - self.y_centre
                sums[:p] += w @ Z
                sums[p] += w @ t
                if not self.unit:
                    root = np.sqrt(w)
                    Z *= root[:, None]
                    t = t * root
                products[:p, :p] += Z.T @ Z
                products[:p, p] += Z.T @ t
                products[p, p] += t @ t
        products[p, :p] = products[:p, p]
        return (self.weight if rows is None else self.w[rows].sum()), sums, products

    def moments(self):
        """The whole data's weighted column means and covariance matrix of ``X``."""
        weight, sums, products = self.total
        mean = sums / weight
        cov = products / weight - np.multiply.outer(mean, mean)
        return self.centre + mean[:-1], cov[:-1, :-1]

    def squared_residuals(self, rows, coefs, intercepts):
        """``(squares, weight, total)``: the weighted sum of squared residuals over ``rows``
        of each point of a path (``coefs`` of shape (n_alphas, n_features), caller's
        scale), the rows' weight, and their weighted sum of squares about their mean, all
        from the rows' moments (no pass over them); None when the terms that cancel exceed
        a sum a million times (nearly exact fits), which would keep only about 10 digits."""
        weight, sums, products = self._moments_of(rows)
        B = np.column_stack([-coefs, np.ones(len(coefs))])  # residual: a . B_k + d_k
        d = self.y_centre - intercepts - coefs @ self.centre
        with single_threaded_blas():  # (a small product: threads cost more than they save)
            quadratic = np.einsum("kj,kj->k", B @ products, B)
        squares = quadratic + d * (2 * (B @ sums) + weight * d)
        # the size of the terms that cancel (Cauchy-Schwarz)
        terms = (np.abs(B) @ np.sqrt(products.diagonal()) + np.sqrt(weight) * np.abs(d)) ** 2
        if np.any(terms > 1e6 * squares):
            return None
        return squares, weight, products[-1, -1] - sums[-1] ** 2 / weight

    def whole(self):
        """``without`` no rows: a ``RowSubset`` of every row, or None."""
        return self._subset(*self.total)

    def without(self, rows):
        """A ``RowSubset`` of every row but ``rows`` (indices), or None when a feature is
        nearly constant on the others but not everywhere: the difference of products
        would then be mostly rounding."""
        return self._subset(
            *(total - part for total, part in zip(self.total, self._moments_of(rows), strict=True))
        )

    def _subset(self, weight, sums, products):
        """The ``RowSubset`` of rows of these moments (see ``without``), or None."""
        mean = sums / weight
        cov = products / weight - np.multiply.outer(mean, mean)
        second_moment = products.diagonal() / weight
        magnitude = np.maximum(np.abs(self._centres + mean), 1.0)
        constant = second_moment <= (1e-10 * magnitude) ** 2  # dropped, as by standardize.prepare
        if np.any((cov.diagonal() <= 1e-8 * second_moment) & ~constant):
            return None
        return RowSubset(self.centre + mean[:-1], cov)


@dataclass(frozen=True)
class RowSubset:
    """Some rows of a dense design, by their weighted column means and the weighted
    covariance of ``[X, y]`` (weights summing to one): what ``l1_path`` needs for squared
    loss with more samples than features, in place of ``X``."""

    mean: np.ndarray
    cov: np.ndarray

    @property
    def shape(self):
        return (None, self.mean.size)

    def prepare(self, n_samples, sample_weight, *, scale, penalty_factor, positive):
        """The ``Problem`` of ``standardize.prepare``, carrying the Gram matrix and
        ``X~' diag(n v) y`` in place of the design."""
        p = self.mean.size
        keep, col_scale, ridge = column_scales(
            self.mean, self.cov.diagonal()[:p], scale, penalty_factor
        )
        if keep.all():  # (the common case: no copy of the selection)
            cov = self.cov[:, :p]
        else:
            columns = np.flatnonzero(keep)
            cov = self.cov[np.ix_(np.append(columns, p), columns)]
        inv = 1.0 / col_scale[keep]
        gram = n_samples * cov[:-1] * np.multiply.outer(inv, inv)
        xy = n_samples * cov[-1] * inv
        uniform = sample_weight is None
        v = np.full(n_samples, 1.0 / n_samples) if uniform else sample_weight / sample_weight.sum()
        return Problem(
            None, None, self.mean, col_scale, keep, v, uniform, None, ridge, positive, gram, xy
        )


def cross_products_for(X, y, task, sample_weight=None, held_out=()):
    """The whole data's ``CrossProducts`` where squared-loss paths are fitted from Gram
    matrices (a dense design with more samples than features), else None; ``task``: the
    family (or its name); ``held_out``: the folds' held-out rows (see ``CrossProducts``)."""
    squared_loss = family_for(task).squared_loss
    if squared_loss and isinstance(X, np.ndarray) and X.shape[0] > X.shape[1]:
        return CrossProducts(X, y, sample_weight, held_out)
    return None
