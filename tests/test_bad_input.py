"""Bad input gets a clear error naming the parameter or the problem, never a silent answer."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

from sklearn_lasso_tools import L1Selector, LassoPathReport, SelectThenRefit, compare_penalties


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return X.iloc[:200, :8], y.iloc[:200]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("estimator", [L1Selector(C=0.1), LassoPathReport(cv=None)])
def test_non_finite_values_in_X(data, bad, estimator):
    X, y = data
    X = X.copy()
    X.iloc[3, 2] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        estimator.fit(X, y)


def test_non_finite_target(data):
    X, y = data
    y = y.astype(float).copy()
    y.iloc[0] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        L1Selector(alpha=0.1, task="regression").fit(X, y)


@pytest.mark.parametrize("estimator", [L1Selector(C=0.1), LassoPathReport(cv=3)])
def test_single_class_target(data, estimator):
    X, _ = data
    with pytest.raises(ValueError, match="at least two classes in y; got only 'yes'"):
        estimator.set_params(task="classification").fit(X, ["yes"] * len(X))


def test_continuous_target_with_classification_task(data):
    X, _ = data
    y = np.linspace(0, 1, len(X))
    with pytest.raises(ValueError, match="task='classification' needs class labels"):
        L1Selector(C=0.1, task="classification").fit(X, y)


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_column_mismatch_at_transform(data):
    X, y = data
    selector = L1Selector(C=0.1).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but L1Selector is expecting 8"):
        selector.transform(X.to_numpy()[:, :3])
    renamed = X.rename(columns={X.columns[0]: "something else"})
    with pytest.raises(ValueError, match="feature names should match"):
        selector.transform(renamed)


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_column_mismatch_at_predict(data):
    X, y = data
    model = SelectThenRefit(L1Selector(C=0.1)).fit(X, y)
    with pytest.raises(ValueError, match="expecting 8 features"):
        model.predict(X.to_numpy()[:, :5])


@pytest.mark.parametrize("parameter", ["alpha", "C"])
@pytest.mark.parametrize("value", [0, -1.5])
def test_non_positive_strength(data, parameter, value):
    X, y = data
    with pytest.raises(ValueError, match=f"The '{parameter}' parameter of L1Selector must be"):
        L1Selector(**{parameter: value}).fit(X, y)


def test_alpha_and_C_together(data):
    X, y = data
    with pytest.raises(ValueError, match="'alpha' or as 'C', not both; got alpha=0.1 and C=1"):
        L1Selector(alpha=0.1, C=1).fit(X, y)


def test_strength_and_n_features_together(data):
    X, y = data
    with pytest.raises(ValueError, match="from 'alpha'/'C' or from 'n_features', not both"):
        L1Selector(C=1, n_features=3).fit(X, y)


def test_unknown_rule(data):
    X, y = data
    with pytest.raises(ValueError, match="The 'rule' parameter of L1Selector must be a str among"):
        L1Selector(rule="best").fit(X, y)
    report = LassoPathReport(cv=3, alphas=10).fit(X, y)
    with pytest.raises(ValueError, match="rule must be 'min' or '1se'; got 'best'"):
        report.selector("best")


@pytest.mark.parametrize("alphas", [-3, 0, [0.1, -0.2], [], [[0.1]]])
def test_bad_alphas(data, alphas):
    X, y = data
    with pytest.raises(ValueError, match="The 'alphas' parameter of LassoPathReport must be"):
        LassoPathReport(alphas=alphas, cv=None).fit(X, y)


def test_too_many_features_requested(data):
    X, y = data
    with pytest.raises(ValueError, match="got n_features=9 for X with 8 feature"):
        L1Selector(n_features=9).fit(X, y)


def test_more_folds_than_the_smallest_class(data):
    X, y = data
    y = y.copy()
    y.iloc[:] = 0
    y.iloc[:3] = 1
    with pytest.raises(ValueError, match="asks for 5 stratified folds, but the smallest class"):
        LassoPathReport(cv=5).fit(X, y)


def test_bad_sample_weight(data):
    X, y = data
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        L1Selector(C=0.1).fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="sample_weight.shape"):
        L1Selector(C=0.1).fit(X, y, sample_weight=np.ones(3))


def test_bad_penalties_and_Cs(data):
    X, y = data
    with pytest.raises(ValueError, match="'penalties' parameter of compare_penalties"):
        compare_penalties(X, y, penalties=("l1", "lasso"))
    with pytest.raises(ValueError, match="'Cs' parameter of compare_penalties"):
        compare_penalties(X, y, Cs=[1.0, -1.0])


def test_selecting_nothing_warns_and_refit_predicts_the_prior(data):
    X, y = data
    with pytest.warns(UserWarning, match="selected no feature at alpha="):
        selector = L1Selector(C=1e-5).fit(X, y)
    assert selector.support_.sum() == 0
    with pytest.warns(UserWarning, match="No features were selected"):
        assert selector.transform(X).shape == (len(X), 0)

    with pytest.warns(UserWarning, match="kept no feature; predicting the prior"):
        model = SelectThenRefit(L1Selector(C=1e-5)).fit(X, y)
    prior = np.bincount(y) / len(y)
    np.testing.assert_allclose(model.predict_proba(X), np.tile(prior, (len(X), 1)))
    assert (model.predict(X) == np.argmax(prior)).all()
    np.testing.assert_array_equal(model.coef_, np.zeros(X.shape[1]))
