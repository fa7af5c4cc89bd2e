"""Test helper: run R's glmnet through ``Rscript`` to get reference results.

The test suite uses this to compare our L1 path engine with glmnet on the same
data.  Each call writes the inputs to a temporary directory, runs a fresh
``Rscript`` process and reads the results back.  Numeric arrays travel as raw
little-endian float64 files (``numpy.tofile`` <-> ``readBin``/``writeBin``) so
nothing is lost to text formatting (``jsonlite`` prints at most 15 significant
digits even with ``digits = NA``); only the small parameter dict is JSON.

``glmnet.control(fdev = 0)`` is set in every run so the path is not cut short.
"""

import functools
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np

TIMEOUT = 300

_R_COMMON = r"""
suppressMessages({library(glmnet); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE); d <- args[1]
P <- read_json(file.path(d, "params.json"), simplifyVector = TRUE)
bin <- function(name) file.path(d, paste0(name, ".bin"))
rd <- function(name, n) readBin(bin(name), "double", n = n, size = 8, endian = "little")
wr <- function(name, v) writeBin(as.double(v), bin(name), size = 8, endian = "little")
X <- matrix(rd("X", P$n * P$p), P$n, P$p)
y <- rd("y", P$n)
if (P$family == "multinomial") y <- factor(y, levels = seq_len(P$K) - 1)
w <- if (P$has_w) rd("w", P$n) else rep(1, P$n)
lam <- rd("lambda", P$nlam)
glmnet.control(fdev = 0)
"""

_R_PATH = (
    _R_COMMON
    + r"""
pf <- if (is.null(P$pf)) rep(1, P$p) else P$pf
lower <- if (isTRUE(P$positive)) 0 else -Inf
fit <- glmnet(X, y, family = P$family, weights = w, lambda = lam, alpha = P$alpha,
              standardize = P$standardize, thresh = P$thresh, maxit = P$maxit,
              penalty.factor = pf, lower.limits = lower)
cf <- coef(fit)
if (P$family == "multinomial") {
  # (p+1) x nlam per class -> array [nlam, K, p] written column-major
  arr <- simplify2array(lapply(cf, as.matrix))          # (p+1) x nlam x K
  wr("a0", arr[1, , ])                                   # nlam x K
  wr("beta", aperm(arr[-1, , , drop = FALSE], c(2, 3, 1)))
} else {
  cf <- as.matrix(cf)
  wr("a0", cf[1, ]); wr("beta", t(cf[-1, , drop = FALSE]))
}
wr("lambda", fit$lambda); wr("dev_ratio", fit$dev.ratio); wr("nulldev", fit$nulldev)
"""
)

_R_CV = (
    _R_COMMON
    + r"""
foldid <- as.integer(rd("foldid", P$n))
cv <- cv.glmnet(X, y, family = P$family, weights = w, lambda = lam, alpha = P$alpha,
                standardize = P$standardize, thresh = P$thresh, foldid = foldid,
                type.measure = P$type_measure, grouped = TRUE)
wr("lambda", cv$lambda); wr("cvm", cv$cvm); wr("cvsd", cv$cvsd); wr("nzero", cv$nzero)
wr("lambda_min", cv$lambda.min); wr("lambda_1se", cv$lambda.1se)
"""
)


