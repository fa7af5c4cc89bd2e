"""Path events (entries, exits, sign flips): against LARS's exact active-set changes and a
direct scan of the coefficients; the table, the chart markers and the HTML report."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import lars_path

from sklearn_lasso_tools import LassoPathReport, charts
from sklearn_lasso_tools._engine.events import path_events
from sklearn_lasso_tools.charts import path as chart_path


@pytest.fixture(scope="module")
def diabetes(diabetes_xy):
    X, y = diabetes_xy
    return X, y, LassoPathReport(random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def multinomial():
    """A 3-class path in which one class's coefficient of x1 changes sign (through zero)
    while the other classes keep x1 in the model."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 6))
    X[:, 1] = X[:, 0] + 0.3 * rng.normal(size=90)
    y = (X @ rng.normal(size=(6, 3)) + rng.normal(size=(90, 3))).argmax(axis=1)
    return LassoPathReport(alphas=40, cv=None).fit(X, np.array(["a", "b", "c"])[y])


def scan(coefs, classes=None):
    """Events by a plain loop over features, classes and steps (the reference)."""
    coefs = coefs if coefs.ndim == 3 else coefs[:, None, :]
    n_alphas, n_classes, n_features = coefs.shape
    rows = []
    for j in range(n_features):
        was_in = False
        last = [0] * n_classes
        for i in range(n_alphas):
            is_in = any(coefs[i, k, j] != 0 for k in range(n_classes))
            if is_in and not was_in:
                rows.append((i, j, "enter", None))
            if was_in and not is_in:
                rows.append((i, j, "exit", None))
            for k in range(n_classes):
                sign = np.sign(coefs[i, k, j])
                if sign != 0 and last[k] == -sign:
                    rows.append((i, j, "sign flip", None if classes is None else classes[k]))
                if sign != 0:
                    last[k] = sign
                if not is_in:
                    last[k] = 0
            was_in = is_in
    return sorted(rows, key=lambda row: (row[0], row[2], row[1], str(row[3])))


def table_rows(report, table):
    names = list(report.feature_names_)
    classes = table["class"] if "class" in table else [None] * len(table)
    return [
        (step, names.index(feature), str(event), None if pd.isna(klass) else klass)
        for step, feature, event, klass in zip(
            table["step"], table["feature"], table["event"], classes, strict=True
        )
    ]


def test_diabetes_s3_leaves_and_reenters(diabetes):
    X, y, report = diabetes
    events = report.path_events()
    s3 = events[events["feature"] == "s3"]
    assert list(s3["event"]) == ["enter", "exit", "enter"]
    # the coefficients themselves: negative before the exit, zero between, positive after
    j = list(X.columns).index("s3")
    enter, leave, back = s3["step"]
    coef = report.coefs_[:, j]
    assert np.all(coef[enter:leave] < 0) and np.all(coef[leave:back] == 0)
    assert np.all(coef[back:] > 0) and np.all(coef[:enter] == 0)
    # each row's alpha, nonzero count and CV mean are the grid's at that step
    steps = events["step"].to_numpy()
    np.testing.assert_array_equal(events["alpha"], report.alphas_[steps])
    np.testing.assert_array_equal(events["n_nonzero"], report.n_nonzero_[steps])
    np.testing.assert_array_equal(events["cv_mean"], report.cv_mean_[steps])
    assert list(events.columns) == ["feature", "event", "alpha", "step", "n_nonzero", "cv_mean"]


def test_events_match_a_direct_scan(diabetes):
    _, _, report = diabetes
    assert table_rows(report, report.path_events()) == scan(report.coefs_)


def test_events_match_lars_active_set_changes(diabetes):
    """LARS (lasso modification) gives the exact alphas where the active set changes; each
    change shows at the first grid alpha below it, unless the grid cannot separate it."""
    X, y, report = diabetes
    Xs = ((X - X.mean()) / X.std(ddof=0)).to_numpy()  # what scale=True penalizes
    kinks, _, coefs = lars_path(Xs, (y - y.mean()).to_numpy(), method="lasso")
    nonzero = coefs != 0
    changes = []
    for t in range(1, len(kinks)):
        # nonzero just below kinks[t - 1]; back to zero at kinks[t]
        changes += [
            (j, "enter", kinks[t - 1]) for j in np.flatnonzero(nonzero[:, t] & ~nonzero[:, t - 1])
        ]
        changes += [
            (j, "exit", kinks[t]) for j in np.flatnonzero(~nonzero[:, t] & nonzero[:, t - 1])
        ]
    grid = report.alphas_
    expected = []
    for j, event, kink in changes:
        if kink <= grid[-1]:
            continue  # below the (early-stopped) grid
        if np.isclose(kink, grid[0], rtol=1e-12):  # the first entry, at alpha_max
            kink = grid[0]
        else:
            assert np.min(np.abs(np.log(grid / kink))) > 1e-6  # no grid point on a kink
        step = int(np.flatnonzero(grid < kink)[0])
        expected.append((step, j, event))
    same_gap = pd.Series([(s, j) for s, j, _ in expected]).duplicated(keep=False)
    assert not same_gap.any()  # on this grid every change is separable
    assert len(expected) == 12 and ("exit" in {e for _, _, e in expected})
    ours = [(s, j, e) for s, j, e, _ in table_rows(report, report.path_events())]
    assert sorted(ours) == sorted(expected)


