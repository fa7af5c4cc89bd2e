"""Right answers in every corner (issue 15): degenerate folds, targets and grids."""

import time
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LassoCV
from sklearn.model_selection import KFold

from sklearn_lasso_tools import L1Selector, LassoPathReport

# -- a training fold with one class ---------------------------------------------------


@pytest.fixture(scope="module")
def sorted_cancer():
    """Breast cancer sorted by outcome: an unshuffled KFold(2) leaves one training half
    (284 rows, whose weights sum to 0.9999999999999999) with a single class."""
    X, y = load_breast_cancer(return_X_y=True)
    order = np.argsort(y, kind="stable")
    return X[order], y[order]


@pytest.mark.parametrize(
    "estimator",
    [
        LassoPathReport(cv=KFold(2), alphas=5, scoring="accuracy"),
        L1Selector(cv=KFold(2), alphas=5, scoring="accuracy"),
    ],
    ids=["LassoPathReport", "L1Selector"],
)
def test_training_fold_with_one_class_raises(sorted_cancer, estimator):
    X, y = sorted_cancer
    with pytest.raises(ValueError, match="A class is missing from the .*training samples"):
        estimator.fit(X, y)


@pytest.mark.parametrize("n_rows", [3, 284, 285, 1000])
def test_one_class_detected_whatever_the_number_of_rows(n_rows):
    """Weights 1/n summed in floating point need not reach 1: count rows, not weight."""
    from sklearn_lasso_tools._engine.path import l1_path

    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_rows, 3))
    with pytest.raises(ValueError, match="A class is missing"):
        l1_path(X, np.ones(n_rows), task="binary", alphas=5)
    codes = np.arange(n_rows) % 2  # classes 0 and 1 of three
    with pytest.raises(ValueError, match="A class is missing"):
        l1_path(X, codes, task="multinomial", alphas=5, n_classes=3)


# -- an integer target with many values is not a set of classes ------------------------


@pytest.mark.parametrize("n_rows", [100, 442])
@pytest.mark.parametrize("estimator", [LassoPathReport(alphas=5), L1Selector(alpha=0.1)])
def test_integer_target_with_many_values_asks_for_the_task(n_rows, estimator):
    X, y = load_diabetes(return_X_y=True)
    y = y[:n_rows].astype(int)
    n_values = np.unique(y).size
    start = time.perf_counter()
    with pytest.raises(
        ValueError,
        match=rf"task='auto'.* integer y with {n_values} distinct values in {n_rows} samples.*"
        r"task='regression'.*task='classification'",
    ):
        estimator.fit(X[:n_rows], y)
    assert time.perf_counter() - start < 1.0


def test_integer_target_explicit_tasks_are_kept():
    X, y = load_diabetes(return_X_y=True)
    X, y = X[:100], y[:100].astype(int)
    report = LassoPathReport(task="regression", alphas=5, cv=None).fit(X, y)
    assert report.n_nonzero_[-1] > 0
    assert not hasattr(report, "classes_")
    # a few integer labels are classes; so are many, when asked for
    few = (y > np.median(y)).astype(int) + (y > np.quantile(y, 0.8)).astype(int)
    report = LassoPathReport(alphas=5, cv=None).fit(X, few)
    np.testing.assert_array_equal(report.classes_, [0, 1, 2])
    labels = np.arange(100) % 60  # 60 classes, asked for
    report = LassoPathReport(task="classification", alphas=2, cv=None).fit(X, labels)
    assert report.classes_.size == 60


# -- a constant target ------------------------------------------------------------------