@functools.cache
def glmnet_available() -> bool:
    """True if ``Rscript`` is on PATH and ``library(glmnet)`` and jsonlite load."""
    if shutil.which("Rscript") is None:
        return False
    try:
        r = subprocess.run(
            ["Rscript", "-e", "suppressMessages({library(glmnet); library(jsonlite)})"],
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def _run(
    script, X, y, *, family, lambdas, alpha, weights, standardize, thresh, foldid=None, **extra
):
    """Write inputs, run ``script`` with Rscript, return {name: 1-D float array}."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    lambdas = np.asarray(lambdas, dtype=np.float64).ravel()
    n, p = X.shape
    if family not in ("gaussian", "binomial", "multinomial", "poisson"):
        raise ValueError(f"unsupported family {family!r}")
    K = int(y.max()) + 1 if family == "multinomial" else 1
    params = dict(
        family=family,
        n=n,
        p=p,
        K=K,
        nlam=len(lambdas),
        alpha=float(alpha),
        standardize=bool(standardize),
        thresh=float(thresh),
        has_w=weights is not None,
        **extra,
    )
    with tempfile.TemporaryDirectory(prefix="glmnet_") as d:

        def put(name, a):
            np.ascontiguousarray(a, dtype="<f8").tofile(os.path.join(d, name + ".bin"))

        put("X", X.ravel(order="F"))
        put("y", y)
        put("lambda", lambdas)
        if weights is not None:
            put("w", np.asarray(weights, dtype=np.float64).ravel())
        if foldid is not None:
            put("foldid", np.asarray(foldid).ravel() + 1)  # R wants 1-based ids
        with open(os.path.join(d, "params.json"), "w") as f:
            json.dump(params, f)
        with open(os.path.join(d, "script.R"), "w") as f:
            f.write(script)
        try:
            r = subprocess.run(
                ["Rscript", os.path.join(d, "script.R"), d],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired as e:
            raise RuntimeError(f"Rscript timed out after {TIMEOUT}s") from e
        if r.returncode != 0:
            raise RuntimeError(f"Rscript failed (rc={r.returncode}):\n{r.stderr}")
        out = {}
        for fn in os.listdir(d):
            if fn.endswith(".bin") and fn[:-4] not in ("X", "y", "w", "foldid"):
                out[fn[:-4]] = np.fromfile(os.path.join(d, fn), dtype="<f8")
    return out, p, K


def glmnet_path(
    X,
    y,
    *,
    family,
    lambdas,
    alpha=1.0,
    weights=None,
    standardize=True,
    thresh=1e-14,
    maxit=10**6,
    penalty_factor=None,
    positive=False,
):
    """Run ``glmnet::glmnet`` (fdev = 0) on the given lambda sequence.

    Returns dict: "lambda" (n_lambda,), "a0" ((n_lambda,) or (n_lambda, K)),
    "beta" (original scale, (n_lambda, p) or (n_lambda, K, p)), "dev_ratio"
    (n_lambda,), "nulldev" (float).  n_lambda can be shorter than ``lambdas``
    if glmnet stopped early (check ``len(res["lambda"])``).
    """
    out, p, K = _run(
        _R_PATH,
        X,
        y,
        family=family,
        lambdas=lambdas,
        alpha=alpha,
        weights=weights,
        standardize=standardize,
        thresh=thresh,
        maxit=int(maxit),
        pf=None if penalty_factor is None else [float(f) for f in penalty_factor],
        positive=bool(positive),
    )
    nlam = len(out["lambda"])
    multi = family == "multinomial"
    return {
        "lambda": out["lambda"],
        "a0": out["a0"].reshape((nlam, K) if multi else (nlam,), order="F"),
        "beta": out["beta"].reshape((nlam, K, p) if multi else (nlam, p), order="F"),
        "dev_ratio": out["dev_ratio"],
        "nulldev": float(out["nulldev"][0]),
    }


def cv_glmnet(
    X,
    y,
    *,
    family,
    lambdas,
    foldid,
    type_measure,
    alpha=1.0,
    weights=None,
    standardize=True,
    thresh=1e-14,
):
    """Run ``glmnet::cv.glmnet`` (fdev = 0, grouped = TRUE) with fixed lambdas and folds.

    ``foldid`` is 0-based (converted to R's 1-based ids).  ``type_measure`` is one
    of "mse", "auc", "deviance", "class".  Returns dict: "lambda", "cvm", "cvsd",
    "nzero" (arrays) and "lambda_min", "lambda_1se" (floats).
    """
    if type_measure not in ("mse", "auc", "deviance", "class"):
        raise ValueError(f"unsupported type_measure {type_measure!r}")
    out, _, _ = _run(
        _R_CV,
        X,
        y,
        family=family,
        lambdas=lambdas,
        alpha=alpha,
        weights=weights,
        standardize=standardize,
        thresh=thresh,
        foldid=foldid,
        type_measure=type_measure,
    )
    res = {k: out[k] for k in ("lambda", "cvm", "cvsd")}
    res["nzero"] = out["nzero"].astype(np.int64)
    res["lambda_min"] = float(out["lambda_min"][0])
    res["lambda_1se"] = float(out["lambda_1se"][0])
    return res


_R_RELAX = (
    _R_COMMON
    + r"""
gam <- as.numeric(P$gammas)
fit <- glmnet(X, y, family = P$family, weights = w, lambda = lam, alpha = P$alpha,
              standardize = P$standardize, thresh = P$thresh, maxit = P$maxit, relax = TRUE)
for (g in seq_along(gam)) {
  cf <- as.matrix(coef(fit, gamma = gam[g]))
  wr(paste0("a0_", g), cf[1, ]); wr(paste0("beta_", g), t(cf[-1, , drop = FALSE]))
}
wr("lambda", fit$lambda)
if (P$cv) {
  foldid <- as.integer(rd("foldid", P$n))
  cv <- cv.glmnet(X, y, family = P$family, weights = w, lambda = lam, alpha = P$alpha,
                  standardize = P$standardize, thresh = P$thresh, maxit = P$maxit,
                  foldid = foldid, type.measure = P$type_measure, grouped = TRUE,
                  relax = TRUE, gamma = gam)
  st <- cv$relaxed$statlist
  for (g in seq_along(gam)) {
    wr(paste0("cvm_", g), st[[g]]$cvm); wr(paste0("cvsd_", g), st[[g]]$cvsd)
  }
  r <- cv$relaxed
  wr("choice", c(r$lambda.min, r$gamma.min, r$lambda.1se, r$gamma.1se))
}
"""
)


def glmnet_relax(
    X,
    y,
    *,
    family,
    lambdas,
    gammas,
    foldid=None,
    type_measure="mse",
    alpha=1.0,
    weights=None,
    standardize=True,
    thresh=1e-14,
    maxit=10**6,
):
    """Run ``glmnet(relax = TRUE)`` and, with ``foldid``, ``cv.glmnet(relax = TRUE)``, in one
    R process (binary or gaussian families).

    glmnet's blend replaces ``gamma`` by ``max(gamma, 1e-5)`` (``blend.relaxed``'s
    ``epsilon``), so ``gamma = 0`` is not quite the refit. Returns dict: "lambda";
    "beta" (n_gammas, n_lambda, p) and "a0" (n_gammas, n_lambda) from
    ``coef(fit, gamma = g)``; with ``foldid`` also "cvm", "cvsd" (n_gammas, n_lambda) from
    ``cv$relaxed$statlist`` and "lambda_min", "gamma_min", "lambda_1se", "gamma_1se".
    """
    if family not in ("gaussian", "binomial"):
        raise ValueError(f"unsupported family {family!r}")
    gammas = np.asarray(gammas, dtype=np.float64).ravel()
    X = np.asarray(X, dtype=np.float64)
    out, p, _ = _run(
        _R_RELAX,
        X,
        y,
        family=family,
        lambdas=lambdas,
        alpha=alpha,
        weights=weights,
        standardize=standardize,
        thresh=thresh,
        foldid=foldid,
        maxit=int(maxit),
        gammas=gammas.tolist(),  # JSON floats round-trip exactly
        cv=foldid is not None,
        type_measure=type_measure,
    )
    nlam = len(out["lambda"])
    G = range(1, len(gammas) + 1)
    res = {
        "lambda": out["lambda"],
        "beta": np.stack([out[f"beta_{g}"].reshape((nlam, p), order="F") for g in G]),
        "a0": np.stack([out[f"a0_{g}"] for g in G]),
    }
    if foldid is not None:
        res["cvm"] = np.stack([out[f"cvm_{g}"] for g in G])
        res["cvsd"] = np.stack([out[f"cvsd_{g}"] for g in G])
        choice = out["choice"]
        res.update(
            lambda_min=choice[0], gamma_min=choice[1], lambda_1se=choice[2], gamma_1se=choice[3]
        )
    return res
