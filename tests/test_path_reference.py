"""The path engine against scikit-learn's reference solvers and a published path.

- Regression: ``sklearn.linear_model.enet_path`` (``lasso_path`` for ``l1_ratio=1``) on data
  we standardize and weight ourselves, at the same alphas, coefficients compared on the
  caller's scale.
- Logistic: ``LogisticRegression(l1_ratio=1, solver="saga", C=1 / (alpha * n))`` on
  ``StandardScaler``'d data; the summed loss times ``C`` is our mean loss over ``alpha``.
- The Lasso path of the diabetes data enters variables in the order published by
  Efron, Hastie, Johnstone and Tibshirani (2004), "Least Angle Regression", Ann. Statist.
"""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.linear_model import LogisticRegression, enet_path, lars_path, lasso_path
from sklearn.metrics import log_loss, r2_score
from sklearn.preprocessing import StandardScaler

from sklearn_lasso_tools import LassoPathReport
from sklearn_lasso_tools._engine.cross_products import CrossProducts
from sklearn_lasso_tools._engine.path import l1_path

# Efron et al. (2004), Table 1 / Figure 1: the Lasso (and LARS) add the variables in the
# order 3, 9, 4, 7, 2, 10, 5, 8, 6, 1 = bmi, ltg, map, hdl, sex, glu, tc, tch, ldl, age
# (the Lasso then drops hdl and re-adds it, which leaves the order of first entry alone).
# In scikit-learn's names (map = bp, tc = s1, ldl = s2, hdl = s3, tch = s4, ltg = s5,
# glu = s6):
EFRON_2004_ORDER = ["bmi", "s5", "bp", "s3", "sex", "s6", "s1", "s4", "s2", "age"]


def _first_entry_order(coefs, names):
    """Names ordered by the first path step at which their coefficient is nonzero."""
    nonzero = coefs != 0  # (n_features, n_steps)
    first = np.where(nonzero.any(axis=1), nonzero.argmax(axis=1), np.inf)
    return [names[j] for j in np.argsort(first, kind="stable") if np.isfinite(first[j])]


