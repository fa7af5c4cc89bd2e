"""A saved chart opened in headless Chromium, offline: Vega must draw it without errors."""

import re

import numpy as np
import pytest
from _chromium import browser, render

from sklearn_lasso_tools import LassoPathReport


@pytest.mark.skipif(browser() is None, reason="no Chromium binary (apt-get install chromium)")
def test_saved_report_chart_draws_in_headless_chromium(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 12))
    y = 2 * X[:, 0] - X[:, 1] + rng.normal(size=80)
    report = LassoPathReport(alphas=20, cv=3, random_state=0).fit(X, y)
    page = tmp_path / "report.html"
    report.chart().save(page, inline=True)
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']https?:", html)  # nothing fetched

    dom, console = render(page, tmp_path / "profile")
    # vega-embed replaced the empty div with the drawn marks
    assert re.search(r'<(svg|canvas)[^>]*class="marks"', dom), dom[:2000]
    assert console == [], console  # no errors (nor Vega warnings) in the page's console
