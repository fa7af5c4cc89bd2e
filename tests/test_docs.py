"""The documentation cannot rot: every gallery example runs, and so do the README's code blocks.

The Sphinx build itself is a separate command (README, "Documentation"); these tests run the
same example scripts the build executes, in-process with ``runpy`` (no display: a chart left
as a cell's last value is simply dropped), each under a time budget, and check the numbers
the examples print against independent computations (closed forms, scikit-learn's LARS and
saga solvers, a direct refit). With the docs extra installed, the Sphinx extension's two
jobs are checked too: charts become ``vegaEmbed`` calls, and a page that would load a script
from the network fails the build.
"""

import os
import re
import runpy
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, lars_path
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parents[1]
GALLERY = sorted((ROOT / "docs" / "gallery").glob("plot_*.py"))
BUDGET = 60  # seconds for one example (they take 1-8 s on two idle cores)


def run_example(path):
    start = time.perf_counter()
    namespace = runpy.run_path(str(path), run_name="__main__")
    elapsed = time.perf_counter() - start
    assert elapsed < BUDGET, f"{path.name} took {elapsed:.0f} s (budget {BUDGET} s)"
    return namespace


def check_shrinkage(ns):
    # the lesson's loop, in closed form: L1 subtracts 0.5 and stops at 0, L2 multiplies by 0.8
    steps = np.arange(1, 9)
    np.testing.assert_array_equal(ns["table"]["l1_weight"], np.maximum(2.0 - 0.5 * steps, 0.0))
    np.testing.assert_allclose(ns["table"]["l2_weight"], 2.0 * 0.8**steps, rtol=1e-12)
    assert ns["by_c"].alpha_ == pytest.approx(1 / (0.1 * len(ns["X"])), rel=1e-12)
    np.testing.assert_allclose(ns["by_alpha"].coef_, ns["by_c"].coef_, rtol=1e-9, atol=1e-12)


def check_feature_selection(ns):
    X, y, selector = ns["X"], ns["y"], ns["selector"]
    # scikit-learn's saga at the same C on standardized columns, back on the caller's scale
    reference = LogisticRegression(C=0.1, l1_ratio=1.0, solver="saga", tol=1e-10, max_iter=10**5)
    reference.fit(StandardScaler().fit_transform(X), y)
    coef = reference.coef_.ravel() / X.std(ddof=0).to_numpy()
    np.testing.assert_array_equal(selector.support_, coef != 0)
    np.testing.assert_allclose(selector.coef_.ravel(), coef, atol=1e-7)
    # n_features=6 finds exactly the six simulated signals
    assert set(ns["top6"].selected_features_) == set(ns["signal"])


def check_lasso_path(ns):
    X, y, report = ns["X"], ns["y"], ns["report"]
    # entry order from LARS-lasso (Efron et al. 2004): first step at which each is nonzero
    _, _, coefs = lars_path(StandardScaler().fit_transform(X), y.to_numpy(), method="lasso")
    first = [int(np.flatnonzero(row)[0]) for row in coefs]
    lars_order = list(X.columns[np.argsort(first, kind="stable")])
    assert list(report.entry_order_[:5]) == lars_order[:5] == ["bmi", "s5", "bp", "s3", "sex"]


def check_cross_validation(ns):
    report, n = ns["report"], len(ns["X"])
    best = np.argmax(report.cv_mean_)
    assert report.alpha_min_ == report.alphas_[best]
    # glmnet's 1se rule, directly: the largest alpha within one SE of the best mean score
    within = report.cv_mean_ >= report.cv_mean_[best] - report.cv_se_[best]
    assert report.alpha_1se_ == report.alphas_[within].max()
    assert report.alpha_1se_ >= report.alpha_min_
    assert ns["selector"].C_ == pytest.approx(1 / (report.alpha_1se_ * n), rel=1e-12)
    assert list(ns["selector"].selected_features_) == list(report.selected_features("1se"))