def test_multinomial_entries_on_any_class_and_flips_per_class(multinomial):
    report = multinomial
    events = report.path_events()
    assert list(events.columns) == ["feature", "event", "class", "alpha", "step", "n_nonzero"]
    expected = scan(report.coefs_, list(report.classes_))
    assert table_rows(report, events) == expected
    flips = events[events["event"] == "sign flip"]
    assert len(flips) >= 1 and set(flips["class"]) <= {"a", "b", "c"}
    for _, row in flips.iterrows():
        k = list(report.classes_).index(row["class"])
        j = int(row["feature"][1:])
        step = row["step"]
        last = np.flatnonzero(report.coefs_[:step, k, j])[-1]
        assert np.sign(report.coefs_[step, k, j]) == -np.sign(report.coefs_[last, k, j])
        # in the model (some class nonzero) all along from that last value to the flip
        assert (report.coefs_[last : step + 1, :, j] != 0).any(axis=1).all()
    assert events.loc[events["event"] != "sign flip", "class"].isna().all()


def test_path_events_function_on_known_coefficients():
    coefs = np.array(
        [
            [0.0, 1.0, 0.0],
            [1.0, 2.0, 0.0],
            [-1.0, 0.0, 0.5],
            [-2.0, 0.0, 0.0],
            [0.0, 3.0, -0.5],
        ]
    )
    step, feature, event, klass = path_events(coefs)
    got = list(zip(step.tolist(), feature.tolist(), event.tolist(), strict=True))
    # feature 1 is in at step 0; feature 0 flips at 2; feature 2 passes through zero
    assert got == [(0, 1, 0), (1, 0, 0), (2, 2, 0), (2, 1, 1), (2, 0, 2), (3, 2, 1),
                   (4, 1, 0), (4, 2, 0), (4, 0, 1)]  # fmt: skip
    assert (klass == -1).all()


def test_path_events_without_cv_has_no_cv_column():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    report = LassoPathReport(alphas=10, cv=None).fit(X, X[:, 0] + rng.normal(size=40))
    assert "cv_mean" not in report.path_events()


def marker_data(spec):
    for data in spec["datasets"].values():
        if data and "event" in data[0]:
            return pd.DataFrame(data)
    return None


def test_chart_marks_exit_and_reentry(diabetes):
    _, _, report = diabetes
    spec = report.chart().to_dict()  # events="auto": 2 events, so drawn
    marks = marker_data(spec)
    assert marks is not None
    assert list(marks["feature"]) == ["s3", "s3"]
    assert list(marks["event"]) == ["exit", "re-enter"]
    events = report.path_events()
    s3 = events[events["feature"] == "s3"]
    np.testing.assert_allclose(marks["alpha"], s3["alpha"].iloc[1:], rtol=1e-5)
    assert list(marks["step"]) == list(s3["step"].iloc[1:])
    assert marks["coef"].iloc[0] == 0
    j = list(report.feature_names_).index("s3")
    scale = report.linear_path_.scales[j]
    np.testing.assert_allclose(
        marks["coef"].iloc[1], report.coefs_[s3["step"].iloc[2], j] * scale, rtol=1e-3
    )
    assert "markers: exits, re-entries and sign flips" in str(spec["vconcat"][0]["title"])
    assert marker_data(charts.path_chart(report, events=False).to_dict()) is None
    with pytest.raises(ValueError, match="'events' parameter of path_chart"):
        charts.path_chart(report, events="all")


def test_chart_events_are_capped(monkeypatch):
    """Markers only for the coloured features, at most MAX_EVENTS; "auto" only up to
    AUTO_EVENTS (so a 5,000-feature path never carries thousands of markers)."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 600))
    y = X[:, :10] @ rng.normal(size=10) + rng.normal(size=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        report = LassoPathReport(alphas=np.geomspace(3, 0.03, 60), cv=None).fit(X, y)
    events = report.path_events()
    changes = events[events["event"] != "enter"]
    assert len(changes) >= 4
    monkeypatch.setattr(chart_path, "MAX_EVENTS", 3)
    monkeypatch.setattr(chart_path, "AUTO_EVENTS", 2)
    top = len(report.entry_order_)  # every feature that enters is coloured
    auto = charts.path_chart(report, top=top).to_dict()
    assert marker_data(auto) is None
    assert "not marked (events=True)" in str(auto["title"]["subtitle"])
    marks = marker_data(charts.path_chart(report, top=top, events=True).to_dict())
    assert len(marks) == 3
    assert list(marks["step"]) == sorted(marks["step"])  # the earliest first
    assert marks["step"].iloc[0] == changes["step"].iloc[0]
    # only coloured features are marked
    first = [str(name) for name in report.entry_order_[:2]]
    few = marker_data(charts.path_chart(report, top=2, events=True).to_dict())
    assert few is None or set(few["feature"]) <= set(first)


def test_html_report_lists_the_events(diabetes, monkeypatch):
    from sklearn_lasso_tools import compare_penalties
    from sklearn_lasso_tools.cli import page as _html

    X, y, report = diabetes
    monkeypatch.setattr(_html, "_vega_bundle", lambda: "")
    comparison = compare_penalties(X, y, Cs=[0.001, 0.01], cv=3, random_state=0)
    meta = {
        "source": "diabetes",
        "n_samples": len(X),
        "n_features": X.shape[1],
        "folds": 5,
        "seed": 0,
        "rule": "1se",
        "version": "test",
        "notes": [],
        "warnings": [],
    }
    page = _html.render_report(report, comparison, meta)
    section = page[page.index("<h2>Path events</h2>") : page.index("<h2>Penalty comparison")]
    assert "1 exit(s) and 0 sign flip(s)" in section
    assert section.count("<td>s3</td>") == 3


def test_cli_summary_mentions_the_exits(diabetes):
    from sklearn_lasso_tools.cli.command import summary_text

    X, _, report = diabetes
    text = summary_text("diabetes", X, report, "1se")
    assert "note: 1 exit(s) and 0 sign flip(s) along the path (s3)" in text
