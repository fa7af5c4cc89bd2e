"""Speed benchmark of issue 5: cross-validated L1 paths against glmnet and scikit-learn.

    python benchmarks/run.py                  # all six workloads, 3 timed repeats each
    python benchmarks/run.py --quick          # diabetes and breast cancer only
    python benchmarks/run.py --only logit_500x5000 --repeats 5 --cap 60

Every tool gets exactly the same standardized data, the same five folds and the same
100-value strength grid. Each tool runs in its own long-lived worker process (Python, or
Rscript for glmnet); the script sends "RUN" to the workers in turn (alternating, one
warm-up round then ``--repeats`` timed rounds) and every worker times only the fit itself,
in-process. A fit that exceeds ``--cap`` seconds kills its worker and the tool reads
"> cap" for that workload. See benchmarks/README.md for how to read the output.
"""

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_JSON = HERE / "results" / "latest.json"
N_FOLDS = 5
N_ALPHAS = 100
FOLD_SEED = 0
STARTUP_TIMEOUT = 300.0


# --------------------------------------------------------------------------- workloads

@dataclass(frozen=True)
class Workload:
    name: str
    task: str  # "regression" or "classification"
    small: bool
    description: str
    seed: int | None = None


WORKLOADS = [
    Workload("diabetes", "regression", True, "sklearn diabetes, 442 x 10"),
    Workload("breast_cancer", "classification", True, "sklearn breast cancer, 569 x 30"),
    Workload("reg_20000x500", "regression", False,
             "n=20,000 p=500, Toeplitz(0.5) correlation, 20 true, SNR 3", seed=20500),
    Workload("reg_200x10000", "regression", False,
             "n=200 p=10,000, independent, 10 true, SNR 3", seed=210000),
    Workload("logit_50000x200", "classification", False,
             "n=50,000 p=200, independent, 15 true, sd(eta)=2", seed=50200),
    Workload("logit_500x5000", "classification", False,
             "n=500 p=5,000, independent, 10 true, sd(eta)=2", seed=5005000),
]
BY_NAME = {w.name: w for w in WORKLOADS}
MEMORY_WORKLOAD = "logit_50000x200"


def _true_coef(rng, p, k):
    """k nonzero coefficients at random positions, random signs, sizes in [0.5, 1.5]."""
    import numpy as np

    coef = np.zeros(p)
    support = rng.choice(p, size=k, replace=False)
    coef[support] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.5, 1.5, size=k)
    return coef


def _design(rng, n, p, rho):
    """Standard normal rows; with rho, AR(1) columns: cov_ij = rho^|i-j| (Toeplitz)."""
    import numpy as np

    Z = rng.standard_normal((n, p))
    if rho:
        X = np.empty((n, p), order="F")
        X[:, 0] = Z[:, 0]
        c = np.sqrt(1 - rho**2)
        for j in range(1, p):
            X[:, j] = rho * X[:, j - 1] + c * Z[:, j]
        Z = np.ascontiguousarray(X)
    return Z


def make_data(w):
    """(X, y) for a workload; raw (not yet standardized)."""
    import numpy as np
    from sklearn.datasets import load_breast_cancer, load_diabetes

    if w.name == "diabetes":
        return load_diabetes(return_X_y=True)
    if w.name == "breast_cancer":
        return load_breast_cancer(return_X_y=True)
    shape = w.name.split("_")[1]
    n, p = (int(v) for v in shape.split("x"))
    rng = np.random.default_rng(w.seed)
    if w.task == "regression":
        k, rho = (20, 0.5) if w.name == "reg_20000x500" else (10, 0.0)
        X = _design(rng, n, p, rho)
        signal_ = X @ _true_coef(rng, p, k)
        noise_sd = signal_.std() / np.sqrt(3.0)  # signal-to-noise variance ratio 3
        return X, signal_ + noise_sd * rng.standard_normal(n)
    k = 15 if w.name == "logit_50000x200" else 10
    X = _design(rng, n, p, 0.0)
    eta = X @ _true_coef(rng, p, k)
    eta *= 2.0 / eta.std()
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(np.int64)
    return X, y


