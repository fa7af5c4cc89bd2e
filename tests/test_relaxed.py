"""Relaxed fits: ``SelectThenRefit(gamma=...)`` and ``gamma="cv"``.

References: the selector's own L1 fit (gamma=1), the plain refit (gamma=0), scikit-learn's
``LinearRegression`` / ``LogisticRegression(solver="newton-cholesky")`` for the refits, and
R glmnet 4.1 ``relax=TRUE`` on the same data, lambdas and folds (``glmnet`` with
``thresh=1e-20``, our engine ``tol=1e-14``). glmnet's blend uses ``max(gamma, 1e-5)``
(``blend.relaxed``'s ``epsilon``), so its gamma=0 is compared with our gamma=1e-5.
Measured worst differences (max |ours - glmnet| / max |glmnet|):

- gaussian, diabetes, 100 lambdas, gammas 0, .25, .5, .75, 1: relaxed coefficients
  1.2e-8, intercepts 4e-16; ``cv.glmnet(relax=TRUE)`` mse: cvm 7e-11, cvsd 2.6e-10, the same
  (lambda, gamma) for min and 1se; weighted (60 lambdas): coefficients 1.3e-8, intercepts
  9e-12, cvm 5.7e-11, cvsd 2.5e-10, the same choices;
- binomial, 300 noisy samples (not separable), 30 lambdas, unpenalized refit (glmnet's,
  ``thresh=1e-16``): relaxed coefficients 5.3e-9, intercepts 1.4e-9; CV AUC cvm 1.5e-16,
  cvsd 7.8e-16, the same (lambda, gamma): min at gamma 0, 1se at gamma 0.75.

The tolerances below are 1e-6 relative.
"""

import os
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_lasso_tools import L1Selector, SelectThenRefit
from sklearn_lasso_tools._engine.path import l1_path
from sklearn_lasso_tools._engine.refit import refit_linear
from sklearn_lasso_tools._engine.relax import blend, refit_path
from sklearn_lasso_tools._engine.relaxed_cv import cross_validate_relaxed, relaxed_rules

sys.path.insert(0, os.path.dirname(__file__))
import _glmnet  # noqa: E402

GAMMAS = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
GLMNET_EPS = 1e-5  # blend.relaxed's floor on gamma
RTOL = 1e-6


def _rel(ours, ref):
    return np.abs(np.asarray(ours) - ref).max() / np.abs(ref).max()


def _splits(foldid):
    return [(np.flatnonzero(foldid != k), np.flatnonzero(foldid == k)) for k in range(5)]


def _diabetes():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    return X, y


