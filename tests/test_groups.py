"""Correlated groups: features L1 dropped for a near-copy it kept, found and named, with
correlations checked against numpy, and the elastic net spreading the weight."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sklearn_lasso_tools import L1Selector, LassoPathReport, compare_penalties
from sklearn_lasso_tools._engine.cross_products import CrossProducts
from sklearn_lasso_tools._engine.groups import correlated_pairs
from sklearn_lasso_tools.cli.command import summary_text


def planted(n=200, noise=0.01, seed=0):
    """f1 is f0 plus tiny noise; y uses both (and f2)."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 6)), columns=[f"f{i}" for i in range(6)])
    X["f1"] = X["f0"] + noise * rng.normal(size=n)
    y = X["f0"] + X["f1"] + X["f2"] + rng.normal(size=n)
    return X, y


@pytest.fixture(scope="module")
def group_report():
    X, y = planted()
    return X, y, LassoPathReport(random_state=0).fit(X, y)


def test_planted_group_is_found_and_named(group_report):
    X, _, report = group_report
    groups = report.correlated_groups()
    assert len(groups) == 1
    row = groups.iloc[0]
    assert {row["kept"], row["dropped"]} == {"f0", "f1"}
    assert row["group"] == 1
    assert row["kept"] in report.selected_features("1se")
    assert row["dropped"] not in report.selected_features("1se")
    np.testing.assert_allclose(row["corr"], np.corrcoef(X["f0"], X["f1"])[0, 1], rtol=1e-12)
    # the same at alpha_min and under a budget
    assert report.correlated_groups(rule="min")[["kept", "dropped"]].equals(
        groups[["kept", "dropped"]]
    )
    assert list(report.correlated_groups(rule=2)["kept"]) == [row["kept"]]


def test_no_group_on_independent_features():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(200, 8)), columns=[f"g{i}" for i in range(8)])
    y = X["g0"] - X["g1"] + rng.normal(size=200)
    report = LassoPathReport(random_state=0).fit(X, y)
    assert report.correlated_groups().empty
    assert report.correlated_groups(threshold=0.5).empty
    assert list(report.correlated_groups().columns) == ["group", "kept", "dropped", "corr"]


def test_groups_threshold_and_fitting_checks(group_report):
    _, _, report = group_report
    for threshold in (0.3, 1.5, "high", None):
        with pytest.raises(ValueError, match="'threshold' parameter of correlated_groups"):
            report.correlated_groups(threshold=threshold)
    X, y = planted(n=40)
    no_cv = LassoPathReport(alphas=10, cv=None).fit(X, y)
    with pytest.raises(ValueError, match="needs the correlations a cross-validated"):
        no_cv.correlated_groups()
    # an L1Selector's path is a cross-validated report like any other: its groups too
    selector = L1Selector(alphas=10, cv=3, random_state=0).fit(X, y)
    direct = LassoPathReport(alphas=10, cv=3, random_state=0, task="regression").fit(X, y)
    pd.testing.assert_frame_equal(selector.path_.correlated_groups(), direct.correlated_groups())
    with pytest.raises(NotFittedError):
        LassoPathReport().correlated_groups()


def test_correlated_pairs_match_numpy_dense_sparse_and_weighted():
    rng = np.random.default_rng(2)
    n, p = 120, 30
    X = rng.normal(size=(n, p))
    X[:, 5] = X[:, 3] * 2 + 0.3 * rng.normal(size=n)
    X[:, 7] = -X[:, 3] + 0.5 * rng.normal(size=n)
    X[:, 9] = 4.0  # constant: correlates with nothing
    X[rng.random(size=(n, p)) < 0.5] = 0.0  # sparse pattern
    X[:, 9] = 4.0
    candidates = np.array([3, 9, 11])
    weights = rng.uniform(0.1, 2.0, size=n)
    cov = np.cov(X, rowvar=False, aweights=weights, ddof=0)
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):  # the constant column
        full = np.nan_to_num(np.corrcoef(X, rowvar=False))
        weighted = np.nan_to_num(cov / np.outer(sd, sd))
    for reference, w in ((full, None), (weighted, weights)):
        expected = {
            (int(a), int(b)): reference[a, b]
            for a in candidates
            for b in range(p)
            if a != b and abs(reference[a, b]) >= 0.2
        }
        assert expected  # something to find
        # the moments of a report's cross-products (squared loss) instead of a pass over X
        moments = CrossProducts(X, np.zeros(n), w).moments()
        for design, given in [
            (X, None),
            (X, moments),
            (sparse.csr_matrix(X), None),
            (sparse.csc_matrix(X), None),
        ]:
            first, second, corr = correlated_pairs(design, candidates, w, floor=0.2, moments=given)
            got = {(int(a), int(b)): c for a, b, c in zip(first, second, corr, strict=True)}
            assert got.keys() == expected.keys()
            np.testing.assert_allclose(
                [got[key] for key in expected], list(expected.values()), rtol=1e-10
            )


def test_sparse_input_gives_the_same_groups():
    X, y = planted(n=150)
    dense = LassoPathReport(random_state=0, alphas=40).fit(X.to_numpy(), y)
    csr = LassoPathReport(random_state=0, alphas=40).fit(sparse.csr_matrix(X.to_numpy()), y)
    pd.testing.assert_frame_equal(dense.correlated_groups(), csr.correlated_groups(), rtol=1e-9)
    assert len(dense.correlated_groups()) == 1


