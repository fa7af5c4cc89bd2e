"""gradient_bound: a left-out feature's gradient bounded from the last full product must
be exact wherever it may reach the floor, and a true bound below the floor elsewhere, so
that the optimality checks and the screening decide as they would on exact values."""

import numpy as np
import pytest
from scipy import sparse

from sklearn_lasso_tools._engine.gradient_bound import GradientBound, SparseGradientBound
from sklearn_lasso_tools._engine.in_place import InPlaceDesign
from sklearn_lasso_tools._engine.standardize import prepare


def _decides_as_exact(bound, standardized, r0, r):
    """Keep ``r0``'s product as the reference, then check ``r``'s magnitudes against the
    exact ones on a floor three features reach (the first five fitted); returns the
    floor."""
    p = standardized.shape[1]
    assert bound.magnitudes(r0, np.zeros(p)) is None  # (no reference yet)
    bound.keep(r0, standardized.T @ r0)
    exact = np.abs(standardized.T @ r)
    floor = np.full(p, np.sort(exact[5:])[-3])  # three features reach it
    floor[:5] = np.inf  # (fitted features: never needed)
    magnitudes = bound.magnitudes(r, floor)
    reach = exact >= floor
    assert reach.sum() == 3
    np.testing.assert_allclose(magnitudes[reach], exact[reach], rtol=1e-12)
    # elsewhere exact or a bound of the exact value, below the floor
    assert np.all(magnitudes[~reach] >= exact[~reach] * (1 - 1e-12))
    assert np.all(magnitudes[~reach] < floor[~reach])
    return floor


@pytest.mark.parametrize("in_place", [True, False])
def test_dense_bound_is_exact_where_it_may_reach_the_floor(in_place):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((3000, 40)) + 2.0
    rows = np.sort(rng.permutation(3000)[:2400])
    shift, scale = X[rows].mean(axis=0), 1 / X[rows].std(axis=0)
    standardized = (X[rows] - shift) * scale
    design = InPlaceDesign(X, rows, np.arange(40), shift, scale) if in_place else standardized
    bound = GradientBound(design)
    r0 = rng.standard_normal(2400) / 2400
    r = r0 + 1e-4 * rng.standard_normal(2400) / 2400  # (a residual close to the last)
    floor = _decides_as_exact(bound, standardized, r0, r)
    # far from the reference, most columns may reach the floor: a full product is cheaper
    assert bound.magnitudes(r + 10 * r0, floor) is None


def test_sparse_bound_is_exact_where_it_may_reach_the_floor():
    rng = np.random.default_rng(13)
    X = sparse.random(800, 300, density=0.02, format="csc", random_state=rng) * 3.0
    prob = prepare(X)
    standardized = prob.X.toarray() - prob.offset  # x~_j = x_j - offset_j
    bound = SparseGradientBound(prob)
    r0 = rng.standard_normal(800) / 800
    r = r0 + 1e-3 * rng.standard_normal(800) / 800  # (a residual close to the last)
    floor = _decides_as_exact(bound, standardized, r0, r)
    # exact where the floor is zero, as the full product computes them
    full = np.abs(prob.rmatvec(r))
    np.testing.assert_array_equal(bound.magnitudes(r, np.zeros(300)), full)
    # that check read every entry: the reference is stale, the next is a full product
    assert bound.magnitudes(r, floor) is None
