"""Self-tests of the R glmnet harness in ``tests/_glmnet.py`` (skipped without R/glmnet)."""

import numpy as np
import pytest
from _glmnet import cv_glmnet, glmnet_available, glmnet_path  # noqa: E402
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import lasso_path

pytestmark = pytest.mark.skipif(not glmnet_available(), reason="Rscript with glmnet not available")


@pytest.mark.parametrize("weighted", [False, True])
def test_gaussian_path_matches_sklearn_lasso_path(weighted):
    # glmnet (gaussian, standardize=TRUE) minimises
    #   1/(2 sum w) sum w_i (y_i - a0 - x_i b)^2 + lambda ||b * sd||_1
    # with weighted mean / population (ddof=0) weighted sd; i.e. sklearn's lasso
    # on (X - mean)/sd and centred y with alpha=lambda, then b = b_std / sd.
    X, y = load_diabetes(return_X_y=True)
    n = len(y)
    w = np.random.RandomState(0).uniform(0.5, 2.0, n) if weighted else np.ones(n)
    wn = w / w.sum()
    mu = wn @ X
    sd = np.sqrt(wn @ (X - mu) ** 2)
    ybar = wn @ y
    sw = np.sqrt(wn * n)  # fold weights (normalised to sum n) into the rows
    Xs, yc = ((X - mu) / sd) * sw[:, None], (y - ybar) * sw
    lmax = np.abs(Xs.T @ yc).max() / n
    lams = lmax * np.logspace(0, -3, 30)

    res = glmnet_path(
        X, y, family="gaussian", lambdas=lams, weights=w if weighted else None, thresh=1e-20
    )
    _, coefs, _ = lasso_path(Xs, yc, alphas=lams, tol=1e-14, max_iter=10**6)
    beta = (coefs / sd[:, None]).T

    assert res["beta"].shape == (30, X.shape[1]) and res["a0"].shape == (30,)
    np.testing.assert_allclose(res["lambda"], lams, rtol=1e-15)
    np.testing.assert_allclose(res["beta"], beta, rtol=0, atol=1e-6 * np.abs(beta).max())
    np.testing.assert_allclose(res["a0"], ybar - beta @ mu, rtol=1e-6)
    # dev_ratio is R^2 against the weighted null deviance sum w (y - ybar)^2
    rss = (w * (y - res["a0"][:, None] - res["beta"] @ X.T) ** 2).sum(1)
    np.testing.assert_allclose(res["nulldev"], (w * (y - ybar) ** 2).sum(), rtol=1e-12)
    np.testing.assert_allclose(res["dev_ratio"], 1 - rss / res["nulldev"], rtol=1e-8, atol=1e-12)


def test_multinomial_shapes_and_deviance():
    X, y = load_iris(return_X_y=True)
    lams = np.logspace(-1, -4, 8)
    res = glmnet_path(X, y, family="multinomial", lambdas=lams)
    assert res["beta"].shape == (8, 3, 4) and res["a0"].shape == (8, 3)
    np.testing.assert_allclose(res["nulldev"], -2 * len(y) * np.log(1 / 3), rtol=1e-12)
    eta = res["a0"][:, None, :] + np.einsum("np,lkp->lnk", X, res["beta"])
    eta -= eta.max(2, keepdims=True)
    logp = eta - np.log(np.exp(eta).sum(2, keepdims=True))
    dev = -2 * logp[:, np.arange(len(y)), y].sum(1)
    np.testing.assert_allclose(res["dev_ratio"], 1 - dev / res["nulldev"], rtol=1e-7)


@pytest.mark.parametrize(
    "family,type_measure",
    [("gaussian", "mse"), ("binomial", "auc"), ("binomial", "class"), ("binomial", "deviance")],
)
def test_cv_glmnet_lambda_min_1se_on_grid(family, type_measure):
    X, y = load_diabetes(return_X_y=True)
    if family == "binomial":
        y = (y > np.median(y)).astype(float)
    lams = np.logspace(1, -3, 20) if family == "gaussian" else np.logspace(-1, -4, 20)
    foldid = np.arange(len(y)) % 5  # 0-based; harness converts to 1-based
    res = cv_glmnet(X, y, family=family, lambdas=lams, foldid=foldid, type_measure=type_measure)
    assert res["cvm"].shape == res["cvsd"].shape == res["nzero"].shape == lams.shape
    # the lambdas come back through R's text output: equal up to its last digit, not bitwise
    np.testing.assert_allclose(res["lambda"], lams, rtol=1e-14)
    i_min = np.argmin(np.abs(lams - res["lambda_min"]))
    i_1se = np.argmin(np.abs(lams - res["lambda_1se"]))
    np.testing.assert_allclose(
        [res["lambda_min"], res["lambda_1se"]], lams[[i_min, i_1se]], rtol=1e-14
    )
    assert i_1se <= i_min
    best = np.argmax(res["cvm"]) if type_measure == "auc" else np.argmin(res["cvm"])
    assert i_min == best
