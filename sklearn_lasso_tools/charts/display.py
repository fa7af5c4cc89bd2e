"""Notebook display bundles for the fitted results (charts with a text fallback)."""


def _mimebundle(chart, text, include=None, exclude=None):
    """A notebook display bundle: the chart through Altair's active renderer (so the
    renderer, the Vega-Lite MIME type and its version are Altair's), with ``text`` as
    ``text/plain``.

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