def _noisy_binary():
    """300 samples, 8 features, a weak logistic signal: no separation at any active set."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 8)) * rng.uniform(0.5, 3.0, 8)
    eta = X[:, :4] @ np.array([1.0, -0.8, 0.5, 0.3]) / 2
    y = (rng.uniform(size=300) < expit(eta)).astype(np.float64)
    return X, y


# --- the blend ------------------------------------------------------------------------


def _logistic():
    return LogisticRegression(solver="newton-cholesky", max_iter=1000)


def _fits(task):
    if task == "regression":
        X, y = _diabetes()
        return X, y, L1Selector(alpha=1.0), LinearRegression()
    if task == "binary":
        X, y = load_breast_cancer(return_X_y=True, as_frame=True)
        return X, y, L1Selector(C=0.05), _logistic()
    X, y = load_wine(return_X_y=True, as_frame=True)
    return X, y, L1Selector(C=0.05), _logistic()


@pytest.mark.parametrize("task", ["regression", "binary", "multiclass"])
def test_gamma_one_is_the_l1_fit(task):
    X, y, selector, estimator = _fits(task)
    model = SelectThenRefit(selector, estimator, gamma=1.0).fit(X, y)
    l1 = model.selector_
    np.testing.assert_allclose(model.coef_.reshape(l1.coef_.shape), l1.coef_, rtol=1e-12)
    np.testing.assert_allclose(np.ravel(model.intercept_), np.ravel(l1.intercept_), rtol=1e-12)
    decision = X.to_numpy() @ l1.coef_.T + l1.intercept_
    if task == "regression":
        np.testing.assert_allclose(model.predict(X), decision, rtol=1e-10)
        return
    np.testing.assert_allclose(model.decision_function(X), decision, rtol=1e-10, atol=1e-10)
    proba = (
        np.column_stack([expit(-decision), expit(decision)])
        if task == "binary"
        else softmax(decision, axis=1)
    )
    np.testing.assert_allclose(model.predict_proba(X), proba, rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])


@pytest.mark.parametrize("task", ["regression", "binary", "multiclass"])
def test_gamma_zero_is_the_plain_refit(task):
    X, y, selector, estimator = _fits(task)
    model = SelectThenRefit(selector, estimator, gamma=0.0).fit(X, y)
    plain = SelectThenRefit(selector, estimator).fit(X, y)
    columns = list(model.selected_features_)
    direct = LinearRegression() if task == "regression" else _logistic()
    direct.fit(X[columns], y)
    np.testing.assert_array_equal(model.coef_, plain.coef_)
    np.testing.assert_allclose(model.coef_[..., model.selector_.get_support()], direct.coef_)
    method = "predict" if task == "regression" else "predict_proba"
    np.testing.assert_array_equal(getattr(model, method)(X), getattr(plain, method)(X))
    np.testing.assert_allclose(getattr(model, method)(X), getattr(direct, method)(X[columns]))


@pytest.mark.parametrize("task", ["regression", "binary", "multiclass"])
def test_blend_is_linear_in_gamma(task):
    X, y, selector, estimator = _fits(task)
    ends = [SelectThenRefit(selector, estimator, gamma=g).fit(X, y) for g in (0.0, 1.0)]
    gamma = 0.3
    model = SelectThenRefit(selector, estimator, gamma=gamma).fit(X, y)
    np.testing.assert_allclose(model.coef_, gamma * ends[1].coef_ + (1 - gamma) * ends[0].coef_)
    np.testing.assert_allclose(
        model.intercept_, gamma * ends[1].intercept_ + (1 - gamma) * ends[0].intercept_
    )
    method = "predict" if task == "regression" else "decision_function"
    outputs = [getattr(m, method)(X) for m in (*ends, model)]
    np.testing.assert_allclose(outputs[2], gamma * outputs[1] + (1 - gamma) * outputs[0])
    if task == "binary":
        np.testing.assert_allclose(model.predict_proba(X)[:, 1], expit(outputs[2]))
        assert model.score(X, y) == np.mean(model.predict(X) == y)


def test_blended_classifier_keeps_the_labels():
    """String labels, probabilities and log-probabilities of a blended classifier (the
    classification configuration of the estimator checks, which cost ~20 s, checks these
    through gamma=0 in test_common.py)."""
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    labels = np.where(y == 1, "benign", "malignant")
    model = SelectThenRefit(L1Selector(C=0.05), _logistic(), gamma=0.5).fit(X, labels)
    np.testing.assert_array_equal(model.classes_, ["benign", "malignant"])
    decision = model.decision_function(X)
    np.testing.assert_array_equal(model.predict(X), model.classes_[(decision > 0).astype(int)])
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X)), proba)
    assert model.score(X, labels) == np.mean(model.predict(X) == labels)


def test_gamma_needs_linear_fits():
    X, y = _diabetes()
    with pytest.raises(ValueError, match="'gamma' parameter.*DecisionTreeRegressor.*gamma=0.5"):
        SelectThenRefit(L1Selector(alpha=1.0), DecisionTreeRegressor(), gamma=0.5).fit(X, y)
    with pytest.raises(ValueError, match="'gamma' parameter.*SelectKBest"):
        SelectThenRefit(SelectKBest(k=3), LinearRegression(), gamma=0.5).fit(X, y)
    # gamma=0 keeps working with any estimator
    SelectThenRefit(L1Selector(alpha=1.0), DecisionTreeRegressor(random_state=0)).fit(X, y)
    with pytest.raises(ValueError, match="'gamma' parameter.*gamma='cv'"):
        SelectThenRefit(L1Selector(cv=3, alphas=5), DecisionTreeRegressor(), gamma="cv").fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"selector": L1Selector(alpha=1.0), "gamma": "cv"}, "'gamma' parameter.*L1Selector"),
        ({"selector": SelectKBest(k=3), "gamma": "cv"}, "'gamma' parameter.*SelectKBest"),
        ({"selector": L1Selector(rule=2), "gamma": "cv"}, "rule=2"),
        ({"gamma": "cv", "gammas": [0.5, 1.5]}, r"'gammas' parameter.*\[0.5, 1.5\]"),
        ({"gamma": "cv", "gammas": []}, r"'gammas' parameter.*\[\]"),
    ],
)
def test_cv_mode_errors(params, match):
    X, y = _diabetes()
    with pytest.raises(ValueError, match=match):
        SelectThenRefit(**params).fit(X, y)


def test_bad_gamma_is_named():
    X, y = _diabetes()
    with pytest.raises(InvalidParameterError, match="'gamma' parameter"):
        SelectThenRefit(gamma=1.5).fit(X, y)


# --- the refits -------------------------------------------------------------------------


def test_regression_refit_is_weighted_least_squares():
    X, y = load_diabetes(return_X_y=True)
    w = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    columns = [0, 2, 3, 4, 5, 8]  # tc, ldl, hdl are nearly collinear
    coef, intercept = refit_linear(X[:, columns], y, task="regression", sample_weight=w)
    ref = LinearRegression().fit(X[:, columns], y, sample_weight=w)
    assert _rel(coef, ref.coef_) < 1e-10
    assert abs(intercept - ref.intercept_) < 1e-8 * abs(ref.intercept_)


@pytest.mark.parametrize("task", ["binary", "multinomial"])
def test_classification_refit_is_ridge_logistic_on_standardized_features(task):
    if task == "binary":
        X, y = load_breast_cancer(return_X_y=True)
        X = X[:, [0, 7, 20, 27]]
    else:
        X, y = load_wine(return_X_y=True)
        X = X[:, :5]
    w = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    l2 = 1e-3
    coef, intercept = refit_linear(
        X, y, task=task, sample_weight=w, l2=l2, n_classes=len(np.unique(y))
    )
    v = w / w.sum()
    std = np.sqrt(v @ (X - v @ X) ** 2)
    # mean log-loss + l2/2 ||std * coef||^2  <=>  C = 1 / (l2 * sum(w)) on X / std
    ref = LogisticRegression(C=1 / (l2 * w.sum()), solver="newton-cholesky", tol=1e-12)
    ref.fit(X / std, y, sample_weight=w)
    assert _rel(coef, ref.coef_.reshape(np.shape(coef)) / std) < 1e-7
    assert _rel(intercept, ref.intercept_.reshape(np.shape(intercept))) < 1e-7


def test_positive_refits():
    """``positive=True`` (glmnet passes lower.limits to its refit too): non-negative least
    squares as LinearRegression(positive=True); the constrained ridge-logistic refit equals
    the unconstrained one where that is already non-negative."""
    X, y = load_diabetes(return_X_y=True)
    w = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    coef, intercept = refit_linear(X, y, task="regression", sample_weight=w, positive=True)
    ref = LinearRegression(positive=True).fit(X, y, sample_weight=w)
    assert coef.min() >= 0 and (coef == 0).sum() >= 3  # the constraint binds
    assert _rel(coef, ref.coef_) < 1e-10
    assert abs(intercept - ref.intercept_) < 1e-8 * abs(ref.intercept_)
    Xb, yb = load_breast_cancer(return_X_y=True)
    Xb, yb = Xb[:, [7, 20, 27]], 1 - yb
    wb = np.random.RandomState(1).uniform(0.5, 2.0, len(yb))
    free = refit_linear(Xb, yb, task="binary", l2=1e-3, sample_weight=wb)
    bound = refit_linear(Xb, yb, task="binary", l2=1e-3, sample_weight=wb, positive=True)
    assert free[0].min() > 0
    assert _rel(bound[0], free[0]) < 1e-8 and abs(bound[1] - free[1]) < 1e-7


def test_cv_mode_positive():
    X, y = _diabetes()
    model = SelectThenRefit(
        L1Selector(cv=3, alphas=30, random_state=0, positive=True, task="regression"),
        gamma="cv",
    ).fit(X, y)
    assert model.coef_.min() >= 0
    support = model.selector_.get_support()
    refit = LinearRegression(positive=True).fit(X.loc[:, support], y)
    expected = model.gamma_ * model.selector_.coef_[support] + (1 - model.gamma_) * refit.coef_
    assert _rel(model.coef_[support], expected) < 1e-8


def test_refit_path_refits_each_active_set():
    X, y = load_diabetes(return_X_y=True)
    path = l1_path(X, y, task="regression", alphas=30)
    refit_coefs, refit_intercepts = refit_path(X, y, path.coefs, path.intercepts, task="regression")
    for i in (0, 5, 12, -1):
        active = path.coefs[i] != 0
        np.testing.assert_array_equal(refit_coefs[i] != 0, active)
        if active.any():
            ref = LinearRegression().fit(X[:, active], y)
            assert _rel(refit_coefs[i][active], ref.coef_) < 1e-10
            assert abs(refit_intercepts[i] - ref.intercept_) < 1e-9 * abs(ref.intercept_)
        else:  # nothing active: the intercept-only model, the L1 fit itself
            assert refit_intercepts[i] == path.intercepts[i]


def test_relaxed_rules_break_ties_as_glmnet():
    # rows: gammas ascending; columns: alphas descending
    mean = np.array([[0.0, 5.0, 5.0, 4.0], [0.0, 4.0, 5.0, 4.5], [0.0, 5.0, 3.0, 2.0]])
    se = np.full_like(mean, 1.0)
    index_min, index_1se = relaxed_rules(mean, se)
    assert index_min == (2, 1)  # best at alpha 1 for gammas 0 and 2: the larger gamma
    assert index_1se == (2, 1)
    se[2, 1] = 6.0  # now every pair is within one SE: the largest alpha, largest gamma
    assert relaxed_rules(mean, se)[1] == (2, 0)


# --- cross-validation ----------------------------------------------------------------


def test_cv_with_an_estimator_matches_the_fast_refit():
    """gamma='cv' refits with LinearRegression clones give the fast least squares' scores."""
    X, y = _diabetes()
    selector = L1Selector(cv=3, alphas=30, random_state=0, task="regression")
    fast = SelectThenRefit(selector, gamma="cv").fit(X, y)
    slow = SelectThenRefit(selector, LinearRegression(), gamma="cv").fit(X, y)
    columns = [c for c in fast.cv_results_ if c.endswith("_test_score")]
    assert _rel(slow.cv_results_[columns], fast.cv_results_[columns].to_numpy()) < 1e-10
    assert (slow.alpha_, slow.gamma_) == (fast.alpha_, fast.gamma_)
    assert _rel(slow.coef_, fast.coef_) < 1e-10


