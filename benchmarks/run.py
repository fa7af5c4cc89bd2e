"""Speed benchmark: cross-validated and single L1 paths against glmnet, adelie, scikit-learn.

    python benchmarks/run.py                  # all eight workloads, 3 timed repeats each
    python benchmarks/run.py --quick          # diabetes and breast cancer only
    python benchmarks/run.py --only logit_500x5000 --repeats 5 --cap 60

Every tool gets the same standardized data, the same five folds and the same 100-value
strength grid, in its own long-lived worker process; the tools alternate over one warm-up
round and ``--repeats`` timed rounds, and each worker times only the fit, in-process.
See benchmarks/README.md for what is timed and how to read the output.
"""

import argparse
import hashlib
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the benchmarks package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import checks, harness, probes, report, tools, workloads  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_JSON = HERE / "results" / "latest.json"


def environment(available):
    import numpy
    import scipy
    import sklearn

    env = {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "glmnet": available["r"][1],
        "adelie": available["adelie"][1],
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "loadavg_start": os.getloadavg(),
    }
    try:
        import sklearn_lasso_tools

        env["sklearn_lasso_tools"] = sklearn_lasso_tools.__version__
    except Exception as exc:  # reported, the benchmark still runs the other tools
        env["sklearn_lasso_tools"] = f"import failed: {exc}"
    env.update(package_state())
    try:
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "sklearn_lasso_tools"],
            cwd=REPO,
            text=True,
            capture_output=True,
        ).stdout.strip()
        env["package_uncommitted_changes"] = dirty.splitlines()
    except OSError:
        pass
    try:
        from threadpoolctl import threadpool_info

        env["threadpools"] = [
            {k: i.get(k) for k in ("internal_api", "num_threads", "version")}
            for i in threadpool_info()
        ]
    except Exception:
        pass
    return env


def package_state():
    """Git commit and a hash of the package's sources: the repository is worked on while
    benchmarks run (editable install), so each workload records what it measured."""
    state = {"commit": None, "source_sha1": None}
    spec = importlib.util.find_spec("sklearn_lasso_tools")
    if spec is not None and spec.origin:
        h = hashlib.sha1()
        for f in sorted(Path(spec.origin).parent.rglob("*.py")):
            h.update(str(f.relative_to(Path(spec.origin).parent)).encode())
            h.update(f.read_bytes())
        state["source_sha1"] = h.hexdigest()[:12]
    try:
        state["commit"] = (
            subprocess.run(
                ["git", "rev-parse", "--short=10", "HEAD"], cwd=REPO, text=True, capture_output=True
            ).stdout.strip()
            or None
        )
    except OSError:
        pass
    return state


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats after one warm-up")
    parser.add_argument("--quick", action="store_true", help="only diabetes and breast_cancer")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this workload (repeatable, or comma-separated): "
        + ", ".join(workloads.BY_NAME),
    )
    parser.add_argument(
        "--cap",
        type=float,
        default=120.0,
        help="seconds one fit may take before the tool reads '> cap' (120)",
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="results file")
    parser.add_argument("--no-first-call", action="store_true", help="skip the fresh-process check")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.only:
        args.names = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
        unknown = [n for n in args.names if n not in workloads.BY_NAME]
        if unknown:
            parser.error(f"unknown workload(s) {unknown}; choose from {list(workloads.BY_NAME)}")
    else:
        args.names = [w.name for w in workloads.WORKLOADS if w.small or not args.quick]
    return args


def runs_for(w, data_dir, log_dir, available, args):
    """Each applicable tool's ToolRun: timed, or marked n/a / unavailable without a worker."""
    keys = [t.key for t in tools.TOOLS if w.family in t.mode and available[t.runtime][0]]
    runs = harness.run_workload(w.family, data_dir, log_dir, keys, args.repeats, args.cap)
    for t in tools.TOOLS:
        if w.family in t.not_applicable:
            runs[t.key] = harness.ToolRun(t.key, "n/a", detail=t.not_applicable[w.family])
        elif w.family in t.mode and not available[t.runtime][0]:
            runs[t.key] = harness.ToolRun(t.key, "unavailable", detail=available[t.runtime][1])
    return {t.key: runs[t.key] for t in tools.TOOLS if t.key in runs}  # in column order