def prepare_workload(w, root):
    """Standardize, fix folds and grid, write everything the workers read. Returns meta."""
    import numpy as np
    from sklearn.model_selection import KFold, StratifiedKFold
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.multiclass import type_of_target

    X, y = make_data(w)
    y_kind = type_of_target(y)
    # Standardized once, up front (population sd, as glmnet): glmnet and LassoPathReport
    # standardize internally anyway, scikit-learn's CV estimators do not, so this is what
    # makes "the same alpha" mean the same problem for all tools.
    X = np.ascontiguousarray(StandardScaler().fit_transform(X), dtype=np.float64)
    n, p = X.shape
    if w.task == "regression":
        y = np.asarray(y, dtype=np.float64)
        splitter = KFold(N_FOLDS, shuffle=True, random_state=FOLD_SEED)
    else:
        y = np.asarray(y, dtype=np.int64)
        splitter = StratifiedKFold(N_FOLDS, shuffle=True, random_state=FOLD_SEED)
    grad = X.T @ (y - y.mean()) / n  # null-model gradient, both losses (intercept only)
    foldid = np.empty(n, dtype=np.int64)
    for k, (_, test) in enumerate(splitter.split(X, y)):
        foldid[test] = k
    # glmnet's default grid: lambda_max down to eps * lambda_max, eps = 1e-4 if n > p else 1e-2
    alpha_max = float(np.max(np.abs(grad)))
    eps = 1e-4 if n > p else 1e-2
    alphas = np.geomspace(alpha_max, alpha_max * eps, N_ALPHAS)
    n_train = float(np.mean([n - np.sum(foldid == k) for k in range(N_FOLDS)]))

    d = Path(root) / w.name
    d.mkdir(parents=True, exist_ok=True)
    np.save(d / "X.npy", X)
    np.save(d / "y.npy", y)
    np.save(d / "foldid.npy", foldid)
    np.save(d / "alphas.npy", alphas)
    for name, a in (("X_colmajor", X.ravel(order="F")), ("y", y), ("alphas", alphas),
                    ("foldid", foldid)):
        np.ascontiguousarray(a, dtype="<f8").tofile(d / f"{name}.bin")
    family = "gaussian" if w.task == "regression" else "binomial"
    (d / "meta.txt").write_text(f"n={n}\np={p}\nnlam={N_ALPHAS}\nfamily={family}\n")
    meta = {"name": w.name, "task": w.task, "n": n, "p": p, "n_train": n_train,
            "x_bytes": int(X.nbytes), "alpha_max": alpha_max, "eps": eps,
            "y_type_of_target": y_kind, "positive_rate": None if w.task == "regression"
            else float(y.mean())}
    (d / "meta.json").write_text(json.dumps(meta))
    return meta, alphas


# --------------------------------------------------------------------------- tools

@dataclass(frozen=True)
class Tool:
    key: str
    label: str
    tasks: tuple
    kind: str  # "python" or "r"
    measure: str = ""  # for glmnet: the type.measure


TOOLS = [
    Tool("lpr", "LassoPathReport", ("regression", "classification"), "python"),
    Tool("l1sel", "L1Selector", ("regression", "classification"), "python"),
    Tool("glmnet", "glmnet", ("regression", "classification"), "r"),
    Tool("glmnet_dev", "glmnet(dev)", ("classification",), "r", "deviance"),
    Tool("lassocv", "LassoCV", ("regression",), "python"),
    Tool("lrcv_liblinear", "LRCV-liblinear", ("classification",), "python"),
    Tool("lrcv_saga", "LRCV-saga", ("classification",), "python"),
]
TOOL = {t.key: t for t in TOOLS}


def _python_estimator(tool, task, splits, alphas, n_train):
    """The estimator each Python worker fits (built fresh for every fit)."""
    import numpy as np

    if tool in ("lpr", "l1sel"):
        from sklearn_lasso_tools import L1Selector, LassoPathReport

        cls = LassoPathReport if tool == "lpr" else L1Selector
        # task is passed explicitly: see README ("diabetes and task='auto'")
        return lambda: cls(cv=splits, alphas=alphas, task=task)
    if tool == "lassocv":
        from sklearn.linear_model import LassoCV

        return lambda: LassoCV(alphas=alphas, cv=splits)
    from sklearn.linear_model import LogisticRegressionCV

    solver = tool.split("_")[1]
    # Same strengths: each fold's fit minimises C * sum(loss) + |w|_1 over n_train samples,
    # i.e. mean(loss) + |w|_1 / (C * n_train), so C = 1 / (alpha * n_train). Ascending C
    # is descending alpha (the order saga warm-starts along).
    Cs = 1.0 / (np.asarray(alphas) * n_train)
    return lambda: LogisticRegressionCV(
        Cs=Cs, l1_ratios=(1.0,), cv=splits, scoring="roc_auc", solver=solver,
        use_legacy_attributes=False, random_state=0,
    )


