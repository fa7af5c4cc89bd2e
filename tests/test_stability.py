"""Stability selection along the path (complementary pairs), its bounds, selector and chart.

Frequencies are checked against paths fitted independently on the same half-samples:
scikit-learn's ``lasso_path`` for regression, separate ``l1_path`` calls for logistic
paths; the bounds against the formulas of Meinshausen & Bühlmann (2010) and Shah &
Samworth (2013) worked by hand.
"""

import json
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.linear_model import Lasso, LinearRegression, lasso_path
from sklearn.utils import check_random_state
from sklearn.utils.estimator_checks import parametrize_with_checks
from test_charts import mark_type, units  # the chart tests' spec walkers

from sklearn_lasso_tools import L1Selector, LassoPathReport, charts
from sklearn_lasso_tools._engine.path import l1_path
from sklearn_lasso_tools._engine.stability import (
    StabilityResult,
    complementary_pairs,
    mb_bound,
    unimodal_bound,
)

SEED = 3


def _regression(n=81, p=12, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, p)) * rng.uniform(0.5, 4, p))
    X.columns = [f"f{i:02d}" for i in range(p)]
    y = 2 * X["f00"] / X["f00"].std() - 1.5 * X["f01"] / X["f01"].std() + rng.normal(size=n)
    y += 0.7 * X["f02"] / X["f02"].std()
    return X, y


