"""The lesson's workflows, each as a short call, checked against scikit-learn's own tools."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lasso_tools import L1Selector, LassoPathReport, SelectThenRefit, compare_penalties


@pytest.fixture(scope="module")
def cancer():
    return load_breast_cancer(return_X_y=True, as_frame=True)


def test_pipeline_selects_named_features_like_l1_logistic_regression(cancer):
    """The lesson's 'Feature Selection with L1': StandardScaler + L1 at C=0.1."""
    X, y = cancer
    pipe = Pipeline([("scale", StandardScaler()), ("select", L1Selector(C=0.1, tol=1e-10))])
    pipe.set_output(transform="pandas")
    out = pipe.fit_transform(X, y)

    reference = LogisticRegression(l1_ratio=1, C=0.1, solver="saga", tol=1e-10, max_iter=100_000)
    reference.fit(StandardScaler().fit_transform(X), y)
    expected = X.columns[reference.coef_[0] != 0]
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(expected)
    assert 0 < out.shape[1] < X.shape[1]
    selector = pipe.named_steps["select"]
    np.testing.assert_allclose(selector.coef_, reference.coef_[0], atol=1e-5)
    np.testing.assert_allclose(selector.intercept_, reference.intercept_[0], atol=1e-5)
    assert selector.C_ == pytest.approx(0.1)
    assert selector.alpha_ == pytest.approx(1 / (0.1 * len(y)))


def test_alpha_and_C_are_the_same_strength(cancer):
    X, y = cancer
    by_C = L1Selector(C=0.05).fit(X, y)
    by_alpha = L1Selector(alpha=1 / (0.05 * len(y))).fit(X, y)
    np.testing.assert_array_equal(by_C.coef_, by_alpha.coef_)


def test_grid_search_over_select_C(cancer):
    """Choosing C by cross-validated ROC AUC, the lesson's loop, as GridSearchCV."""
    X, y = cancer
    pipe = Pipeline(
        [
            ("select", L1Selector(task="classification")),
            ("model", LogisticRegression(max_iter=5000)),
        ]
    )
    # C=0.001 keeps no feature, which a plain LogisticRegression cannot fit on
    search = GridSearchCV(pipe, {"select__C": [0.01, 0.1, 1]}, cv=3, scoring="roc_auc")
    search.fit(X, y)
    assert search.best_params_["select__C"] in (0.01, 0.1, 1)
    with pytest.warns(UserWarning, match="selected no feature"):
        n_selected = [L1Selector(C=0.001).fit(X, y).support_.sum()]
    n_selected += [L1Selector(C=C).fit(X, y).support_.sum() for C in (0.01, 0.1, 1)]
    assert n_selected == sorted(n_selected)  # weaker penalty, more features
    assert search.best_score_ > 0.95


def test_select_then_refit_in_cross_val_score(cancer):
    """L1 selects, L2 refits: the lesson's 'Using L1 for Feature Selection Then Refitting'."""
    X, y = cancer
    model = SelectThenRefit(L1Selector(C=0.05), LogisticRegression(C=1.0, max_iter=5000))
    scores = cross_val_score(model, X, y, cv=StratifiedKFold(5), scoring="roc_auc")
    assert scores.shape == (5,)
    assert scores.mean() > 0.97
    model.fit(X, y)
    support = model.selector_.support_
    assert model.coef_.shape == (1, X.shape[1])
    assert np.all(model.coef_[:, ~support] == 0)
    refit = LogisticRegression(C=1.0, max_iter=5000).fit(X.loc[:, support], y)
    np.testing.assert_allclose(model.coef_[:, support], refit.coef_)
    np.testing.assert_allclose(model.predict_proba(X), refit.predict_proba(X.loc[:, support]))
    assert list(model.selected_features_) == list(X.columns[support])


def test_nested_grid_over_selector_and_estimator(cancer):
    X, y = cancer
    model = SelectThenRefit(L1Selector(task="classification"), LogisticRegression(max_iter=5000))
    grid = {"selector__C": [0.01, 0.1], "estimator__C": [0.1, 10.0]}
    search = GridSearchCV(model, grid, cv=3, scoring="roc_auc").fit(X, y)
    assert set(search.best_params_) == {"selector__C", "estimator__C"}
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_
    assert best.selector_.C_ == pytest.approx(search.best_params_["selector__C"])