def main(argv=None):
    args = parse_args(argv)
    (HERE / "results").mkdir(exist_ok=True)
    available = {
        "python": (True, sys.executable),
        "r": tools.glmnet_status(),
        "adelie": tools.adelie_status(HERE / "results" / "adelie-venv-build.log"),
    }
    env = environment(available)
    dirty = ", uncommitted package changes" if env.get("package_uncommitted_changes") else ""
    print(
        f"sklearn_lasso_tools {env.get('sklearn_lasso_tools')} (commit {env['commit']}"
        f"{dirty}), scikit-learn {env['sklearn']}, numpy {env['numpy']}, Python "
        f"{env['python']}, {env['cpu_count']} CPUs;\nglmnet: {available['r'][1]}; "
        f"adelie: {available['adelie'][1]}"
    )
    load = env["loadavg_start"][0]
    print(
        f"load average {load:.2f}"
        + (
            "  (WARNING: the machine is busy; timings are noisy)"
            if load > 0.5 * (os.cpu_count() or 1)
            else ""
        )
    )
    print(
        f"workloads: {', '.join(args.names)}; {args.repeats} timed repeats after 1 warm-up; "
        f"cap {args.cap:g} s per fit"
    )

    spec = checks.load_targets()
    memory_names = (spec["memory"]["dense_workload"], spec["memory"]["sparse_workload"])
    root = Path(tempfile.mkdtemp(prefix="lasso_bench_"))
    results, memory, first_call = {}, {}, {"status": "skipped"}
    t_start = time.perf_counter()
    try:
        for name in args.names:
            w = workloads.BY_NAME[name]
            print(f"\n== {name}: {w.description}", flush=True)
            state = package_state()
            meta, alphas = workloads.prepare(w, root)
            runs = runs_for(w, root / name, root, available, args)
            results[name] = {"meta": meta, "alphas": alphas, "runs": runs, "package": state}
            if name in memory_names:
                # a fit over the cap still says whether it densified: given 3 caps here
                if runs["lpr"].status in ("ok", "cap"):
                    print("  measuring peak memory (tracemalloc, fresh process) ...", flush=True)
                    memory[name] = probes.memory(root / name, 3 * args.cap)
                else:
                    memory[name] = {
                        "status": "skipped",
                        "detail": f"LassoPathReport {runs['lpr'].status}",
                    }
        if not args.no_first_call:
            # at least 11 fresh processes each: one import of scikit-learn varies by +-0.1 s
            runs = max(args.repeats, 11)
            print(f"\n== first call in a fresh process, x{runs}", flush=True)
            first_call = probes.first_call(root, runs, args.cap)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    end_state = package_state()
    targets = checks.evaluate(results, first_call, memory, args.cap, spec)
    report.print_report(results, first_call, memory, targets, args.cap)
    states = {name: res["package"] for name, res in results.items()}
    # the sources' hash, not the commit: commits to benchmarks/ leave the package as it was
    if len({s["source_sha1"] for s in [*states.values(), end_state]}) > 1:
        print(
            "\nWARNING: the package changed while the benchmark ran, so rows measured "
            "different code (commit / source hash at the start of each workload):"
        )
        for name, st in states.items():
            print(f"  {name:<16} {st['commit']} / {st['source_sha1']}")
        print(f"  {'end of run':<16} {end_state['commit']} / {end_state['source_sha1']}")
    env["loadavg_end"] = os.getloadavg()
    env["total_seconds"] = time.perf_counter() - t_start
    config = {
        "repeats": args.repeats,
        "cap_seconds": args.cap,
        "workloads": args.names,
        "n_folds": workloads.N_FOLDS,
        "n_alphas": workloads.N_ALPHAS,
        "fold_seed": workloads.FOLD_SEED,
        "argv": sys.argv[1:] if argv is None else argv,
        "targets": spec,
    }
    report.write_json(args.json, config, env, results, end_state, first_call, memory, targets)
    print(f"\nresults written to {args.json} ({env['total_seconds']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
