"""The folds' cross-products: the whole data's as the sum of the held-out blocks', and
held-out squared errors from a block's moments, agree with direct computation."""

import numpy as np
import pytest
from sklearn.model_selection import KFold

from sklearn_lasso_tools._engine.cross_products import CrossProducts
from sklearn_lasso_tools._engine.cv import held_out_blocks
from sklearn_lasso_tools._engine.path import l1_path
from sklearn_lasso_tools._engine.scoring import score_path, score_squares


def _data(weighted):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 12)) * rng.uniform(0.5, 5.0, 12) + 3.0
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(300) + 10.0
    w = rng.uniform(0.2, 3.0, 300) if weighted else None
    return X, y, w


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_splits", [3, 5])
def test_blocks_sum_to_the_whole_products(weighted, n_splits):
    X, y, w = _data(weighted)
    splits = list(KFold(n_splits, shuffle=True, random_state=0).split(X))
    blocks = held_out_blocks(X, splits, "regression")
    assert len(blocks) == n_splits
    summed = CrossProducts(X, y, w, blocks)
    direct = CrossProducts(X, y, w)
    for got, expected in zip(summed.total, direct.total, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-9)
    for rows in blocks[:2] + [np.arange(7)]:  # a held-out block, and other rows
        a, b = summed.without(rows), direct.without(rows)
        np.testing.assert_allclose(a.mean, b.mean, rtol=1e-12)
        np.testing.assert_allclose(a.cov, b.cov, rtol=1e-10, atol=1e-12)


def test_overlapping_blocks_fall_back_to_one_pass():
    X, y, _ = _data(False)
    cross = CrossProducts(X, y, None, [np.arange(100), np.arange(50, 150)])
    np.testing.assert_allclose(cross.total[2], CrossProducts(X, y).total[2], rtol=1e-13)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("scoring", ["neg_mean_squared_error", "r2"])
def test_squared_errors_from_moments_equal_the_scorers(weighted, scoring):
    X, y, w = _data(weighted)
    rows = np.arange(0, 300, 4)
    train = np.setdiff1d(np.arange(300), rows)
    path = l1_path(X[train], y[train], task="regression", alphas=30, eps=1e-3)
    squares = CrossProducts(X, y, w, [rows]).squared_residuals(rows, path.coefs, path.intercepts)
    test_w = None if w is None else w[rows]
    expected = score_path(
        scoring, "regression", path.coefs, path.intercepts, None, X[rows], y[rows], y[rows], test_w
    )
    np.testing.assert_allclose(score_squares(scoring, *squares), expected, rtol=1e-10)


def test_nearly_exact_fits_are_left_to_direct_scoring():
    X, _, _ = _data(False)
    y = X @ np.arange(12.0)
    rows = np.arange(50)
    coefs = np.arange(12.0)[None, :] * np.array([[1.0], [1 - 1e-9]])
    squares = CrossProducts(X, y, None, [rows]).squared_residuals(rows, coefs, np.zeros(2))
    assert squares is None