def _python_answer(tool, est, task, n_train):
    """(chosen alpha, number selected, CV score at it, path length) of a fitted tool.

    The score is AUC for classification and MSE (lower is better) for regression.
    """
    import numpy as np

    sign = -1.0 if task == "regression" else 1.0  # the package reports neg MSE
    if tool == "lpr":
        i = int(np.flatnonzero(est.alphas_ == est.alpha_min_)[0])
        return (est.alpha_min_, int(est.n_nonzero_[i]), sign * float(est.cv_mean_[i]),
                len(est.alphas_))
    if tool == "l1sel":
        path = est.path_
        i = int(np.argmin(np.abs(np.log(path.alphas_) - np.log(est.alpha_))))
        return (float(est.alpha_), int(np.sum(est.support_)), sign * float(path.cv_mean_[i]),
                len(path.alphas_))
    if tool == "lassocv":
        i = int(np.argmin(np.abs(np.log(est.alphas_) - np.log(est.alpha_))))
        return (float(est.alpha_), int(np.sum(est.coef_ != 0)),
                float(est.mse_path_.mean(axis=1)[i]), len(est.alphas_))
    C = float(np.ravel(est.C_)[0])
    i = int(np.argmin(np.abs(np.log(est.Cs_) - np.log(C))))
    scores = np.asarray(est.scores_)[:, 0, :]  # (n_folds, n_l1_ratios, n_Cs)
    alpha = 1.0 / (C * n_train)
    return alpha, int(np.sum(est.coef_ != 0)), float(scores[:, i].mean()), len(est.Cs_)


def python_worker(tool, data_dir):
    """Worker loop: load once, then one timed fit per "RUN" line."""
    import gc
    import traceback
    import warnings

    import numpy as np

    proto = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout = sys.stderr  # anything else a library prints stays off the protocol
    d = Path(data_dir)
    meta = json.loads((d / "meta.json").read_text())
    X = np.load(d / "X.npy")
    y = np.load(d / "y.npy")
    foldid = np.load(d / "foldid.npy")
    alphas = np.load(d / "alphas.npy")
    splits = [(np.flatnonzero(foldid != k), np.flatnonzero(foldid == k)) for k in range(N_FOLDS)]
    task, n_train = meta["task"], meta["n_train"]
    build = _python_estimator(tool, task, splits, alphas, n_train)
    proto.write("READY\n")
    proto.flush()
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
                est = build()
                t0 = time.perf_counter()
                est.fit(X, y)
                elapsed = time.perf_counter() - t0
                alpha, n_sel, score, n_path = _python_answer(tool, est, task, n_train)
            except Exception as exc:  # reported, and the tool is marked "error"
                proto.write("ERROR " + json.dumps({
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc()[-3000:]}) + "\n")
                proto.flush()
                continue
        groups = {}
        for w in caught:
            key = f"{w.category.__name__} at {Path(w.filename).name}:{w.lineno}"
            entry = groups.setdefault(key, {"count": 0, "example": str(w.message)[:300]})
            entry["count"] += 1
        proto.write("RESULT " + json.dumps({
            "time": elapsed, "alpha": alpha, "n_selected": n_sel, "score": score,
            "n_path": n_path, "warnings": groups}) + "\n")
        proto.flush()


