"""The rich display of the fitted results: an offline chart widget in a kernel, a PNG of the
chart for viewers without JavaScript, the text; Altair's renderer when the user chose one;
the chart itself for marimo; and ``lasso_path``, the magic's work as a function."""

import base64
import json
import re

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert
from altair.jupyter.jupyter_chart import JupyterChart
from altair.utils._importers import vl_version_for_vl_convert

from sklearn_lasso_tools import LassoPathReport, compare_penalties, lasso_path
from sklearn_lasso_tools.charts import display

WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(80, 6)), columns=[f"g{i}" for i in range(6)])
    y = 3 * X["g0"] - 2 * X["g1"] + rng.normal(size=80)
    return X, y


@pytest.fixture(scope="module")
def report(data):
    return lasso_path(*data, cv=3, alphas=15, random_state=0, top=2)


def _png_of(chart):
    return vl_convert.vegalite_to_png(chart.to_dict(), vl_version=vl_version_for_vl_convert())


def test_without_a_kernel_a_picture_and_the_text(report):
    bundle = report._repr_mimebundle_()
    assert set(bundle) == {"image/png", "text/plain"}
    assert base64.b64decode(bundle["image/png"]) == _png_of(report.chart(top=2))
    assert (
        bundle["text/plain"].startswith("LassoPathReport(") and "dev_ratio" in bundle["text/plain"]
    )
    assert report._repr_mimebundle_(include=["text/plain"]) == {"text/plain": bundle["text/plain"]}
    assert set(report._repr_mimebundle_(exclude=["image/png"])) == {"text/plain"}


def test_in_a_kernel_the_offline_widget_too(report, monkeypatch):
    from sklearn_lasso_tools.charts import _widget

    created = []

    class Recorded(_widget.OfflineChart):  # (ipywidgets 8 deprecates its widget registry)
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            created.append(self)

    monkeypatch.setattr(_widget, "OfflineChart", Recorded)
    monkeypatch.setattr(display, "_kernel", lambda: object())
    esm_before = JupyterChart._esm
    bundle = report._repr_mimebundle_()
    assert set(bundle) == {WIDGET, "image/png", "text/plain"}
    (widget,) = created
    assert widget.model_id == bundle[WIDGET]["model_id"]
    # the widget draws the report's chart, and shows its PNG until the JavaScript has come
    assert widget.spec == report.chart(top=2).to_dict()
    assert widget._fallback == bundle["image/png"]
    # its state holds a small loader, not the 900 kB bundle (nbclient saves widget states)
    state = widget.get_state()
    assert len(state["_esm"]) < 5_000 and "vegaEmbed" not in state["_esm"]
    assert _widget.MESSAGE in state["_esm"] and alt.__version__ in state["_esm"]
    assert JupyterChart._esm == esm_before  # Altair's class left alone

    sent = []
    monkeypatch.setattr(widget, "send", lambda content, buffers: sent.append((content, buffers)))
    widget._handle_custom_msg({"type": "something else"}, [])
    assert sent == []
    widget._handle_custom_msg({"type": _widget.MESSAGE}, [])
    ((content, (code,)),) = sent
    assert content == {"type": _widget.MESSAGE}
    text = code.decode("utf-8")
    assert len(code) > 500_000 and "export{__default as default}" in text
    assert not re.search(r"""from\s*["']https?:""", text)  # nothing imported from a CDN
    widget.close()


def test_a_chosen_renderer_is_kept(report, data, monkeypatch):
    monkeypatch.setattr(display, "_kernel", lambda: object())
    comparison = compare_penalties(*data, Cs=3, cv=3, penalties=("l1", "l2"), random_state=0)
    for shown in (report, comparison):
        with alt.renderers.enable("json"):
            bundle = shown._repr_mimebundle_()
        bundle = bundle[0] if isinstance(bundle, tuple) else bundle
        assert set(bundle) == {"application/json", "text/plain"}
        options = {"top": 2} if shown is report else {}  # (lasso_path(..., top=2))
        assert bundle["application/json"] == shown.chart(**options).to_dict()
    assert alt.renderers.active == "default"


def test_comparison_shows_its_picture(data):
    comparison = compare_penalties(*data, Cs=3, cv=3, penalties=("l1", "l2"), random_state=0)
    bundle = comparison._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == _png_of(comparison.chart())
    assert "best strength per penalty" in bundle["text/plain"]


def test_lasso_path_is_the_magics_work(data, report):
    direct = LassoPathReport(cv=3, alphas=15, random_state=0).fit(*data)
    assert report.alpha_min_ == direct.alpha_min_ and report.alpha_1se_ == direct.alpha_1se_
    np.testing.assert_array_equal(report.coefs_, direct.coefs_)
    # its display draws the chart with lasso_path's top
    with alt.renderers.enable("json"):
        bundle = report._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert bundle["application/json"] == report.chart(top=2).to_dict()
    assert bundle["application/json"] != report.chart().to_dict()
    with pytest.raises(TypeError, match="set_chart_options got unexpected"):
        report.set_chart_options(colour="red")
    with pytest.raises(ValueError, match="The 'top' parameter of lasso_path"):
        lasso_path(*data, top=-1)


def test_marimo_draws_the_chart(report, data):
    formatting = pytest.importorskip("marimo._output.formatting")
    comparison = compare_penalties(*data, Cs=3, cv=3, penalties=("l1", "l2"), random_state=0)
    for shown in (report, comparison):
        chart = shown._display_()
        assert isinstance(chart, alt.TopLevelMixin)
        # marimo's own Vega-Lite output (its front end bundles vega: offline)
        mime, payload = formatting.get_formatter(shown)(shown)
        assert mime.startswith("application/vnd.vegalite.v6")
        spec = json.loads(payload)
        assert spec["datasets"] == chart.to_dict()["datasets"]
    assert report._display_().to_dict() == report.chart(top=2).to_dict()
    # unfitted, marimo finds no _display_ and falls back to the estimator's own display
    assert not hasattr(LassoPathReport(), "_display_")


def test_executed_notebook_keeps_a_picture_of_each_chart(tmp_path):
    """nbclient (as ``jupyter nbconvert --execute``): each chart output holds the widget
    view, a PNG and the text; the widget state nbclient saves holds no JavaScript bundle."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nbconvert = pytest.importorskip("nbconvert")
    pytest.importorskip("ipykernel")
    cells = [
        "%load_ext sklearn_lasso_tools\n"
        "from sklearn.datasets import load_diabetes\n"
        "X, y = load_diabetes(return_X_y=True, as_frame=True)",
        "%lasso_path X y --cv 3 --alphas 30 --random-state 0",
        "%compare_penalties X y --cv 3 --Cs 4 --random-state 0",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    for cell in notebook.cells[1:]:
        (output,) = cell.outputs
        assert set(output.data) == {WIDGET, "image/png", "text/plain"}
        assert base64.b64decode(output.data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    state = notebook.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    esms = [model["state"]["_esm"] for model in state.values() if "_esm" in model["state"]]
    assert len(esms) == 2 and all(len(esm) < 5_000 for esm in esms)
    path = tmp_path / "executed.ipynb"
    nbformat.write(notebook, path)
    assert path.stat().st_size < 1_000_000

    # without the widget state (a notebook saved by JupyterLab, or nbclient's
    # store_widget_state=False), nbconvert's HTML shows the pictures
    del notebook.metadata["widgets"]
    html, _ = nbconvert.HTMLExporter().from_notebook_node(notebook)
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', html)) == 2