@pytest.mark.parametrize("rule", ["min", "1se"])
def test_cv_at_gamma_one_is_the_selectors_cv(rule):
    """With gammas=[1] the relaxed CV is the Lasso's: the same folds, curve and choice as
    L1Selector's own cross-validation."""
    X, y = _diabetes()
    selector = L1Selector(cv=5, rule=rule, random_state=3, task="regression")
    model = SelectThenRefit(selector, gamma="cv", gammas=[1.0]).fit(X, y)
    lasso = selector.fit(X, y)
    assert _rel(model.cv_results_["mean_test_score"], lasso.path_.cv_mean_) < 1e-12
    assert _rel(model.cv_results_["se_test_score"], lasso.path_.cv_se_) < 1e-12
    assert model.alpha_ == lasso.alpha_ and model.gamma_ == 1.0
    np.testing.assert_allclose(model.coef_, lasso.coef_, rtol=1e-6, atol=1e-6)


def test_cv_scores_by_hand():
    """One fold's score at the chosen (alpha, gamma), from an L1 fit and a least-squares
    refit done by hand."""
    X, y = load_diabetes(return_X_y=True)
    foldid = np.random.RandomState(0).permutation(len(y)) % 5
    splits = _splits(foldid)
    selector = L1Selector(cv=splits, tol=1e-12, task="regression")
    model = SelectThenRefit(selector, gamma="cv").fit(X, y)
    train, test = splits[0]
    l1 = L1Selector(alpha=model.alpha_, tol=1e-12).fit(X[train], y[train])
    active = l1.support_
    refit = LinearRegression().fit(X[train][:, active], y[train])
    coef = model.gamma_ * l1.coef_[active] + (1 - model.gamma_) * refit.coef_
    intercept = model.gamma_ * l1.intercept_ + (1 - model.gamma_) * refit.intercept_
    mse = np.mean((y[test] - X[test][:, active] @ coef - intercept) ** 2)
    table = model.cv_results_
    row = table[(table.alpha == model.alpha_) & (table.gamma == model.gamma_)]
    assert abs(-row["split0_test_score"].item() - mse) < 1e-8 * mse
    # the final model is the blend at the chosen point on the whole data
    l1 = L1Selector(alpha=model.alpha_, tol=1e-12).fit(X, y)
    refit = LinearRegression().fit(X[:, l1.support_], y)
    expected = model.gamma_ * l1.coef_[l1.support_] + (1 - model.gamma_) * refit.coef_
    assert _rel(model.coef_[l1.support_], expected) < 1e-8