class Worker:
    """A long-lived worker process speaking the line protocol (READY / RUN / RESULT)."""

    def __init__(self, argv, stderr_path):
        self.stderr_path = stderr_path
        self._err = open(stderr_path, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._err, start_new_session=True, cwd=REPO)
        self._buf = b""

    def _readline(self, deadline):
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    return ""  # EOF: the worker died
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode(errors="replace").strip()

    def expect(self, timeout):
        """("READY"|"RESULT"|"ERROR", payload) or ("TIMEOUT", None) or ("DIED", None)."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._readline(deadline)
            if line is None:
                return "TIMEOUT", None
            if line == "" and self.proc.poll() is not None:
                return "DIED", None
            for tag in ("READY", "RESULT", "ERROR"):
                if line.startswith(tag):
                    return tag, line[len(tag):].strip()

    def send(self, cmd):
        try:
            self.proc.stdin.write((cmd + "\n").encode())
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def stderr_tail(self, n=1500):
        try:
            return Path(self.stderr_path).read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the worker's own session only
            except ProcessLookupError:
                pass
        self.proc.wait()
        self._err.close()

    def close(self):
        if self.proc.poll() is None:
            self.send("QUIT")
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()


def glmnet_status():
    """(available, description)."""
    if shutil.which("Rscript") is None:
        return False, "Rscript not on PATH"
    try:
        r = subprocess.run(
            ["Rscript", "-e", 'suppressMessages(library(glmnet)); cat(R.version$major, '
             'R.version$minor, as.character(packageVersion("glmnet")))'],
            capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"Rscript failed: {exc}"
    if r.returncode != 0:
        return False, "library(glmnet) failed: " + r.stderr.strip()[-200:]
    major, minor, version = r.stdout.split()
    return True, f"R {major}.{minor}, glmnet {version}"


def start_worker(tool, task, data_dir, log_dir):
    t = TOOL[tool]
    if t.kind == "r":
        measure = t.measure or ("mse" if task == "regression" else "auc")
        argv = ["Rscript", str(HERE / "glmnet_worker.R"), str(data_dir), measure]
    else:
        argv = [sys.executable, str(Path(__file__).resolve()), "--worker", tool,
                "--data", str(data_dir)]
    return Worker(argv, Path(log_dir) / f"{Path(data_dir).name}.{tool}.stderr")


def _parse_r_result(payload):
    v = [float(x) for x in payload.split()]
    return {"time": v[0], "alpha": v[1], "n_selected": int(v[2]), "score": v[3],
            "n_path": int(v[4]), "alpha_1se": v[5], "warnings": {}}


@dataclass
class ToolRun:
    tool: str
    status: str = "ok"  # ok | cap | error | unavailable
    warmup: float | None = None
    times: list = field(default_factory=list)
    answer: dict | None = None
    warnings: dict = field(default_factory=dict)
    detail: str = ""

    @property
    def median(self):
        import numpy as np

        return float(np.median(self.times)) if self.status == "ok" and self.times else None


def run_workload(w, data_dir, log_dir, tools, repeats, cap):
    runs = {t: ToolRun(t) for t in tools}
    workers = {}
    for t in tools:
        workers[t] = start_worker(t, w.task, data_dir, log_dir)
    for t, wk in workers.items():
        tag, payload = wk.expect(STARTUP_TIMEOUT)
        if tag != "READY":
            runs[t].status = "error"
            runs[t].detail = f"worker did not start ({tag}): {wk.stderr_tail()}"
            wk.kill()
    try:
        for rnd in range(repeats + 1):
            order = tools[rnd % len(tools):] + tools[: rnd % len(tools)]  # rotate the start
            cells = []
            for t in order:
                run = runs[t]
                if run.status != "ok":
                    continue
                wk = workers[t]
                wk.send("RUN")
                tag, payload = wk.expect(cap + 30.0 if TOOL[t].kind == "r" else cap)
                if tag == "RESULT":
                    res = (_parse_r_result(payload) if TOOL[t].kind == "r"
                           else json.loads(payload))
                    if res["time"] > cap:
                        run.status = "cap"
                    elif rnd == 0:
                        run.warmup = res["time"]
                    else:
                        run.times.append(res["time"])
                    run.answer = {k: res[k] for k in ("alpha", "n_selected", "score", "n_path")}
                    for key, entry in res["warnings"].items():
                        agg = run.warnings.setdefault(key, {"count": 0, "example": entry["example"],
                                                            "fits": 0})
                        agg["count"] += entry["count"]
                    for agg in run.warnings.values():
                        agg["fits"] = rnd + 1
                    cells.append(f"{TOOL[t].label} {res['time']:.3g}s")
                elif tag == "TIMEOUT":
                    run.status = "cap"
                    wk.kill()
                    cells.append(f"{TOOL[t].label} > cap")
                    if t == "lpr" and rnd == 0 and runs.get("l1sel") and not runs["l1sel"].times:
                        # L1Selector(cv=...) fits this same LassoPathReport inside: spare the cap
                        runs["l1sel"].status = "cap"
                        runs["l1sel"].detail = ("not run: it fits the LassoPathReport that "
                                                "exceeded the cap")
                        workers["l1sel"].kill()
                else:
                    run.status = "error"
                    run.detail = (json.loads(payload)["error"] if tag == "ERROR"
                                  else f"worker {tag.lower()}: {wk.stderr_tail()}")
                    wk.kill()
                    cells.append(f"{TOOL[t].label} ERROR")
            label = "warm-up" if rnd == 0 else f"round {rnd}/{repeats}"
            print(f"  {label:>11}: " + " | ".join(cells), flush=True)
    finally:
        for wk in workers.values():
            wk.close()
    return runs


# --------------------------------------------------------------------------- extras

_FIRST_CALL = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np
from sklearn_lasso_tools import LassoPathReport
t1 = time.perf_counter()
X, y = np.load(sys.argv[1]), np.load(sys.argv[2])
t2 = time.perf_counter()
LassoPathReport(cv=5, random_state=0).fit(X, y)
t3 = time.perf_counter()
print("RESULT " + json.dumps({"import": t1 - t0, "fit": t3 - t2, "total": (t1 - t0) + (t3 - t2)}))
"""


_BASELINE_IMPORT = r"""
import time
t0 = time.perf_counter()
import numpy, sklearn.linear_model, sklearn.model_selection, sklearn.metrics
print("RESULT", time.perf_counter() - t0)
"""


