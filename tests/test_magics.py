"""The magics in a real Jupyter kernel (nbclient + ipykernel), asserted on the Vega-Lite
specs the kernel sends back."""

import json
from pathlib import Path

import numpy as np
import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]

SETUP = """\
import warnings
warnings.simplefilter("error", FutureWarning)
import altair as alt
import numpy as np
import pandas as pd
alt.renderers.enable("mimetype")  # the spec itself, under Altair's Vega-Lite MIME type
rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(90, 8)), columns=[f"gene_{i}" for i in range(8)])
y = 3 * X["gene_0"] - 2 * X["gene_1"] + rng.normal(size=90)
df = X.assign(outcome=y)
%load_ext sklearn_lasso_tools
"""

CELLS = {
    "path": "%lasso_path X y --cv 3 --alphas 20 --top 3 --random-state 0",
    "assign": "r = %lasso_path df --target outcome --cv 3 --alphas 20 --random-state 0",
    "rules": "print(json.dumps([r.alpha_min_, r.alpha_1se_, list(r.entry_order_)]))",
    "display": "r",
    "compare": "%compare_penalties X y>0 --cv 3 --Cs 4 --penalties l1,l2 --random-state 0",
    "poisson": "counts = pd.Series(rng.poisson(np.exp(0.5 + 0.4 * X['gene_0'])))\n"
    "rp = %lasso_path X counts --task poisson --cv 3 --alphas 20\n"
    "cp = %compare_penalties X counts --task poisson --cv 3 --Cs 4 --penalties l1,l2\n"
    "from sklearn_lasso_tools import LassoPathReport\n"
    "direct = LassoPathReport(task='poisson', cv=3, alphas=20).fit(X, counts)\n"
    "print(json.dumps([rp.task_, repr(rp.linear_path_.family), rp.alpha_min_,\n"
    "    direct.alpha_min_, list(rp.cv_mean_), list(direct.cv_mean_),\n"
    "    [repr(r.linear_path_.family) for r in cp.reports.values()],\n"
    "    cp.best['cv_mean'].tolist()]))",
    "missing": "%lasso_path Z y --cv 3",
    "bad_option": "%lasso_path X y --folds 3",
    "bad_value": "%lasso_path X y --cv 3 --alphas 0",
    "bad_data": "%lasso_path X y.iloc[:10] --cv 3",
    "no_target": "%lasso_path df --target nope",
    "bad_penalty": "%compare_penalties X y --penalties l1,lasso",
    "help": "print(get_ipython().find_line_magic('lasso_path').__doc__)",
    "unload": "%unload_ext sklearn_lasso_tools",
    "after_unload": "%lasso_path X y",
    "reload": "%load_ext sklearn_lasso_tools\nr2 = %lasso_path X y --cv 3 --alphas 5\n"
    "print(type(r2).__name__)",
}


@pytest.fixture(scope="module")
def outputs():
    cells = [nbformat.v4.new_code_cell("import json\n" + SETUP)]
    cells += [nbformat.v4.new_code_cell(source) for source in CELLS.values()]
    notebook = nbformat.v4.new_notebook(cells=cells)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()
    setup_outputs = notebook.cells[0].outputs
    assert not [o for o in setup_outputs if o.output_type == "error"], setup_outputs
    return {name: cell.outputs for name, cell in zip(CELLS, notebook.cells[1:], strict=True)}


def spec_of(outputs):
    (result,) = [o for o in outputs if o.output_type in ("execute_result", "display_data")]
    (mime,) = [k for k in result.data if k.startswith("application/vnd.vegalite")]
    assert mime.endswith("+json")  # valid nbformat JSON output
    return result.data[mime], result.data["text/plain"]


def text_of(outputs):
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream")


def all_rows(spec):
    return [row for rows in spec["datasets"].values() for row in rows]


def test_lasso_path_returns_a_report_shown_as_its_chart(outputs):
    spec, text = spec_of(outputs["path"])
    assert text.startswith("LassoPathReport(") and "n_nonzero" in text
    colored = {r["feature"] for r in all_rows(spec) if "coef" in r}
    assert {"gene_0", "gene_1"} <= colored
    assert len(spec["vconcat"]) == 2
    assert max(len(rows) for rows in spec["datasets"].values()) <= 5000
    legend = json.dumps(spec)
    assert '"sort": ["gene_0", "gene_1"' in legend  # the first to enter, in order
    assert not [o for o in outputs["path"] if o.output_type == "stream" and o.name == "stderr"]


def test_assignment_keeps_the_report_and_rules_sit_at_the_chosen_alphas(outputs):
    assert outputs["assign"] == []
    alpha_min, alpha_1se, order = json.loads(text_of(outputs["rules"]))
    assert order[:2] == ["gene_0", "gene_1"]
    spec, _ = spec_of(outputs["display"])
    rules = {r["rule"]: r["alpha"] for r in all_rows(spec) if "rule" in r}
    assert rules == {"alpha_min": alpha_min, "alpha_1se": alpha_1se}


def test_compare_penalties_returns_the_comparison(outputs):
    spec, text = spec_of(outputs["compare"])
    assert "best strength per penalty" in text
    penalties = {r["penalty"] for r in all_rows(spec) if "penalty" in r}
    assert penalties == {"l1", "l2"}


@pytest.mark.parametrize(
    "cell, message",
    [
        ("missing", "%lasso_path: name 'Z' is not defined"),
        ("bad_option", "unrecognized arguments: --folds 3"),
        ("bad_value", "%lasso_path: The 'alphas' parameter"),
        ("bad_data", "%lasso_path: Found input variables with inconsistent numbers"),
        ("no_target", "%lasso_path: no column 'nope' in df"),
        ("bad_penalty", "--penalties must be a comma-separated subset"),
    ],
)
def test_problems_are_usage_errors_without_traceback(outputs, cell, message):
    out = outputs[cell]
    shown = text_of(out) + "".join(o.get("evalue", "") for o in out)
    assert "UsageError" in shown and message in shown
    assert not [
        o for o in out if o.output_type == "error" and o.get("traceback") and len(o.traceback) > 1
    ]
    assert "Traceback" not in shown


def test_task_poisson_fits_counts(outputs):
    task, family, alpha_min, direct_alpha_min, mean, direct_mean, families, best = json.loads(
        text_of(outputs["poisson"])
    )
    assert task == "poisson" and family == "Poisson()"
    # the magic is the estimator with its options: the same rules and CV scores
    assert alpha_min == direct_alpha_min
    np.testing.assert_array_equal(mean, direct_mean)
    assert max(mean) < 0  # negative mean Poisson deviance
    assert families == ["Poisson()", "Poisson()"]
    assert len(best) == 2 and np.all(np.isfinite(best)) and max(best) < 0


def test_help_is_generated_from_the_arguments(outputs):
    text = text_of(outputs["help"])
    for option in (
        "--cv K",
        "--alphas N",
        "--scoring S",
        "--top K",
        "--no-scale",
        "--l1-ratio R",
        "--n-jobs N",
        "--target COL",
        "poisson",
    ):
        assert option in text


def test_unload_and_reload(outputs):
    shown = text_of(outputs["after_unload"]) + "".join(
        o.get("evalue", "") for o in outputs["after_unload"]
    )
    assert "lasso_path" in shown and "not found" in shown
    assert "LassoPathReport" in text_of(outputs["reload"])