def test_default_select_then_refit_is_a_classifier_or_regressor():
    X, y = load_diabetes(return_X_y=True)
    regression = SelectThenRefit(L1Selector(task="regression", alpha=1.0)).fit(X, y)
    assert isinstance(regression.estimator_, LinearRegression)
    assert regression.score(X, y) > 0.4
    Xc, yc = load_breast_cancer(return_X_y=True)
    classifier = SelectThenRefit(L1Selector(C=0.05)).fit(Xc, yc)
    assert isinstance(classifier.estimator_, LogisticRegression)
    np.testing.assert_array_equal(classifier.classes_, [0, 1])


def test_lasso_path_table_like_the_lesson():
    """'The Lasso Path': nonzero counts grow as alpha falls, and match sklearn's lasso_path."""
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    report = LassoPathReport(cv=None).fit(X, y)
    table = report.path_table()
    assert list(table.columns) == ["alpha", "C", "n_nonzero", "dev_ratio"]
    assert table["alpha"].is_monotonic_decreasing
    assert table["n_nonzero"].iloc[0] == 0
    assert table["n_nonzero"].iloc[-1] == X.shape[1]
    assert table["dev_ratio"].is_monotonic_increasing
    tidy = report.to_frame()
    assert len(tidy) == len(table) * X.shape[1]
    assert set(tidy.columns) == {"alpha", "feature", "coef"}


def test_cross_validated_report_and_rules(cancer):
    X, y = cancer
    report = LassoPathReport(cv=5, random_state=0).fit(X, y)
    assert report.cv_scores_.shape == (len(report.alphas_), 5)
    best = np.max(report.cv_mean_)
    i_min = np.flatnonzero(report.alphas_ == report.alpha_min_)[0]
    assert report.cv_mean_[i_min] == best
    assert report.alpha_1se_ >= report.alpha_min_
    i_1se = np.flatnonzero(report.alphas_ == report.alpha_1se_)[0]
    assert report.cv_mean_[i_1se] >= best - report.cv_se_[i_min]
    assert report.n_nonzero_[i_1se] <= report.n_nonzero_[i_min]
    summary = report.summary()
    assert {"entry_alpha", "entry_rank", "coef_min", "coef_1se", "freq_min", "freq_1se"} <= set(
        summary.columns
    )
    assert summary["freq_min"].between(0, 1).all()
    assert list(summary.index[: len(report.entry_order_)]) == list(report.entry_order_)
    selected = set(report.selected_features("1se"))
    assert selected == set(summary.index[summary["coef_1se"] != 0])
    refit = report.selector("1se").fit(X, y)
    assert set(refit.selected_features_) == selected


def test_selector_by_cv_uses_the_rule(cancer):
    X, y = cancer
    by_min = L1Selector(cv=5, random_state=0).fit(X, y)
    by_1se = L1Selector(cv=5, rule="1se", random_state=0).fit(X, y)
    assert by_min.alpha_ == by_min.path_.alpha_min_
    assert by_1se.alpha_ == by_1se.path_.alpha_1se_
    assert by_1se.support_.sum() <= by_min.support_.sum()


def test_selector_by_count_keeps_exactly_n_features(cancer):
    X, y = cancer
    for k in (1, 5, 12):
        selector = L1Selector(n_features=k).fit(X, y)
        assert selector.support_.sum() == k
        assert selector.path_ is not None


def test_multiclass_support_is_union_over_classes():
    X, y = load_wine(return_X_y=True, as_frame=True)
    selector = L1Selector(C=0.02).fit(X, y)
    assert selector.coef_.shape == (3, X.shape[1])
    np.testing.assert_array_equal(selector.support_, (selector.coef_ != 0).any(axis=0))
    assert 0 < selector.support_.sum() < X.shape[1]
    assert selector.transform(X).shape[1] == selector.support_.sum()


def test_compare_penalties_l1_is_sparse_l2_is_dense(cancer):
    """'L1 vs L2' and 'when to prefer Elastic Net': same folds, same strengths."""
    X, y = cancer
    result = compare_penalties(X, y, Cs=[0.01, 0.1, 1.0], cv=3, random_state=0)
    assert set(result.table["penalty"]) == {"l1", "l2", "elasticnet"}
    assert len(result.table) == 9
    l1 = result.table.query("penalty == 'l1'")
    l2 = result.table.query("penalty == 'l2'")
    assert (l2["n_nonzero"] == X.shape[1]).all()
    assert (l1["n_nonzero"].to_numpy() < X.shape[1]).all()
    assert list(result.best.index) == ["l1", "l2", "elasticnet"]
    assert result.coefs.shape == (X.shape[1], 3)
    assert (result.coefs["l1"] == 0).sum() > (result.coefs["l2"] == 0).sum()
    # the same folds for every penalty
    folds = [report.cv_scores_.shape for report in result.reports.values()]
    assert folds == [(3, 3)] * 3