def measure_first_call(root, repeats, cap):
    """import + LassoPathReport(cv=5, random_state=0).fit on raw breast cancer, each time in a
    fresh interpreter. Returns dict with the median over ``repeats`` fresh processes."""
    import numpy as np
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    xp, yp = Path(root) / "bc_raw_X.npy", Path(root) / "bc_raw_y.npy"
    np.save(xp, X)
    np.save(yp, y)
    rows = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        try:
            r = subprocess.run([sys.executable, "-c", _FIRST_CALL, str(xp), str(yp)],
                               capture_output=True, text=True, timeout=cap, cwd=root)
        except subprocess.TimeoutExpired:
            return {"status": "cap", "runs": rows}
        wall = time.perf_counter() - t0
        line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")]
        if r.returncode != 0 or not line:
            return {"status": "error", "detail": r.stderr[-1500:], "runs": rows}
        row = json.loads(line[0][7:])
        row["wall_with_interpreter"] = wall
        rows.append(row)
        warned = {}
        for x in r.stderr.splitlines():
            if "Warning:" in x:
                where, _, message = x.strip().partition(": ")
                entry = warned.setdefault(where, {"count": 0, "example": message[:240]})
                entry["count"] += 1
    med = {k: float(np.median([row[k] for row in rows])) for k in rows[0]}
    baseline = []
    for _ in range(repeats):  # what any scikit-learn based package pays before its own code
        r = subprocess.run([sys.executable, "-c", _BASELINE_IMPORT], capture_output=True,
                           text=True, timeout=cap, cwd=root)
        line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")]
        if line:
            baseline.append(float(line[0][7:]))
    return {"status": "ok", "median": med, "runs": rows, "stderr_warnings": warned,
            "baseline_import_numpy_sklearn": float(np.median(baseline)) if baseline else None}


