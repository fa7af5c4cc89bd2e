"""The targets of targets.toml checked against a run: [(state, text)], state MET / NOT MET /
N/A (cannot be measured in this run: a tool unavailable, a workload or probe not run)."""

from pathlib import Path

import numpy as np

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 (the package supports it): the same parser
    import tomli as tomllib

from .tools import TOOL, fast_glmnet_key, reference_glmnet_key

TARGETS = Path(__file__).resolve().parent / "targets.toml"


def load_targets(path=TARGETS):
    with open(path, "rb") as f:
        return tomllib.load(f)


def grid_index(alphas, alpha):
    return int(np.argmin(np.abs(np.log(alphas) - np.log(alpha))))


class _Lines(list):
    def add(self, ok, text, why=""):
        state = "N/A" if ok is None else ("MET" if ok else "NOT MET")
        self.append((state, text + (f"  [{why}]" if why else "")))


def _ratio_check(lines, text, ours, refs, limit, cap):
    """ours / min(refs) <= limit; a ref over the cap bounds the ratio from above."""
    if ours is None or ours.status in ("unavailable", "n/a"):
        return lines.add(None, text, "LassoPathReport " + (ours.status if ours else "not run"))
    if ours.status != "ok":
        return lines.add(False, text, f"LassoPathReport {ours.status}")
    done = {TOOL[r.tool].label: r.median for r in refs if r is not None and r.status == "ok"}
    capped = [TOOL[r.tool].label for r in refs if r is not None and r.status == "cap"]
    if done:
        who, ref = min(done.items(), key=lambda kv: kv[1])
        r = ours.median / ref
        return lines.add(r <= limit, text, f"{r:.3g}x: {ours.median:.3g} s vs {who} {ref:.3g} s")
    if capped and ours.median / cap <= limit:
        return lines.add(
            True, text, f"{', '.join(capped)} > cap {cap:g} s, LassoPathReport {ours.median:.3g} s"
        )
    why = ", ".join(f"{TOOL[r.tool].label} {r.status}" for r in refs if r is not None)
    why = why or "no reference run"
    return lines.add(None, text, why)


def _answers(lines, name, family, runs, alphas, spec):
    ours, ref = runs.get("lpr"), runs.get(reference_glmnet_key(family))
    ref_key = TOOL[reference_glmnet_key(family)].label
    text_i = f"{name}: alpha_min_ at {ref_key}'s lambda.min grid index"
    if spec["max_index_difference"]:
        text_i += f" (+-{spec['max_index_difference']})"
    text_s = (
        f"{name}: CV score there within {100 * spec['max_score_relative_difference']:g}%"
        f" of {ref_key}'s"
    )
    if ours and ours.answer and ref and ref.answer:
        i, j = grid_index(alphas, ours.answer["alpha"]), grid_index(alphas, ref.answer["alpha"])
        lines.add(abs(i - j) <= spec["max_index_difference"], text_i, f"index {i} vs {j}")
        a, b = ours.answer["score"], ref.answer["score"]
        rel = abs(a - b) / abs(b) if b else float("inf")
        lines.add(
            rel <= spec["max_score_relative_difference"],
            text_s,
            f"{ours.answer['measure']} {a:.6g} vs {b:.6g}, {100 * rel:.3g}%",
        )
    else:
        why = (
            "LassoPathReport " + (ours.status if ours else "not run")
            if not (ours and ours.answer)
            else f"{ref_key} " + (ref.status if ref else "not run")
        )
        lines.add(False if ours and ours.status in ("cap", "error") else None, text_i, why)
        lines.add(False if ours and ours.status in ("cap", "error") else None, text_s, why)


def _memory(lines, memory, spec):
    for key, what, limit, field in (
        ("dense_workload", "X", spec["max_peak_over_x"], "peak_over_x"),
        ("sparse_workload", "a dense copy of X", spec["max_peak_over_dense"], "peak_over_dense"),
    ):
        name = spec[key]
        text = f"{name}: peak traced memory of the CV fit <= {limit:g}x {what}"
        m = memory.get(name)
        if m is None:
            lines.add(None, text, "workload not run")
        elif m["status"] == "ok":
            lines.add(
                m[field] <= limit,
                text,
                f"{m['peak'] / 1e6:.1f} MB = {m[field]:.3g}x ({m['x_bytes'] / 1e6:.1f} MB"
                f" X, {m['dense_bytes'] / 1e6:.0f} MB dense)",
            )
        else:
            lines.add(
                False if m["status"] in ("cap", "error") else None,
                text,
                m["status"] + (f": {m['detail'][-200:]}" if m.get("detail") else ""),
            )


def evaluate(results, first_call, memory, cap, spec=None):
    spec = spec or load_targets()
    lines = _Lines()
    cv, single = spec["cv_speed"], spec["single_path"]
    for name, res in results.items():
        runs, family = res["runs"], res["meta"]["family"]
        limit = cv["max_ratio_for"].get(name, cv["max_ratio"])
        _ratio_check(
            lines,
            f"{name}: LassoPathReport(cv) <= {limit:g}x min(glmnet fast, adelie)",
            runs.get("lpr"),
            [runs.get(fast_glmnet_key(family)), runs.get("adelie")],
            limit,
            cap,
        )
        path = runs.get("lpr_path")
        seconds = single["max_seconds_for"].get(name)
        if seconds is not None:
            text = f"{name}: single path <= {1000 * seconds:g} ms"
            if path is not None and path.status == "ok":
                lines.add(path.median <= seconds, text, f"{1000 * path.median:.3g} ms")
            else:
                lines.add(
                    False if path and path.status == "cap" else None,
                    text,
                    path.status if path else "not run",
                )
        _ratio_check(
            lines,
            f"{name}: single path <= {single['max_ratio_to_glmnet']:g}x glmnet()",
            path,
            [runs.get("glmnet_path")],
            single["max_ratio_to_glmnet"],
            cap,
        )
        _answers(lines, name, family, runs, res["alphas"], spec["answers"])
    limit = spec["first_call"]["max_extra_seconds"]
    text = f"first call (import + breast-cancer CV fit) <= import sklearn.base + {limit:g} s"
    if first_call.get("status") == "ok" and first_call.get("extra") is not None:
        m = first_call["median"]
        lines.add(
            first_call["extra"] <= limit,
            text,
            f"+{first_call['extra']:.3g} s: {m['total']:.3g} s (import {m['import']:.3g}"
            f" + fit {m['fit']:.3g}) vs {first_call['baseline_import_sklearn_base']:.3g} s",
        )
    else:
        lines.add(
            False if first_call.get("status") in ("cap", "error") else None,
            text,
            first_call.get("status", "not measured"),
        )
    _memory(lines, memory, spec["memory"])
    return list(lines)
