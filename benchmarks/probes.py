"""Checks that need a fresh process: the first call's cost, and peak memory of a fit.

The parent side (``first_call``, ``memory``) runs this file as a script in a new
interpreter; the child side (``_child_*``) measures and prints one ``RESULT {json}`` line.
Only the standard library is imported at the top, so the child's clock sees every import.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _child_first_call(x_path, y_path):
    t0 = time.perf_counter()
    import numpy as np

    from sklearn_lasso_tools import LassoPathReport

    t1 = time.perf_counter()
    X, y = np.load(x_path), np.load(y_path)
    t2 = time.perf_counter()
    LassoPathReport(cv=5, random_state=0).fit(X, y)
    t3 = time.perf_counter()
    return {"import": t1 - t0, "fit": t3 - t2, "total": (t1 - t0) + (t3 - t2)}


def _child_baseline():
    t0 = time.perf_counter()
    import sklearn.base  # noqa: F401  (what any scikit-learn estimator package pays)

    return {"total": time.perf_counter() - t0}


def _child_memory(data_dir):
    import resource
    import tracemalloc

    import numpy as np

    sys.path.insert(0, str(HERE / "workers"))
    from sklearn_worker import load_data

    from sklearn_lasso_tools import LassoPathReport

    tracemalloc.start()  # before loading: the peak includes the data, as X's multiple
    meta, X, y, foldid, alphas = load_data(data_dir)
    splits = [
        (np.flatnonzero(foldid != k), np.flatnonzero(foldid == k)) for k in range(meta["n_folds"])
    ]
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    LassoPathReport(cv=splits, alphas=alphas, task=meta["task"]).fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    return {
        "x_bytes": meta["x_bytes"],
        "dense_bytes": meta["dense_bytes"],
        "sparse": meta["sparse"],
        "before_fit": before,
        "peak": peak,
        "maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def _run_child(args, timeout, cwd):
    """(result dict, None) or (None, {"status": ..., "detail": ...})."""
    try:
        r = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired:
        return None, {"status": "cap"}
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")]
    if r.returncode != 0 or not line:
        return None, {"status": "error", "detail": r.stderr[-1500:]}
    out = json.loads(line[0][7:])
    out["stderr_warnings"] = [x.strip()[:240] for x in r.stderr.splitlines() if "Warning:" in x]
    return out, None


def first_call(root, repeats, cap, depths=range(1, 8), depth_repeats=3):
    """import + LassoPathReport(cv=5, random_state=0).fit on raw breast cancer, and
    ``import sklearn.base`` alone, alternately in ``repeats`` fresh interpreters each;
    medians. Then both again ``depth_repeats`` times under each of ``depths`` more Python
    frames: CPython 3.11-3.13 maps a 16 KiB chunk of its frame stack on a call that does
    not fit the current one and unmaps it on return, so an import's loops cost 8 us a call
    instead of 0.04 where they run at a chunk's edge (gh-142183), and where that falls
    moves with the stack's depth. ``by_depth`` shows how much of the extra is that."""
    import numpy as np
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    _compile_package()
    xp, yp = Path(root) / "bc_raw_X.npy", Path(root) / "bc_raw_y.npy"
    np.save(xp, X)
    np.save(yp, y)
    rows, base = _alternate("", [str(xp), str(yp)], repeats, cap, root)
    if base is None:
        return {**rows, "runs": []}
    med = {k: float(np.median([r[k] for r in rows])) for k in ("import", "fit", "total")}
    baseline = float(np.median(base))
    by_depth = {0: med["total"] - baseline}
    for depth in depths:
        deep, deep_base = _alternate(f"@{depth}", [str(xp), str(yp)], depth_repeats, cap, root)
        if deep_base is None:
            break
        by_depth[depth] = float(np.median([r["total"] for r in deep]) - np.median(deep_base))
    return {
        "status": "ok",
        "median": med,
        "runs": rows,
        "baseline_import_sklearn_base": baseline,
        "extra": med["total"] - baseline,
        "by_depth": by_depth,
        "stderr_warnings": sorted({w for r in rows for w in r["stderr_warnings"]}),
    }


def _alternate(depth, paths, repeats, cap, root):
    """(first-call results, baseline seconds) of ``repeats`` alternating fresh processes,
    or (failure, None)."""
    rows, base = [], []
    for _ in range(repeats):
        row, fail = _run_child(["first_call" + depth, *paths], cap, root)
        if fail:
            return fail, None
        rows.append(row)
        row, fail = _run_child(["baseline" + depth], cap, root)
        if fail:
            return fail, None
        base.append(row["total"])
    return rows, base


def _compile_package():
    """Byte-compile the package, as pip does when it installs a wheel. An editable
    checkout run with PYTHONDONTWRITEBYTECODE (as here) is otherwise compiled afresh in
    every process: some 30 ms of a first call that no installed user pays, while the
    baseline (scikit-learn, installed) is measured from its .pyc files."""
    import compileall
    import importlib.util

    package = Path(importlib.util.find_spec("sklearn_lasso_tools").origin).parent
    compileall.compile_dir(str(package), quiet=1)


def memory(data_dir, cap):
    """Peak traced memory (tracemalloc: numpy and scipy buffers included) of the timed
    LassoPathReport fit, data included, in a fresh process."""
    out, fail = _run_child(["memory", str(data_dir)], cap, data_dir)
    if fail:
        return fail
    out["status"] = "ok"
    out["peak_over_x"] = out["peak"] / out["x_bytes"]
    out["peak_over_dense"] = out["peak"] / out["dense_bytes"]
    return out


def _nested(depth, child, args):
    """``child(*args)`` called ``depth`` (at least 1) Python frames deeper."""
    return child(*args) if depth == 1 else _nested(depth - 1, child, args)


if __name__ == "__main__":
    kind, _, depth = sys.argv[1].partition("@")
    child = {
        "first_call": _child_first_call,
        "baseline": _child_baseline,
        "memory": _child_memory,
    }[kind]
    if depth:
        print("RESULT " + json.dumps(_nested(int(depth), child, sys.argv[2:])))
    else:  # the frames the target's line has always been measured in
        print("RESULT " + json.dumps(child(*sys.argv[2:])))
