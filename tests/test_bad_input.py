"""Bad input gets a clear error naming the parameter or the problem, never a silent answer."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import ElasticNet, Lasso

from sklearn_lasso_tools import L1Selector, LassoPathReport, SelectThenRefit, compare_penalties


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return X.iloc[:200, :8], y.iloc[:200]


# -- one table: each bad input, the estimators it applies to, and the error it gets ----

SELECTOR, REPORT, REFIT, COMPARE = "L1Selector", "LassoPathReport", "SelectThenRefit", "compare"
ALL = (SELECTOR, REPORT, REFIT, COMPARE)
# who an error names: SelectThenRefit's come from its selector
OWNER = {
    SELECTOR: "L1Selector",
    REPORT: "LassoPathReport",
    REFIT: "L1Selector",
    COMPARE: "compare_penalties",
}


def fit(kind, X, y, params=None, **fit_params):
    """Fit one of the four entry points with small, fast settings (``params`` override)."""
    params = params or {}
    if kind == SELECTOR:
        return L1Selector(**{"C": 0.1, **params}).fit(X, y, **fit_params)
    if kind == REPORT:
        params = {k: v for k, v in params.items() if k not in ("C", "n_features")}
        params = {"cv": 3, "alphas": 5, "random_state": 0, **params}
        return LassoPathReport(**params).fit(X, y, **fit_params)
    if kind == REFIT:
        return SelectThenRefit(L1Selector(**{"C": 0.1, **params})).fit(X, y, **fit_params)
    params = {k: v for k, v in params.items() if k not in ("C", "n_features")}
    params = {"Cs": [0.1, 1.0], "cv": 3, "random_state": 0, **params}
    return compare_penalties(X, y, **params, **fit_params)


def _with(X, row, column, value):
    X = X.copy()
    X.iloc[row, column] = value
    return X


def _add_column(X, name, values):
    return X.assign(**{name: values})


def _renamed(X, names):
    X = X.copy()
    X.columns = names
    return X


def _few_positives(y, n):
    y = y.copy()
    y.iloc[:] = 0
    y.iloc[:n] = 1
    return y


# (id, make(X, y) -> (X, y, fit kwargs), estimator params, applies to, error, match)
BAD_INPUTS = [
    (
        "NaN in X",
        lambda X, y: (_with(X, 3, 2, np.nan), y, {}),
        {},
        ALL,
        ValueError,
        "Input X contains NaN",
    ),
    (
        "inf in X",
        lambda X, y: (_with(X, 3, 2, np.inf), y, {}),
        {},
        ALL,
        ValueError,
        "Input X contains infinity",
    ),
    (
        "-inf in X",
        lambda X, y: (_with(X, 0, 0, -np.inf), y, {}),
        {},
        ALL,
        ValueError,
        "Input X contains infinity",
    ),
    (
        "NaN in y",
        lambda X, y: (X, y.astype(float).where(y.index != 0), {}),
        {"task": "regression"},
        ALL,
        ValueError,
        "Input y contains NaN",
    ),
    (
        "empty arrays",
        lambda X, y: (X.iloc[:0], y.iloc[:0], {}),
        {},
        ALL,
        ValueError,
        r"Found array with 0 sample\(s\) \(shape=\(0, 8\)\) while a minimum of 2 is required",
    ),
    (
        "no feature",
        lambda X, y: (X.iloc[:, :0], y, {}),
        {},
        ALL,
        ValueError,
        r"Found array with 0 feature\(s\) \(shape=\(200, 0\)\) while a minimum of 1 is "
        r"required by {owner}",
    ),
    (
        "one sample",
        lambda X, y: (X.iloc[:1], y.iloc[:1], {}),
        {},
        ALL,
        ValueError,
        r"Found array with 1 sample\(s\) \(shape=\(1, 8\)\) while a minimum of 2 is required",
    ),
    (
        "single-class y",
        lambda X, y: (X, ["yes"] * len(X), {}),
        {"task": "classification"},
        ALL,
        ValueError,
        "{owner} needs at least two classes in y; got only 'yes'",
    ),
    (
        "single-class y (object Series)",
        lambda X, y: (X, pd.Series(["yes"] * len(X), dtype=object), {}),
        {},
        ALL,
        ValueError,
        "{owner} needs at least two classes in y; got only 'yes'",
    ),
    (
        "continuous y, task='classification'",
        lambda X, y: (X, np.linspace(0, 1, len(X)), {}),
        {"task": "classification"},
        (SELECTOR, REPORT, COMPARE),
        ValueError,
        "{owner} with task='classification' needs class labels; got a continuous y",
    ),
    (
        # a classifier (by its selector's task) refuses it first, in scikit-learn's words
        "continuous y, task='classification'",
        lambda X, y: (X, np.linspace(0, 1, len(X)), {}),
        {"task": "classification"},
        (REFIT,),
        ValueError,
        "Unknown label type: continuous",
    ),
    (
        "text y, task='regression'",
        lambda X, y: (X, np.where(y == 1, "a", "b"), {}),
        {"task": "regression"},
        ALL,
        ValueError,
        "{owner} with task='regression' needs a numeric y",
    ),
    (
        "two-column y",
        lambda X, y: (X, np.column_stack([y, y]), {}),
        {},
        ALL,
        ValueError,
        "(y should be a 1d array|supports a single target)",
    ),
    (
        "text column",
        lambda X, y: (_add_column(X, "color", "red"), y, {}),
        {},
        ALL,
        ValueError,
        r"{owner} needs numeric features; column\(s\) 'color' \(\w+\) of X hold non-numeric values",
    ),
    (
        "categorical column",
        lambda X, y: (_add_column(X, "grade", pd.Categorical(["a", "b"] * 100)), y, {}),
        {},
        ALL,
        ValueError,
        r"needs numeric features; column\(s\) 'grade' \(category\)",
    ),
    (
        "mixed int/str column names",
        lambda X, y: (_renamed(X, ["a", 1, "b", 2, "c", 3, "d", 4]), y, {}),
        {},
        ALL,
        TypeError,
        "Feature names are only supported if all input features have string names",
    ),
    (
        "mismatched lengths",
        lambda X, y: (X, y.iloc[:-1], {}),
        {},
        ALL,
        ValueError,
        r"inconsistent numbers of samples: \[200, 199\]",
    ),
    (
        "negative sample_weight",
        lambda X, y: (X, y, {"sample_weight": -np.ones(len(y))}),
        {},
        ALL,
        ValueError,
        "Negative values in data passed to `sample_weight`",
    ),
    (
        "all-zero sample_weight",
        lambda X, y: (X, y, {"sample_weight": np.zeros(len(y))}),
        {},
        ALL,
        ValueError,
        "Sample weights must contain at least one non-zero number",
    ),
    (
        "sample_weight of the wrong length",
        lambda X, y: (X, y, {"sample_weight": np.ones(3)}),
        {},
        ALL,
        ValueError,
        r"sample_weight.shape == \(3,\), expected \(200,\)",
    ),
    (
        # (fewer members than folds in one class only: StratifiedKFold warns and the fit
        # goes on, see test_sklearn_conventions)
        "cv larger than every class",
        lambda X, y: (X.iloc[:8], _few_positives(y.iloc[:8], 4), {}),
        {"cv": 5, "C": None},
        ALL,
        ValueError,
        "n_splits=5 cannot be greater than the number of members in each class",
    ),
    (
        "cv larger than n_samples (regression)",
        lambda X, y: (X.iloc[:4], [0.0, 1, 2, 4], {}),
        {"cv": 5, "C": None, "task": "regression"},
        ALL,
        ValueError,
        "Cannot have number of splits n_splits=5 greater than the number of samples: n_samples=4",
    ),
    (
        "n_features larger than available",
        lambda X, y: (X, y, {}),
        {"n_features": 9, "C": None},
        (SELECTOR, REFIT),
        ValueError,
        "The 'n_features' parameter of {owner} must be at most the number of features; got "
        "n_features=9 for X with 8 feature",
    ),
    (
        "every column constant",
        lambda X, y: (X * 0 + 1.0, y, {}),
        {},
        (REPORT,),
        ValueError,
        "Every coefficient is zero at every strength: the features are constant",
    ),
]


@pytest.mark.parametrize(
    ("make", "params", "kind", "error", "match"),
    [
        pytest.param(make, params, kind, error, match, id=f"{name} | {kind}")
        for name, make, params, kinds, error, match in BAD_INPUTS
        for kind in kinds
    ],
)
def test_bad_input_table(data, make, params, kind, error, match):
    X, y, fit_params = make(*data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an error, not a warning and a silent answer
        with pytest.raises(error, match=match.format(owner=OWNER[kind])):
            fit(kind, X, y, params, **fit_params)


# -- inputs that work, with their documented behaviour checked against references ------


def _coefs(kind, fitted):
    """The coefficients each entry point reports, as one array."""
    if kind == REPORT:
        return fitted.coefs_
    if kind == COMPARE:
        return fitted.coefs.to_numpy().T  # (penalties, features)
    return np.asarray(fitted.coef_)


@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize(
    ("labels", "classes"),
    [(("no", "yes"), ["no", "yes"]), ((False, True), [False, True])],
    ids=["string labels", "boolean labels"],
)
def test_string_and_boolean_labels_fit_with_the_original_classes(data, kind, labels, classes):
    X, y = data
    coded = fit(kind, X, y)
    relabelled = fit(kind, X, np.where(y == 1, labels[1], labels[0]))
    # the same model as 0/1 labels (sorted labels map to the same codes)
    np.testing.assert_array_equal(_coefs(kind, relabelled), _coefs(kind, coded))
    if kind == COMPARE:
        assert relabelled.table.equals(coded.table)
        return
    assert list(relabelled.classes_) == classes
    if kind == REFIT:
        predicted = relabelled.predict(X)
        assert set(predicted) <= set(classes)
        np.testing.assert_array_equal(predicted == labels[1], coded.predict(X) == 1)


@pytest.mark.parametrize("kind", ALL)
def test_int_column_names_are_not_feature_names(data, kind):
    X, y = data
    named = fit(kind, X, y)
    numbered = fit(kind, _renamed(X, list(range(X.shape[1]))), y)
    np.testing.assert_array_equal(_coefs(kind, numbered), _coefs(kind, named))
    generic = [f"x{i}" for i in range(X.shape[1])]
    if kind == COMPARE:
        assert list(numbered.coefs.index) == generic
        return
    # scikit-learn's rule: only all-string column names become feature_names_in_
    assert not hasattr(numbered, "feature_names_in_")
    assert list(named.feature_names_in_) == list(X.columns)
    if kind == SELECTOR:
        selected = [generic[i] for i in np.flatnonzero(named.support_)]
        assert list(numbered.get_feature_names_out()) == selected


@pytest.mark.parametrize("kind", ALL)
def test_object_columns_holding_numbers_work(data, kind):
    X, y = data
    as_object = X.astype({X.columns[0]: object, X.columns[3]: object})
    # the same numbers (up to summation order: the converted array's memory layout differs)
    np.testing.assert_allclose(
        _coefs(kind, fit(kind, as_object, y)), _coefs(kind, fit(kind, X, y)), rtol=1e-9, atol=1e-12
    )


@pytest.fixture(scope="module")
def regression():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    return X.iloc[:, :6], y


def _soft_threshold(z, t):
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def test_one_feature_is_the_soft_thresholded_slope(regression):
    # one feature, scale=False: the lasso coefficient is S(cov(x, y), alpha) / var(x)
    X, y = regression
    X = X[["bmi"]]
    x, t = X["bmi"].to_numpy(), y.to_numpy()
    cov, var = np.mean((x - x.mean()) * (t - t.mean())), x.var()
    slope = cov / var

    def closed_form(alpha, l1_ratio=1.0):
        return _soft_threshold(cov, alpha * l1_ratio) / (var + alpha * (1 - l1_ratio))

    for alpha in (0.1, 0.5 * cov, 2 * cov):
        selector = L1Selector(alpha=alpha, scale=False, task="regression")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # 2 * cov selects nothing
            selector.fit(X, y)
        np.testing.assert_allclose(selector.coef_, [closed_form(alpha)], rtol=1e-9, atol=1e-12)
        assert selector.support_.tolist() == [alpha < cov]
    report = LassoPathReport(alphas=6, cv=3, scale=False, random_state=0).fit(X, y)
    np.testing.assert_allclose(report.coefs_[:, 0], closed_form(report.alphas_), rtol=1e-9)
    refit = SelectThenRefit(L1Selector(alpha=0.1, scale=False, task="regression")).fit(X, y)
    np.testing.assert_allclose(refit.coef_, [slope], rtol=1e-9)  # least squares, unshrunk
    comparison = compare_penalties(X, y, Cs=[1e-3, 1e-2], cv=3, scale=False, random_state=0)
    for penalty, ratio in (("l1", 1.0), ("l2", 0.0), ("elasticnet", 0.5)):
        alpha = comparison.best.loc[penalty, "alpha"]
        np.testing.assert_allclose(
            comparison.coefs.loc["bmi", penalty], closed_form(alpha, ratio), rtol=1e-8
        )


@pytest.mark.parametrize("kind", ALL)
def test_constant_columns_are_never_selected(regression, kind):
    X, y = regression
    with_constant = X.assign(constant=3.0, zero=0.0)
    params = {"C": None, "alpha": 0.5, "task": "regression"}
    if kind == COMPARE:
        params = {"task": "regression", "Cs": [0.01, 10.0]}
    elif kind == REPORT:
        params = {"task": "regression", "alphas": 8}
    plain = _coefs(kind, fit(kind, X, y, params))
    padded = _coefs(kind, fit(kind, with_constant, y, params))
    np.testing.assert_array_equal(padded[..., -2:], 0.0)  # at every strength, every penalty
    np.testing.assert_allclose(padded[..., :-2], plain, rtol=1e-10, atol=1e-12)
    if kind == COMPARE:
        return
    padded_fit = fit(kind, with_constant, y, params)
    if kind == REPORT:
        assert "constant" not in padded_fit.entry_order_ and "zero" not in padded_fit.entry_order_
    else:
        assert "constant" not in padded_fit.selected_features_


def test_duplicated_columns_split_or_share_weight_as_the_math_says(regression):
    """With ``l1_ratio=1`` the lasso only pins the sum of two identical columns' weights
    (any split with the same signs is optimal); with ``l1_ratio < 1`` the ridge part is
    strictly convex, so the copies share equally. Two copies of one column alone fit as
    that column with half the ridge: ``alpha' = alpha * (1 + l1_ratio) / 2`` and
    ``l1_ratio' = 2 * l1_ratio / (1 + l1_ratio)``."""
    X, y = regression
    doubled = X.assign(bmi_copy=X["bmi"])
    bmi = list(X.columns).index("bmi")
    alpha, ratio = 0.05, 0.5
    exact = {"tol": 1e-12, "max_iter": 100_000}
    lasso = Lasso(alpha=alpha, **exact).fit(X, y).coef_
    coef = L1Selector(alpha=alpha, scale=False, task="regression", tol=1e-10).fit(doubled, y).coef_
    np.testing.assert_allclose(coef[bmi] + coef[-1], lasso[bmi], rtol=1e-7)
    np.testing.assert_allclose(np.delete(coef[:-1], bmi), np.delete(lasso, bmi), rtol=1e-7)
    assert np.sign(coef[bmi]) * np.sign(coef[-1]) >= 0  # never opposite signs

    reference = ElasticNet(alpha=alpha, l1_ratio=ratio, **exact).fit(doubled, y).coef_
    for scale in (False, True):  # the copies have equal scales, so scaling keeps the sharing
        enet = L1Selector(alpha=alpha, l1_ratio=ratio, scale=scale, task="regression", tol=1e-10)
        enet = enet.fit(doubled, y).coef_
        np.testing.assert_allclose(enet[bmi], enet[-1], rtol=1e-9)
        if not scale:
            np.testing.assert_allclose(enet, reference, rtol=1e-7, atol=1e-9)
    pair = X[["bmi"]].assign(bmi_copy=X["bmi"])
    shared = L1Selector(alpha=alpha, l1_ratio=ratio, scale=False, tol=1e-10).fit(pair, y).coef_
    single = ElasticNet(alpha=alpha * (1 + ratio) / 2, l1_ratio=2 * ratio / (1 + ratio), **exact)
    single = single.fit(X[["bmi"]], y).coef_
    np.testing.assert_allclose(shared, [single[0] / 2] * 2, rtol=1e-7)

    report = LassoPathReport(alphas=8, cv=None, l1_ratio=ratio, tol=1e-12).fit(doubled, y)
    np.testing.assert_allclose(report.coefs_[:, bmi], report.coefs_[:, -1], rtol=1e-9, atol=1e-12)
    comparison = compare_penalties(doubled, y, Cs=[0.01, 1.0], cv=3, random_state=0, tol=1e-12)
    for penalty in ("l2", "elasticnet"):
        both = comparison.coefs[penalty]
        np.testing.assert_allclose(both["bmi"], both["bmi_copy"], rtol=1e-8)
