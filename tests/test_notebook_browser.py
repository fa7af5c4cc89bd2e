"""The charts in a real JupyterLab, offline: headless Chromium with every request that is not
to the local server blocked must draw each chart cell's chart; the saved notebook stays
small and carries a PNG of each chart for viewers that run no JavaScript (GitHub, nbconvert).
"""

import base64
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
from _chromium import browser

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("jupyterlab", reason="JupyterLab is in the test extra: pip install -e .[test]")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
pytestmark = pytest.mark.skipif(
    browser() is None, reason="no Chromium binary (apt-get install chromium)"
)

WIDGET = "application/vnd.jupyter.widget-view+json"
CELLS = [
    "%load_ext sklearn_lasso_tools\n"
    "from sklearn.datasets import load_diabetes\n"
    "X, y = load_diabetes(return_X_y=True, as_frame=True)",
    "%lasso_path X y --cv 5 --random-state 0",
    "r = %lasso_path X y --cv 3 --random-state 0",
    "r",
    "%compare_penalties X y --cv 3 --random-state 0",
]
CHARTS = [1, 3, 4]  # the cells that show a chart
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 in a temp dir holding ``charts.ipynb``."""
    root = tmp_path_factory.mktemp("lab")
    cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernel})
    nbformat.write(notebook, root / "charts.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".config"))
    env["JUPYTER_RUNTIME_DIR"] = str(root / ".runtime")
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",  # CI runs as root
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to run the cells
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly",
    ]
    log = (root / "server.log").open("w")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail((root / "server.log").read_text()[-3000:])
                time.sleep(0.3)
        yield root, base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def session(lab):
    """Run all cells in headless Chromium, offline; save; return what was seen."""
    root, base, token = lab
    blocked = []

    def route(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    start = time.monotonic()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser(), args=FLAGS)
        try:
            page = chromium.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", route)
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{base}/lab/tree/charts.ipynb?token={token}")
            page.wait_for_function(
                "() => window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')"
                " && document.querySelector('.jp-Notebook-ExecutionIndicator')",
                timeout=60_000,
            )
            page.wait_for_function(_KERNEL_IDLE, timeout=60_000)
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(_DRAWN, arg=CHARTS, timeout=90_000)
            drawn = page.evaluate(_MARKS)
            page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
            page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=20_000)
            text = page.inner_text(".jp-Notebook")
        finally:
            chromium.close()
    return {
        "seconds": time.monotonic() - start,
        "blocked": blocked,
        "drawn": drawn,
        "errors": errors,
        "text": text,
        "saved": root / "charts.ipynb",
    }


_KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  return kernel && kernel.status === "idle";
}"""

# per cell: the marks vega-embed drew inside its output (svg or canvas), or []
_MARKS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell =>
  [...cell.querySelectorAll('.jp-OutputArea .vega-embed')].flatMap(embed =>
    [...embed.querySelectorAll('svg.marks, canvas.marks')].map(m => m.tagName.toLowerCase())))"""

_DRAWN = (
    "(charts) => { const marks = (" + _MARKS + ")();"
    " return charts.every(i => marks[i] && marks[i].length > 0); }"
)


def test_every_chart_cell_draws_offline(session):
    assert [bool(marks) for marks in session["drawn"]] == [False, True, False, True, True]
    assert "Error loading script" not in session["text"]
    assert "Error displaying widget" not in session["text"]
    assert not [e for e in session["errors"] if "vega" in e.lower() or "chart" in e.lower()]
    # the page tried the outside world (or not) and was refused: it drew from the kernel
    assert all(urlsplit(url).hostname != "127.0.0.1" for url in session["blocked"])
    assert session["seconds"] < 120, session["seconds"]


def test_saved_notebook_is_small_with_a_picture_per_chart(session, tmp_path):
    notebook = nbformat.read(session["saved"], as_version=4)
    size = session["saved"].stat().st_size
    for index, cell in enumerate(notebook.cells):
        shown = [o for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
        if index not in CHARTS:
            assert shown == []
            continue
        (output,) = shown
        assert set(output.data) == {WIDGET, "image/png", "text/plain"}
        assert base64.b64decode(output.data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(output.data["image/png"]) < 400_000
    assert "widgets" not in notebook.metadata  # no widget state, hence no JavaScript bundle
    assert size < 1_500_000, size
    assert "vega-embed" not in session["saved"].read_text(encoding="utf-8")

    # nbconvert's HTML (no kernel, no widget state): the pictures
    nbconvert = pytest.importorskip("nbconvert")
    html, _ = nbconvert.HTMLExporter().from_notebook_node(notebook)
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', html)) == len(CHARTS)


def test_outputs_hold_the_report_text(session):
    notebook = nbformat.read(session["saved"], as_version=4)
    texts = [o.data["text/plain"] for i in CHARTS for o in notebook.cells[i].outputs]
    assert texts[0].startswith("LassoPathReport(") and "n_nonzero" in texts[0]
    assert "best strength per penalty" in texts[2]
    assert json.dumps(texts)  # plain strings