def test_cv_classification_on_separable_data_stays_finite():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 6))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)  # separable by two features
    model = SelectThenRefit(L1Selector(cv=4, alphas=20, random_state=0), gamma="cv")
    model.fit(X, y)
    assert np.all(np.isfinite(model.cv_results_["mean_test_score"]))
    assert np.all(np.isfinite(model.coef_)) and np.abs(model.coef_).max() < 1e3
    assert model.cv_results_.shape == (5 * len(model.alphas_), 6 + 4)
    assert model.score(X, y) >= 0.95
    proba = model.predict_proba(X)[:, 1]
    np.testing.assert_allclose(proba, expit(X @ model.coef_.ravel() + model.intercept_[0]))


# --- R glmnet relax=TRUE -------------------------------------------------------------


def _cases():
    X, y = load_diabetes(return_X_y=True)
    Xb, yb = _noisy_binary()
    w = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    return {
        "gaussian": {
            "X": X,
            "y": y,
            "weights": None,
            "task": "regression",
            "family": "gaussian",
            "lambdas": l1_path(
                X, y, task="regression", alphas=100, eps=1e-4, stop_early=False
            ).alphas,
            "foldid": np.random.RandomState(0).permutation(len(y)) % 5,
            "type_measure": "mse",
            "scoring": "neg_mean_squared_error",
            "thresh": 1e-20,
        },
        "gaussian_weighted": {
            "X": X,
            "y": y,
            "weights": w,
            "task": "regression",
            "family": "gaussian",
            "lambdas": l1_path(
                X, y, task="regression", alphas=60, eps=1e-3, stop_early=False, sample_weight=w
            ).alphas,
            "foldid": np.random.RandomState(1).permutation(len(y)) % 5,
            "type_measure": "mse",
            "scoring": "neg_mean_squared_error",
            "thresh": 1e-20,
        },
        "binomial": {
            "X": Xb,
            "y": yb,
            "weights": None,
            "task": "binary",
            "family": "binomial",
            "lambdas": l1_path(Xb, yb, task="binary", alphas=30, eps=1e-3, stop_early=False).alphas,
            "foldid": np.random.RandomState(1).permutation(len(yb)) % 5,
            "type_measure": "auc",
            "scoring": "roc_auc",
            "thresh": 1e-16,  # IRLS to 1e-20 costs seconds more for nothing at 1e-6
        },
    }


