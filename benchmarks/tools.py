"""The tools compared: one entry each, saying how its worker starts and what it times.

A tool runs in its own long-lived worker (``workers/``): this environment's Python for the
package and scikit-learn, ``Rscript`` for glmnet, and a separate venv for adelie (it needs
numpy<2), built on first use in ``benchmarks/.venv-adelie``.
"""

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKERS = HERE / "workers"
ADELIE_VENV = HERE / ".venv-adelie"
ADELIE_REQUIREMENTS = ("adelie==1.1.52", "numpy<2")
ALL = ("gaussian", "binomial", "multinomial")
ADELIE_MULTINOMIAL = (
    "adelie's multinomial is grouped (each feature's K coefficients one "
    "group), not the per-class lasso of glmnet and LassoPathReport"
)


@dataclass(frozen=True)
class Tool:
    key: str
    label: str
    runtime: str  # "python", "r" or "adelie": which worker, see argv()
    mode: dict  # family -> the worker's mode argument (the families it applies to)
    times: str  # what is on the clock, for the README and the JSON
    kind: str = "cv"  # "cv" (a cross-validated path) or "path" (one path, no CV)
    not_applicable: dict = field(default_factory=dict)  # family -> why it is not run


def _each(mode, families=ALL):
    return dict.fromkeys(families, mode)


TOOLS = [
    Tool(
        "lpr",
        "LassoPathReport",
        "python",
        _each("lpr"),
        "LassoPathReport(cv=folds, alphas=grid, task=...).fit(X, y)",
    ),
    Tool(
        "l1sel",
        "L1Selector",
        "python",
        _each("l1sel"),
        "L1Selector(cv=folds, alphas=grid, task=...).fit(X, y)",
    ),
    Tool(
        "glmnet",
        "glmnet",
        "r",
        {"gaussian": "mse", "binomial": "auc"},
        "cv.glmnet(X, y, lambda=grid, foldid=, type.measure='mse' | 'auc')",
    ),
    Tool(
        "glmnet_dev",
        "glmnet(dev)",
        "r",
        _each("deviance", ("binomial", "multinomial")),
        "cv.glmnet(..., type.measure='deviance')",
    ),
    Tool(
        "adelie",
        "adelie",
        "adelie",
        _each("cv", ("gaussian", "binomial")),
        "adelie.grpnet on each training fold (zero weights held out) + full data",
        not_applicable={"multinomial": ADELIE_MULTINOMIAL},
    ),
    Tool(
        "lassocv",
        "LassoCV",
        "python",
        _each("lassocv", ("gaussian",)),
        "LassoCV(alphas=grid, cv=folds).fit(X, y)",
    ),
    Tool(
        "lrcv_liblinear",
        "LRCV-liblinear",
        "python",
        _each("lrcv_liblinear", ("binomial",)),
        "LogisticRegressionCV(Cs=1/(grid n_train), l1_ratios=(1,), solver='liblinear')",
    ),
    Tool(
        "lrcv_saga",
        "LRCV-saga",
        "python",
        _each("lrcv_saga", ("binomial", "multinomial")),
        "LogisticRegressionCV(..., solver='saga')",
    ),
    Tool(
        "lpr_path",
        "LPR path",
        "python",
        _each("lpr_path"),
        "LassoPathReport(cv=None, alphas=grid, task=...).fit(X, y)",
        kind="path",
    ),
    Tool(
        "glmnet_path",
        "glmnet()",
        "r",
        _each("path"),
        "glmnet(X, y, family=, lambda=grid)",
        kind="path",
    ),
    Tool(
        "adelie_path",
        "adelie path",
        "adelie",
        _each("path", ("gaussian", "binomial")),
        "adelie.grpnet(X, glm, lmda_path=grid, early_exit=False)",
        kind="path",
        not_applicable={"multinomial": ADELIE_MULTINOMIAL},
    ),
]
TOOL = {t.key: t for t in TOOLS}


def fast_glmnet_key(family):
    """glmnet's fast CV measure: deviance for classification, MSE for regression (the
    ``glmnet`` column there; AUC, binary's other measure, spends most of its time in
    survival::concordance)."""
    return "glmnet" if family == "gaussian" else "glmnet_dev"


def reference_glmnet_key(family):
    """The glmnet run scored like LassoPathReport's default: MSE, AUC, deviance."""
    return "glmnet_dev" if family == "multinomial" else "glmnet"


def argv(tool, family, data_dir):
    t = TOOL[tool]
    mode = t.mode[family]
    if t.runtime == "r":
        return ["Rscript", str(WORKERS / "glmnet_worker.R"), str(data_dir), mode]
    if t.runtime == "adelie":
        return [
            str(ADELIE_VENV / "bin" / "python"),
            str(WORKERS / "adelie_worker.py"),
            mode,
            str(data_dir),
        ]
    return [sys.executable, str(WORKERS / "sklearn_worker.py"), mode, str(data_dir)]


def glmnet_status():
    """(available, description)."""
    if shutil.which("Rscript") is None:
        return False, "Rscript not on PATH"
    try:
        r = subprocess.run(
            [
                "Rscript",
                "-e",
                "suppressMessages({library(glmnet); library(jsonlite)}); "
                'cat(R.version$major, R.version$minor, as.character(packageVersion("glmnet")))',
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"Rscript failed: {exc}"
    if r.returncode != 0:
        return False, "library(glmnet) or library(jsonlite) failed: " + r.stderr.strip()[-200:]
    major, minor, version = r.stdout.split()
    return True, f"R {major}.{minor}, glmnet {version}"


def _adelie_version():
    py = ADELIE_VENV / "bin" / "python"
    if not py.exists():
        return None
    r = subprocess.run(
        [
            str(py),
            "-c",
            "import importlib.metadata as m, adelie, numpy; "
            "print(m.version('adelie'), numpy.__version__)",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return r.stdout.split() if r.returncode == 0 else None


def adelie_status(log):
    """(available, description); builds the venv on first use (a few minutes, once)."""
    found = _adelie_version()
    want = ADELIE_REQUIREMENTS[0].split("==")[1]
    if found and found[0] == want:
        return True, f"adelie {found[0]}, numpy {found[1]}"
    print(
        f"building {ADELIE_VENV.name} for adelie ({' '.join(ADELIE_REQUIREMENTS)}) ...", flush=True
    )
    # the venv's own interpreter is the base one of this Python (python -m venv from a venv
    # links to its base); adelie's wheels need numpy<2, hence a venv apart from this one
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(ADELIE_VENV)],
        [str(ADELIE_VENV / "bin" / "python"), "-m", "pip", "install", "-q", *ADELIE_REQUIREMENTS],
    ]
    with open(log, "w") as out:
        for step in steps:
            try:
                r = subprocess.run(step, stdout=out, stderr=subprocess.STDOUT, timeout=1200)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return False, f"building the adelie venv failed: {exc}"
            if r.returncode != 0:
                return False, f"building the adelie venv failed (see {log})"
    found = _adelie_version()
    if not found:
        return False, f"adelie does not import in {ADELIE_VENV} (see {log})"
    return True, f"adelie {found[0]}, numpy {found[1]} (venv built now)"