def _classification(n=90, p=8, n_classes=2, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    logits = np.column_stack([1.5 * X[:, 0] - X[:, 1], X[:, 1] + X[:, 2], -X[:, 0]])
    logits = logits[:, :n_classes] + rng.gumbel(size=(n, n_classes))
    return X, np.array(["a", "b", "c"])[logits.argmax(axis=1)]


@pytest.fixture(scope="module")
def regression_report():
    X, y = _regression()
    report = LassoPathReport(alphas=15, eps=1e-2, cv=None, n_bootstrap=6, random_state=SEED)
    return X, y, report.fit(X, y)


# --- complementary pairs ------------------------------------------------------------------


@pytest.mark.parametrize("n_samples", [10, 11])
def test_pairs_are_disjoint_halves(n_samples):
    pairs = complementary_pairs(n_samples, 7, check_random_state(0))
    assert len(pairs) == 7
    for first, second in pairs:
        assert len(first) == len(second) == n_samples // 2
        assert np.intersect1d(first, second).size == 0
        assert len(np.union1d(first, second)) == 2 * (n_samples // 2)
    # different pairs differ
    assert len({tuple(first) for first, _ in pairs}) == 7


def test_pairs_keep_the_strata():
    codes = np.repeat([0, 1, 2, 3], [5, 7, 2, 9])  # three odd classes, n = 23
    rng = np.random.default_rng(0)
    codes = rng.permutation(codes)
    for first, second in complementary_pairs(len(codes), 20, check_random_state(1), codes):
        assert len(first) == len(second) == 11
        assert np.intersect1d(first, second).size == 0
        for half in (first, second):
            counts = np.bincount(codes[half], minlength=4)
            np.testing.assert_array_less(np.abs(counts - np.bincount(codes) / 2), 1)
            assert counts.min() >= 1


def test_pairs_are_seeded():
    a = complementary_pairs(30, 3, check_random_state(5))
    b = complementary_pairs(30, 3, check_random_state(5))
    c = complementary_pairs(30, 3, check_random_state(6))
    assert all(np.array_equal(x[0], y[0]) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x[0], y[0]) for x, y in zip(a, c, strict=True))


# --- frequencies against independent fits --------------------------------------------------


def _sklearn_support(X, y, rows, alphas):
    """Support of scikit-learn's lasso_path on one half, standardized as the engine does
    (population std, centred), on the same alphas."""
    Xh, yh = X[rows], y[rows]
    Xs = (Xh - Xh.mean(axis=0)) / Xh.std(axis=0)
    _, coefs, _ = lasso_path(Xs, yh - yh.mean(), alphas=alphas, tol=1e-14, max_iter=100_000)
    return (coefs != 0).T  # (n_alphas, n_features)


def test_regression_frequencies_match_sklearn_on_the_same_halves(regression_report):
    X, y, report = regression_report
    Xa, ya = X.to_numpy(), y.to_numpy()
    pairs = complementary_pairs(len(ya), 6, check_random_state(SEED))
    supports = np.stack(
        [_sklearn_support(Xa, ya, rows, report.alphas_) for pair in pairs for rows in pair]
    )
    np.testing.assert_array_equal(report.stability_path_.to_numpy(), supports.mean(axis=0))
    assert list(report.stability_path_.columns) == list(X.columns)
    np.testing.assert_array_equal(report.stability_path_.index, report.alphas_)

    # q: the average size of the union of the halves' selections down to each alpha
    unions = np.logical_or.accumulate(supports, axis=1).sum(axis=2)
    np.testing.assert_allclose(report.stability_q_, unions.mean(axis=0), rtol=0, atol=1e-12)

    # the region, the maximum over it, the stable set and both bounds, by hand
    p, B, thr, pfer = X.shape[1], 6, 0.75, 1.0
    thr_eff = np.ceil(thr * 2 * B) / (2 * B)  # 9/12 = 0.75
    q_max = np.sqrt(pfer * (2 * thr_eff - 1) * p)
    end = np.flatnonzero(unions.mean(axis=0) <= q_max).max()
    assert report.stability_alpha_ == report.alphas_[end]
    top = supports.mean(axis=0)[: end + 1].max(axis=0)
    np.testing.assert_array_equal(report.stability_max_.to_numpy(), top)
    assert set(report.stable_features_) == set(X.columns[top >= thr])
    q = unions.mean(axis=0)[end]
    assert report.stability_bound_ == pytest.approx(q**2 / ((2 * thr_eff - 1) * p), rel=1e-12)
    expected = q**2 / p / (2 * (2 * thr_eff - 1 - 1 / (2 * B)))
    assert report.stability_bound_unimodal_ == pytest.approx(expected, rel=1e-12)
    # the strong signals are stable
    assert {"f00", "f01"} <= set(report.stable_features_)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_frequencies_match_independent_path_fits(n_classes):
    X, y = _classification(n_classes=n_classes)
    weights = np.random.default_rng(2).uniform(0.5, 2, len(y))
    report = LassoPathReport(
        alphas=8, eps=0.05, cv=None, n_bootstrap=3, random_state=SEED, l1_ratio=0.8
    ).fit(X, y, sample_weight=weights)
    codes = np.unique(y, return_inverse=True)[1]
    pairs = complementary_pairs(len(y), 3, check_random_state(SEED), codes)
    supports = []
    for rows in (rows for pair in pairs for rows in pair):
        path = l1_path(
            X[rows],
            codes[rows],
            task="binary" if n_classes == 2 else "multinomial",
            alphas=report.alphas_,
            l1_ratio=0.8,
            sample_weight=weights[rows],
            n_classes=n_classes,
        )
        assert len(path.alphas) == len(report.alphas_)  # no saturation on this grid
        nonzero = path.coefs != 0
        supports.append(nonzero if n_classes == 2 else nonzero.any(axis=1))
        # halves are stratified: every class in each
        assert len(np.unique(codes[rows])) == n_classes
    np.testing.assert_array_equal(report.stability_path_.to_numpy(), np.mean(supports, axis=0))


def test_sparse_input_gives_the_dense_frequencies(regression_report):
    X, y, dense = regression_report
    report = LassoPathReport(**dense.get_params()).fit(sparse.csr_array(X.to_numpy()), y)
    np.testing.assert_array_equal(report.stability_path_, dense.stability_path_)


def test_same_result_with_two_jobs(regression_report):
    # threads rather than loky's processes, which take seconds to start here; the
    # process and Dask backends run the same joblib calls (tests/test_scale_out.py)
    X, y, serial = regression_report
    params = serial.get_params()
    with joblib.parallel_config(backend="threading"):
        two = LassoPathReport(**{**params, "n_jobs": 2}).fit(X, y)
    pd.testing.assert_frame_equal(two.stability_path_, serial.stability_path_)
    np.testing.assert_array_equal(two.stability_q_, serial.stability_q_)
    reseeded = LassoPathReport(**{**params, "random_state": SEED + 1}).fit(X, y)
    assert not reseeded.stability_path_.equals(serial.stability_path_)


# --- bounds ----------------------------------------------------------------------------------


def test_bounds_by_hand():
    # Meinshausen & Bühlmann: q^2 / ((2 pi - 1) p)
    assert mb_bound(3.0, 30, 0.75) == pytest.approx(9 / 15)
    assert mb_bound(2.0, 10, 0.9) == pytest.approx(4 / 8)
    # Shah & Samworth (unimodal): q^2 / p times 1 / (2 (2 pi - 1 - 1/(2B))) up to 3/4 ...
    assert unimodal_bound(3.0, 30, 0.75, 50) == pytest.approx(0.3 / 0.98)
    # ... and 4 (1 - pi + 1/(2B)) / (1 + 1/B) above
    assert unimodal_bound(3.0, 30, 0.9, 50) == pytest.approx(0.3 * 4 * 0.11 / 1.02)
    # outside its conditions: theta = q/p > 1/sqrt(3), or pi too close to 1/2
    assert np.isnan(unimodal_bound(20.0, 30, 0.9, 50))
    assert np.isnan(unimodal_bound(12.0, 30, 0.6, 50))  # 0.6 <= 1/2 + min(0.16, 0.13)


def test_threshold_rounds_up_to_the_frequency_grid():
    X, y = _regression(seed=4)
    params = {"alphas": 10, "eps": 1e-2, "cv": None, "n_bootstrap": 5, "random_state": 0}
    off_grid = LassoPathReport(**params, stability_threshold=0.71).fit(X, y)
    on_grid = LassoPathReport(**params, stability_threshold=0.8).fit(X, y)  # ceil(7.1)/10
    assert off_grid.stability_bound_ == on_grid.stability_bound_
    assert off_grid.stability_bound_ == pytest.approx(
        on_grid.stability_q_[np.searchsorted(-on_grid.alphas_, -on_grid.stability_alpha_)] ** 2
        / (0.6 * X.shape[1])
    )
    np.testing.assert_array_equal(off_grid.stable_features_, on_grid.stable_features_)


def test_pfer_sets_the_region_and_warns_when_unreachable(regression_report):
    X, y, report = regression_report
    loose = LassoPathReport(**{**report.get_params(), "pfer": 4.0}).fit(X, y)
    assert loose.stability_alpha_ < report.stability_alpha_
    end = np.flatnonzero(loose.alphas_ == loose.stability_alpha_)[0]
    assert loose.stability_bound_ <= 4.0 < mb_bound(loose.stability_q_[end + 1], X.shape[1], 0.75)
    with pytest.warns(UserWarning, match="first alpha alone") as record:
        tight = LassoPathReport(**{**report.get_params(), "pfer": 1e-6}).fit(X, y)
    assert record[0].filename == __file__
    assert tight.stability_alpha_ == tight.alphas_[0]
    assert tight.stability_bound_ > 1e-6


# --- report surface ------------------------------------------------------------------------


def test_summary_column_and_no_stability_by_default(regression_report):
    X, y, report = regression_report
    table = report.summary()
    np.testing.assert_array_equal(
        table["stability"], report.stability_max_.reindex(table.index).to_numpy()
    )
    plain = LassoPathReport(alphas=15, eps=1e-2, cv=None).fit(X, y)
    assert "stability" not in plain.summary()
    assert not hasattr(plain, "stability_path_")
    # stable features, most stable first
    freq = report.stability_max_[report.stable_features_].to_numpy()
    assert np.all(np.diff(freq) <= 0) and freq.min() >= 0.75


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_bootstrap": 0}, "'n_bootstrap' parameter"),
        ({"n_bootstrap": 2, "stability_threshold": 0.5}, "'stability_threshold' parameter"),
        ({"n_bootstrap": 2, "pfer": 0}, "'pfer' parameter"),
    ],
)
def test_bad_parameters(params, match):
    X, y = _regression(n=20, p=3)
    with pytest.raises(ValueError, match=match):
        LassoPathReport(cv=None, **params).fit(X, y)