def check_select_then_refit(ns):
    X, y, refit = ns["X"], ns["y"], ns["refit"]
    kept = list(refit.selected_features_)
    Z = StandardScaler().set_output(transform="pandas").fit_transform(X)
    reference = LogisticRegression(C=1.0).fit(Z[kept], y)
    coef = refit.coef_.ravel()
    np.testing.assert_allclose(coef[X.columns.isin(kept)], reference.coef_.ravel(), rtol=1e-6)
    assert np.all(coef[~X.columns.isin(kept)] == 0)
    shrunk = refit.selector_.coef_.ravel()[X.columns.isin(kept)]
    assert np.abs(shrunk).sum() < np.abs(reference.coef_).sum()  # the chart's point
    assert 0.95 < ns["scores"].mean() <= 1


def check_l1_vs_l2(ns):
    coefs = ns["comparison"].coefs
    assert np.all(coefs["l2"] != 0)  # ridge never zeroes
    noise = [name for name in coefs.index if name.startswith("noise_")]
    assert (coefs.loc[noise, "l1"] == 0).sum() > (coefs.loc[noise, "l2"] == 0).sum()
    truth = {f"gene_{i:04d}" for i in range(4)}
    assert set(ns["genes"].entry_order_[:4]) == truth


def check_stability(ns):
    X, report, selector = ns["X"], ns["report"], ns["selector"]
    p, thr = X.shape[1], np.ceil(0.75 * 50) / 50  # 25 pairs: frequencies in steps of 1/50
    region = report.alphas_ >= report.stability_alpha_
    q = report.stability_q_[region][-1]
    # the longest region from the top whose Meinshausen-Buhlmann bound is at most pfer = 1
    assert q <= np.sqrt((2 * thr - 1) * p) < report.stability_q_[region.sum()]
    assert report.stability_bound_ == pytest.approx(q**2 / ((2 * thr - 1) * p), rel=1e-12)
    top = report.stability_path_[region].max()
    assert set(report.stable_features_) == set(top.index[top >= thr])
    # the text's story: perimeter and radius near copies, the perimeter's peak comes first
    assert X["worst perimeter"].corr(X["worst radius"]) > 0.99
    peak = report.stability_path_[["worst perimeter", "worst radius"]].idxmax()
    assert peak["worst perimeter"] > peak["worst radius"]
    assert set(selector.selected_features_) == set(selector.path_.stable_features_)


def check_wide_sparse(ns):
    X, report, n_signal = ns["X"], ns["report"], ns["n_signal"]
    assert X.shape == (500, 50_000) and X.nnz < 0.002 * X.shape[0] * X.shape[1]  # sparse
    # the ten signal columns are the first ten to enter, and the 1se rule keeps them
    assert set(report.entry_order_[:n_signal]) == {f"x{i}" for i in range(n_signal)}
    assert {f"x{i}" for i in range(n_signal)} <= set(report.selected_features("1se"))


CHECKS = {
    "plot_1_shrinkage": check_shrinkage,
    "plot_2_feature_selection": check_feature_selection,
    "plot_3_lasso_path": check_lasso_path,
    "plot_4_cross_validation": check_cross_validation,
    "plot_5_select_then_refit": check_select_then_refit,
    "plot_6_l1_vs_l2": check_l1_vs_l2,
    "plot_stability": check_stability,
    "plot_wide_sparse": check_wide_sparse,
}


