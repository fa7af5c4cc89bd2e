"""Agreement with R's glmnet (the reference implementation of these paths and CV rules).

Same data, same lambdas (= our alphas), same folds. glmnet runs with ``thresh=1e-20``
(its accuracy is about sqrt(thresh)), our engine with ``tol=1e-14``. Measured worst
differences (max |ours - glmnet| / max |glmnet coef|; absolute for dev_ratio):

- gaussian, diabetes, 100 lambdas: coef 1.2e-8, dev_ratio 7e-11; CV mse: cvm 1.4e-10 and
  cvsd 7e-10 (relative), the same lambda.min and lambda.1se;
- gaussian, weighted: coef 1.2e-8, dev_ratio 6e-11; weighted CV mse: cvm 8e-11, cvsd
  2.5e-10, the same lambda.min / lambda.1se; weighted elastic net (l1_ratio=0.5, on y / sd(y),
  see ``_cases``): coef 1.2e-8, dev_ratio 5e-11;
- binomial, breast cancer, 50 lambdas: coef 4.7e-9, dev_ratio 8e-11; CV AUC: cvm and cvsd
  2e-16, the same lambda.min / lambda.1se;
- multinomial, wine (3 classes), 30 lambdas: coef 2.6e-6 (our per-class Newton cycle
  converges linearly; at tol=1e-14 this is its floor), dev_ratio 5e-8;
- multinomial, 600 digits x 64 (10 classes; each class keeps its weighted Gram matrix
  across steps), 10 lambdas: coef 5.1e-6, dev_ratio 7e-9;
- binomial, 4000 x 50 simulated (Newton keeps Gram matrices across steps), 50 lambdas:
  coef 4.1e-9, dev_ratio 2.5e-10.

The tolerances below leave a margin of about 10x over these. Each Rscript run spends ~2 s
(CPU) loading glmnet, so there is one run per case (the path and, where wanted, the CV in
the same R process: 7 in all), and all of them start together, in threads, when the
module's fixture is built.
"""

from concurrent.futures import ThreadPoolExecutor

import _glmnet  # noqa: E402
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from test_path_kkt import _tall_binary  # noqa: E402

from sklearn_lasso_tools import LassoPathReport
from sklearn_lasso_tools._engine.path import l1_path

THRESH = 1e-20  # glmnet
TOL = 1e-14  # ours
COEF_RTOL = {"gaussian": 1e-7, "binomial": 1e-7, "multinomial": 3e-5}  # of max |coef|
DEV_ATOL = 1e-6
CV_RTOL = 1e-8
FAMILY = {"regression": "gaussian", "binary": "binomial", "multinomial": "multinomial"}


def _folds(foldid):
    return [
        (np.flatnonzero(foldid != k), np.flatnonzero(foldid == k)) for k in range(foldid.max() + 1)
    ]


def _grid(X, y, task, n_alphas, eps, **params):
    """Our generated grid, in full (glmnet never stops early on given lambdas)."""
    return l1_path(X, y, task=task, alphas=n_alphas, eps=eps, stop_early=False, **params).alphas


