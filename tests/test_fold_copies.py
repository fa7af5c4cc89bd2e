"""A fold's rows (``X[rows]``, a copy already) are standardized in place rather than copied
again: the caller's X stays as given, and the path is the one a copying fit gives."""

import numpy as np
import pytest

from sklearn_lasso_tools._engine.cv import subset_path
from sklearn_lasso_tools._engine.path import l1_path


@pytest.mark.parametrize("task", ["regression", "binary"])
@pytest.mark.parametrize("n_features", [20, 400])  # tall, and wide (Fortran-ordered rows)
def test_fold_path_in_place_equals_the_copying_path_and_leaves_X_alone(task, n_features):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, n_features)) * rng.uniform(0.5, 5.0, n_features) + 3.0
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(300)
    if task == "binary":
        y = (y > np.median(y)).astype(np.int64)
    rows = rng.permutation(300)[:240]
    given = X.copy()
    alphas = l1_path(X, y, task=task, alphas=20, eps=1e-2).alphas

    coefs, intercepts = subset_path(X, y, rows, task=task, alphas=alphas, sample_weight=None)

    copied = l1_path(X[rows], y[rows], task=task, alphas=alphas, stop_early=False, saturate=True)
    np.testing.assert_array_equal(X, given)
    np.testing.assert_array_equal(coefs, copied.coefs)
    np.testing.assert_array_equal(intercepts, copied.intercepts)