_MEMORY = r"""
import json, resource, sys, tracemalloc
from pathlib import Path
import numpy as np
from sklearn_lasso_tools import LassoPathReport
d, task = Path(sys.argv[1]), sys.argv[2]
tracemalloc.start()
X, y = np.load(d / "X.npy"), np.load(d / "y.npy")
foldid, alphas = np.load(d / "foldid.npy"), np.load(d / "alphas.npy")
splits = [(np.flatnonzero(foldid != k), np.flatnonzero(foldid == k)) for k in range(5)]
before = tracemalloc.get_traced_memory()[0]
tracemalloc.reset_peak()
LassoPathReport(cv=splits, alphas=alphas, task=task).fit(X, y)
peak = tracemalloc.get_traced_memory()[1]
print("RESULT " + json.dumps({"x_bytes": X.nbytes, "before_fit": before, "peak": peak,
      "maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def measure_memory(data_dir, task, cap):
    """Peak traced memory (tracemalloc, numpy buffers included) of the timed LassoPathReport
    fit, data included, in a fresh process."""
    try:
        r = subprocess.run([sys.executable, "-c", _MEMORY, str(data_dir), task],
                           capture_output=True, text=True, timeout=cap, cwd=data_dir)
    except subprocess.TimeoutExpired:
        return {"status": "cap"}
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")]
    if r.returncode != 0 or not line:
        return {"status": "error", "detail": r.stderr[-1500:]}
    out = json.loads(line[0][7:])
    out["status"] = "ok"
    out["peak_over_x"] = out["peak"] / out["x_bytes"]
    return out


# --------------------------------------------------------------------------- report

def _fmt_time(run):
    if run is None:
        return "-"
    if run.status == "cap":
        return "> cap"
    if run.status in ("error", "unavailable"):
        return run.status
    return f"{run.median:.3g}"


def _table(headers, rows):
    """Plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def fmt(cells):
        return "  ".join(f"{str(c):<{w}}" if i == 0 else f"{str(c):>{w}}"
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    line = fmt(headers)
    return "\n".join([line, "-" * len(line)] + [fmt(row) for row in rows])


def _ratio(a, b):
    if a is None or b is None or a.median is None or b.median is None:
        if a is not None and b is not None and a.status == "ok" and b.status == "cap":
            return "< " + f"{a.median / CAP:.2g}"
        if a is not None and a.status == "cap" and b is not None and b.status == "ok":
            return "> " + f"{CAP / b.median:.3g}"
        return "-"
    return f"{a.median / b.median:.3g}"


def grid_index(alphas, alpha):
    import numpy as np

    return int(np.argmin(np.abs(np.log(alphas) - np.log(alpha))))


def evaluate_targets(results, first_call, memory, cap):
    """[(state, text)] with state MET / NOT MET / N/A."""
    lines = []

    def add(ok, text, why=""):
        state = "N/A" if ok is None else ("MET" if ok else "NOT MET")
        lines.append((state, text + (f"  [{why}]" if why else "")))

    for name, res in results.items():
        w, runs, alphas = BY_NAME[name], res["runs"], res["alphas"]
        lpr, glm = runs.get("lpr"), runs.get("glmnet")
        limit = 2.0 if w.small else 1.0
        text = f"{name}: LassoPathReport <= {limit:.1f}x glmnet cv.glmnet"
        if lpr.status == "ok" and glm and glm.status == "ok":
            r = lpr.median / glm.median
            add(r <= limit, text, f"{r:.3g}x: {lpr.median:.3g} s vs {glm.median:.3g} s")
        elif lpr.status == "ok" and glm and glm.status == "cap":
            add(True, text, f"glmnet > cap, LassoPathReport {lpr.median:.3g} s")
        elif lpr.status != "ok":
            add(False, text, f"LassoPathReport {lpr.status}")
        else:
            add(None, text, "glmnet " + ("not available" if glm is None else glm.status))
        if w.task == "classification":
            lib = runs["lrcv_liblinear"]
            text = f"{name}: LassoPathReport >= 10x faster than LogisticRegressionCV(liblinear)"
            if lpr.status == "ok" and lib.status == "ok":
                s = lib.median / lpr.median
                add(s >= 10, text, f"{s:.3g}x faster: {lpr.median:.3g} s vs {lib.median:.3g} s")
            elif lpr.status == "ok" and lib.status == "cap":
                if lpr.median * 10 <= cap:
                    add(True, text,
                        f"liblinear > cap {cap:g} s, LassoPathReport {lpr.median:.3g} s")
                else:
                    add(None, text, f"liblinear did not finish within cap {cap:g} s")
            elif lpr.status != "ok":
                add(False, text, f"LassoPathReport {lpr.status}")
            else:
                add(None, text, f"liblinear {lib.status}")
        else:
            lcv = runs["lassocv"]
            text = f"{name}: LassoPathReport <= 1.0x LassoCV"
            if lpr.status == "ok" and lcv.status == "ok":
                r = lpr.median / lcv.median
                add(r <= 1.0, text, f"{r:.3g}x: {lpr.median:.3g} s vs {lcv.median:.3g} s")
            elif lpr.status == "ok" and lcv.status == "cap":
                add(True, text, "LassoCV > cap")
            elif lpr.status != "ok":
                add(False, text, f"LassoPathReport {lpr.status}")
            else:
                add(None, text, f"LassoCV {lcv.status}")
        text_a = f"{name}: chosen alpha within one grid step of glmnet's lambda.min"
        text_s = f"{name}: CV score at it within 0.5% of glmnet's"
        if lpr.answer and glm and glm.answer:
            i, j = grid_index(alphas, lpr.answer["alpha"]), grid_index(alphas, glm.answer["alpha"])
            add(abs(i - j) <= 1, text_a, f"grid index {i} vs {j}")
            a, b = lpr.answer["score"], glm.answer["score"]
            rel = abs(a - b) / abs(b) if b else float("inf")
            add(rel <= 0.005, text_s, f"{a:.6g} vs {b:.6g}, {100 * rel:.3g}%")
        else:
            why = "LassoPathReport " + lpr.status if not lpr.answer else "no glmnet answer"
            add(False if not lpr.answer else None, text_a, why)
            add(False if not lpr.answer else None, text_s, why)
    text = "first call in a fresh process (import + fit on breast cancer) < 2 s"
    if first_call.get("status") == "ok":
        m = first_call["median"]
        add(m["total"] < 2.0, text, f"{m['total']:.3g} s = import {m['import']:.3g} + fit "
            f"{m['fit']:.3g}; {m['wall_with_interpreter']:.3g} s with interpreter start")
    else:
        add(False if first_call.get("status") == "cap" else None, text,
            first_call.get("status", "not measured"))
    text = f"peak memory of {MEMORY_WORKLOAD} < 3x the size of X"
    if memory is None:
        add(None, text, f"not measured ({MEMORY_WORKLOAD} not run or LassoPathReport capped)")
    elif memory["status"] == "ok":
        add(memory["peak"] < 3 * memory["x_bytes"], text,
            f"{memory['peak'] / 1e6:.0f} MB = {memory['peak_over_x']:.2f}x X "
            f"({memory['x_bytes'] / 1e6:.0f} MB)")
    else:
        add(False if memory["status"] == "cap" else None, text,
            memory["status"] + (f": {memory['detail']}" if memory.get("detail") else ""))
    return lines


def print_report(results, first_call, memory, targets, cap):
    print("\n=== median fit time, seconds (each tool: same data, folds and 100 alphas) ===")
    keys = [t.key for t in TOOLS]
    rows = [[name] + [_fmt_time(res["runs"].get(k)) for k in keys] for name, res in results.items()]
    print(_table(["workload"] + [TOOL[k].label for k in keys], rows))
    print(f"'> cap': a single fit took longer than {cap:g} s; '-': not applicable / not run.")

    print("\n=== ratios of medians (< 1: LassoPathReport is faster) ===")
    rows = []
    for name, res in results.items():
        r = res["runs"]
        sk = r.get("lassocv") or r.get("lrcv_liblinear")
        rows.append([name, _ratio(r["lpr"], r.get("glmnet")), _ratio(r["lpr"], sk),
                     _ratio(r["lpr"], r.get("glmnet_dev")), _ratio(r["lpr"], r.get("lrcv_saga"))])
    print(_table(["workload", "LPR/glmnet", "LPR/sklearn", "LPR/glmnet(dev)", "LPR/LRCV-saga"],
                 rows))
    print("sklearn = LassoCV (regression) or LogisticRegressionCV liblinear (classification).")

    print("\n=== answers: chosen alpha [grid index 0..99], features selected, CV score at it ===")
    print("CV score: AUC (higher is better) for classification, MSE (lower is better) for "
          "regression; glmnet(dev) scores binomial deviance.")
    for name, res in results.items():
        rows = []
        for k in keys:
            run = res["runs"].get(k)
            if run is None:
                continue
            if run.answer is None:
                rows.append([TOOL[k].label, run.status, "", "", ""])
                continue
            a = run.answer
            rows.append([TOOL[k].label, f"{a['alpha']:.4g}", grid_index(res["alphas"], a["alpha"]),
                         a["n_selected"], f"{a['score']:.6g}"])
        print(f"-- {name} ({BY_NAME[name].description}; {res['meta']['task']})")
        print(_table(["tool", "alpha", "index", "n_selected", "cv_score"], rows))

    notes = []
    for name, res in results.items():
        for k, run in res["runs"].items():
            if run.detail:
                notes.append(f"{name} / {TOOL[k].label}: {run.status}: {run.detail.strip()[:600]}")
            for key, entry in run.warnings.items():
                notes.append(f"{name} / {TOOL[k].label}: {entry['count']} x {key} over "
                             f"{entry['fits']} fits, e.g. \"{entry['example'][:160]}\"")
    for where, entry in first_call.get("stderr_warnings", {}).items():
        notes.append(f"first call (raw breast cancer, default grid): {entry['count']} x "
                     f"{Path(where).name}, e.g. \"{entry['example'][:160]}\"")
    if notes:
        print("\n=== warnings and errors seen during timed fits ===")
        for note in notes:
            print("  " + note)

    print("\n=== first call in a fresh process (raw breast cancer, LassoPathReport(cv=5)) ===")
    if first_call.get("status") == "ok":
        m = first_call["median"]
        print(f"import {m['import']:.3g} s + fit {m['fit']:.3g} s = {m['total']:.3g} s "
              f"(wall incl. interpreter start {m['wall_with_interpreter']:.3g} s), "
              f"median of {len(first_call['runs'])} fresh processes")
        base = first_call.get("baseline_import_numpy_sklearn")
        if base is not None:
            print(f"for reference, importing numpy + sklearn.linear_model/model_selection/metrics "
                  f"alone takes {base:.3g} s in a fresh process")
    else:
        print(first_call.get("status"), first_call.get("detail", ""))
    if memory is not None:
        print(f"\n=== peak memory, {MEMORY_WORKLOAD} (tracemalloc, data included) ===")
        if memory["status"] == "ok":
            print(f"X {memory['x_bytes'] / 1e6:.0f} MB; traced peak {memory['peak'] / 1e6:.0f} MB "
                  f"({memory['peak_over_x']:.2f}x X; fit's own extra "
                  f"{(memory['peak'] - memory['before_fit']) / 1e6:.0f} MB); "
                  f"process max RSS {memory['maxrss_bytes'] / 1e6:.0f} MB")
        else:
            print(memory["status"], memory.get("detail", "")[-1500:])

    print("\n=== targets (issue 5) ===")
    for state, text in targets:
        print(f"  {state:<8} {text}")
    n_met = sum(s == "MET" for s, _ in targets)
    print(f"  {n_met}/{len(targets)} met")


def environment(glmnet_desc):
    import numpy
    import scipy
    import sklearn

    env = {"python": platform.python_version(), "numpy": numpy.__version__,
           "scipy": scipy.__version__, "sklearn": sklearn.__version__,
           "glmnet": glmnet_desc, "cpu_count": os.cpu_count(), "machine": platform.machine(),
           "platform": platform.platform(), "loadavg_start": os.getloadavg()}
    try:
        import sklearn_lasso_tools

        env["sklearn_lasso_tools"] = sklearn_lasso_tools.__version__
    except Exception as exc:  # reported, the benchmark still runs the other tools
        env["sklearn_lasso_tools"] = f"import failed: {exc}"
    try:
        env["git_commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, text=True,
                                           capture_output=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "sklearn_lasso_tools"],
                               cwd=REPO, text=True, capture_output=True).stdout.strip()
        env["package_uncommitted_changes"] = dirty.splitlines()
    except OSError:
        pass
    try:
        from threadpoolctl import threadpool_info

        env["threadpools"] = [{k: i.get(k) for k in ("internal_api", "num_threads", "version")}
                              for i in threadpool_info()]
    except Exception:
        pass
    return env