def test_a_class_too_small_to_split():
    X, y = _classification(n=30, n_classes=2)
    y[0] = "c"
    with pytest.raises(ValueError, match="'n_bootstrap'.*at least 2 samples, got 1"):
        LassoPathReport(cv=None, n_bootstrap=2, alphas=5).fit(X, y)


# --- L1Selector(stability=...) -------------------------------------------------------------


def test_selector_keeps_the_stable_set_with_a_restricted_fit():
    X, y = _regression(seed=5)
    selector = L1Selector(stability=0.75, n_bootstrap=6, alphas=15, eps=1e-2, random_state=SEED)
    selector.set_output(transform="pandas").fit(X, y)
    report = LassoPathReport(
        alphas=15, eps=1e-2, cv=None, n_bootstrap=6, stability_threshold=0.75, random_state=SEED
    ).fit(X, y)
    assert set(selector.selected_features_) == set(report.stable_features_)
    assert list(selector.transform(X).columns) == list(X.columns[selector.support_])
    assert selector.alpha_ == report.stability_alpha_
    assert selector.path_.stability_bound_ == report.stability_bound_
    # coef_: the Lasso at alpha_ on the stable features alone (scikit-learn, standardized)
    kept = X.columns[selector.support_]
    Xs = (X[kept] - X[kept].mean()) / X[kept].std(ddof=0)
    reference = Lasso(alpha=selector.alpha_, tol=1e-12, max_iter=100_000).fit(Xs, y)
    expected = np.zeros(X.shape[1])
    expected[selector.support_] = reference.coef_ / X[kept].std(ddof=0).to_numpy()
    np.testing.assert_allclose(selector.coef_, expected, rtol=1e-6, atol=1e-9)
    assert np.all(selector.coef_[selector.support_] != 0)