def _run(case):
    return _glmnet.glmnet_relax(
        case["X"],
        case["y"],
        family=case["family"],
        lambdas=case["lambdas"],
        gammas=GAMMAS,
        foldid=case["foldid"],
        type_measure=case["type_measure"],
        weights=case["weights"],
        thresh=case["thresh"],
    )


@pytest.fixture(scope="module")
def glmnet_runs():
    cases = _cases()
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(_run, case) for name, case in cases.items()}
        results = {}
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except Exception:
                if not _glmnet.glmnet_available():
                    pytest.skip("Rscript with glmnet not available")
                raise
    return cases, results


@pytest.mark.parametrize("name", ["gaussian", "gaussian_weighted", "binomial"])
def test_relaxed_coefficients_match_glmnet(glmnet_runs, name):
    cases, results = glmnet_runs
    case, ref = cases[name], results[name]
    w = case["weights"]
    path = l1_path(
        case["X"], case["y"], task=case["task"], alphas=case["lambdas"], sample_weight=w, tol=1e-14
    )
    np.testing.assert_allclose(path.alphas, ref["lambda"], rtol=1e-15)
    refit_coefs, refit_intercepts = refit_path(
        case["X"],
        case["y"],
        path.coefs,
        path.intercepts,
        task=case["task"],
        sample_weight=w,
        l2=0.0,
    )
    for g, gamma in enumerate(np.maximum(GAMMAS, GLMNET_EPS)):
        coefs = blend(path.coefs, refit_coefs, gamma)
        intercepts = blend(path.intercepts, refit_intercepts, gamma)
        np.testing.assert_array_equal(coefs != 0, ref["beta"][g] != 0)
        assert _rel(coefs, ref["beta"][g]) < RTOL, gamma
        assert _rel(intercepts, ref["a0"][g]) < RTOL, gamma


