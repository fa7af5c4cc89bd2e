"""The standardized design the path solvers see: from ``X`` (``prepare``: centred and
scaled, penalty factors folded into the columns), or for squared loss with more samples
than features from cross-products of ``[X, y]`` alone (``CrossProducts``, ``RowSubset``).
Pure numerics."""

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ._csc import csc_dense_columns, csc_matvec, csc_rmatvec, csc_take_columns
from ._wide import centred_variances, gather_fortran, standardize_single
from .families import family_for
from .in_place import InPlaceDesign, weighted_moments
from .threads import single_threaded_blas

__all__ = [
    "ColumnBlock",
    "CrossProducts",
    "RowSubset",
    "cross_products_for",
    "dense_columns",
    "design_order",
    "prepare",
    "reads_in_place",
    "sparse_rmatvec",
    "take_columns",
    "take_rows",
]

UNPENALIZED = 1e-10  # the penalty factor standing for zero (see _path)
_BLOCK_ROWS = 4096  # rows per block of a cross-product (see CrossProducts)
_BLOCK_COLUMNS = 256  # columns per block of take_rows
_BLOCK_CELLS = 1 << 16  # cells per block of rows of take_rows (512 kB: in cache)
_FORTRAN_CELLS = 1_000_000  # tall designs from this size on are Fortran-ordered, when
_FORTRAN_FEATURES = 64  # ... they have more features than this (see design_order)
_IN_PLACE_ROWS_PER_FEATURE = 4  # tall GLM designs read in place have this many rows a feature


@dataclass(frozen=True)
class _Problem:
    """Standardized design: dense and centred, sparse with an implicit offset, or (for
    squared loss with more samples than features) only its Gram matrix."""

    X: object  # ndarray (centred, scaled), InPlaceDesign, CSC matrix or ColumnBlock
    # (scaled only), None
    offset: np.ndarray | None  # column means of sparse X (None when X is centred)
    mean: np.ndarray  # caller-scale column means, all features
    scale: np.ndarray  # caller-scale column divisors (std * penalty factor), all features
    keep: np.ndarray  # non-constant features
    v: np.ndarray  # sample weights summing to one
    uniform: bool
    subset: np.ndarray | None = None  # the full problem's features, when restricted
    ridge: np.ndarray | None = None  # per-column L2 weights 1 / f_j (None: all ones)
    positive: bool = False
    gram: np.ndarray | None = None  # X~' diag(n v) X~, given instead of X (see RowSubset)
    xy: np.ndarray | None = None  # X~' diag(n v) y, with the Gram matrix
    single: tuple | None = None  # X's float32 copy, made with it (see _SinglePrecision)

    @property
    def n_samples(self):
        return self.v.size

    @property
    def n_features(self):
        return self.gram.shape[0] if self.X is None else self.X.shape[1]

    @property
    def columns(self):
        """Which features of the full problem these columns are (all, unless restricted)."""
        return np.arange(self.n_features) if self.subset is None else self.subset

    def restrict(self, mask):
        """The same problem on the features where ``mask`` is true."""
        if mask.all():
            return self
        columns = np.flatnonzero(mask)
        if isinstance(self.X, InPlaceDesign):
            X = self.X.restrict(columns)
        elif self.offset is not None:
            X = take_columns(self.X, columns)
        elif self.X.flags.c_contiguous:
            X = np.take(self.X, columns, axis=1)  # twice as fast as indexing, on C order
        else:
            X = self.X[:, columns]
        offset = None if self.offset is None else self.offset[columns]
        ridge = None if self.ridge is None else self.ridge[columns]
        return _Problem(
            X, offset, None, None, None, self.v, self.uniform, columns, ridge, self.positive
        )

    def matvec(self, beta):
        if isinstance(self.X, InPlaceDesign):
            return self.X.matvec(beta)
        if self.offset is not None:  # only the nonzero coefficients' columns are read
            nonzero = np.flatnonzero(beta)
            X, values = self.X, beta[nonzero]
            out = csc_matvec(X.data, X.indices, X.indptr, nonzero, values, X.shape[0])
            return out - self.offset[nonzero] @ values
        if np.count_nonzero(beta) > beta.size // 4:
            out = self.X @ beta
        else:  # few active features: touch only their columns
            nonzero = np.flatnonzero(beta)
            out = self.X[:, nonzero] @ beta[nonzero]
        return out if self.offset is None else out - self.offset @ beta

    def rmatvec(self, r):
        """X~' r for a residual-like ``r`` (already weighted)."""
        if isinstance(self.X, InPlaceDesign):
            return self.X.rmatvec(r)
        if self.offset is None:
            return self.X.T @ r
        return sparse_rmatvec(self.X, r) - self.offset * r.sum()


