"""Poisson paths (log link; glmnet's ``family="poisson"``): optimality, glmnet, scikit-learn.

``l1_path(task="poisson")`` minimizes, with ``v`` the sample weights normalised to sum to one,
``sum_i v_i (exp(eta_i) - y_i eta_i) + alpha * penalty(s * w)``, ``eta = b + X w`` (the mean
Poisson deviance over two, up to a constant). Its gradient in ``w`` is ``X' v (mu - y)``,
``mu = exp(eta)``; the KKT conditions are checked from first principles on the caller's scale.
"""

import warnings
from concurrent.futures import ThreadPoolExecutor

import _glmnet  # noqa: E402
import numpy as np
import pytest
from scipy import sparse
from scipy.special import xlogy
from sklearn.linear_model import PoissonRegressor
from sklearn.metrics import get_scorer, mean_poisson_deviance
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

from sklearn_lasso_tools import L1Selector, LassoPathReport, SelectThenRefit, compare_penalties
from sklearn_lasso_tools._engine.families import POISSON, family_for
from sklearn_lasso_tools._engine.path import l1_path
from sklearn_lasso_tools._engine.scoring import PathPointRegressor, score_path

TOL = 1e-14
# Allowed KKT residual, relative to alpha * s_j (and |grad_b| / alpha). Measured at TOL:
# 9.5e-8 (small designs, all 16 cases), 5.3e-8 (tall, kept curvature), 2.8e-8 (wide).
KKT_RTOL = 1e-6


def _counts(n, p, seed=0, n_true=5):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) * rng.uniform(0.5, 2.0, p) + rng.uniform(-1, 1, p)
    beta = np.zeros(p)
    beta[:n_true] = rng.uniform(0.2, 0.5, n_true) * rng.choice([-1, 1], n_true) / X.std(0)[:n_true]
    y = rng.poisson(np.exp(0.5 + (X - X.mean(0)) @ beta)).astype(np.float64)
    return X, y, rng.uniform(0.2, 3.0, n)


X_SMALL, Y_SMALL, W_SMALL = _counts(80, 10)


def _fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # unconverged solves, overflow: failures here
        return l1_path(X, y, task="poisson", tol=TOL, max_iter=100_000, **params)


def kkt_residuals(X, y, path, l1_ratio, sample_weight=None):
    """Worst KKT residual of each point relative to ``alpha * s_j``, and ``|grad_b| / alpha``."""
    X = X.toarray() if sparse.issparse(X) else np.asarray(X)
    w = np.ones(len(y)) if sample_weight is None else sample_weight
    v = w / w.sum()
    s = path.scales
    coef_res, intercept_res = [], []
    for alpha, coef, intercept in zip(path.alphas, path.coefs, path.intercepts, strict=True):
        r = v * (np.exp(X @ coef + intercept) - y)
        g = X.T @ r + alpha * (1 - l1_ratio) * s**2 * coef
        bound = alpha * l1_ratio * s
        residual = np.where(
            coef != 0, np.abs(g + bound * np.sign(coef)), np.maximum(np.abs(g) - bound, 0.0)
        )
        coef_res.append(np.max(residual / (alpha * s)))
        intercept_res.append(abs(r.sum()) / alpha)
    return np.array(coef_res), np.array(intercept_res)