def _cases():
    X, y = load_diabetes(return_X_y=True)
    n = len(y)
    w = np.random.RandomState(0).uniform(0.5, 2.0, n)
    v = w / w.sum()
    # glmnet's gaussian family scales y to unit sd before it applies lambda, which divides
    # the ridge part of the elastic net by sd(y) (documented glmnet behaviour; it also
    # happens per fold in cv.glmnet). With a unit-sd y both solve the same problem.
    y_unit = y / np.sqrt(v @ (y - v @ y) ** 2)
    Xb, yb = load_breast_cancer(return_X_y=True)
    yb = yb.astype(np.float64)
    Xm, ym = load_wine(return_X_y=True)
    Xt, yt = _tall_binary()
    Xd, yd = load_digits(return_X_y=True)
    Xd, yd = Xd[:600], yd[:600]
    return {
        "gaussian": {
            "X": X,
            "y": y,
            "task": "regression",
            "weights": None,
            "l1_ratio": 1.0,
            "lambdas": _grid(X, y, "regression", 100, 1e-4),
            "foldid": np.random.RandomState(0).permutation(n) % 5,
            "type_measure": "mse",
        },
        "gaussian_weighted": {
            "X": X,
            "y": y,
            "task": "regression",
            "weights": w,
            "l1_ratio": 1.0,
            "lambdas": _grid(X, y, "regression", 100, 1e-4, sample_weight=w),
            "foldid": np.random.RandomState(1).permutation(n) % 5,
            "type_measure": "mse",
        },
        "gaussian_weighted_enet": {
            "X": X,
            "y": y_unit,
            "task": "regression",
            "weights": w,
            "l1_ratio": 0.5,
            "lambdas": _grid(X, y_unit, "regression", 100, 1e-4, l1_ratio=0.5, sample_weight=w),
        },
        "binomial": {
            "X": Xb,
            "y": yb,
            "task": "binary",
            "weights": None,
            "l1_ratio": 1.0,
            "lambdas": _grid(Xb, yb, "binary", 50, 1e-2),
            "foldid": np.random.RandomState(0).permutation(len(yb)) % 5,
            "type_measure": "auc",
        },
        "binomial_tall": {  # Newton keeps Gram matrices here (_engine.curvature)
            "X": Xt,
            "y": yt,
            "task": "binary",
            "weights": None,
            "l1_ratio": 1.0,
            "lambdas": _grid(Xt, yt, "binary", 50, 1e-3),
        },
        "multinomial": {
            "X": Xm,
            "y": ym,
            "task": "multinomial",
            "weights": None,
            "l1_ratio": 1.0,
            "lambdas": _grid(Xm, ym, "multinomial", 30, 1e-2),
        },
        "multinomial_tall": {  # each class keeps its Gram matrix (_engine.multinomial)
            "X": Xd,
            "y": yd,
            "task": "multinomial",
            "weights": None,
            "l1_ratio": 1.0,
            "lambdas": _grid(Xd, yd, "multinomial", 10, 1e-2),
        },
    }


def _run_glmnet(case):
    """``glmnet`` on the case's lambdas and, with a ``foldid``, ``cv.glmnet`` too, in one
    Rscript process (the harness's two scripts, back to back)."""
    family = FAMILY[case["task"]]
    script = _glmnet._R_PATH
    extra = {}
    if "foldid" in case:
        script += _glmnet._R_CV.removeprefix(_glmnet._R_COMMON)
        extra = {"foldid": case["foldid"], "type_measure": case["type_measure"]}
    out, p, K = _glmnet._run(
        script,
        case["X"],
        case["y"],
        family=family,
        lambdas=case["lambdas"],
        alpha=case["l1_ratio"],
        weights=case["weights"],
        standardize=True,
        thresh=THRESH,
        maxit=10**6,
        **extra,
    )
    nlam = len(out["lambda"])
    multi = family == "multinomial"
    res = {
        "lambda": out["lambda"],
        "a0": out["a0"].reshape((nlam, K) if multi else (nlam,), order="F"),
        "beta": out["beta"].reshape((nlam, K, p) if multi else (nlam, p), order="F"),
        "dev_ratio": out["dev_ratio"],
        "nulldev": float(out["nulldev"][0]),
    }
    if "foldid" in case:
        res.update(
            cvm=out["cvm"],
            cvsd=out["cvsd"],
            lambda_min=float(out["lambda_min"][0]),
            lambda_1se=float(out["lambda_1se"][0]),
        )
    return res


def _our_path(case):
    return l1_path(
        case["X"],
        case["y"],
        task=case["task"],
        alphas=case["lambdas"],
        l1_ratio=case["l1_ratio"],
        sample_weight=case["weights"],
        tol=TOL,
        max_iter=10**5,
    )


class _Runs:
    """The cases, glmnet's results (each Rscript run started at once, in a thread) and
    our paths (each computed once)."""

    def __init__(self, pool):
        self.cases = _cases()
        self._futures = {name: pool.submit(_run_glmnet, c) for name, c in self.cases.items()}
        self._paths = {}

    def glmnet(self, name):
        try:
            return self._futures[name].result()
        except Exception:
            if not _glmnet.glmnet_available():
                pytest.skip("Rscript with glmnet not available")
            raise

    def ours(self, name):
        if name not in self._paths:
            self._paths[name] = _our_path(self.cases[name])
        return self._paths[name]


@pytest.fixture(scope="module")
def runs():
    with ThreadPoolExecutor(max_workers=7) as pool:
        yield _Runs(pool)


