"""The standardized problem of a design ``X`` (``prepare``): weighted column means and
population standard deviations, constant features dropped, penalty factors folded into the
columns (``column_scales``). A dense ``X`` becomes a centred and scaled copy in its
``design_order`` (or is overwritten, with ``copy_X=False``, or read in place); a sparse one
a scaled CSC matrix whose centring stays implicit, so its zeros stay zeros. Pure numerics."""

import numpy as np
from scipy import sparse

from ._wide import centred_variances, standardize_single
from .dense_layout import design_order, take_rows
from .in_place import InPlaceDesign, weighted_moments
from .problem import Problem

__all__ = ["UNPENALIZED", "column_scales", "prepare"]

UNPENALIZED = 1e-10  # the penalty factor standing for zero (see path)


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
    ``in_place`` (see ``in_place.reads_in_place``) it is read in place, never written or copied:
    the design is then an ``InPlaceDesign``.

    ``single``: a wide dense design also gets the float32 copy its paths screen with
    (``_SinglePrecision``), written in the pass that centres and scales it (into
    ``single_out`` when that is a C-ordered float32 array with at least its rows)."""
    if in_place:
        return _in_place(X, rows, sample_weight, scale, penalty_factor, positive)
    if rows is not None:
        X, copy_X = take_rows(X, rows), False
    n_samples = X.shape[0]
    uniform = sample_weight is None
    v = np.full(n_samples, 1.0 / n_samples) if uniform else sample_weight / sample_weight.sum()
    if sparse.issparse(X):
        return _sparse(X, v, uniform, scale, penalty_factor, positive)
    return _dense(X, v, uniform, scale, penalty_factor, positive, copy_X, single, single_out)


def _sparse(X, v, uniform, scale, penalty_factor, positive):
    """``prepare``'s problem of a sparse ``X``: scaled, in CSC with sorted int32 indices
    (see ``sparse_columns``), its scaled column means the ``offset``."""
    X = sparse.csc_array(X, dtype=np.float64)
    mean = X.T @ v
    var = X.multiply(X).T @ v - mean**2
    keep, col_scale, ridge = column_scales(mean, var, scale, penalty_factor)
    inv = 1.0 / col_scale[keep]
    Xk = sparse.csc_array(X[:, keep] @ sparse.diags_array(inv))
    Xk.sort_indices()
    Xk.indices = Xk.indices.astype(np.int32, copy=False)
    Xk.indptr = Xk.indptr.astype(np.int32, copy=False)
    offset = mean[keep] * inv
    return Problem(Xk, offset, mean, col_scale, keep, v, uniform, None, ridge, bool(positive))


def _dense(X, v, uniform, scale, penalty_factor, positive, copy_X, single, single_out):
    """``prepare``'s problem of a dense ``X``: centred and scaled, in ``design_order``."""
    n_samples, n_features = X.shape
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
    keep, col_scale, ridge = column_scales(mean, var, scale, penalty_factor)
    inv = 1.0 / col_scale[keep]
    copy = None
    if fused and keep.all():
        Xk = centred
        copy = standardize_single(Xk, mean, inv, _single_buffer(single_out, Xk.shape))
    else:
        if fused:
            centred -= mean
        Xk = centred if keep.all() else centred[:, keep]
        Xk *= inv
        Xk = np.asarray(Xk, order=order)  # (a selection of columns may not keep it)
    return Problem(
        Xk, None, mean, col_scale, keep, v, uniform, None, ridge, bool(positive), single=copy
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
    keep, col_scale, ridge = column_scales(mean, var, scale, penalty_factor)
    columns = np.flatnonzero(keep)
    design = InPlaceDesign(X, rows, columns, mean[keep], 1.0 / col_scale[keep])
    return Problem(design, None, mean, col_scale, keep, v, uniform, None, ridge, bool(positive))


def column_scales(mean, var, scale, penalty_factor):
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