@pytest.mark.parametrize("path", GALLERY, ids=lambda path: path.stem)
def test_gallery_example_runs(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # whatever an example writes stays out of the checkout
    namespace = run_example(path)
    if path.stem in CHECKS:
        CHECKS[path.stem](namespace)


def test_api_page_lists_every_public_name():
    import sklearn_lasso_tools
    from sklearn_lasso_tools import charts

    listed = set(re.findall(r"^   (\w+)$", (ROOT / "docs" / "api.rst").read_text(), re.M))
    missing = (set(sklearn_lasso_tools.__all__) | set(charts.__all__)) - listed
    assert not missing, f"add {sorted(missing)} to an autosummary list in docs/api.rst"


def test_gallery_examples_have_a_title():
    for path in GALLERY:
        lines = path.read_text().split('"""')[1].strip().splitlines()
        assert len(lines) > 2 and set(lines[1]) == {"="}, path.name  # sphinx-gallery's rST title


def readme_blocks(language):
    text = (ROOT / "README.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    """Every Python block of the README, in order, in one namespace; the magics block runs
    in IPython (next test), and the Dask block needs a scheduler (tests/test_scale_out.py
    runs the same call on a LocalCluster)."""
    monkeypatch.chdir(tmp_path)
    namespace = {}
    ran = 0
    for block in readme_blocks("python"):
        if block.lstrip().startswith("%") or "Client(" in block:
            continue
        exec(compile(block, "README.md", "exec"), namespace)
        ran += 1
    assert ran >= 1
    report, model = namespace["report"], namespace["model"]
    assert report.alpha_1se_ >= report.alpha_min_
    selector = model[-1].selector_
    assert list(model[-1].selected_features_) == list(namespace["X"].columns[selector.support_])


def test_readme_magics_block_runs_in_ipython(tmp_path):
    (block,) = [b for b in readme_blocks("python") if b.lstrip().startswith("%load_ext")]
    check = (
        "\nassert type(report).__name__ == 'LassoPathReport'"
        "\nassert set(comparison.best.index) == {'l1', 'l2', 'elasticnet'}"
        "\nprint('README-MAGICS-OK')"
    )
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "IPython", "--quick", "--no-banner", "--colors=nocolor", "-c"]
        + [block + check],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": path},  # this checkout, as the in-process tests
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "README-MAGICS-OK" in done.stdout
    assert "Error" not in done.stdout + done.stderr


def test_magic_lines_in_the_docs_parse():
    """Every ``%lasso_path`` / ``%compare_penalties`` line of the README and the user guide
    is accepted by the magic's own parser."""
    from sklearn_lasso_tools.notebook.magics import LassoMagics

    text = (ROOT / "README.md").read_text() + (ROOT / "docs" / "user_guide.rst").read_text()
    lines = re.findall(r"%(lasso_path|compare_penalties) ([^\n]*)", text)
    assert len(lines) >= 4
    for name, args in lines:
        getattr(LassoMagics, name).parser.parse_argstring(args)  # UsageError if not


def test_readme_names_the_docs_command():
    text = (ROOT / "README.md").read_text()
    assert 'python3 -m pip install -e ".[docs]" && python3 -m sphinx -W -b html docs' in text
    for picture in ("docs/_static/path_chart.png", "docs/_static/cv_chart.png"):
        assert f"]({picture})" in text
        assert (ROOT / picture).stat().st_size > 10_000


@pytest.fixture
def sphinxext(monkeypatch):
    pytest.importorskip("sphinx", reason="the docs extra is not installed")
    monkeypatch.syspath_prepend(str(ROOT / "docs" / "sphinxext"))
    import vega_gallery

    return vega_gallery


def test_gallery_scraper_embeds_charts_for_vega(sphinxext, tmp_path):
    import altair as alt
    import pandas as pd

    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x", y="y")
    images = iter([str(tmp_path / "thumb.png")])
    block_vars = {"example_globals": {"___": chart}, "src_file": "plot_demo.py"}
    block_vars["image_path_iterator"] = images
    rst = sphinxext.altair_scraper(None, block_vars, {})
    assert rst.lstrip().startswith(".. raw:: html")
    assert 'vegaEmbed("#vega-plot_demo-1", {' in rst and '"mark": {"type": "line"}' in rst
    assert block_vars["example_globals"]["___"] is None  # not shown again as text
    assert (tmp_path / "thumb.png").read_bytes()[:4] == b"\x89PNG"  # the gallery thumbnail
    block_vars["example_globals"]["___"] = 3  # anything else is left to sphinx-gallery
    assert sphinxext.altair_scraper(None, block_vars, {}) == ""


def test_docs_build_refuses_network_scripts(sphinxext, tmp_path, monkeypatch):
    (tmp_path / "ok.html").write_text('<script src="_static/vega-bundle.js"></script>')
    (tmp_path / "cdn.html").write_text('<script defer src="https://cdn.example/x.js"></script>')
    warned = []
    monkeypatch.setattr(sphinxext.LOGGER, "warning", lambda *args: warned.append(args))
    app = type("App", (), {"outdir": str(tmp_path), "builder": type("B", (), {"format": "html"})})
    sphinxext._check_offline(app, None)
    assert [str(args[1]) for args in warned] == ["cdn.html"]