def test_selector_default_pairs_and_classification():
    X, y = _classification(n=60, p=5, n_classes=2)
    selector = L1Selector(stability=0.75, alphas=3, eps=0.3, pfer=3, random_state=0).fit(X, y)
    assert selector.path_.stability_result_.n_pairs == 50
    np.testing.assert_array_equal(
        selector.support_, selector.path_.stability_max_.to_numpy() >= 0.75
    )
    assert selector.support_.any()
    assert selector.coef_.shape == (5,)
    assert not np.any(selector.coef_[~selector.support_])
    assert np.all(selector.coef_[selector.support_] != 0)


def test_selector_with_nothing_stable_predicts_the_mean():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 6)), rng.normal(size=40)
    with pytest.warns(UserWarning, match="selected no feature"):
        selector = L1Selector(stability=1.0, n_bootstrap=3, alphas=5, random_state=0).fit(X, y)
    assert not selector.support_.any()
    np.testing.assert_array_equal(selector.coef_, np.zeros(6))
    assert selector.intercept_ == pytest.approx(y.mean())


def test_selector_stability_is_not_a_strength():
    X, y = _regression(n=20, p=3)
    with pytest.raises(ValueError, match="'stability' or by a strength"):
        L1Selector(0.1, stability=0.8).fit(X, y)
    with pytest.raises(ValueError, match="'stability' parameter"):
        L1Selector(stability=0.4).fit(X, y)


def _random_halves(estimator):
    if not isinstance(estimator, L1Selector):
        return {}
    reason = "random half-samples: a doubled weight and a repeated row split differently"
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


# regression only: the checks' 4-class data make slow multinomial paths on 20-sample halves
@parametrize_with_checks(
    [
        L1Selector(stability=0.6, n_bootstrap=2, alphas=8, pfer=5, task="regression"),
        LassoPathReport(alphas=5, cv=None, n_bootstrap=1, task="regression", random_state=0),
    ],
    expected_failed_checks=_random_halves,
)
def test_sklearn_compatible_with_stability(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # nothing stable on the checks' noise
        check(estimator)


# --- chart ---------------------------------------------------------------------------------


def test_stability_chart_spec(regression_report):
    X, y, report = regression_report
    spec = charts.stability_chart(report, top=3).to_dict()
    rows = {name: pd.DataFrame(values) for name, values in spec["datasets"].items()}
    views = units(spec)
    assert spec["title"]["text"] == "Stability path"
    subtitle = " ".join(spec["title"]["subtitle"])
    assert f"≤ {report.stability_bound_:.3g} (Meinshausen–Bühlmann)" in subtitle
    assert f"≤ {report.stability_bound_unimodal_:.3g} if unimodal" in subtitle
    assert "12 half-samples (6 complementary pairs)" in subtitle

    rule = next(v for v in views if mark_type(v) == "rule")
    assert rows[rule["data"]["name"]]["threshold"].tolist() == [0.75]
    rect = next(v for v in views if mark_type(v) == "rect")
    region = rows[rect["data"]["name"]].iloc[0]
    assert (region["start"], region["end"]) == (report.alphas_[0], report.stability_alpha_)
    assert rect["encoding"]["x"]["scale"]["reverse"] is True  # alpha decreasing rightwards

    lines = [v for v in views if mark_type(v) == "line" and "color" in v["encoding"]]
    frame = rows[lines[0]["data"]["name"]]
    expected = report.stability_max_.sort_values(ascending=False, kind="stable").index[:3]
    assert list(pd.unique(frame["feature"])) == sorted(expected, key=list(expected).index)
    legend = lines[0]["encoding"]["color"]["sort"]
    assert legend == [f"{f} ({report.stability_max_[f]:.2f})" for f in expected]
    first = frame[frame["feature"] == expected[0]].sort_values("alpha", ascending=False)
    np.testing.assert_allclose(
        first["frequency"], report.stability_path_[expected[0]].to_numpy(), rtol=1e-4
    )
    grey = next(v for v in views if mark_type(v) == "line" and "detail" in v["encoding"])
    assert set(rows[grey["data"]["name"]]["feature"]).isdisjoint(expected)


def test_stability_chart_threshold_and_errors(regression_report):
    X, y, report = regression_report
    spec = charts.stability_chart(report, threshold=0.9).to_dict()
    assert "frequency ≥ 0.9 in the region" in " ".join(spec["title"]["subtitle"])
    with pytest.raises(ValueError, match="'threshold' parameter"):
        charts.stability_chart(report, threshold=0.3)
    with pytest.raises(ValueError, match="'top' parameter"):
        charts.stability_chart(report, top=-1)
    plain = LassoPathReport(alphas=5, cv=None).fit(X, y)
    with pytest.raises(ValueError, match="fitted with n_bootstrap"):
        charts.stability_chart(plain)


def test_stability_chart_stays_small_on_5000_features(monkeypatch):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 5000))
    y = X[:, :3] @ np.array([3.0, -2, 2]) + rng.normal(size=40)
    report = LassoPathReport(alphas=np.geomspace(2.0, 0.2, 100), cv=None, n_bootstrap=1)
    report.fit(X, y)
    assert report.stability_path_.shape == (100, 5000)
    spec = json.dumps(charts.stability_chart(report).to_dict())
    assert len(spec) < 3_000_000
    # every feature selected somewhere: thinning and a band keep the spec bounded
    dense = rng.uniform(size=(100, 5000))
    result = report.stability_result_
    monkeypatch.setattr(
        report, "stability_result_", StabilityResult(dense, result.q, result.n_selected, 1)
    )
    spec = charts.stability_chart(report).to_dict()
    assert len(json.dumps(spec)) < 3_000_000
    assert all(len(rows) <= charts.MAX_ROWS for rows in spec["datasets"].values())
    assert any("range of" in str(rows[0].get("features", "")) for rows in spec["datasets"].values())


