"""The command line end to end: stdout summary, offline HTML report, one-line input errors."""

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from _chromium import browser, render

from sklearn_lasso_tools.cli.command import main

NETWORK = re.compile(r"<(script|link|img|iframe)[^>]+(src|href)=[\"']?(https?:)?//", re.I)


def _frame(n=120, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 5)), columns=[f"x{i}" for i in range(5)])
    frame["color"] = rng.choice(["red", "green", "blue"], size=n)
    frame["y"] = 2 * frame["x0"] - frame["x1"] + (frame["color"] == "red") + rng.normal(size=n)
    return frame


@pytest.fixture
def csv(tmp_path):
    path = tmp_path / "data.csv"
    _frame().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def diabetes_report(tmp_path_factory):
    """One in-process run with -o on a built-in dataset, shared by the HTML tests."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", "--dataset", "diabetes", "--cv", "3", "-o", str(out)]) == 0
    return out


def test_no_arguments_prints_the_breast_cancer_summary():
    # the README's first command
    done = subprocess.run(
        [sys.executable, "-m", "sklearn_lasso_tools"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "L1 path of breast_cancer (569 samples, 30 features" in done.stdout
    assert "alpha_1se" in done.stdout and "worst concave points" in done.stdout
    assert "fitting the path and 5-fold CV... done in" in done.stderr
    assert "Traceback" not in done.stderr


def test_html_report_sections_and_no_network(diabetes_report):
    page = diabetes_report.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", page)
    assert not NETWORK.search(page)
    assert page.count("vegaEmbed(") >= 2  # path + CV chart, penalty comparison chart
    for text in (
        "Regularization path and cross-validation",
        "Per-feature summary",
        "Penalty comparison",
        "Path table",
        "Reproducibility",
        "folds: 3",
        "seed (random_state):\n0",
        "elasticnet",
    ):
        assert text in page, text
    assert re.search(r"alpha_min_ = [0-9.e-]+ \(C = [0-9.e+-]+\)", page)


def test_stdout_summary_in_process(capsys):
    assert main(["--dataset", "wine", "--cv", "3", "--rule", "min", "--drop", "proline"]) == 0
    out, err = capsys.readouterr()
    assert "L1 path of wine (178 samples, 12 features, task: classification)" in out
    assert "alpha_min = " in out and "<- --rule" in out
    assert "proline" not in out
    assert "done in" in err


def test_csv_report_in_process(csv, tmp_path, capsys):
    out = tmp_path / "out.html"
    argv = ["report", str(csv), "--target", "y", "--cv", "3", "--rule", "min", "-o", str(out)]
    assert main(argv) == 0
    stdout, stderr = capsys.readouterr()
    assert "L1 path of data.csv (120 samples, 8 features, task: regression)" in stdout
    assert "Features kept at alpha_min" in stdout and "x0" in stdout
    assert "one-hot encoded the non-numeric column(s) 'color'" in stderr
    page = out.read_text(encoding="utf-8")
    assert "one-hot encoded the non-numeric column(s) &#x27;color&#x27;" in page
    assert "color_red" in page
    assert not NETWORK.search(page)


def test_poisson_counts_report(tmp_path, capsys):
    from sklearn_lasso_tools import LassoPathReport

    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(150, 5)), columns=[f"x{i}" for i in range(5)])
    frame["visits"] = rng.poisson(np.exp(0.3 + 0.7 * frame["x0"] - 0.5 * frame["x1"]))
    data, out = tmp_path / "counts.csv", tmp_path / "counts.html"
    frame.to_csv(data, index=False)
    argv = ["report", str(data), "--target", "visits", "--task", "poisson", "--cv", "3"]
    assert main([*argv, "--rule", "min", "-o", str(out)]) == 0
    stdout, _ = capsys.readouterr()
    assert "features, task: poisson), 3-fold CV scored by neg_mean_poisson_deviance" in stdout
    report = LassoPathReport(task="poisson", cv=3, random_state=0)
    report.fit(frame.drop(columns="visits"), frame["visits"])
    assert f"alpha_min = {report.alpha_min_:.4g}  (C = {1 / (report.alpha_min_ * 150):.4g})" in (
        stdout
    )
    assert report.alpha_min_ > 0 and np.isfinite(report.cv_mean_).all()
    page = out.read_text(encoding="utf-8")
    assert "task: poisson" in page
    assert "cross-validation scored by neg_mean_poisson_deviance" in page
    assert "CV neg_mean_poisson_deviance (mean" in page  # the CV charts' axis title
    for text in ("roc_auc", "log_loss", "predict_proba"):  # no class probabilities
        assert text not in page, text
    assert not NETWORK.search(page)


def test_keep_leaves_columns_unpenalized(capsys):
    from sklearn.datasets import load_diabetes

    from sklearn_lasso_tools import LassoPathReport

    assert main(["--dataset", "diabetes", "--cv", "3", "--keep", "age", "sex"]) == 0
    out, err = capsys.readouterr()
    assert "always kept (unpenalized): age, sex" in err
    # the same path as the estimator with penalty factor 0 for those columns
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    factor = np.where(X.columns.isin(["age", "sex"]), 0.0, 1.0)
    report = LassoPathReport(cv=3, random_state=0, penalty_factor=factor).fit(X, y)
    assert f"alpha_1se = {report.alpha_1se_:.4g}" in out
    kept = out.split("Features kept at alpha_1se")[1]
    assert "age" in kept and "sex" in kept


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.csv", "--target", "y"], "no such file: missing.csv"),
        (["{csv}", "--target", "nope"], "target column 'nope' not found"),
        (["{csv}"], "--target COL is required"),
        (["{csv}", "--target", "y", "--drop", "zz"], "--drop: column 'zz' not found"),
        (["{empty}", "--target", "y"], "column 'blank' is empty (all values missing)"),
        (["{holes}", "--target", "y"], "column 'x2' has 3 missing values"),
        (["{ids}", "--target", "y"], "column 'id' is non-numeric with 120 distinct values"),
        (["{dates}", "--target", "y"], "column 'when' holds dates/times"),
        (["{txt}", "--target", "y"], "expected a .csv or .parquet file"),
        (["--dataset", "wine", "--target", "y"], "--target needs a DATA file"),
        (["--dataset", "wine", "--cv", "1"], "--cv must be at least 2"),
        (["--dataset", "diabetes", "--scoring", "nope"], "scoring"),
        (["--dataset", "diabetes", "--keep", "zz"], "--keep: column 'zz' not found"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, csv, tmp_path, capsys):
    frame = _frame()
    holes = frame.copy()
    holes.loc[[1, 5, 9], "x2"] = np.nan
    bad = {
        "empty": frame.assign(blank=np.nan),
        "holes": holes,
        "ids": frame.assign(id=[f"id{i}" for i in range(len(frame))]),
        "dates": frame.assign(when=pd.date_range("2020-01-01", periods=len(frame))),
    }
    files = {"csv": csv, "txt": tmp_path / "data.txt"}
    files["txt"].write_text("a,b\n1,2\n")
    for name, table in bad.items():
        if not any(f"{{{name}}}" in arg for arg in argv):
            continue
        if name == "dates":  # a CSV has no date type: only parquet keeps it
            files[name] = tmp_path / "dates.parquet"
            try:
                table.to_parquet(files[name])
            except ImportError:
                pytest.skip("no parquet engine (pyarrow)")
        else:
            files[name] = tmp_path / f"{name}.csv"
            table.to_csv(files[name], index=False)
    files = dict.fromkeys(["empty", "holes", "ids", "dates"], "") | files

    code = main([arg.format(**files) for arg in argv])
    out, err = capsys.readouterr()
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[-1].startswith("sklearn-lasso-tools: error: "), err
    assert message in lines[-1], err
    assert "Traceback" not in err


@pytest.mark.skipif(browser() is None, reason="no Chromium binary (apt-get install chromium)")
def test_report_draws_in_headless_chromium(diabetes_report, tmp_path):
    dom, console = render(diabetes_report, tmp_path / "profile")
    # both charts drawn: vega-embed replaced the empty divs with marks
    marks = re.findall(r'<(?:svg|canvas)[^>]*class="marks"', dom)
    assert len(marks) >= 2, dom[:2000]
    assert console == [], console


def test_html_report_long_tables_show_every_row(monkeypatch):
    """Tables past SHOWN_ROWS rows show the first ones with a visible "show all N rows"
    toggle; every row is in the page (issue 16: scroll boxes hid all but ~18 rows)."""
    from sklearn.datasets import load_breast_cancer

    from sklearn_lasso_tools import LassoPathReport, compare_penalties
    from sklearn_lasso_tools.cli import page as _html

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    report = LassoPathReport(cv=5, random_state=0).fit(X, y)
    comparison = compare_penalties(X, y, Cs=[0.01, 0.1], cv=3, random_state=0)
    meta = {
        "source": "breast_cancer",
        "n_samples": len(X),
        "n_features": X.shape[1],
        "folds": 5,
        "seed": 0,
        "rule": "1se",
        "version": "test",
        "notes": [],
        "warnings": [],
    }
    monkeypatch.setattr(_html, "_vega_bundle", lambda: "")
    page = _html.render_report(report, comparison, meta)
    assert 'class="scroll"' not in page and "max-height" not in page
    n_events = min(len(report.path_events()), _html.MAX_EVENT_ROWS)
    for heading, n in (
        ("Per-feature summary", X.shape[1]),
        ("Path events", n_events),
        ("Path table", len(report.alphas_)),
    ):
        start = page.index(f"<h2>{heading}</h2>")
        section = page[start : page.index("<h2>", start + 1)]
        assert n > _html.SHOWN_ROWS
        body = section[section.index("<tbody>") : section.index("</tbody>")]
        assert body.count("<tr>") == n  # every row is in the page
        assert f"show all {n} rows (first {_html.SHOWN_ROWS} shown)" in section
        assert '<div class="long">' in section and "<details><summary>" in section
    # the rows past SHOWN_ROWS hide only while the toggle is closed
    assert f"tbody tr:nth-child(n+{_html.SHOWN_ROWS + 1})" in _html.STYLE
    assert ".long:has(> details:not([open]))" in _html.STYLE
    # a short table stays plain
    short = _html._long_table(report.path_table().head(_html.SHOWN_ROWS))
    assert "<details>" not in short and short.count("<tr>") == _html.SHOWN_ROWS