@pytest.mark.parametrize("name", ["gaussian", "gaussian_weighted", "binomial"])
def test_relaxed_cv_matches_cv_glmnet(glmnet_runs, name):
    cases, results = glmnet_runs
    case, ref = cases[name], results[name]
    sign = -1.0 if case["type_measure"] == "mse" else 1.0  # greater-is-better scores
    result = cross_validate_relaxed(
        case["X"],
        case["y"],
        case["y"],
        _splits(case["foldid"]),
        task=case["task"],
        alphas=case["lambdas"],
        gammas=np.maximum(GAMMAS, GLMNET_EPS),
        scoring=case["scoring"],
        classes=None if case["task"] == "regression" else np.array([0.0, 1.0]),
        sample_weight=case["weights"],
        refit_params={"l2": 0.0},  # glmnet's refit is unpenalized
        tol=1e-14,
    )
    assert _rel(sign * result.mean, ref["cvm"]) < RTOL
    assert _rel(result.se, ref["cvsd"]) < RTOL
    alphas = case["lambdas"]
    for rule, index in (("min", result.index_min), ("1se", result.index_1se)):
        assert alphas[index[1]] == pytest.approx(ref[f"lambda_{rule}"], rel=1e-12), rule
        assert GAMMAS[index[0]] == ref[f"gamma_{rule}"], rule


@pytest.mark.parametrize("rule", ["min", "1se"])
def test_select_then_refit_cv_matches_cv_glmnet(glmnet_runs, rule):
    """The estimator end to end on glmnet's folds: the CV table and the choice."""
    cases, results = glmnet_runs
    case, ref = cases["gaussian"], results["gaussian"]
    selector = L1Selector(
        cv=_splits(case["foldid"]), alphas=case["lambdas"], rule=rule, tol=1e-14, task="regression"
    )
    gammas = np.maximum(GAMMAS, GLMNET_EPS)
    model = SelectThenRefit(selector, gamma="cv", gammas=gammas).fit(case["X"], case["y"])
    table = model.cv_results_
    mean = table["mean_test_score"].to_numpy().reshape(len(GAMMAS), -1)
    se = table["se_test_score"].to_numpy().reshape(len(GAMMAS), -1)
    assert _rel(-mean, ref["cvm"]) < RTOL and _rel(se, ref["cvsd"]) < RTOL
    assert model.alpha_ == pytest.approx(ref[f"lambda_{rule}"], rel=1e-12)
    assert GAMMAS[np.flatnonzero(gammas == model.gamma_)[0]] == ref[f"gamma_{rule}"]
    # and the fitted model is glmnet's relaxed fit at that (lambda, gamma)
    where = np.flatnonzero(np.isclose(ref["lambda"], model.alpha_, rtol=1e-12))[0]
    g = np.flatnonzero(gammas == model.gamma_)[0]
    assert _rel(model.coef_, ref["beta"][g][where]) < RTOL
    assert abs(model.intercept_ - ref["a0"][g][where]) < RTOL * abs(ref["a0"][g][where])


# --- scikit-learn's estimator checks -------------------------------------------------


def _expected_failures(estimator):
    if estimator.gamma != "cv":
        return {}
    reason = "folds of repeated samples are not the folds of weighted ones"
    return {
        f"check_sample_weight_equivalence_on_{kind}_data": reason for kind in ("dense", "sparse")
    }


@parametrize_with_checks(
    [
        SelectThenRefit(L1Selector(alpha=0.01, task="regression"), gamma=0.5),
        SelectThenRefit(
            L1Selector(cv=2, alphas=5, random_state=0, task="regression"),
            gamma="cv",
            gammas=(0.0, 1.0),
        ),
    ],
    expected_failed_checks=_expected_failures,
)
# the checks fit on tiny random data, where the cross-validated strength often keeps
# nothing: the documented warnings of that case, not a problem of the checks
@pytest.mark.filterwarnings("ignore:L1Selector selected no feature:UserWarning")
@pytest.mark.filterwarnings("ignore:The selector kept no feature:UserWarning")
@pytest.mark.filterwarnings("ignore:Can't check dok sparse matrix:UserWarning")  # sklearn's
def test_sklearn_compatible_relaxed(estimator, check):
    check(estimator)