# --- command line --------------------------------------------------------------------------


def test_command_line_summary_and_html_section(capsys):
    from sklearn.datasets import load_diabetes

    from sklearn_lasso_tools.cli.command import main
    from sklearn_lasso_tools.cli.page import _stability_section

    assert main(["--dataset", "diabetes", "--cv", "3", "--n-bootstrap", "3"]) == 0
    out = capsys.readouterr().out
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    report = LassoPathReport(cv=3, n_bootstrap=3, random_state=0).fit(X, y)
    stable = ", ".join(report.stable_features_)
    assert f"{len(report.stable_features_)} stable (frequency >= 0.75" in out
    assert f"): {stable}; expected false selections <= {report.stability_bound_:.3g}" in out
    assert "stability" in out.split("Features kept")[1].splitlines()[1]  # summary column
    section = _stability_section(report)
    assert "<h2>Stability selection</h2>" in section and 'id="stability-chart"' in section
    assert _stability_section(LassoPathReport(cv=None, alphas=5).fit(X, y)) == ""
    assert main(["--dataset", "diabetes", "--n-bootstrap", "-1"]) == 2
    assert "--n-bootstrap must be at least 0, got -1" in capsys.readouterr().err


def test_selector_restricted_fit_keeps_the_penalty_factors():
    X, y = _regression(seed=5)
    p = X.shape[1]
    factor = np.linspace(0.5, 2.0, p)
    selector = L1Selector(
        stability=0.75, n_bootstrap=4, alphas=15, eps=1e-2, penalty_factor=factor, random_state=0
    ).fit(X, y)
    kept = X.columns[selector.support_]
    assert len(kept) >= 2
    # alpha * sum_j f_j |w_j| with f rescaled to sum to p over *all* features: a plain Lasso
    # on standardized columns divided by f_j, whose solution is f_j w_j
    f = (factor * p / factor.sum())[selector.support_]
    std = X[kept].std(ddof=0).to_numpy()
    Z = (X[kept] - X[kept].mean()) / std / f
    reference = Lasso(alpha=selector.alpha_, tol=1e-12, max_iter=100_000).fit(Z, y)
    np.testing.assert_allclose(
        selector.coef_[selector.support_], reference.coef_ / f / std, rtol=1e-6, atol=1e-9
    )


def test_selector_restricted_fit_of_unpenalized_features_is_least_squares():
    X, y = _regression(seed=5)
    factor = np.where(X.columns.isin(["f00", "f01"]), 0.0, 1.0)
    selector = L1Selector(
        stability=1.0, n_bootstrap=3, alphas=5, pfer=0.01, penalty_factor=factor, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pfer unreachable: the first alpha
        selector.fit(X, y)
    assert list(selector.selected_features_) == ["f00", "f01"]
    reference = LinearRegression().fit(X[["f00", "f01"]], y)
    np.testing.assert_allclose(selector.coef_[:2], reference.coef_, rtol=1e-6)
    assert selector.intercept_ == pytest.approx(reference.intercept_, rel=1e-6)
