"""A saved chart opened in headless Chromium, offline: Vega must draw it without errors."""

import re
import shutil
import subprocess

import numpy as np
import pytest

from sklearn_lasso_tools import LassoPathReport

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(_browser() is None, reason="no Chromium binary (apt-get install chromium)")
def test_saved_report_chart_draws_in_headless_chromium(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 12))
    y = 2 * X[:, 0] - X[:, 1] + rng.normal(size=80)
    report = LassoPathReport(alphas=20, cv=3, random_state=0).fit(X, y)
    page = tmp_path / "report.html"
    report.chart().save(page, inline=True)
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']https?:", html)  # nothing fetched

    command = [
        _browser(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=10000",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    # vega-embed replaced the empty div with the drawn marks
    assert re.search(r'<(svg|canvas)[^>]*class="marks"', dom), dom[:2000]
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    assert console == [], console  # no errors (nor Vega warnings) in the page's console