def sparse_rmatvec(X, r):
    """``X' r`` for a CSC ``X`` with int32 indices (as ``prepare`` makes them)."""
    return csc_rmatvec(X.data, X.indices, X.indptr, np.ascontiguousarray(r, dtype=np.float64))


class ColumnBlock:
    """Some columns of a CSC design (``take_columns``): its three arrays (int32 indices)
    and shape, which is all the solvers read of a restricted sparse design. Not a scipy
    matrix: a path takes thousands of them, and scipy's checks of a new matrix cost more
    than copying the columns."""

    __slots__ = ("data", "indices", "indptr", "shape")

    def __init__(self, data, indices, indptr, n_rows):
        self.data, self.indices, self.indptr = data, indices, indptr
        self.shape = (n_rows, indptr.size - 1)

    def toarray(self):
        return dense_columns(self, np.arange(self.shape[1]))


def take_columns(X, columns):
    """``X[:, columns]`` of a CSC ``X`` with int32 indices (``columns``: indices), in one
    compiled pass, as a ``ColumnBlock``."""
    columns = np.asarray(columns, dtype=np.int64)
    parts = csc_take_columns(X.data, X.indices, X.indptr, columns)
    return ColumnBlock(*parts, X.shape[0])


def dense_columns(X, columns):
    """``X[:, columns]`` of a CSC ``X`` with int32 indices, dense, in Fortran order."""
    columns = np.asarray(columns, dtype=np.int64)
    return csc_dense_columns(X.data, X.indices, X.indptr, columns, X.shape[0])


def prepare(
    X,
    sample_weight=None,
    *,
    scale=True,
    penalty_factor=None,
    positive=False,
    copy_X=True,
    rows=None,
    in_place=False,
    single=False,
    single_out=None,
):
    """Standardize ``X`` (or ``X[rows]``: ``rows`` are indices, ``sample_weight`` the
    rows' own) with weighted means and population standard deviations, and fold the
    penalty factors (already checked by ``check_penalty_factor``) into the columns.
    With ``copy_X=False`` a dense ``X`` (float64) is centred and scaled in place; with
    ``in_place`` (see ``reads_in_place``) it is read in place, never written or copied:
    the design is then an ``InPlaceDesign``.

    ``single``: a wide dense design also gets the float32 copy its paths screen with
    (``_SinglePrecision``), written in the pass that centres and scales it (into
    ``single_out`` when that is a C-ordered float32 array with at least its rows)."""
    if in_place:
        return _in_place(X, rows, sample_weight, scale, penalty_factor, positive)
    if rows is not None:
        X, copy_X = take_rows(X, rows), False
    n_samples, n_features = X.shape
    uniform = sample_weight is None
    v = np.full(n_samples, 1.0 / n_samples) if uniform else sample_weight / sample_weight.sum()
    fused = False
    if sparse.issparse(X):
        X = sparse.csc_array(X, dtype=np.float64)
        mean = X.T @ v
        var = X.multiply(X).T @ v - mean**2
    else:
        # the one copy (none with copy_X=False when X is in the design's order already),
        # made first: then the means, summed in that order, do not depend on X's order
        order = design_order(X.shape)
        centred = np.array(X, dtype=np.float64, order=order, copy=copy_X or None)
        mean = v @ centred
        # wide, for a path: centring, scaling and the float32 copy in one pass, after the
        # variances (the same numbers as the passes below: one read of X, not four)
        fused = single and n_samples < n_features and centred.flags.f_contiguous
        if fused:
            var = centred_variances(centred, mean, v)
        else:
            centred -= mean
            var = np.einsum("i,ij,ij->j", v, centred, centred)
    keep, col_scale, ridge = _column_scales(mean, var, scale, penalty_factor)
    inv = 1.0 / col_scale[keep]
    copy = None
    if sparse.issparse(X):
        Xk = sparse.csc_array(X[:, keep] @ sparse.diags_array(inv))
        Xk.sort_indices()
        Xk.indices = Xk.indices.astype(np.int32, copy=False)
        Xk.indptr = Xk.indptr.astype(np.int32, copy=False)
        offset = mean[keep] * inv
    elif fused and keep.all():
        Xk, offset = centred, None
        copy = standardize_single(Xk, mean, inv, _single_buffer(single_out, Xk.shape))
    else:
        if fused:
            centred -= mean
        Xk = centred if keep.all() else centred[:, keep]
        Xk *= inv
        Xk = np.asarray(Xk, order=order)  # (a selection of columns may not keep it)
        offset = None
    return _Problem(
        Xk, offset, mean, col_scale, keep, v, uniform, None, ridge, bool(positive), single=copy
    )


