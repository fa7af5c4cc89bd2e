"""Interactive Altair charts in the sphinx-gallery pages, drawn offline.

Two pieces:

- ``altair_scraper``, a sphinx-gallery image scraper: when a code block's last expression is
  an Altair chart (or a fitted ``LassoPathReport`` / ``PenaltyComparison``, shown as its
  ``chart()`` just as a notebook shows it), the block's output gets the chart's Vega-Lite
  spec and a ``vegaEmbed`` call as raw HTML, so the chart stays interactive (tooltips,
  legend highlight, the linked alpha brush). A PNG of the first chart of each example is
  saved too and serves only as its gallery thumbnail.
- vega, vega-lite and vega-embed as one script (``vl-convert-python``'s bundle for
  Altair's Vega-Lite version, built once into ``docs/_generated_static/``, which
  ``conf.py`` lists in ``html_static_path``), added only to the pages that draw a chart.
  Nothing is loaded from a CDN: at the end of the build every page is checked for a
  ``<script src="http...">`` (a warning, so an error under ``-W``).
"""

import html
import re
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
NETWORK_SCRIPT = re.compile(r"""<script[^>]*\ssrc=["']?(?:https?:)?//""", re.IGNORECASE)

HERE = Path(__file__).parent
CACHE = HERE.parent / "_generated_static"
BUNDLE = "vega-bundle.js"


def _chart_of(value):
    """The Altair chart to draw for a block's last value, or None."""
    import altair as alt

    from sklearn_lasso_tools import LassoPathReport, PenaltyComparison

    if isinstance(value, alt.TopLevelMixin):
        return value
    if isinstance(value, LassoPathReport) and hasattr(value, "coefs_"):
        return value.chart()
    if isinstance(value, PenaltyComparison):
        return value.chart()
    return None


def altair_scraper(block, block_vars, gallery_conf):
    """sphinx-gallery scraper: the block's last value, drawn by vegaEmbed (raw HTML)."""
    namespace = block_vars["example_globals"]
    chart = _chart_of(namespace.get("___"))
    if chart is None:
        return ""
    namespace["___"] = None  # drawn here; not again as text, nor by a later block
    spec = chart.to_json(indent=None).replace("</", "<\\/")
    counter = gallery_conf.setdefault("_vega_charts", {})
    key = block_vars["src_file"]
    counter[key] = counter.get(key, 0) + 1
    div = f"vega-{Path(key).stem}-{counter[key]}"
    if counter[key] == 1:
        chart.save(next(block_vars["image_path_iterator"]))  # PNG through vl-convert
    raw = (
        f'<div class="vega-chart" id="{html.escape(div)}"></div>\n'
        '<script type="text/javascript">\n'
        'document.addEventListener("DOMContentLoaded", () => '
        f'vegaEmbed("#{div}", {spec}, {{"mode": "vega-lite", "actions": false}})'
        ".catch(console.error));\n</script>"
    )
    return "\n\n.. raw:: html\n\n" + "".join(f"    {line}\n" for line in raw.splitlines())


def _get_sg_image_scraper():
    """What sphinx-gallery calls for ``image_scrapers = ("vega_gallery",)``."""
    return altair_scraper


def _write_bundle(app):
    """vega + vega-lite + vega-embed, for Altair's Vega-Lite version, cached on disk."""
    import vl_convert
    from altair.utils.html import vl_version_for_vl_convert

    version = f"{vl_version_for_vl_convert()} vl-convert {vl_convert.__version__} wrapped"
    stamp = CACHE / "vega-bundle.version"
    target = CACHE / BUNDLE
    if not (target.is_file() and stamp.is_file() and stamp.read_text() == version):
        CACHE.mkdir(exist_ok=True)
        bundle = vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())
        # its top-level names (``_`` among them) would clash with Sphinx's scripts; it
        # publishes window.vegaEmbed, window.vega and window.vegaLite itself
        target.write_text(f"(function () {{\n{bundle}\n}})();\n")
        stamp.write_text(version)


def _add_bundle(app, pagename, templatename, context, doctree):
    if "vegaEmbed(" in context.get("body", ""):
        app.add_js_file(BUNDLE)


def _check_offline(app, exception):
    """Warn (an error under ``-W``) for any page that would load a script from the network."""
    if exception is not None or app.builder.format != "html":
        return
    for page in sorted(Path(app.outdir).rglob("*.html")):
        if NETWORK_SCRIPT.search(page.read_text(encoding="utf-8", errors="replace")):
            LOGGER.warning("%s loads a script from the network", page.relative_to(app.outdir))


def setup(app):
    app.connect("builder-inited", _write_bundle)
    app.connect("html-page-context", _add_bundle)
    app.connect("build-finished", _check_offline)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