CAP = 120.0


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
        state["commit"] = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=REPO,
                                         text=True, capture_output=True).stdout.strip() or None
    except OSError:
        pass
    return state


def main(argv=None):
    global CAP
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats after one warm-up")
    parser.add_argument("--quick", action="store_true", help="only diabetes and breast_cancer")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this workload (repeatable, or comma-separated): "
                        + ", ".join(BY_NAME))
    parser.add_argument("--cap", type=float, default=120.0,
                        help="seconds one fit may take before the tool reads '> cap' (120)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="results file")
    parser.add_argument("--no-first-call", action="store_true", help="skip the fresh-process check")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return python_worker(args.worker, args.data)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    CAP = args.cap
    if args.only:
        names = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
        unknown = [n for n in names if n not in BY_NAME]
        if unknown:
            parser.error(f"unknown workload(s) {unknown}; choose from {list(BY_NAME)}")
    elif args.quick:
        names = [w.name for w in WORKLOADS if w.small]
    else:
        names = [w.name for w in WORKLOADS]

    has_glmnet, glmnet_desc = glmnet_status()
    env = environment(glmnet_desc)
    dirty = ", uncommitted package changes" if env.get("package_uncommitted_changes") else ""
    print(f"sklearn_lasso_tools {env.get('sklearn_lasso_tools')} (commit "
          f"{env.get('git_commit', '?')[:10]}{dirty}), "
          f"scikit-learn {env['sklearn']}, numpy {env['numpy']}, Python {env['python']}, "
          f"{env['cpu_count']} CPUs; glmnet: {glmnet_desc}")
    load = env["loadavg_start"][0]
    print(f"load average {load:.2f}" + ("  (WARNING: the machine is busy; timings are noisy)"
                                       if load > 0.5 * (os.cpu_count() or 1) else ""))
    print(f"workloads: {', '.join(names)}; {args.repeats} timed repeats after 1 warm-up; "
          f"cap {args.cap:g} s per fit")

    root = Path(tempfile.mkdtemp(prefix="lasso_bench_"))
    results, memory, first_call = {}, None, {"status": "skipped"}
    t_start = time.perf_counter()
    try:
        for name in names:
            w = BY_NAME[name]
            print(f"\n== {name}: {w.description}", flush=True)
            state = package_state()
            meta, alphas = prepare_workload(w, root)
            tools = [t.key for t in TOOLS if w.task in t.tasks and (t.kind != "r" or has_glmnet)]
            runs = run_workload(w, root / name, root, tools, args.repeats, args.cap)
            if not has_glmnet:
                for t in TOOLS:
                    if t.kind == "r" and w.task in t.tasks:
                        runs[t.key] = ToolRun(t.key, status="unavailable", detail=glmnet_desc)
            results[name] = {"meta": meta, "alphas": alphas, "runs": runs, "package": state}
            if name == MEMORY_WORKLOAD:
                if runs["lpr"].status == "ok":
                    print("  measuring peak memory (tracemalloc, fresh process) ...", flush=True)
                    memory = measure_memory(root / name, w.task, 3 * args.cap)
                else:
                    memory = {"status": "skipped",
                              "detail": f"LassoPathReport {runs['lpr'].status}"}
        if not args.no_first_call:
            print("\n== first call in a fresh process, x" + str(args.repeats), flush=True)
            first_call = measure_first_call(root, args.repeats, args.cap)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    end_state = package_state()
    targets = evaluate_targets(results, first_call, memory, args.cap)
    print_report(results, first_call, memory, targets, args.cap)
    states = {name: res["package"] for name, res in results.items()}
    if len({json.dumps(st, sort_keys=True) for st in [*states.values(), end_state]}) > 1:
        print("\nWARNING: the package changed while the benchmark ran, so rows measured "
              "different code (commit / source hash at the start of each workload):")
        for name, st in states.items():
            print(f"  {name:<16} {st['commit']} / {st['source_sha1']}")
        print(f"  {'end of run':<16} {end_state['commit']} / {end_state['source_sha1']}")
    env["loadavg_end"] = os.getloadavg()
    env["total_seconds"] = time.perf_counter() - t_start
    out = {
        "config": {"repeats": args.repeats, "cap_seconds": args.cap, "workloads": names,
                   "n_folds": N_FOLDS, "n_alphas": N_ALPHAS, "fold_seed": FOLD_SEED,
                   "argv": sys.argv[1:]},
        "environment": env,
        "workloads": {
            name: {
                "meta": res["meta"],
                "package": res["package"],
                "alphas": [float(a) for a in res["alphas"]],
                "tools": {k: {"label": TOOL[k].label, "status": r.status, "median": r.median,
                              "times": r.times, "warmup": r.warmup, "answer": r.answer,
                              "grid_index": None if not r.answer
                              else grid_index(res["alphas"], r.answer["alpha"]),
                              "warnings": r.warnings, "detail": r.detail}
                          for k, r in res["runs"].items()},
            } for name, res in results.items()
        },
        "package_at_end": end_state,
        "first_call": first_call,
        "memory": memory,
        "targets": [{"state": s, "target": t} for s, t in targets],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=1, default=float))
    print(f"\nresults written to {args.json} ({env['total_seconds']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
