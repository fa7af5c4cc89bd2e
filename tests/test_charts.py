"""Chart builders, asserted on their Vega-Lite specs (``to_dict()``)."""

import json
import subprocess
import sys
import warnings

import altair as alt
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from sklearn_lasso_tools import LassoPathReport, charts, compare_penalties
from sklearn_lasso_tools.charts._parts import ALPHA_TITLE, LABEL_GAP, WIDTH

MAX_SPEC_BYTES = 3_000_000


def _data(n=100, p=20, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, p)), columns=[f"f{i:02d}" for i in range(p)])
    y = 3 * X["f00"] - 2 * X["f01"] + X["f02"] + rng.normal(size=n)
    return X, y


@pytest.fixture(scope="module")
def regression():
    X, y = _data()
    X = X * np.linspace(0.1, 10, X.shape[1])  # unequal scales: standardizing matters
    return LassoPathReport(alphas=30, cv=3, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def multinomial():
    X, y = _data(n=90, p=6)
    return LassoPathReport(alphas=12, cv=None).fit(X, np.digitize(y, [-1, 1]))


@pytest.fixture(scope="module")
def comparison():
    X, y = _data(p=8)
    return compare_penalties(X, y > 0, Cs=[0.01, 0.1, 1, 10], cv=3, random_state=0)


@pytest.fixture(scope="module")
def wide():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 5000))
    y = X[:, :5] @ np.array([3.0, -2, 2, 1, -1]) + rng.normal(size=60)
    grid = np.geomspace(2.0, 0.02, 100)  # used in full: 100 alphas
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LassoPathReport(alphas=grid, cv=3, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def breast_cancer():
    """The report of issue 16: a steep null-model step, exits, and grey lines far from 0."""
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return LassoPathReport(cv=5, random_state=0).fit(X, y)


def datasets(spec):
    return spec.get("datasets", {})


def units(spec):
    """Every unit view (dict with a "mark") in a spec, depth first, with its data."""
    found = []

    def walk(node, data=None):
        data = node.get("data", data)
        if "mark" in node:
            found.append({**node, "data": data})
        for key in ("layer", "vconcat", "hconcat", "concat"):
            for child in node.get(key, []):
                walk(child, data)
        return found

    return walk(spec)


def rows(spec, view):
    return datasets(spec)[view["data"]["name"]]


def mark_type(view):
    mark = view["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


def test_path_chart_axis_lines_and_interaction(regression):
    spec = charts.path_chart(regression, top=4).to_dict()
    views = units(spec)
    x = views[1]["encoding"]["x"]
    assert x["field"] == "alpha" and x["scale"]["type"] == "log" and x["scale"]["reverse"]
    colored = [v for v in views if v["encoding"].get("color", {}).get("field") == "feature"]
    top = list(regression.entry_order_[:4])
    assert colored[0]["encoding"]["color"]["sort"] == top
    lines = next(v for v in colored if mark_type(v) == "line")
    assert {r["feature"] for r in rows(spec, lines)} == set(top)
    points = next(v for v in colored if mark_type(v) == "circle")
    assert [t["field"] for t in points["encoding"]["tooltip"]] == ["feature", "alpha", "coef"]
    # a legend-bound selection highlights one feature
    (pick,) = [p for p in spec["params"] if p.get("bind") == "legend"]
    assert pick["select"]["fields"] == ["feature"]
    assert pick["name"] in str(lines["encoding"]["opacity"]["condition"])
    # the other features are thin grey lines, without a colour scale
    grey = [v for v in views if mark_type(v) == "line" and "color" not in v["encoding"]]
    assert {r["feature"] for r in rows(spec, grey[0])}.isdisjoint(top)
    # the nonzero count along the top
    strip = next(v for v in views if v["encoding"].get("text", {}).get("field") == "n_nonzero")
    counts = {r["alpha"]: r["n_nonzero"] for r in rows(spec, strip)}
    assert counts[max(counts)] == regression.n_nonzero_[0]


def test_path_chart_y_range_serves_the_coloured_lines(breast_cancer):
    spec = charts.path_chart(breast_cancer, top=10).to_dict()
    views = units(spec)
    lines = next(v for v in views if mark_type(v) == "line" and "color" in v["encoding"])
    top = [r["coef"] for r in rows(spec, lines)]
    lo, hi = lines["encoding"]["y"]["scale"]["domain"]
    assert lo <= min(top) and max(top) <= hi and lo <= 0 <= hi
    assert hi - lo < 1.2 * (max(top) - min(top))  # padded, no more
    assert lines["encoding"]["y"]["scale"]["nice"] is False
    # the grey lines reach about -25 and are clipped at the edge of the plot
    grey = next(v for v in views if mark_type(v) == "line" and "color" not in v["encoding"])
    assert min(r["coef"] for r in rows(spec, grey)) < lo - (hi - lo)
    assert grey["mark"]["clip"] is True
    assert grey["encoding"]["y"]["scale"]["domain"] == [lo, hi]
    assert "clipped" in " ".join(spec["title"]["subtitle"])


def test_path_chart_end_labels_are_spread_with_leader_lines(breast_cancer):
    spec = charts.path_chart(breast_cancer, top=10).to_dict()
    views = units(spec)
    labels = next(v for v in views if v["encoding"].get("text", {}).get("field") == "label")
    assert labels["encoding"]["y"]["field"] == "label_y"
    data = rows(spec, labels)
    assert len(data) == 10
    lo, hi = labels["encoding"]["y"]["scale"]["domain"]
    pixels = sorted((r["label_y"] - lo) / (hi - lo) * charts.HEIGHT for r in data)
    assert min(np.diff(pixels)) >= LABEL_GAP - 0.1  # no two labels overlap
    assert 0 <= pixels[0] and pixels[-1] <= charts.HEIGHT
    # at their lines' ends, some labels would overlap
    ends = sorted((r["coef"] - lo) / (hi - lo) * charts.HEIGHT for r in data)
    assert min(np.diff(ends)) < LABEL_GAP
    # a leader line from each line's end (coef) to its label (label_y)
    (leader,) = [v for v in views if mark_type(v) == "rule" and "y2" in v["encoding"]]
    assert leader["encoding"]["y"]["field"] == "coef"
    assert leader["encoding"]["y2"]["field"] == "label_y"
    assert leader["mark"]["x2Offset"] > 0 and labels["mark"]["dx"] > leader["mark"]["x2Offset"]
    assert rows(spec, leader) == data


def test_path_chart_standardized_or_callers_scale(regression):
    first = regression.entry_order_[0]
    j = list(regression.feature_names_in_).index(first)
    index = len(regression.alphas_) - 1
    expected = {
        True: regression.coefs_[index, j] * regression.linear_path_.scales[j],
        False: regression.coefs_[index, j],
    }
    for standardized, value in expected.items():
        spec = charts.path_chart(regression, top=1, standardized=standardized).to_dict()
        line = next(v for v in units(spec) if v["encoding"].get("color"))
        (row,) = [
            r for r in rows(spec, line) if r["alpha"] == min(r["alpha"] for r in rows(spec, line))
        ]
        assert row["feature"] == first
        assert row["coef"] == pytest.approx(value, rel=1e-3)
        assert ("standardized" in line["encoding"]["y"]["title"]) is standardized


def test_cv_chart_rules_band_and_labels(regression):
    spec = charts.cv_chart(regression).to_dict()
    views = units(spec)
    rule = next(v for v in views if mark_type(v) == "rule")
    alphas = {r["rule"]: r["alpha"] for r in rows(spec, rule)}
    assert alphas == {"alpha_min": regression.alpha_min_, "alpha_1se": regression.alpha_1se_}
    labels = next(v for v in views if v["encoding"].get("text", {}).get("field") == "label")
    assert any(r["label"].startswith("alpha_1se = ") for r in rows(spec, labels))
    band = next(v for v in views if mark_type(v) == "area")
    assert band["encoding"]["y2"]["field"] == "high"
    table = rows(spec, band)
    assert table[0]["high"] - table[0]["low"] == pytest.approx(2 * regression.cv_se_[0])


def test_cv_chart_zooms_past_the_null_model(breast_cancer):
    report = breast_cancer
    spec = charts.cv_chart(report).to_dict()
    views = units(spec)
    band = next(v for v in views if mark_type(v) == "area")
    line = next(v for v in views if mark_type(v) == "line")
    lo, hi = band["encoding"]["y"]["scale"]["domain"]
    assert line["encoding"]["y"]["scale"]["domain"] == [lo, hi]
    assert band["encoding"]["y"]["scale"]["zero"] is False
    mean, se = report.cv_mean_, report.cv_se_
    assert report.n_nonzero_[0] == 0 and mean[0] < lo  # the null model: clipped
    assert band["mark"]["clip"] and line["mark"]["clip"] and line["mark"]["point"]["clip"]
    # the band around both rules and everything right of them is inside the range
    right = report.alphas_ <= report.alpha_1se_
    assert lo <= (mean - se)[right].min() and (mean + se)[right].max() <= hi
    # which is narrow: the SE band at alpha_1se covers a tenth of the height or more
    i = int(np.argmin(np.abs(report.alphas_ - report.alpha_1se_)))
    assert 2 * se[i] / (hi - lo) > 0.1
    assert "1 weaker mean score(s) (the null model first) clipped" in spec["title"]["subtitle"][-1]


def test_cv_chart_rule_labels_face_away_from_the_other_rule(breast_cancer):
    report = breast_cancer
    spec = charts.cv_chart(report).to_dict()
    texts = [v for v in units(spec) if v["encoding"].get("text", {}).get("field") == "label"]
    align = {r["rule"]: v["mark"]["align"] for v in texts for r in rows(spec, v)}
    # alpha_1se is the larger alpha, drawn left of alpha_min on the decreasing axis
    assert report.alpha_1se_ > report.alpha_min_
    assert align == {"alpha_1se": "right", "alpha_min": "left"}
    dx = {r["rule"]: v["mark"]["dx"] for v in texts for r in rows(spec, v)}
    assert dx["alpha_1se"] < 0 < dx["alpha_min"]


def test_nonzero_counts_along_the_top_increase(breast_cancer):
    report = breast_cancer
    assert (np.diff(report.n_nonzero_) < 0).any()  # features exit: the count is not monotone
    at = dict(zip(charts._data.round_sig(report.alphas_, 6), report.n_nonzero_, strict=True))
    for chart in (charts.path_chart(report), charts.cv_chart(report)):
        spec = chart.to_dict()
        strip = next(
            v for v in units(spec) if v["encoding"].get("text", {}).get("field") == "n_nonzero"
        )
        data = sorted(rows(spec, strip), key=lambda r: -r["alpha"])  # left to right
        counts = [r["n_nonzero"] for r in data]
        assert (np.diff(counts) > 0).all()
        assert all(at[r["alpha"]] == r["n_nonzero"] for r in data)  # each one exact
        assert counts[0] == 0 and counts[-1] == report.n_nonzero_[-1] and len(counts) >= 8
        pixels = charts._data.alpha_pixels([r["alpha"] for r in data], WIDTH)
        assert np.diff(pixels).min() >= 30  # readable: never crowded


def test_cv_chart_needs_cv(multinomial):
    with pytest.raises(ValueError, match="fitted with cv"):
        charts.cv_chart(multinomial)


def test_report_chart_links_both_views_with_one_brush(regression):
    chart = regression.chart(top=5)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert len(spec["vconcat"]) == 2
    (brush,) = [p for p in spec["params"] if p["select"]["type"] == "interval"]
    assert brush["select"]["encodings"] == ["x"]
    names = {v.get("name") for v in units(spec)}
    assert len(brush["views"]) == 2 and set(brush["views"]) <= names
    chart = chart | charts.shrinkage_chart()  # still valid when composed further
    spec = chart.to_dict()
    # each view shades the brushed range
    shades = [
        v
        for v in units(spec)
        if {"filter": {"param": brush["name"], "empty": False}} in v.get("transform", [])
    ]
    assert len(shades) == 2


def test_report_chart_titles_the_alpha_axis_of_both_views(breast_cancer):
    spec = breast_cancer.chart().to_dict()
    for view in spec["vconcat"]:
        # layers share one x axis: a None title in any layer (the brush shade) blanks it
        titles = {v["encoding"]["x"].get("title") for v in units(view) if "x" in v["encoding"]}
        assert titles == {ALPHA_TITLE}


def test_report_chart_without_cv_is_the_path(multinomial):
    assert isinstance(multinomial.chart(), alt.LayerChart)


def test_multinomial_norm_or_per_class(multinomial):
    spec = charts.path_chart(multinomial, top=2).to_dict()
    line = next(v for v in units(spec) if v["encoding"].get("color"))
    data = rows(spec, line)
    assert "class" not in data[0] and min(r["coef"] for r in data) >= 0
    assert "across classes" in line["encoding"]["y"]["title"]
    spec = charts.path_chart(multinomial, top=2, multiclass="class").to_dict()
    line = next(v for v in units(spec) if v["encoding"].get("color"))
    assert line["encoding"]["strokeDash"]["field"] == "class"
    assert {r["class"] for r in rows(spec, line)} == {"0", "1", "2"}
    with pytest.raises(ValueError, match="'multiclass' parameter"):
        charts.path_chart(multinomial, multiclass="max")


@pytest.mark.parametrize("top", [-1, 2.5, True])
def test_bad_top(regression, top):
    with pytest.raises(ValueError, match="'top' parameter"):
        charts.path_chart(regression, top=top)


def test_wide_data_stays_small_without_touching_altair(wide):
    before = (alt.data_transformers.active, dict(alt.data_transformers.options))
    assert wide.coefs_.shape == (100, 5000)
    spec = json.dumps(wide.chart().to_dict())
    assert len(spec) < MAX_SPEC_BYTES
    assert (alt.data_transformers.active, dict(alt.data_transformers.options)) == before
    assert all(len(d) <= charts.MAX_ROWS for d in json.loads(spec)["datasets"].values())


def test_dense_wide_path_becomes_a_band(wide, monkeypatch):
    rng = np.random.default_rng(2)
    monkeypatch.setattr(wide, "coefs_", rng.normal(size=wide.coefs_.shape))
    spec = wide.chart().to_dict()
    assert len(json.dumps(spec)) < MAX_SPEC_BYTES
    band = next(v for v in units(spec) if mark_type(v) == "area" and "low" in str(v))
    assert "features" in rows(spec, band)[0]
    assert all(len(d) <= charts.MAX_ROWS for d in spec["datasets"].values())


def test_comparison_chart(comparison):
    spec = comparison.chart(top=5).to_dict()
    views = units(spec)
    colors = [v["encoding"]["color"] for v in views if "color" in v["encoding"]]
    assert all(c["scale"]["domain"] == ["l1", "l2", "elasticnet"] for c in colors)
    best = next(v for v in views if v.get("transform") == [{"filter": "datum.best"}])
    assert sum(r["best"] for r in rows(spec, best)) == 3
    bars = next(v for v in views if mark_type(v) == "bar")
    data = rows(spec, bars)
    assert {r["penalty"] for r in data} == {"l1", "l2", "elasticnet"}
    assert len({r["feature"] for r in data}) <= 5
    x = views[1]["encoding"]["x"]
    assert x["field"] == "C" and x["scale"]["type"] == "log"


def test_shrinkage_trajectory_and_chart():
    table = charts.shrinkage_trajectory()
    assert table["l1_weight"].tolist() == [1.5, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert np.allclose(table["l2_weight"], 2 * 0.8 ** np.arange(1, 9))
    assert (table["l2_weight"] > 0).all()
    spec = charts.shrinkage_chart().to_dict()
    data = rows(spec, units(spec)[1])
    assert len(data) == 2 * 9  # the start, then eight steps of each penalty


def test_repr_mimebundle_uses_altairs_renderer(regression, comparison):
    with alt.renderers.enable("mimetype"):
        bundle = regression._repr_mimebundle_()
        bundle = bundle[0] if isinstance(bundle, tuple) else bundle
        (mime,) = [k for k in bundle if k.startswith("application/vnd.vegalite")]
        plain = alt.Chart(pd.DataFrame({"a": [1]})).mark_point()._repr_mimebundle_()
        (altairs,) = [k for k in plain[0] if k.startswith("application/vnd.vegalite")]
        # Altair's type and version, in the "+json" form nbformat stores as JSON
        assert mime == altairs.removesuffix(".json").removesuffix("+json") + "+json"
        assert bundle[mime]["$schema"] == alt.SCHEMA_URL
        assert "n_nonzero" in bundle["text/plain"] and "dev_ratio" in bundle["text/plain"]
        other = comparison._repr_mimebundle_()
        other = other[0] if isinstance(other, tuple) else other
        assert mime in other and "best strength per penalty" in other["text/plain"]


def test_unfitted_report_displays_as_an_estimator():
    bundle = LassoPathReport()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("LassoPathReport(")


def test_saved_html_is_offline(regression, tmp_path):
    path = tmp_path / "report.html"
    regression.chart().save(path, inline=True)
    html = path.read_text(encoding="utf-8")
    assert '<script src="http' not in html and "vegaEmbed(" in html


def test_png_and_svg_export(tmp_path):
    chart = charts.shrinkage_chart()
    chart.save(tmp_path / "s.svg")
    chart.save(tmp_path / "s.png")
    assert (tmp_path / "s.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert (tmp_path / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_import_does_not_load_altair_or_ipython():
    code = (
        "import sys, sklearn_lasso_tools\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'altair', 'IPython', 'vl_convert'})\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
