"""The line protocol every Python worker speaks (standard library only: the adelie worker
runs in its own venv, without scikit-learn or this repository's package).

The worker loads its data once, prints ``READY``, then answers each ``RUN`` line on stdin
with one ``RESULT {json}`` (or ``ERROR {json}``) line, and stops at ``QUIT`` or end of
input. Only ``fit()`` is inside the clock. Anything a library prints goes to stderr, so it
cannot break the protocol.
"""

import gc
import json
import os
import sys
import time
import traceback
import warnings
from pathlib import Path


def serve(load):
    """``load()`` -> ``(fit, answer)``; ``fit()`` returns the fitted object (timed),
    ``answer(fitted)`` the dict reported with it (not timed)."""
    proto = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout = sys.stderr  # library output stays off the protocol
    try:
        fit, answer = load()
    except Exception as exc:  # e.g. a tool that does not apply: reported, not a crash
        _send(
            proto,
            "ERROR",
            {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()[-3000:]},
        )
        return
    _send(proto, "READY", None)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "QUIT":
            break
        if cmd != "RUN":
            continue
        gc.collect()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                t0 = time.perf_counter()
                fitted = fit()
                elapsed = time.perf_counter() - t0
                result = answer(fitted)
            except Exception as exc:  # reported, and the tool is marked "error"
                _send(
                    proto,
                    "ERROR",
                    {
                        "error": f"{type(exc).__name__}: {exc}",
                        "traceback": traceback.format_exc()[-3000:],
                    },
                )
                continue
        result["time"] = elapsed
        result["warnings"] = _group(caught)
        _send(proto, "RESULT", result)


def _group(caught):
    """Warnings grouped by category and place, with a count and one example."""
    groups = {}
    for w in caught:
        key = f"{w.category.__name__} at {Path(w.filename).name}:{w.lineno}"
        entry = groups.setdefault(key, {"count": 0, "example": str(w.message)[:300]})
        entry["count"] += 1
    return groups


def _send(proto, tag, payload):
    proto.write(tag if payload is None else f"{tag} {json.dumps(payload, default=float)}")
    proto.write("\n")
    proto.flush()


def weighted_fold_mean(losses, foldid):
    """Mean over folds weighted by fold size (as glmnet and LassoPathReport do); losses is
    (n_folds, n_alphas)."""
    import numpy as np

    sizes = np.bincount(foldid, minlength=losses.shape[0]).astype(float)
    return sizes @ losses / sizes.sum()
