"""What a run prints (tables, answers, probes, targets) and the JSON it writes."""

import json
import statistics
from pathlib import Path

from .checks import grid_index
from .tools import TOOL, TOOLS, fast_glmnet_key
from .workloads import BY_NAME


def _fmt_time(run):
    if run is None:
        return "-"
    if run.status == "ok":
        return f"{run.median:.3g}" if run.median is not None else "?"
    return "> cap" if run.status == "cap" else run.status


def _table(headers, rows):
    """Plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def fmt(cells):
        return "  ".join(
            f"{str(c):<{w}}" if i == 0 else f"{str(c):>{w}}"
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    line = fmt(headers)
    return "\n".join([line, "-" * len(line)] + [fmt(row) for row in rows])


def _ratio(a, b, cap):
    """a / b of medians; with one side over the cap, a bound."""
    if a is None or b is None:
        return "-"
    if a.status == "ok" and b.status == "ok":
        return f"{a.median / b.median:.3g}"
    if a.status == "ok" and b.status == "cap":
        return f"< {a.median / cap:.2g}"
    if a.status == "cap" and b.status == "ok":
        return f"> {cap / b.median:.3g}"
    return "-"


def _time_tables(results, cap):
    for kind, title in (
        ("cv", "cross-validated path (5 folds + full data)"),
        ("path", "single path, no CV"),
    ):
        keys = [t.key for t in TOOLS if t.kind == kind]
        print(f"\n=== median fit time, seconds: {title} ===")
        rows = [
            [name] + [_fmt_time(res["runs"].get(k)) for k in keys] for name, res in results.items()
        ]
        print(_table(["workload"] + [TOOL[k].label for k in keys], rows))
    print(
        f"'> cap': one fit took longer than {cap:g} s; '-': the tool does not apply; 'n/a': "
        "applies in principle but is not run (see notes); same data, folds, 100 alphas."
    )


def _ratio_table(results, cap):
    print("\n=== ratios of medians (< 1: LassoPathReport is faster) ===")
    rows = []
    for name, res in results.items():
        r, family = res["runs"], res["meta"]["family"]
        sk = r.get("lassocv") or r.get("lrcv_liblinear")
        rows.append(
            [
                name,
                _ratio(r["lpr"], r.get("glmnet"), cap),
                _ratio(r["lpr"], r.get(fast_glmnet_key(family)), cap),
                _ratio(r["lpr"], r.get("adelie"), cap),
                _ratio(r["lpr"], sk, cap),
                _ratio(r["lpr"], r.get("lrcv_saga"), cap),
                _ratio(r.get("lpr_path"), r.get("glmnet_path"), cap),
                _ratio(r.get("lpr_path"), r.get("adelie_path"), cap),
            ]
        )
    print(
        _table(
            [
                "workload",
                "/glmnet",
                "/glmnet fast",
                "/adelie",
                "/sklearn",
                "/LRCV-saga",
                "path/glmnet()",
                "path/adelie",
            ],
            rows,
        )
    )
    print(
        "LPR = LassoPathReport(cv); glmnet fast = glmnet(dev) for classification, glmnet "
        "(mse) for regression;\nsklearn = LassoCV (regression) or LogisticRegressionCV "
        "liblinear (binary); path = LassoPathReport(cv=None)."
    )


def _answers(results):
    print("\n=== answers: chosen alpha [grid index 0..99], features selected, CV score ===")
    print(
        "score: mse (lower is better), auc (higher), deviance (lower; multinomial: 2 x "
        "log-loss). Single paths: length and features at the last alpha."
    )
    for name, res in results.items():
        rows = []
        for k, run in res["runs"].items():
            a = run.answer
            if a is None:
                rows.append([TOOL[k].label, run.status, "", "", "", ""])
            elif "alpha" in a:
                rows.append(
                    [
                        TOOL[k].label,
                        f"{a['alpha']:.4g}",
                        grid_index(res["alphas"], a["alpha"]),
                        a["n_selected"],
                        f"{a['score']:.6g}",
                        a["measure"],
                    ]
                )
            else:
                rows.append(
                    [TOOL[k].label, f"path of {a['n_path']}", "", a["n_selected_last"], "", ""]
                )
        print(f"-- {name} ({BY_NAME[name].description}; {res['meta']['family']})")
        print(_table(["tool", "alpha", "index", "n_selected", "cv_score", "measure"], rows))


def _notes(results, first_call):
    notes = []
    for name, res in results.items():
        for k, run in res["runs"].items():
            if run.detail:
                notes.append(f"{name} / {TOOL[k].label}: {run.status}: {run.detail.strip()[:600]}")
            for key, e in run.warnings.items():
                notes.append(
                    f"{name} / {TOOL[k].label}: {e['count']} x {key} over "
                    f'{e["fits"]} fits, e.g. "{e["example"][:160]}"'
                )
    for line in first_call.get("stderr_warnings", []):
        notes.append(f"first call (raw breast cancer, default grid): {line[:200]}")
    if notes:
        print("\n=== notes: tools not run, warnings and errors seen during timed fits ===")
        for note in notes:
            print("  " + note)


def _probes(first_call, memory):
    print("\n=== first call in a fresh process (raw breast cancer, LassoPathReport(cv=5)) ===")
    if first_call.get("status") == "ok":
        m = first_call["median"]
        print(
            f"import {m['import']:.3g} s + fit {m['fit']:.3g} s = {m['total']:.3g} s, "
            f"median of {len(first_call['runs'])} fresh processes; `import sklearn.base` "
            f"alone: {first_call['baseline_import_sklearn_base']:.3g} s"
        )
        by_depth = first_call.get("by_depth") or {}
        if len(by_depth) > 1:
            extras = list(by_depth.values())
            print(
                "the same extra with k more Python frames under both processes' imports "
                "(k: +s; the target's line is k=0): "
                + ", ".join(f"{k}: {v:+.3f}" for k, v in by_depth.items())
                + f"; median {statistics.median(extras):+.3f}, from {min(extras):+.3f} to "
                f"{max(extras):+.3f}"
            )
    else:
        print(first_call.get("status"), first_call.get("detail", ""))
    for name, m in memory.items():
        print(f"\n=== peak memory, {name} (tracemalloc, data included) ===")
        if m["status"] == "ok":
            print(
                f"X {m['x_bytes'] / 1e6:.1f} MB{' (sparse)' if m['sparse'] else ''}; traced "
                f"peak {m['peak'] / 1e6:.1f} MB ({m['peak_over_x']:.2f}x X, "
                f"{m['peak_over_dense']:.3f}x dense X); fit's own extra "
                f"{(m['peak'] - m['before_fit']) / 1e6:.1f} MB; process max RSS "
                f"{m['maxrss_bytes'] / 1e6:.0f} MB"
            )
        else:
            print(m["status"], m.get("detail", "")[-1500:])


def print_report(results, first_call, memory, targets, cap):
    _time_tables(results, cap)
    _ratio_table(results, cap)
    _answers(results)
    _notes(results, first_call)
    _probes(first_call, memory)
    print("\n=== targets (benchmarks/targets.toml) ===")
    for state, text in targets:
        print(f"  {state:<8} {text}")
    n_met = sum(s == "MET" for s, _ in targets)
    n_na = sum(s == "N/A" for s, _ in targets)
    print(f"  {n_met}/{len(targets)} met, {n_na} N/A")


def write_json(path, config, env, results, end_state, first_call, memory, targets):
    out = {
        "config": config,
        "environment": env,
        "workloads": {
            name: {
                "meta": res["meta"],
                "package": res["package"],
                "alphas": [float(a) for a in res["alphas"]],
                "tools": {
                    k: {
                        "label": TOOL[k].label,
                        "kind": TOOL[k].kind,
                        "times_what": TOOL[k].times,
                        "status": r.status,
                        "median": r.median,
                        "times": r.times,
                        "warmup": r.warmup,
                        "answer": r.answer,
                        "grid_index": None
                        if not (r.answer and "alpha" in r.answer)
                        else grid_index(res["alphas"], r.answer["alpha"]),
                        "warnings": r.warnings,
                        "detail": r.detail,
                    }
                    for k, r in res["runs"].items()
                },
            }
            for name, res in results.items()
        },
        "package_at_end": end_state,
        "first_call": first_call,
        "memory": memory,
        "targets": [{"state": s, "target": t} for s, t in targets],
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, default=float))