def test_constant_target_gives_a_quiet_null_path():
    X, y = load_diabetes(return_X_y=True)
    y = np.full(len(y), 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = LassoPathReport(task="regression", random_state=0).fit(X, y)
        lasso_cv = LassoCV(cv=5).fit(X, y)
    assert np.all(report.coefs_ == 0) and np.all(lasso_cv.coef_ == 0)
    np.testing.assert_array_equal(report.intercepts_, 1.0)
    assert lasso_cv.intercept_ == 1.0
    np.testing.assert_array_equal(report.n_nonzero_, 0)
    np.testing.assert_array_equal(report.dev_ratio_, 0.0)
    # a grid of sensible strengths, not rounding noise
    assert report.alphas_[0] == 1.0
    np.testing.assert_allclose(report.alphas_[-1], 1e-4)
    assert report.alpha_min_ == 1.0 and report.alpha_1se_ == 1.0
    np.testing.assert_array_equal(report.cv_mean_, 0.0)


def test_constant_target_given_alphas_and_selector():
    X, y = load_diabetes(return_X_y=True)
    y = np.full(len(y), -3.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = LassoPathReport(task="regression", alphas=[2.0, 0.5, 0.1], cv=3).fit(X, y)
    np.testing.assert_array_equal(report.alphas_, [2.0, 0.5, 0.1])
    np.testing.assert_array_equal(report.intercepts_, -3.5)
    with pytest.warns(UserWarning, match="selected no feature"):
        selector = L1Selector(task="regression", random_state=0).fit(X, y)
    assert selector.intercept_ == -3.5 and not selector.support_.any()


@pytest.mark.parametrize("task", ["auto", "classification"])
def test_single_class_target_gives_the_one_class_error(task):
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(ValueError, match="needs at least two classes in y; got only 1"):
        LassoPathReport(task=task).fit(X, np.ones(len(y), dtype=int))


# -- the path's end does not depend on the grid's density ------------------------------


@pytest.fixture(scope="module")
def diabetes_paths():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    return {n: LassoPathReport(alphas=n, cv=None).fit(X, y) for n in (20, 100, 2000)}


def test_finer_grid_reaches_as_far(diabetes_paths):
    coarse, fine = diabetes_paths[100], diabetes_paths[2000]
    assert fine.alphas_[-1] <= coarse.alphas_[-1]
    assert coarse.alphas_[-1] < 0.02  # the least-squares end, every feature in
    assert fine.n_nonzero_[-1] == coarse.n_nonzero_[-1] == 10
    for report in diabetes_paths.values():
        assert set(report.entry_order_) == set(coarse.feature_names_in_)


@pytest.mark.parametrize("n_alphas", [50, 101, 300, 1000, 5000])
def test_any_density_reaches_as_far_as_glmnets_grid(n_alphas):
    from sklearn_lasso_tools._engine.path import l1_path

    X, y = load_diabetes(return_X_y=True)
    reference = l1_path(X, y, task="regression", alphas=100)
    path = l1_path(X, y, task="regression", alphas=n_alphas)
    assert path.alphas[-1] <= reference.alphas[-1]
    assert path.n_nonzero[-1] == 10


def test_coarser_grid_does_not_stop_far_earlier(diabetes_paths):
    assert diabetes_paths[20].alphas_[-1] <= 0.05
    assert diabetes_paths[20].n_nonzero_[-1] == 10


def test_default_grid_keeps_glmnet_stop(diabetes_paths):
    """On glmnet's own spacing the rule is glmnet's: 86 of 100 points on diabetes."""
    assert len(diabetes_paths[100].alphas_) == 86


def test_fine_grid_shows_hdl_leaving_and_coming_back(diabetes_paths):
    """Efron et al. (2004): on diabetes, hdl (s3) leaves the Lasso path near its
    least-squares end and comes back."""
    events = diabetes_paths[2000].path_events()
    s3 = events.loc[events["feature"] == "s3"]
    assert list(s3["event"]) == ["enter", "exit", "enter"]
    exit_alpha, back_alpha = s3["alpha"].iloc[1:]
    assert 0.09 < exit_alpha < 0.11 and 0.055 < back_alpha < 0.07


# -- polars input ----------------------------------------------------------------------


def test_polars_text_column_is_named_as_for_pandas():
    pl = pytest.importorskip("polars")
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    X = X.iloc[:60, :3].assign(region=np.where(np.arange(60) % 2, "north", "south"))
    y = y.iloc[:60]
    messages = []
    for frame in (X, pl.from_dict({name: X[name].to_numpy() for name in X.columns})):
        with pytest.raises(ValueError) as caught:
            LassoPathReport(alphas=5, cv=None).fit(frame, y.to_numpy())
        messages.append(str(caught.value))
    for message in messages:
        assert message.startswith("LassoPathReport needs numeric features; column(s) 'region' ("), (
            message
        )
        assert message.endswith(
            "of X hold non-numeric values. Encode them first (e.g. "
            "OneHotEncoder in a ColumnTransformer) or drop them."
        )
    numeric = pl.from_dict({name: X[name].to_numpy() for name in X.columns[:3]})
    report = LassoPathReport(alphas=5, cv=None).fit(numeric, y.to_numpy())
    assert list(report.feature_names_in_) == list(X.columns[:3])