def test_multiclass_groups_on_any_class_support():
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.normal(size=(240, 5)), columns=list("abcde"))
    X["b"] = X["a"] + 0.01 * rng.normal(size=240)
    labels = np.digitize(X["a"] + X["b"] + 0.5 * X["c"] + 0.5 * rng.normal(size=240), [-1, 1])
    report = LassoPathReport(alphas=30, random_state=0).fit(X, labels)
    groups = report.correlated_groups()
    assert len(groups) == 1 and {groups["kept"][0], groups["dropped"][0]} == {"a", "b"}


def test_compare_penalties_shows_l1_and_elastic_net_side_by_side():
    X, y = planted()
    result = compare_penalties(X, y, Cs=np.logspace(-3, 1, 12), cv=5, random_state=0)
    groups = result.groups
    assert list(groups["role"]) == ["kept", "dropped"]
    assert set(groups["feature"]) == {"f0", "f1"}
    kept, dropped = groups["feature"]
    # the table's numbers are the best models' coefficients
    for column in ("l1", "l2", "elasticnet"):
        np.testing.assert_array_equal(
            groups[column], result.coefs.loc[[kept, dropped], column].to_numpy()
        )
    l1 = result.coefs["l1"]
    net = result.coefs["elasticnet"]
    assert l1[dropped] == 0 and l1[kept] > 1.5  # L1 put the group's weight on one
    assert 0.7 < net[dropped] / net[kept] < 1.4  # the elastic net spreads it
    assert abs(net[kept] + net[dropped] - l1[kept]) < 0.2  # about the same total
    np.testing.assert_allclose(groups["corr"][1], np.corrcoef(X[kept], X[dropped])[0, 1])
    text = result._repr_mimebundle_(include=["text/plain"])
    text = text[0]["text/plain"] if isinstance(text, tuple) else text["text/plain"]
    assert "Correlated groups" in text and dropped in text
    # the coefficient chart always shows the group, even past `top`
    from sklearn_lasso_tools.charts._data import best_coefs

    coefs, _ = best_coefs(result, ["l1", "l2", "elasticnet"], True, 1)
    assert {kept, dropped} <= set(coefs["feature"])


def test_compare_penalties_without_l1_or_groups_is_empty():
    X, y = planted(n=80)
    result = compare_penalties(X, y, penalties=("l2",), Cs=[0.1, 1], cv=3, random_state=0)
    assert result.groups.empty
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(80, 4))
    result = compare_penalties(Z, Z[:, 0] + rng.normal(size=80), Cs=[0.1, 1], cv=3)
    assert result.groups.empty


def test_summary_and_report_text_suggest_elastic_net(group_report):
    X, _, report = group_report
    row = report.correlated_groups().iloc[0]
    text = summary_text("planted", X, report, "1se")
    assert "Correlated features (|r| >= 0.9)" in text
    assert f"kept {row['kept']}, dropped {row['dropped']} (r = +1.00)" in text
    assert "elastic net (l1_ratio < 1)" in text
    bundle = report._repr_mimebundle_(include=["text/plain"])
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "elastic net (l1_ratio < 1)" in bundle["text/plain"]


def test_each_dropped_feature_joins_its_most_correlated_kept_feature():
    """h2, h3, h4 are near-copies; L1 keeps two of them (and h0 of h0, h1): each dropped
    feature is listed once, under the kept feature it correlates with most."""
    rng = np.random.default_rng(5)
    n = 300
    X = pd.DataFrame(rng.normal(size=(n, 7)), columns=[f"h{i}" for i in range(7)])
    X["h1"] = X["h0"] + 0.01 * rng.normal(size=n)
    X["h3"] = X["h2"] + 0.01 * rng.normal(size=n)
    X["h4"] = X["h2"] + 0.03 * rng.normal(size=n)
    y = 3 * (X["h0"] + X["h1"]) + (X["h2"] + X["h3"] + X["h4"]) + rng.normal(size=n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        report = LassoPathReport(random_state=0).fit(X, y)
    groups = report.correlated_groups()
    kept = list(report.selected_features("1se"))
    corr = X.corr()
    expected = {}
    for name in X.columns.difference(kept):
        strength = corr.loc[kept, name].abs()
        if strength.max() >= 0.9:
            expected[name] = strength.idxmax()
    assert len(expected) == 2  # h1, and the one of h2, h3, h4 L1 dropped
    assert dict(zip(groups["dropped"], groups["kept"], strict=True)) == expected
    pairs = zip(groups["kept"], groups["dropped"], strict=True)
    np.testing.assert_allclose(groups["corr"], [corr.loc[k, d] for k, d in pairs])
    rank = list(report.entry_order_)
    assert list(groups["group"]) == [1, 2]
    assert rank.index(groups["kept"][0]) < rank.index(groups["kept"][1])


def test_ridge_keeps_everything_so_no_group():
    X, y = planted(n=80)
    report = LassoPathReport(l1_ratio=0.0, alphas=10, cv=3, random_state=0).fit(X, y)
    assert report.correlations_.empty  # no p x p work for a penalty that drops nothing
    assert report.correlated_groups().empty