def _single_buffer(spare, shape):
    """The first rows of ``spare`` when it can hold a C-ordered float32 array of ``shape``
    (a view, contiguous), else None."""
    fits = (
        isinstance(spare, np.ndarray)
        and spare.dtype == np.float32
        and spare.flags.c_contiguous
        and spare.flags.writeable
        and spare.ndim == 2
        and spare.shape[0] >= shape[0]
        and spare.shape[1] == shape[1]
    )
    return spare[: shape[0]] if fits else None


def _in_place(X, rows, sample_weight, scale, penalty_factor, positive):
    """``prepare``'s problem with the design read in place."""
    n_samples = X.shape[0] if rows is None else len(rows)
    uniform = sample_weight is None
    v = np.full(n_samples, 1.0 / n_samples) if uniform else sample_weight / sample_weight.sum()
    mean, var = weighted_moments(X, rows, v)
    keep, col_scale, ridge = _column_scales(mean, var, scale, penalty_factor)
    columns = np.flatnonzero(keep)
    design = InPlaceDesign(X, rows, columns, mean[keep], 1.0 / col_scale[keep])
    return _Problem(design, None, mean, col_scale, keep, v, uniform, None, ridge, bool(positive))


def reads_in_place(X, task, n_rows=None):
    """Whether a fit of ``task`` (a family, or its name) on the dense ``X`` (or ``n_rows``
    of its rows) reads it in place (``InPlaceDesign``): a single-response GLM (binomial,
    Poisson) on a large tall design, float64 in C or Fortran order. Its Newton steps are
    passes over the rows (``_row_blocks``), which standardize each block on the way."""
    if not isinstance(X, np.ndarray) or X.ndim != 2 or family_for(task).solver != "glm":
        return False
    n, p = X.shape[0] if n_rows is None else n_rows, X.shape[1]
    return (
        X.dtype == np.float64
        and (X.flags.c_contiguous or X.flags.f_contiguous)
        and n >= _IN_PLACE_ROWS_PER_FEATURE * p
        and design_order((n, p)) == "F"
    )


def design_order(shape):
    """The memory order of a dense standardized design of this shape. Wide designs are
    Fortran-ordered: their paths copy strong and working sets of columns many times, and
    descent reads whole columns (X' r over every feature then runs on a float32 copy).
    Large tall ones too (a million cells, more than a few features): ``X d`` and ``X' r``,
    most of a GLM step's work, take half as long so (OpenBLAS's products on a C-ordered
    tall matrix are compute-bound: 5.8 ms against 3.2 ms at 50,000 x 200), and copying
    the strong set's columns is a contiguous copy. Small tall ones stay C-ordered, as the
    compiled few-feature GLM steps (``_gram_path.weighted_solve``) take them."""
    n_samples, n_features = shape
    if n_samples < n_features:
        return "F"
    large = n_samples * n_features >= _FORTRAN_CELLS and n_features > _FORTRAN_FEATURES
    return "F" if large else "C"


