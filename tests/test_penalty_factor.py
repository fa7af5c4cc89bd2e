"""Penalty factors (glmnet's ``penalty.factor``) and the non-negativity constraint
(glmnet's ``lower.limits = 0``): optimality conditions at every path point, agreement with
glmnet on the same lambdas, and the estimators' parameters."""

from concurrent.futures import ThreadPoolExecutor

import _glmnet  # noqa: E402
import numpy as np
import pytest
from scipy.special import expit
from sklearn.datasets import load_breast_cancer, load_diabetes

from sklearn_lasso_tools import L1Selector, LassoPathReport
from sklearn_lasso_tools._engine.path import l1_path

TOL = 1e-14


def _diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X, y / y.std()  # unit sd: glmnet's gaussian ridge part then matches ours


def _breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X, y.astype(float)


PF_DIABETES = np.array([0, 0, 1, 1, 2, 2, 1, 1, 0.5, 1.0])
PF_CANCER = np.r_[0.0, 0.0, np.ones(10), 3 * np.ones(8), 0.5 * np.ones(10)]

CASES = {
    "gaussian_pf": (_diabetes, "regression", {"penalty_factor": PF_DIABETES}),
    "gaussian_pf_enet": (
        _diabetes,
        "regression",
        {"penalty_factor": PF_DIABETES, "l1_ratio": 0.5},
    ),
    "gaussian_positive": (_diabetes, "regression", {"positive": True}),
    "binomial_pf": (_breast_cancer, "binary", {"penalty_factor": PF_CANCER}),
    "binomial_positive": (_breast_cancer, "binary", {"positive": True}),
}


def _ours(name):
    data, task, params = CASES[name]
    X, y = data()
    # eps=1e-2: the breast cancer classes are nearly separated further down the path
    path = l1_path(X, y, task=task, alphas=40, eps=1e-2, tol=TOL, stop_early=False, **params)
    return X, y, task, params, path


def _rescaled(penalty_factor, p):
    return np.ones(p) if penalty_factor is None else penalty_factor * p / penalty_factor.sum()


@pytest.mark.parametrize("name", sorted(CASES))
def test_optimality_conditions_with_factors_and_bounds(name):
    X, y, task, params, path = _ours(name)
    n, p = X.shape
    factor = _rescaled(params.get("penalty_factor"), p)
    l1_ratio = params.get("l1_ratio", 1.0)
    positive = params.get("positive", False)
    std = X.std(axis=0)
    np.testing.assert_allclose(path.penalty_factor, factor)
    for alpha, w, b in zip(path.alphas, path.coefs, path.intercepts, strict=True):
        eta = X @ w + b
        fitted = eta if task == "regression" else expit(eta)
        grad = X.T @ (y - fitted) / n  # minus the loss gradient
        threshold = alpha * factor * std
        ridge = threshold * (1 - l1_ratio) * w * std
        nonzero = w != 0
        residual = np.where(
            nonzero,
            np.abs(grad - ridge - threshold * l1_ratio * np.sign(w)),
            np.maximum(grad if positive else np.abs(grad), threshold * l1_ratio)
            - threshold * l1_ratio,
        )
        # relative to alpha * s_j, as tests/test_path_kkt.py (unpenalized ones: gradient 0)
        worst = np.max(residual / (alpha * std))
        assert worst <= 1e-5, (alpha, worst)
        if positive:
            assert w.min() >= 0
        unpenalized = factor == 0
        if unpenalized.any():
            assert nonzero[unpenalized].all()
    penalized = factor > 0
    assert np.all(path.coefs[0][penalized] == 0)  # alpha_max: every penalized one is zero
    assert path.n_nonzero[1] > np.count_nonzero(~penalized)


@pytest.fixture(scope="module")
def glmnet_runs():
    if not _glmnet.glmnet_available():
        pytest.skip("R with glmnet is not installed (apt-get install r-cran-glmnet)")

    ours = {name: _ours(name) for name in CASES}  # here: warning filters are not thread-safe

    def run(name):
        X, y, task, params, path = ours[name]
        return path, _glmnet.glmnet_path(
            X,
            y,
            family={"regression": "gaussian", "binary": "binomial"}[task],
            lambdas=path.alphas,
            alpha=params.get("l1_ratio", 1.0),
            thresh=1e-20,
            penalty_factor=params.get("penalty_factor"),
            positive=params.get("positive", False),
        )

    with ThreadPoolExecutor(len(CASES)) as pool:  # each Rscript spends ~2 s loading glmnet
        return dict(zip(CASES, pool.map(run, CASES), strict=True))


@pytest.mark.parametrize("name", sorted(CASES))
def test_path_matches_glmnet_penalty_factor_and_lower_limits(glmnet_runs, name):
    path, ref = glmnet_runs[name]
    assert len(ref["lambda"]) == len(path.alphas)
    scale = np.abs(ref["beta"]).max()
    assert np.abs(path.coefs - ref["beta"]).max() <= 1e-6 * scale
    np.testing.assert_allclose(path.dev_ratio, ref["dev_ratio"], atol=1e-7)


def test_estimators_take_penalty_factor_and_positive():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    factor = np.ones(X.shape[1])
    factor[list(X.columns).index("age")] = 0
    report = LassoPathReport(cv=3, penalty_factor=factor, random_state=0).fit(X, y)
    assert np.all(report.coefs_[:, list(X.columns).index("age")] != 0)
    selector = L1Selector(alpha=5.0, penalty_factor=factor).fit(X, y)
    assert "age" in selector.get_feature_names_out()
    positive = L1Selector(cv=3, positive=True, random_state=0).fit(X, y)
    assert positive.coef_.min() >= 0
    assert np.all(LassoPathReport(cv=None, positive=True).fit(X, y).coefs_ >= 0)


@pytest.mark.parametrize(
    "factor, match",
    [
        (np.ones(3), r"'penalty_factor'.*10 finite, non-negative"),
        (-np.ones(10), r"'penalty_factor'.*non-negative"),
        (np.zeros(10), r"'penalty_factor'.*positive entry"),
        (np.r_[np.nan, np.ones(9)], r"'penalty_factor'.*finite"),
    ],
)
def test_bad_penalty_factor_names_the_parameter(factor, match):
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(ValueError, match=match):
        L1Selector(alpha=1.0, penalty_factor=factor).fit(X, y)
