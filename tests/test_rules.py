"""Budgeted rules (``rule=k``): the largest alpha within one SE of the best mean CV score
that keeps at most k features, checked against a direct computation from ``cv_mean_``,
``cv_se_`` and ``n_nonzero_``, everywhere a rule is accepted."""

import warnings

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_lasso_tools import L1Selector, LassoPathReport
from sklearn_lasso_tools._engine.cv import budget_rule
from sklearn_lasso_tools.cli.command import main


@pytest.fixture(scope="module")
def diabetes(diabetes_xy):
    X, y = diabetes_xy
    return X, y, LassoPathReport(cv=3, random_state=0).fit(X, y)


def reference(mean, se, n_nonzero, k):
    """Plain loops: (index, within one SE)."""
    best = 0
    for i in range(len(mean)):
        if mean[i] > mean[best]:
            best = i
    cutoff = mean[best] - se[best]
    for i in range(len(mean)):  # alphas descending: the first is the largest
        if mean[i] >= cutoff and n_nonzero[i] <= k:
            return i, True
    fallback = None
    for i in range(len(mean)):
        if n_nonzero[i] <= k and (fallback is None or mean[i] > mean[fallback]):
            fallback = i
    return fallback, False


def kept(report, index):
    return list(report.feature_names_[report.coefs_[index] != 0])


@pytest.mark.parametrize("k", range(1, 11))
def test_budget_matches_direct_computation(diabetes, k):
    _, _, report = diabetes
    index, within = reference(report.cv_mean_, report.cv_se_, report.n_nonzero_, k)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        features = report.selected_features(k)
        alpha = report.selector(k).alpha
    assert list(features) == kept(report, index)
    assert len(features) <= k
    assert alpha == report.alphas_[index]
    assert len(caught) == (0 if within else 2)
    if within:  # the budget binds no more than 1se does
        assert (
            report.cv_mean_[index]
            >= report.cv_mean_.max() - report.cv_se_[report.cv_result_.index_min]
        )


def test_budget_at_least_1se_count_is_the_1se_rule(diabetes):
    _, _, report = diabetes
    n_1se = report.n_nonzero_[report.cv_result_.index_1se]
    for k in (n_1se, n_1se + 1, 100):
        assert list(report.selected_features(k)) == list(report.selected_features("1se"))


def test_budget_below_1se_warns_and_names_the_fallback(diabetes):
    _, _, report = diabetes
    n_1se = report.n_nonzero_[report.cv_result_.index_1se]
    assert n_1se > 3
    with pytest.warns(UserWarning, match="keeps at most 3 features") as record:
        features = report.selected_features(3)
    assert record[0].filename == __file__  # stacklevel: the caller's line
    # the best mean score among the alphas keeping at most 3 features
    small = report.n_nonzero_ <= 3
    best = np.flatnonzero(small & (report.cv_mean_ == report.cv_mean_[small].max()))[0]
    assert list(features) == kept(report, best)
    assert f"alpha={report.alphas_[best]:.4g}" in str(record[0].message)


def test_budget_rule_on_a_non_monotone_path():
    mean = np.array([-10.0, -5.0, -3.0, -2.9, -2.0, -2.05])
    se = np.full(6, 1.0)
    n_nonzero = np.array([0, 2, 4, 3, 5, 6])
    # within 1 SE of -2.0: indices 2..5; at most 3 features: index 3
    assert budget_rule(mean, se, n_nonzero, 3) == (3, True)
    assert budget_rule(mean, se, n_nonzero, 4) == (2, True)
    assert budget_rule(mean, se, n_nonzero, 2) == (1, False)  # best of indices 0, 1
    # a given grid whose first alpha already keeps more than k
    assert budget_rule(mean, se, n_nonzero + 3, 2) == (0, False)
    for k in range(1, 8):
        assert budget_rule(mean, se, n_nonzero, k) == reference(mean, se, n_nonzero, k)


def test_l1selector_rule_k_matches_the_report(diabetes):
    X, y, report = diabetes
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # within one SE: no warning
        selector = L1Selector(rule=7, cv=3, random_state=0).fit(X, y)
        assert list(selector.selected_features_) == list(report.selected_features(7))
        assert selector.alpha_ == report.selector(7).alpha
    with pytest.warns(UserWarning, match="keeps at most 2 features") as record:
        small = L1Selector(rule=2, cv=3, random_state=0).fit(X, y)
    assert record[0].filename == __file__
    with pytest.warns(UserWarning, match="keeps at most 2 features"):
        assert list(small.selected_features_) == list(report.selected_features(2))
    assert small.get_params()["rule"] == 2


@pytest.mark.parametrize("rule", [0, -1, "max", 2.5, None])
def test_l1selector_rejects_bad_rules(diabetes, rule):
    X, y, _ = diabetes
    with pytest.raises(InvalidParameterError, match="The 'rule' parameter of L1Selector"):
        L1Selector(rule=rule, cv=3).fit(X, y)


def test_bool_rule_is_not_a_budget(diabetes):
    X, y, report = diabetes
    with pytest.raises(ValueError, match="The 'rule' parameter of L1Selector must be"):
        L1Selector(rule=True, cv=3).fit(X, y)
    for rule in (True, 0, "max", 1.0):
        with pytest.raises(ValueError, match=r"'rule' parameter of LassoPathReport .*Got"):
            report.selected_features(rule)


def test_cli_rule_budget(diabetes, capsys):
    _, _, report = diabetes
    assert main(["--dataset", "diabetes", "--cv", "3", "--rule", "6"]) == 0
    out, _ = capsys.readouterr()
    assert "budget 6" in out and "<- --rule" in out
    expected = report.selected_features(6)
    table = out[out.index("Features kept at the budget of 6 features") :]
    rows = [line.split()[0] for line in table.splitlines()[3:] if line.strip()]
    assert sorted(rows) == sorted(expected)


def test_cli_rule_budget_fallback_is_a_note(capsys):
    assert main(["--dataset", "diabetes", "--cv", "3", "--rule", "2"]) == 0
    out, err = capsys.readouterr()
    assert "note: No alpha within one standard error" in out
    assert "UserWarning" not in err


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
def test_cli_rejects_bad_rule(value, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--dataset", "diabetes", "--rule", value])
    assert exc.value.code == 2
    assert "expected min, 1se or an int >= 1" in capsys.readouterr().err