def take_rows(X, rows, spare=None):
    """``X[rows]``, a dense ``X``'s in ``design_order`` (gathered a block of columns at a
    time: no second copy of the rows for a change of order). ``spare``: an array the
    result may be written into (used when it is float64 of that shape and order)."""
    if not isinstance(X, np.ndarray) or design_order((len(rows), X.shape[1])) == "C":
        return X[rows]
    if X.dtype == np.float64 and X.flags.c_contiguous and len(rows) < X.shape[1]:
        # compiled (see _wide): on wide designs 2.8 against 3.9 ms at 160 of 200 x 10,000
        # rows; the row blocks below are faster on tall ones (23 against 35 ms at 50,000 x 200)
        fits = (
            isinstance(spare, np.ndarray)
            and spare.dtype == np.float64
            and spare.shape == (len(rows), X.shape[1])
            and spare.flags.f_contiguous
            and spare.flags.writeable
        )
        return gather_fortran(X, np.asarray(rows, dtype=np.intp), spare if fits else None)
    out = np.empty((len(rows), X.shape[1]), dtype=X.dtype, order="F")
    if X.flags.c_contiguous:
        # whole rows into a small C-ordered buffer, then transposed into place: 2.5 times
        # faster than gathering rows column block by column block
        step = max(1, _BLOCK_CELLS // X.shape[1])
        buffer = np.empty((min(step, len(rows)), X.shape[1]), dtype=X.dtype)
        for start in range(0, len(rows), step):
            block = np.asarray(rows[start : start + step])
            chunk = buffer[: block.size]
            # (mode="clip": with "raise", numpy buffers ``out``, a copy more)
            np.take(X, block, axis=0, out=chunk, mode="clip")
            out[start : start + block.size] = chunk
        return out
    for start in range(0, X.shape[1], _BLOCK_COLUMNS):
        columns = slice(start, start + _BLOCK_COLUMNS)
        out[:, columns] = X[rows, columns]
    return out


def _column_scales(mean, var, scale, penalty_factor):
    """The non-constant features, what standardization divides each feature by, and the
    per-column ridge weights (None without penalty factors)."""
    std = np.sqrt(np.maximum(var, 0.0))
    keep = std > 1e-10 * np.maximum(np.abs(mean), 1.0)
    col_scale = np.where(keep & bool(scale), std, 1.0)
    ridge = None
    if penalty_factor is not None:
        factor = np.maximum(penalty_factor, UNPENALIZED)
        col_scale = np.where(keep, col_scale * factor, col_scale)
        ridge = 1.0 / factor[keep]
    return keep, col_scale, ridge


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
        self.centre = self.w @ X / self.w.sum()
        self.y_centre = self.w @ y / self.w.sum()
        self._parts = []  # (rows, their moments) of the held-out blocks
        every = np.concatenate([np.empty(0, dtype=np.intp), *held_out])
        counts = np.bincount(every, minlength=X.shape[0])  # how often each row is held out
        if len(held_out) and counts.max() <= 1:
            self._parts = [(rows, self._moments(rows)) for rows in held_out]
            parts = [moments for _, moments in self._parts]
            if not counts.all():
                parts.append(self._moments(np.flatnonzero(counts == 0)))
            self.total = tuple(sum(terms) for terms in zip(*parts, strict=True))
        else:
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
                if not np.all(w == 1.0):
                    root = np.sqrt(w)
                    Z *= root[:, None]
                    t = t * root
                products[:p, :p] += Z.T @ Z
                products[:p, p] += Z.T @ t
                products[p, p] += t @ t
        products[p, :p] = products[:p, p]
        return (self.w if rows is None else self.w[rows]).sum(), sums, products

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

    def without(self, rows):
        """A ``RowSubset`` of every row but ``rows`` (indices), or None when a feature is
        nearly constant on the others but not everywhere: the difference of products
        would then be mostly rounding."""
        weight, sums, products = (
            total - part for total, part in zip(self.total, self._moments_of(rows), strict=True)
        )
        mean = sums / weight
        cov = products / weight - np.multiply.outer(mean, mean)
        second_moment = products.diagonal() / weight
        magnitude = np.maximum(np.abs(np.append(self.centre, self.y_centre) + mean), 1.0)
        constant = second_moment <= (1e-10 * magnitude) ** 2  # dropped, as by prepare
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
        """The ``_Problem`` of ``prepare``, carrying the Gram matrix and ``X~' diag(n v) y``
        in place of the design."""
        p = self.mean.size
        keep, col_scale, ridge = _column_scales(
            self.mean, self.cov.diagonal()[:p], scale, penalty_factor
        )
        columns = np.flatnonzero(keep)
        cov = self.cov[np.ix_(np.append(columns, p), columns)]
        inv = 1.0 / col_scale[keep]
        gram = n_samples * cov[:-1] * np.multiply.outer(inv, inv)
        xy = n_samples * cov[-1] * inv
        uniform = sample_weight is None
        v = np.full(n_samples, 1.0 / n_samples) if uniform else sample_weight / sample_weight.sum()
        return _Problem(
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