def _assert_coefs_agree(ours, ref, rtol, what):
    top = np.abs(ref).max()
    diff = np.abs(ours - ref)
    worst = np.unravel_index(np.argmax(diff), diff.shape)
    assert diff[worst] <= rtol * top, (
        f"{what}: max |coef - glmnet| = {diff[worst]:.3g} = {diff[worst] / top:.3g} * max|coef| "
        f"at lambda index {worst[0]} (ours {ours[worst]:.10g}, glmnet {ref[worst]:.10g})"
    )
    # the same support, except for coefficients too small to tell apart from zero
    differ = (ours != 0) != (ref != 0)
    assert np.all(np.maximum(np.abs(ours), np.abs(ref))[differ] <= rtol * top), what


@pytest.mark.parametrize(
    "name",
    [
        "gaussian",
        "gaussian_weighted",
        "gaussian_weighted_enet",
        "binomial",
        "binomial_tall",
        "multinomial",
        "multinomial_tall",
    ],
)
def test_path_matches_glmnet(runs, name):
    case = runs.cases[name]
    ref = runs.glmnet(name)
    path = runs.ours(name)
    family = FAMILY[case["task"]]

    assert len(ref["lambda"]) == len(case["lambdas"])  # glmnet computed the whole grid
    np.testing.assert_allclose(path.alphas, ref["lambda"], rtol=1e-15)
    _assert_coefs_agree(path.coefs, ref["beta"], COEF_RTOL[family], name)
    np.testing.assert_allclose(path.dev_ratio, ref["dev_ratio"], rtol=0, atol=DEV_ATOL)
    weight_sum = len(case["y"]) if case["weights"] is None else case["weights"].sum()
    np.testing.assert_allclose(path.null_deviance * weight_sum, ref["nulldev"], rtol=1e-10)
    top = max(np.abs(ref["beta"]).max(), np.abs(ref["a0"]).max())
    if family == "multinomial":  # the loss does not see a common shift of the intercepts
        ours = path.intercepts - path.intercepts.mean(axis=1, keepdims=True)
        theirs = ref["a0"] - ref["a0"].mean(axis=1, keepdims=True)
    else:
        ours, theirs = path.intercepts, ref["a0"]
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=COEF_RTOL[family] * top)


def test_multinomial_intercepts_match_glmnet(runs):
    # glmnet reports intercepts centred over the classes on the caller's scale (they sum
    # to zero at every lambda); ours should be the same numbers, not a shifted copy
    ref = runs.glmnet("multinomial")
    path = runs.ours("multinomial")
    np.testing.assert_allclose(ref["a0"].sum(axis=1), 0.0, atol=1e-10)
    top = max(np.abs(ref["beta"]).max(), np.abs(ref["a0"]).max())
    np.testing.assert_allclose(
        path.intercepts, ref["a0"], rtol=0, atol=COEF_RTOL["multinomial"] * top
    )


@pytest.mark.parametrize("name", ["gaussian", "gaussian_weighted", "binomial"])
def test_cv_curve_and_rules_match_cv_glmnet(runs, name):
    case = runs.cases[name]
    ref = runs.glmnet(name)
    # task given: the diabetes target is whole numbers, see test_path_reference.py
    report = LassoPathReport(
        alphas=case["lambdas"],
        cv=_folds(case["foldid"]),
        task="regression" if case["task"] == "regression" else "auto",
        l1_ratio=case["l1_ratio"],
        tol=1e-12,
        max_iter=10**5,
    )
    report.fit(case["X"], case["y"], sample_weight=case["weights"])

    np.testing.assert_allclose(report.alphas_, ref["lambda"], rtol=1e-15)
    # glmnet's mse is our neg_mean_squared_error negated; AUC is AUC
    sign = -1.0 if case["type_measure"] == "mse" else 1.0
    np.testing.assert_allclose(sign * report.cv_mean_, ref["cvm"], rtol=CV_RTOL)
    np.testing.assert_allclose(
        report.cv_se_, ref["cvsd"], rtol=CV_RTOL, atol=CV_RTOL * ref["cvsd"].max()
    )
    # the same grid points (R's copies of the lambdas may differ in the last bit)
    for ours, theirs in [
        (report.alpha_min_, ref["lambda_min"]),
        (report.alpha_1se_, ref["lambda_1se"]),
    ]:
        assert _grid_index(report.alphas_, ours) == _grid_index(report.alphas_, theirs)


def _grid_index(alphas, alpha):
    (index,) = np.flatnonzero(np.isclose(alphas, alpha, rtol=1e-12, atol=0))
    return index