@pytest.mark.parametrize("fold", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("scale", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_regression_path_matches_sklearn_enet_path(l1_ratio, scale, weighted, fold):
    # raw units (scaled=False), so standardizing and mapping back are both exercised
    X_all, y_all = load_diabetes(return_X_y=True, scaled=False)
    w_all = np.random.RandomState(0).uniform(0.5, 2.0, len(y_all))
    # fold: the path on all rows but the first 88, from the cross-products of all rows
    train = slice(88 if fold else 0, None)
    X, y, w = X_all[train], y_all[train], w_all[train]
    n = len(y)
    w = w if weighted else np.ones(n)
    v = w / w.sum()
    mean = v @ X
    sd = np.sqrt(v @ (X - mean) ** 2) if scale else np.ones(X.shape[1])
    y_bar = v @ y
    # sum_i v_i r_i^2 / 2 == ||root * r||^2 / (2 n): fold the weights into the rows
    root = np.sqrt(n * v)
    Xs = (X - mean) / sd * root[:, None]
    yc = (y - y_bar) * root
    alpha_max = np.max(np.abs(Xs.T @ yc)) / (n * l1_ratio)
    alphas = np.geomspace(alpha_max, 1e-3 * alpha_max, 30)
    solve = lasso_path if l1_ratio == 1 else enet_path
    extra = {} if l1_ratio == 1 else {"l1_ratio": l1_ratio}
    _, ref_std, _ = solve(Xs, yc, alphas=alphas, tol=1e-12, max_iter=10**5, **extra)
    ref = (ref_std / sd[:, None]).T  # (n_alphas, n_features), caller's scale

    sample_weight = w if weighted else None
    design = X
    if fold:
        cross_products = CrossProducts(X_all, y_all, w_all if weighted else None)
        design = cross_products.without(np.arange(88))
    path = l1_path(
        design,
        y,
        task="regression",
        alphas=alphas,
        l1_ratio=l1_ratio,
        scale=scale,
        sample_weight=sample_weight,
        tol=1e-12,
        max_iter=10**5,
    )

    np.testing.assert_allclose(path.alphas, alphas, rtol=1e-15)
    top = np.abs(ref).max()
    np.testing.assert_allclose(path.coefs, ref, rtol=0, atol=1e-8 * top)
    np.testing.assert_allclose(path.intercepts, y_bar - ref @ mean, rtol=1e-8)
    np.testing.assert_array_equal(path.n_nonzero, (np.abs(ref) > 1e-10 * top).sum(axis=1))
    # deviance explained is the (weighted) R^2 of each path point
    r2 = [
        r2_score(y, X @ c + b, sample_weight=sample_weight)
        for c, b in zip(path.coefs, path.intercepts, strict=True)
    ]
    np.testing.assert_allclose(path.dev_ratio, r2, rtol=1e-9, atol=1e-12)
    if fold:
        return
    # the generated grid is glmnet's: alpha_max (all zero) down to eps * alpha_max
    grid = l1_path(
        X,
        y,
        task="regression",
        alphas=30,
        eps=1e-3,
        l1_ratio=l1_ratio,
        scale=scale,
        sample_weight=sample_weight,
        stop_early=False,
    )
    np.testing.assert_allclose(grid.alphas, alphas, rtol=1e-12)


@pytest.fixture(scope="module")
def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X, y.astype(np.float64), StandardScaler().fit(X)


def test_binary_logistic_matches_saga(breast_cancer):
    X, y, scaler = breast_cancer
    n = len(y)
    Xs = scaler.transform(X)
    alpha_max = np.max(np.abs(Xs.T @ (y - y.mean()))) / n
    alphas = alpha_max * np.array([0.5, 0.1, 0.02])
    path = l1_path(X, y, task="binary", alphas=alphas, tol=1e-14, max_iter=10**5)

    assert path.n_nonzero[-1] > 5  # a comparison with real content
    for alpha, coef, intercept, dev_ratio in zip(
        path.alphas, path.coefs, path.intercepts, path.dev_ratio, strict=True
    ):
        # today's API: l1_ratio=1 is the L1 penalty (penalty="l1" is deprecated)
        lr = LogisticRegression(
            l1_ratio=1, solver="saga", C=1 / (alpha * n), tol=1e-8, max_iter=10**6
        ).fit(Xs, y)
        ref = lr.coef_[0] / scaler.scale_
        ref_intercept = lr.intercept_[0] - ref @ scaler.mean_
        top = np.abs(ref).max()
        np.testing.assert_allclose(coef, ref, rtol=0, atol=1e-5 * top, err_msg=f"alpha={alpha}")
        np.testing.assert_allclose(intercept, ref_intercept, rtol=0, atol=1e-5 * top)
        np.testing.assert_array_equal(coef != 0, ref != 0)
        # deviance explained against the intercept-only model, from sklearn's log_loss
        p = 1 / (1 + np.exp(-(X @ coef + intercept)))
        null = log_loss(y, np.full(n, y.mean()))
        np.testing.assert_allclose(dev_ratio, 1 - log_loss(y, p) / null, rtol=1e-9)


def test_multinomial_logistic_matches_saga():
    # scikit-learn's multinomial loss is the symmetric parameterisation too
    X, y = load_wine(return_X_y=True)
    n = len(y)
    scaler = StandardScaler().fit(X)
    Xs = scaler.transform(X)
    alpha_max = l1_path(X, y, task="multinomial", alphas=1).alphas[0]
    alphas = alpha_max * np.array([0.3, 0.1, 0.03])
    path = l1_path(X, y, task="multinomial", alphas=alphas, tol=1e-14, max_iter=10**5)

    for alpha, coef, intercept in zip(path.alphas, path.coefs, path.intercepts, strict=True):
        lr = LogisticRegression(
            l1_ratio=1, solver="saga", C=1 / (alpha * n), tol=1e-10, max_iter=10**6
        ).fit(Xs, y)
        ref = lr.coef_ / scaler.scale_
        ref_intercept = lr.intercept_ - ref @ scaler.mean_
        top = np.abs(ref).max()
        np.testing.assert_allclose(coef, ref, rtol=0, atol=1e-5 * top, err_msg=f"alpha={alpha}")
        np.testing.assert_array_equal(coef != 0, ref != 0)
        # intercepts are defined up to a common shift (the loss does not see it)
        np.testing.assert_allclose(
            intercept - intercept.mean(), ref_intercept - ref_intercept.mean(), rtol=0, atol=1e-4
        )


def test_lars_lasso_path_gives_the_published_diabetes_order():
    # We trust the paper: EFRON_2004_ORDER is its published table. scikit-learn's exact
    # (LARS-Lasso) path is an independent computation that confirms it, so the test of
    # our engine below does not depend on a grid's resolution being right by luck.
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    _, _, coefs = lars_path(X.to_numpy(), y.to_numpy(), method="lasso")
    assert _first_entry_order(coefs, list(X.columns)) == EFRON_2004_ORDER


@pytest.mark.parametrize("scaled", [True, False])
def test_report_entry_order_is_the_published_diabetes_order(scaled):
    # scaled=False: raw units, where only standardization (scale=True) gives this order
    X, y = load_diabetes(return_X_y=True, as_frame=True, scaled=scaled)
    report = LassoPathReport(cv=None, task="regression").fit(X, y)
    assert list(report.entry_order_) == EFRON_2004_ORDER


def test_diabetes_target_is_regression_under_auto_task():
    # The diabetes target is a float Series of whole numbers (25.0 ... 346.0), which
    # sklearn's type_of_target calls "multiclass". A float target is a measurement: with
    # task="auto" it must be regression (as LassoPathReport's own docstring example
    # assumes), not a 214-class multinomial fit. One huge alpha keeps this check cheap.
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    report = LassoPathReport(cv=None, alphas=[1e6]).fit(X, y)
    assert report.task_ == "regression"
    assert report.coefs_.shape == (1, X.shape[1])
