"""The notebook chart widget: Altair's ``JupyterChart`` drawn without a CDN.

Altair's widget imports vega-embed from a CDN (``esm.sh``). Its ``enable_offline()`` swaps
the class-wide module for a vl-convert bundle instead: global state, and about 900 kB of
JavaScript in every chart's widget state (which ``nbclient`` and JupyterLab's "save widget
state" write into the notebook). Here a subclass carries a small loader as its module; the
first chart drawn on a page asks its kernel for the bundle (one custom comm message, built
from the same vl-convert call as ``enable_offline``) and every later chart on the page
reuses it. Nothing of the bundle enters the widget state, the outputs or the saved file.
"""

import functools

import altair as alt
import traitlets
import vl_convert
from altair.jupyter.jupyter_chart import JupyterChart, load_js_src
from altair.utils._importers import vl_version_for_vl_convert

__all__ = ["OfflineChart"]

#: The custom message the loader sends to ask for the bundle and gets back with it.
MESSAGE = "sklearn_lasso_tools.vega_bundle"

# The loader: ``render`` waits for the page's copy of the bundle (Altair's widget module with
# vega, vega-lite and vega-embed inlined), then lets Altair's own ``render`` draw. The copy is
# shared through ``globalThis`` under a key naming the versions, so two kernels with different
# Altair or vl-convert versions on one page do not share a bundle. A request not answered
# within 20 s (its kernel restarted, say) is asked again by the next chart that renders.
# Until the bundle comes (a kernel answers between cells, so after a "Run All" has finished;
# never in a page with no kernel, as nbconvert's or nbviewer's HTML of a notebook saved with
# its widget state), the widget shows the chart's PNG.
LOADER = """\
const KEY = Symbol.for("sklearn_lasso_tools/vega-bundle/%(version)s");
const MESSAGE = "%(message)s";

function shared() {
  if (!globalThis[KEY]) {
    const entry = { settled: false, asked: 0 };
    entry.promise = new Promise((resolve) => { entry.resolve = resolve; });
    globalThis[KEY] = entry;
  }
  return globalThis[KEY];
}

function bundle(model) {
  const entry = shared();
  if (!entry.settled) {
    const answer = (message, buffers) => {
      if (!message || message.type !== MESSAGE) return;
      model.off("msg:custom", answer);
      if (entry.settled) return;
      entry.settled = true;
      const blob = new Blob([buffers[0]], { type: "text/javascript" });
      entry.resolve(import(URL.createObjectURL(blob)));
    };
    model.on("msg:custom", answer);
    if (Date.now() - entry.asked > 20000) {
      entry.asked = Date.now();
      model.send({ type: MESSAGE });
    }
  }
  return entry.promise;
}

async function render({ model, el }) {
  const picture = model.get("_fallback");
  if (picture) {
    const img = document.createElement("img");
    img.src = "data:image/png;base64," + picture;
    img.alt = "the chart (a picture until its interactive version loads)";
    el.replaceChildren(img);
  } else {
    el.textContent = "Drawing the chart\\u2026";
  }
  let chart;
  try {
    chart = (await bundle(model)).default;
  } catch (error) {
    el.append("Could not load the chart's JavaScript: " + error.message);
    return;
  }
  el.replaceChildren();
  return chart.render({ model, el });
}

export default { render };
"""


@functools.cache
def bundle():
    """Altair's widget module with its imports inlined by vl-convert, as UTF-8 bytes.

    The same steps as ``JupyterChart.enable_offline``: drop the module's leading CDN imports
    and comments, then let ``vl_convert.javascript_bundle`` resolve ``vegaEmbed`` and
    ``lodashDebounce`` from its own copies. Built once per kernel (a few seconds), when the
    first page asks.
    """
    lines = load_js_src().split("\n")
    while lines and (not lines[0].strip() or lines[0].startswith(("import", "//"))):
        lines.pop(0)
    source = vl_convert.javascript_bundle("\n".join(lines), vl_version=vl_version_for_vl_convert())
    return source.encode("utf-8")


class OfflineChart(JupyterChart):
    """Altair's ``JupyterChart`` whose JavaScript comes from the kernel, not a CDN.

    Everything else (the ``selections`` and ``params`` kept in sync with the kernel, the
    hover, legend and brush interactions) is Altair's.

    Parameters
    ----------
    chart : alt.TopLevelMixin
        The chart to draw.
    **kwargs
        Passed to ``JupyterChart``; ``_fallback``, a base64 PNG of the chart, is shown
        until the JavaScript has come.
    """

    _esm = LOADER % {
        "version": f"altair-{alt.__version__}/vl-convert-{vl_convert.__version__}",
        "message": MESSAGE,
    }

    #: the chart as a base64 PNG, shown until the interactive chart is drawn
    _fallback = traitlets.Unicode("").tag(sync=True)

    def __init__(self, chart, **kwargs):
        super().__init__(chart, **kwargs)
        self.on_msg(_answer)


def _answer(widget, content, buffers):
    """Send the bundle to the page that asked for it."""
    if isinstance(content, dict) and content.get("type") == MESSAGE:
        widget.send({"type": MESSAGE}, buffers=[bundle()])