@pytest.mark.parametrize("fmt", ["dense", "csr"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("scale", [True, False])
def test_every_point_satisfies_kkt(fmt, weighted, l1_ratio, scale):
    X = X_SMALL if fmt == "dense" else sparse.csr_matrix(np.where(X_SMALL > 0.8, X_SMALL, 0.0))
    w = W_SMALL if weighted else None
    path = _fit(X, Y_SMALL, alphas=30, eps=1e-3, l1_ratio=l1_ratio, scale=scale, sample_weight=w)
    assert path.task == "poisson" and path.family is POISSON
    assert len(path.alphas) >= 10 and path.n_nonzero[-1] >= 5
    coef_res, intercept_res = kkt_residuals(X, Y_SMALL, path, l1_ratio, w)
    assert coef_res.max() < KKT_RTOL
    assert intercept_res.max() < KKT_RTOL
    assert np.all(np.diff(path.dev_ratio) >= -1e-9) and path.dev_ratio[-1] < 1


@pytest.mark.parametrize("shape", [(4000, 40), (60, 300)], ids=["tall", "wide"])
def test_kkt_on_tall_and_wide_designs(shape):
    """Tall dense designs keep Newton's Gram matrices across steps (``Curvature``); wide ones
    screen in float32 and start Newton from the path's prediction."""
    X, y, w = _counts(*shape, seed=1)
    path = _fit(X, y, alphas=25, eps=1e-2 if shape[1] > shape[0] else 1e-3, sample_weight=w)
    coef_res, intercept_res = kkt_residuals(X, y, path, 1.0, w)
    assert coef_res.max() < KKT_RTOL
    assert intercept_res.max() < KKT_RTOL


def test_null_model_and_alpha_max():
    X, y, w = X_SMALL, Y_SMALL, W_SMALL
    path = _fit(X, y, alphas=20, sample_weight=w)
    v = w / w.sum()
    mean = v @ y
    assert np.all(path.coefs[0] == 0) and path.intercepts[0] == pytest.approx(np.log(mean))
    assert path.dev_ratio[0] == pytest.approx(0.0, abs=1e-12)
    null_dev = 2 * v @ (np.where(y > 0, y * np.log(np.maximum(y, 1) / mean), 0.0) - y + mean)
    assert path.null_deviance == pytest.approx(null_dev, rel=1e-12)
    assert POISSON.null_deviance(v, y) == pytest.approx(null_dev, rel=1e-12)
    # the gradient at the null model, standardized: the smallest alpha keeping all at zero
    Xc = X - v @ X
    s = np.sqrt(v @ Xc**2)
    alpha_max = np.max(np.abs(Xc.T @ (v * (y - mean))) / s)
    assert path.alphas[0] == pytest.approx(alpha_max, rel=1e-12)
    below = _fit(X, y, alphas=[alpha_max * (1 + 1e-6), alpha_max * (1 - 1e-3)], sample_weight=w)
    assert below.n_nonzero.tolist() == [0, 1]
    assert np.argmax(np.abs(below.coefs[1])) == np.argmax(np.abs(Xc.T @ (v * (y - mean))) / s)


def test_near_unpenalized_end_agrees_with_poisson_regressor():
    X, y, w = _counts(200, 6, seed=2)
    path = _fit(X, y, alphas=[1e-10], sample_weight=w, stop_early=False)
    sk = PoissonRegressor(alpha=0, tol=1e-12, max_iter=10_000, solver="newton-cholesky")
    sk.fit(X, y, sample_weight=w)
    np.testing.assert_allclose(path.coefs[0], sk.coef_, rtol=0, atol=1e-7 * np.abs(sk.coef_).max())
    assert path.intercepts[0] == pytest.approx(sk.intercept_, abs=1e-7)
    refit = POISSON.default_refit()
    assert isinstance(refit, PoissonRegressor) and refit.alpha == 0


def test_large_counts_and_separation_stay_finite():
    """A count pattern the unpenalized fit cannot attain (zeros on one side of a feature):
    the linear predictor grows along the path, and its overflow is rejected, not raised."""
    rng = np.random.RandomState(3)
    X = rng.randn(100, 5)
    X[:, 0] = X[:, 0] > 0
    y = np.where(X[:, 0] > 0, rng.poisson(2000, 100), 0).astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        path = l1_path(X, y, task="poisson", alphas=50, eps=1e-4, stop_early=False)
    assert np.all(np.isfinite(path.coefs)) and np.all(np.isfinite(path.intercepts))
    assert np.all(np.diff(path.dev_ratio) >= -1e-9) and path.dev_ratio[-1] > 0.9


def test_targets_are_checked():
    X = X_SMALL[:4]
    with pytest.raises(ValueError, match="count is zero"):
        l1_path(X, np.zeros(4), task="poisson")
    with pytest.raises(ValueError, match="non-negative counts"):
        family_for("poisson").check_target(np.array([1.0, -1.0, 2.0]), "L1Selector")
    with pytest.raises(ValueError, match="positive count"):
        family_for("poisson").check_target(np.zeros(3), "L1Selector")


def test_held_out_poisson_deviance():
    X, y, _ = _counts(120, 8, seed=4)
    path = _fit(X[:80], y[:80], alphas=15)
    fast = score_path(
        "neg_mean_poisson_deviance",
        "poisson",
        path.coefs,
        path.intercepts,
        None,
        X[80:],
        y[80:],
        y[80:],
    )
    expected = [
        -mean_poisson_deviance(y[80:], np.exp(X[80:] @ c + b))
        for c, b in zip(path.coefs, path.intercepts, strict=True)
    ]
    np.testing.assert_allclose(fast, expected, rtol=1e-12)
    # any other scorer goes through a path point's predictions, exp(X w + b)
    scorer = get_scorer("neg_mean_absolute_error")
    slow = score_path(scorer, POISSON, path.coefs, path.intercepts, None, X[80:], y[80:], y[80:])
    point = PathPointRegressor(path.coefs[5], path.intercepts[5], POISSON)
    assert slow[5] == pytest.approx(-np.mean(np.abs(y[80:] - point.predict(X[80:]))))


# glmnet: the reference (thresh 1e-14), on the lambdas of our own grid (60 points, no early
# stop). Measured worst |ours - glmnet| / max |glmnet coef|: tall 1.1e-7, wide (p = 100,
# weighted) 5.7e-7, elastic net (l1_ratio = 0.5, weighted, unstandardized) 6.6e-8; intercepts
# 3.9e-7 (absolute); dev_ratio 1.8e-8. The tolerances leave a margin of about 10x.
GLMNET_COEF_RTOL = 1e-5
GLMNET_DEV_ATOL = 2e-7
GLMNET_CASES = {
    "tall": {"shape": (300, 20), "seed": 5, "weighted": False, "l1_ratio": 1.0, "scale": True},
    "wide": {"shape": (300, 100), "seed": 6, "weighted": True, "l1_ratio": 1.0, "scale": True},
    "enet": {"shape": (300, 20), "seed": 7, "weighted": True, "l1_ratio": 0.5, "scale": False},
}


@pytest.fixture(scope="module")
def glmnet_runs():
    if not _glmnet.glmnet_available():
        pytest.skip("R with glmnet is not available")

    # our paths here, in this thread: warnings.catch_warnings (in _fit) is not thread-safe,
    # and its filters would leak; only the Rscript runs go to threads
    inputs, ours = {}, {}
    for name, case in GLMNET_CASES.items():
        X, y, w = _counts(*case["shape"], seed=case["seed"])
        w = w if case["weighted"] else None
        inputs[name] = X, y, w
        params = {"l1_ratio": case["l1_ratio"], "scale": case["scale"], "sample_weight": w}
        ours[name] = _fit(X, y, alphas=60, stop_early=False, **params)

    def run(name):
        X, y, w = inputs[name]
        case = GLMNET_CASES[name]
        return _glmnet.glmnet_path(
            X,
            y,
            family="poisson",
            lambdas=ours[name].alphas,
            alpha=case["l1_ratio"],
            weights=w,
            standardize=case["scale"],
            thresh=1e-14,
        )

    with ThreadPoolExecutor(len(GLMNET_CASES)) as pool:
        theirs = dict(zip(GLMNET_CASES, pool.map(run, GLMNET_CASES), strict=True))
    return {name: (ours[name], theirs[name]) for name in GLMNET_CASES}


@pytest.mark.parametrize("case", list(GLMNET_CASES))
def test_agrees_with_glmnet(glmnet_runs, case):
    ours, theirs = glmnet_runs[case]
    assert len(theirs["lambda"]) == len(ours.alphas)
    np.testing.assert_allclose(theirs["lambda"], ours.alphas, rtol=1e-14)
    scale = np.abs(theirs["beta"]).max()
    assert np.abs(ours.coefs - theirs["beta"]).max() <= GLMNET_COEF_RTOL * scale
    np.testing.assert_allclose(ours.intercepts, theirs["a0"], rtol=0, atol=GLMNET_COEF_RTOL)
    np.testing.assert_allclose(ours.dev_ratio, theirs["dev_ratio"], rtol=0, atol=GLMNET_DEV_ATOL)
    # the same support, but for glmnet's rounding-level coefficients (3e-17 to 9e-17)
    assert np.all((ours.coefs != 0) == (np.abs(theirs["beta"]) > 1e-12 * scale))


def _folds(foldid):
    return [(np.flatnonzero(foldid != k), np.flatnonzero(foldid == k)) for k in range(5)]


@pytest.fixture(scope="module")
def cv_case():
    X, y, _ = _counts(200, 15, seed=8)
    foldid = np.random.RandomState(8).permutation(len(y)) % 5
    report = LassoPathReport(task="poisson", cv=_folds(foldid), alphas=30, tol=TOL)
    return X, y, foldid, report.fit(X, y)


def test_report_fits_the_engine_path_and_scores_held_out_deviance(cv_case):
    X, y, foldid, report = cv_case
    path = _fit(X, y, alphas=30)
    np.testing.assert_array_equal(report.alphas_, path.alphas)
    np.testing.assert_allclose(report.coefs_, path.coefs, rtol=0, atol=1e-12)
    assert report.scoring is None and report.task_ == "poisson"
    # fold 2's scores: its own path, scored by sklearn's mean Poisson deviance on exp(eta)
    train, test = _folds(foldid)[2]
    fold = l1_path(
        X[train],
        y[train],
        task="poisson",
        alphas=report.alphas_,
        tol=TOL,
        saturate=True,
        keep_last=True,
    )
    expected = [
        -mean_poisson_deviance(y[test], np.exp(X[test] @ c + b))
        for c, b in zip(fold.coefs, fold.intercepts, strict=True)
    ]
    np.testing.assert_allclose(report.cv_scores_[:, 2], expected, rtol=1e-9)


def test_report_cv_agrees_with_cv_glmnet(cv_case):
    if not _glmnet.glmnet_available():
        pytest.skip("R with glmnet is not available")
    X, y, foldid, report = cv_case
    theirs = _glmnet.cv_glmnet(
        X,
        y,
        family="poisson",
        lambdas=report.alphas_,
        foldid=foldid,
        type_measure="deviance",
        thresh=1e-14,
    )
    # measured: cvm 2.2e-8, cvsd 8.8e-8 (relative); the same lambda.min and lambda.1se
    np.testing.assert_allclose(-report.cv_mean_, theirs["cvm"], rtol=3e-7)
    np.testing.assert_allclose(report.cv_se_, theirs["cvsd"], rtol=1e-6)
    assert report.alpha_1se_ > report.alpha_min_  # (both rules are exercised)
    assert report.alpha_min_ == pytest.approx(theirs["lambda_min"], rel=1e-12)
    assert report.alpha_1se_ == pytest.approx(theirs["lambda_1se"], rel=1e-12)


def test_selector_and_refit():
    X, y, w = _counts(150, 8, seed=9)
    selector = L1Selector(task="poisson", alpha=0.05, tol=TOL).fit(X, y, sample_weight=w)
    path = _fit(X, y, alphas=[0.05], sample_weight=w)
    np.testing.assert_allclose(selector.coef_, path.coefs[0], rtol=0, atol=1e-12)
    empty = L1Selector(task="poisson", alpha=100.0)
    with pytest.warns(UserWarning, match="selected no feature|no feature"):
        empty.fit(X, y, sample_weight=w)
    assert empty.intercept_ == pytest.approx(np.log(np.average(y, weights=w)), rel=1e-12)
    model = SelectThenRefit(L1Selector(task="poisson", alpha=0.05)).fit(X, y)
    assert isinstance(model.estimator_, PoissonRegressor)
    support = model.selector_.get_support()
    direct = PoissonRegressor(alpha=0).fit(X[:, support], y)
    np.testing.assert_allclose(model.predict(X), direct.predict(X[:, support]), rtol=1e-12)
    with pytest.raises(ValueError, match="L1Selector with task='poisson' needs finite, non-neg"):
        L1Selector(task="poisson", alpha=0.1).fit(X, y - 1)


def test_compare_penalties_scores_held_out_poisson_deviance():
    X, y, _ = _counts(150, 8, seed=5)
    Cs = [0.003, 0.03, 0.3, 3.0]
    result = compare_penalties(
        X, y, task="poisson", penalties=("l1", "l2"), Cs=Cs, cv=3, tol=TOL, max_iter=100_000
    )
    alphas = 1 / (np.array(Cs) * len(y))
    for report in result.reports.values():
        assert report.task_ == "poisson" and report.linear_path_.family is POISSON
        np.testing.assert_allclose(report.alphas_, alphas, rtol=1e-15)
        assert np.isfinite(report.cv_scores_).all()
    train, test = list(KFold(3).split(X))[1]  # an int cv: unshuffled folds
    # L2 on a fold is scikit-learn's PoissonRegressor(alpha) on the fold's standardized
    # features (the same objective: mean deviance / 2 + alpha / 2 * ||w||^2)
    scaler = StandardScaler().fit(X[train])
    for j, alpha in enumerate(alphas):
        direct = PoissonRegressor(alpha=alpha, tol=1e-12, max_iter=10_000)
        direct.fit(scaler.transform(X[train]), y[train])
        expected = -mean_poisson_deviance(y[test], direct.predict(scaler.transform(X[test])))
        assert result.reports["l2"].cv_scores_[j, 1] == pytest.approx(expected, rel=1e-7)
    # L1 on a fold: the mean Poisson deviance of the training rows' path, by hand
    path = _fit(X[train], y[train], alphas=alphas)
    mu = np.exp(X[test] @ path.coefs.T + path.intercepts)
    y_test = y[test][:, None]
    by_hand = -2 * np.mean(xlogy(y_test, y_test / mu) - y_test + mu, axis=0)
    np.testing.assert_allclose(result.reports["l1"].cv_scores_[:, 1], by_hand, rtol=1e-10)
    # each penalty's best strength: the best mean score, finite
    for penalty in ("l1", "l2"):
        rows = result.table[result.table["penalty"] == penalty]
        best = rows.loc[rows["cv_mean"].idxmax()]
        assert result.best.loc[penalty, "C"] == best["C"] and best["best"]
        assert np.isfinite(best["cv_mean"]) and best["cv_mean"] < 0
    sparsity = result.table.groupby("penalty", sort=False)["n_nonzero"].agg(list).to_dict()
    assert sparsity == {"l1": [0, 6, 8, 8], "l2": [8, 8, 8, 8]}
