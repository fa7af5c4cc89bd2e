"""Notebook display bundles for the fitted results: the chart, a static picture of it and a
text fallback, in one output.

With Altair's renderer left at ``"default"`` (which, in JupyterLab 4 and Notebook 7, loads
vega from a CDN and fails offline), a kernel gets the chart as an ``OfflineChart`` widget
(Altair's ``JupyterChart`` with its JavaScript sent by the kernel; see ``_widget``) plus an
``image/png`` for viewers that run no JavaScript (GitHub, nbconvert's HTML, a notebook
reopened without its kernel); without a kernel (a script, terminal IPython) there is only
the picture and the text. A renderer the user chose is respected as it is.
"""

import base64
import sys

WIDGET = "application/vnd.jupyter.widget-view+json"


def _mimebundle(chart, text, include=None, exclude=None):
    """The display bundle of ``chart`` with ``text`` as ``text/plain``.

    Parameters
    ----------
    chart : alt.TopLevelMixin
        The chart to show.
    text : str
        The ``text/plain`` fallback.
    include, exclude : sequence of str, optional
        MIME types to keep or drop (IPython's ``_repr_mimebundle_`` arguments).

    Returns
    -------
    dict, or (dict, dict) with metadata
    """
    import altair as alt

    if alt.renderers.active != "default":
        return _renderer_bundle(chart, text, include, exclude)
    wanted = _wanted(include, exclude)
    widget = wanted(WIDGET) and _kernel() is not None
    png = _png(chart) if widget or wanted("image/png") else None
    bundle, metadata = {}, {}
    if widget:
        from ._widget import OfflineChart

        # anywidget's metadata is empty except in Colab (its custom widget manager's URL)
        view, metadata = OfflineChart(chart, _fallback=png)._repr_mimebundle_()
        bundle[WIDGET] = view[WIDGET]
    if wanted("image/png"):
        bundle["image/png"] = png
    if wanted("text/plain"):
        bundle["text/plain"] = text
    return (bundle, metadata) if metadata else bundle


def _png(chart):
    """``chart`` as a base64 PNG (vl-convert; the size of the chart at 1x, ~150 kB)."""
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    png = vl_convert.vegalite_to_png(chart.to_dict(), vl_version=vl_version_for_vl_convert())
    return base64.b64encode(png).decode("ascii")


def _kernel():
    """The Jupyter kernel this code runs in, or None (a script, terminal IPython, marimo).

    A widget needs the kernel's comm to reach a front end; IPython is looked up only if it is
    already imported, since a kernel has always imported it.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None)


def _wanted(include, exclude):
    return lambda mime: (include is None or mime in include) and mime not in (exclude or ())


def _renderer_bundle(chart, text, include=None, exclude=None):
    """The chart through Altair's active renderer (so the renderer, the Vega-Lite MIME type
    and its version are Altair's), with ``text`` as ``text/plain``.

    Altair 6 names its type ``application/vnd.vegalite.v6.json``; nbformat only stores JSON
    values under ``application/json`` and ``application/*+json``, so a notebook holding the
    spec under Altair's name fails validation (nbclient, nbconvert, saving). Such keys are
    given the conventional ``+json`` form, keeping Altair's version.
    """
    bundle = chart._repr_mimebundle_(include=include, exclude=exclude)
    metadata = None
    if isinstance(bundle, tuple):
        bundle, metadata = bundle
    renamed = {key: _json_mime(key, value) for key, value in (bundle or {}).items()}
    bundle = {renamed[key]: value for key, value in (bundle or {}).items()}
    bundle["text/plain"] = text
    if metadata:
        metadata = {renamed.get(key, key): value for key, value in metadata.items()}
        return bundle, metadata
    return bundle


def _json_mime(key, value):
    if isinstance(value, dict) and key.startswith("application/") and key.endswith(".json"):
        return key[: -len(".json")] + "+json"
    return key
