"""Optimality of the path engine: every path point satisfies its KKT conditions.

``l1_path`` minimizes, with ``v`` the sample weights normalised to sum to one and ``s`` the
(weighted, population) feature standard deviations when ``scale=True`` (else 1),

    loss(w, b) + alpha * (l1_ratio * ||s * w||_1 + (1 - l1_ratio) / 2 * ||s * w||_2^2)

where ``loss`` is ``sum_i v_i (y_i - b - x_i w)^2 / 2`` (regression) or ``sum_i v_i
logloss_i`` (binary, multinomial). At a minimizer, with ``g = grad_w loss + alpha * (1 -
l1_ratio) * s^2 * w``: ``g_j = -alpha * l1_ratio * s_j * sign(w_j)`` where ``w_j != 0``,
``|g_j| <= alpha * l1_ratio * s_j`` where ``w_j == 0``, and ``grad_b loss = 0``. These are
checked from first principles (the gradient is computed here, not by the engine) on the
caller's scale, for every task, dense and sparse input, with and without sample weights,
for the Lasso and the elastic net, standardized or not.
"""

import itertools
import warnings

import numpy as np
import pytest
from scipy import sparse
from scipy.special import expit, softmax
from sklearn.exceptions import ConvergenceWarning

from sklearn_lasso_tools._engine.path import l1_path

TOL = 1e-14  # engine tolerance, near the floor of float64 duality gaps
# Allowed KKT residual, relative to alpha * s_j. Measured at TOL: regression 1.5e-13,
# binary 1.2e-9 (a duality gap gives a residual of ~sqrt(tol)); multinomial 5.5e-6, and
# 7.2e-6 where the Newton loop is allowed to finish, because glmnet's per-class Newton
# cycle converges linearly and stops on a small change.
KKT_RTOL = {"regression": 1e-5, "binary": 1e-5, "multinomial": 3e-5}
N_SAMPLES, N_FEATURES = 60, 8


def _make_data():
    rng = np.random.RandomState(0)
    X = rng.randn(N_SAMPLES, N_FEATURES) * rng.uniform(0.5, 3, N_FEATURES)
    X += rng.uniform(-2, 2, N_FEATURES)
    X[rng.rand(N_SAMPLES, N_FEATURES) < 0.4] = 0.0  # sparse-ish, so CSR/CSC mean something
    lin = X @ np.array([2.0, -1.5, 1.0, 0.0, 0.0, 0.5, 0.0, 0.0])
    targets = {
        "regression": lin + rng.randn(N_SAMPLES),
        "binary": (lin + rng.logistic(size=N_SAMPLES) > 0).astype(np.float64),
        "multinomial": np.argmax(
            np.column_stack([lin, -lin, 0.5 * X[:, 2]]) + rng.gumbel(size=(N_SAMPLES, 3)), axis=1
        ),
    }
    weights = rng.uniform(0.2, 3.0, N_SAMPLES)
    return X, targets, weights


X_DATA, TARGETS, WEIGHTS = _make_data()


def _as_format(X, fmt):
    return {"dense": np.asarray, "csr": sparse.csr_matrix, "csc": sparse.csc_matrix}[fmt](X)


def _expected_scales(X, v, scale):
    if not scale:
        return np.ones(X.shape[1])
    mean = v @ X
    return np.sqrt(v @ (X - mean) ** 2)


def loss_gradients(X, y, coef, intercept, task, v):
    """Gradients of the (weighted mean) loss with respect to ``coef`` and ``intercept``."""
    eta = X @ coef.T + intercept
    if task == "regression":
        residual = eta - y
    elif task == "binary":
        residual = expit(eta) - y
    else:
        residual = softmax(eta, axis=1) - (y[:, None] == np.arange(coef.shape[0]))
    grad_coef = (v[:, None] * residual.reshape(len(y), -1)).T @ X
    return grad_coef.reshape(coef.shape), v @ residual


def kkt_residuals(X, y, path, l1_ratio, sample_weight=None, positive=False):
    """Worst KKT residual of each path point, relative to ``alpha * s_j`` (with
    ``positive``, a zero coefficient only has to resist a pull upwards: ``-g_j <= bound``).

    Returns ``(coef_residuals, intercept_residuals)``, each of shape (n_alphas,); the
    intercept residual is ``|grad_b loss| / alpha``.
    """
    X = X.toarray() if sparse.issparse(X) else np.asarray(X)
    w = np.ones(len(y)) if sample_weight is None else sample_weight
    v = w / w.sum()
    s = path.scales
    coef_res, intercept_res = [], []
    for alpha, coef, intercept in zip(path.alphas, path.coefs, path.intercepts, strict=True):
        grad, grad_b = loss_gradients(X, y, coef, intercept, path.task, v)
        g = grad + alpha * (1 - l1_ratio) * s**2 * coef
        bound = alpha * l1_ratio * s
        residual = np.where(
            coef != 0,
            np.abs(g + bound * np.sign(coef)),  # equality with the sign
            np.maximum((-g if positive else np.abs(g)) - bound, 0.0),  # inside the box
        )
        coef_res.append(np.max(residual / (alpha * s)))
        intercept_res.append(np.max(np.abs(grad_b)) / alpha)
    return np.array(coef_res), np.array(intercept_res)


def _fit(X, y, task, **params):
    # the suite only errors on FutureWarning; here an unconverged solve is a failure too
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        return l1_path(X, y, task=task, tol=TOL, max_iter=100_000, **params)


FULL = list(itertools.product(["dense", "csr", "csc"], [False, True], [1.0, 0.5], [True, False]))
# multinomial paths cost ~1 s each: a pairwise covering of the same four factors
PAIRWISE = [
    ("dense", False, 1.0, True),
    ("dense", True, 0.5, False),
    ("csr", False, 0.5, False),
    ("csr", True, 1.0, True),
    ("csc", False, 1.0, False),
    ("csc", True, 0.5, True),
]
CASES = (
    [("regression", *case) for case in FULL]
    + [("binary", *case) for case in FULL]
    + [("multinomial", *case) for case in PAIRWISE]
)


@pytest.mark.parametrize("task, fmt, weighted, l1_ratio, scale", CASES)
def test_every_path_point_satisfies_kkt(task, fmt, weighted, l1_ratio, scale):
    y = TARGETS[task]
    sample_weight = WEIGHTS if weighted else None
    X = _as_format(X_DATA, fmt)
    path = _fit(
        X, y, task, alphas=12, eps=1e-2, l1_ratio=l1_ratio, scale=scale, sample_weight=sample_weight
    )

    w = np.ones(N_SAMPLES) if sample_weight is None else sample_weight
    v = w / w.sum()
    np.testing.assert_allclose(path.scales, _expected_scales(X_DATA, v, scale), rtol=1e-12)
    assert np.all(np.diff(path.alphas) < 0)
    assert path.n_nonzero[-1] > 0

    coef_res, intercept_res = kkt_residuals(X, y, path, l1_ratio, sample_weight)
    worst = int(np.argmax(coef_res))
    assert coef_res[worst] <= KKT_RTOL[task], (
        f"KKT residual {coef_res[worst]:.3g} * alpha * s_j at alpha={path.alphas[worst]:.6g} "
        f"(point {worst} of {len(path.alphas)}); all: {np.array2string(coef_res, precision=2)}"
    )
    assert np.max(intercept_res) <= KKT_RTOL[task]

    # the generated grid starts exactly at alpha_max: all zero, with a bound attained
    assert np.all(path.coefs[0] == 0)
    grad, _ = loss_gradients(X_DATA, y, path.coefs[0], path.intercepts[0], task, v)
    np.testing.assert_allclose(
        np.max(np.abs(grad) / (path.alphas[0] * l1_ratio * path.scales)), 1.0, rtol=1e-10
    )


def test_multinomial_intercepts_are_centred_on_the_callers_scale():
    # glmnet's symmetric parameterisation: the reported (caller's scale) intercepts of each
    # path point sum to zero over the classes. The loss does not see a common shift, so
    # this is a convention, but it is glmnet's, and the engine means to follow it (it
    # centres them, but on its internal centred-and-scaled design, before mapping back).
    X = X_DATA + 5.0  # features far from zero make a wrong centring show
    path = l1_path(X, TARGETS["multinomial"], task="multinomial", alphas=6, eps=5e-2)
    scale = np.abs(path.intercepts).max()
    np.testing.assert_allclose(path.intercepts.sum(axis=1), 0.0, rtol=0, atol=1e-10 * scale)


@pytest.mark.parametrize("task", ["regression", "binary", "multinomial"])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_the_dense_path(task, fmt):
    y = TARGETS[task]
    n_alphas, eps = (6, 5e-2) if task == "multinomial" else (15, 1e-3)
    params = {"alphas": n_alphas, "eps": eps, "sample_weight": WEIGHTS, "l1_ratio": 0.8}
    dense = _fit(X_DATA, y, task, **params)
    sparse_path = _fit(_as_format(X_DATA, fmt), y, task, **params)

    np.testing.assert_allclose(sparse_path.alphas, dense.alphas, rtol=1e-12)
    scale = np.abs(dense.coefs).max()
    np.testing.assert_allclose(sparse_path.coefs, dense.coefs, rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(
        sparse_path.intercepts,
        dense.intercepts,
        rtol=0,
        atol=1e-6 * max(scale, np.abs(dense.intercepts).max()),
    )
    np.testing.assert_array_equal(sparse_path.coefs != 0, dense.coefs != 0)
    np.testing.assert_allclose(sparse_path.dev_ratio, dense.dev_ratio, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("task", ["regression", "binary", "multinomial"])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_constant_columns_are_never_selected(task, fmt):
    y = TARGETS[task]
    # zero weight on some rows: a column that varies only there is constant to the fit
    weights = WEIGHTS.copy()
    weights[:10] = 0.0
    only_on_dropped_rows = np.zeros(N_SAMPLES)
    only_on_dropped_rows[:10] = np.arange(1.0, 11.0)
    extra = np.column_stack([np.full(N_SAMPLES, 3.0), np.zeros(N_SAMPLES), only_on_dropped_rows])
    X = np.column_stack([X_DATA[:, :4], extra, X_DATA[:, 4:]])
    constant = np.array([4, 5, 6])
    params = {
        "alphas": 6 if task == "multinomial" else 20,
        "eps": 5e-2 if task == "multinomial" else 1e-3,
        "sample_weight": weights,
    }

    path = _fit(_as_format(X, fmt), y, task, **params)
    reference = _fit(X_DATA, y, task, **params)

    assert np.all(path.coefs[..., constant] == 0)
    np.testing.assert_array_equal(path.scales[constant], 1.0)
    np.testing.assert_allclose(path.alphas, reference.alphas, rtol=1e-12)
    kept = np.delete(np.arange(X.shape[1]), constant)
    scale = np.abs(reference.coefs).max()
    np.testing.assert_allclose(path.coefs[..., kept], reference.coefs, rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(path.dev_ratio, reference.dev_ratio, rtol=1e-8, atol=1e-12)
    # the intercept absorbs the constant columns: predictions on the weighted rows agree
    eta = X @ np.moveaxis(path.coefs, -1, 0).reshape(X.shape[1], -1)
    eta_ref = X_DATA @ np.moveaxis(reference.coefs, -1, 0).reshape(N_FEATURES, -1)
    eta = eta + path.intercepts.reshape(1, -1)
    eta_ref = eta_ref + reference.intercepts.reshape(1, -1)
    np.testing.assert_allclose(eta[10:], eta_ref[10:], rtol=0, atol=1e-6 * np.abs(eta_ref).max())


def _near_perfect_regression():
    rng = np.random.RandomState(1)
    X = rng.randn(50, 5)
    return X, X @ np.array([3.0, -2.0, 1.0, 0.5, 0.0]) + 1e-3 * rng.randn(50)


def _well_separated_binary():
    rng = np.random.RandomState(2)
    X = rng.randn(80, 4)
    return X, (4 * X[:, 0] - 3 * X[:, 1] + rng.logistic(size=80) > 0).astype(np.float64)


@pytest.mark.parametrize(
    "task, make", [("regression", _near_perfect_regression), ("binary", _well_separated_binary)]
)
def test_stop_early_shortens_only_generated_grids(task, make):
    X, y = make()
    full = l1_path(X, y, task=task, alphas=100, stop_early=False)
    assert len(full.alphas) == 100
    default = l1_path(X, y, task=task, alphas=100)  # generated grid: glmnet's early stop
    assert 5 <= len(default.alphas) < 100
    n = len(default.alphas)
    np.testing.assert_allclose(default.alphas, full.alphas[:n], rtol=1e-14)
    np.testing.assert_allclose(default.coefs, full.coefs[:n], rtol=1e-10, atol=1e-12)

    given = l1_path(X, y, task=task, alphas=full.alphas)  # given alphas: all computed
    np.testing.assert_allclose(given.alphas, full.alphas, rtol=1e-14)
    np.testing.assert_allclose(given.coefs, full.coefs, rtol=1e-10, atol=1e-12)

    asked = l1_path(X, y, task=task, alphas=full.alphas, stop_early=True)
    assert len(asked.alphas) == n


def _binary(n, p, n_true, seed):
    """Logistic data whose columns have their own means and scales."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3, p) + rng.uniform(-2, 2, p)
    coef = np.zeros(p)
    true = rng.choice(p, n_true, replace=False)
    coef[true] = rng.choice([-1, 1], n_true) * rng.uniform(0.5, 1.5, n_true)
    eta = (X - X.mean(axis=0)) / X.std(axis=0) @ coef
    eta *= 2 / eta.std()
    return X, (rng.random(n) < expit(eta)).astype(np.float64)


def _tall_binary():
    """Tall enough (n k^2 above ``_curvature._MIN_GRAM_WORK``) for Newton to keep Gram
    matrices."""
    return _binary(4000, 50, 8, seed=7)


# (tol, weighted, l1_ratio, positive): each way the Newton stopping rules are exercised
NEWTON_VARIANTS = [
    (1e-7, False, 1.0, False),
    (TOL, False, 1.0, False),
    (1e-7, True, 0.7, False),
    (1e-7, False, 1.0, True),
]


@pytest.mark.parametrize("tol, weighted, l1_ratio, positive", NEWTON_VARIANTS)
def test_kept_curvature_meets_kkt_and_matches_newton(
    tol, weighted, l1_ratio, positive, monkeypatch
):
    # Newton steps that keep an earlier step's Gram matrix stop on the optimality
    # conditions at sqrt(tol); the path must agree with plain proximal Newton's.
    from sklearn_lasso_tools._engine import curvature as _curvature

    X, y = _tall_binary()
    weights = np.random.default_rng(3).uniform(0.2, 3.0, len(y)) if weighted else None
    kept = []
    curvature_weights = _curvature.Curvature.weights

    def spy(self, h):
        out = curvature_weights(self, h)
        kept.append(out[1])
        return out

    monkeypatch.setattr(_curvature.Curvature, "weights", spy)
    params = {
        "task": "binary",
        "alphas": 50,
        "eps": 1e-3,
        "tol": tol,
        "max_iter": 10**5,
        "sample_weight": weights,
        "l1_ratio": l1_ratio,
        "positive": positive,
    }
    path = l1_path(X, y, **params)
    assert sum(kept) > len(kept) / 2  # most steps kept their curvature
    coef_res, intercept_res = kkt_residuals(X, y, path, l1_ratio, weights, positive)
    if positive:
        assert (path.coefs >= 0).all()
    # measured: 0.87 (tol 1e-7), 0.96 (1e-14), 0.49 (weighted elastic net) and 0.47
    # (positive) times sqrt(tol); intercepts at most 0.08
    assert coef_res.max() <= 1.5 * np.sqrt(tol)
    assert intercept_res.max() <= 0.5 * np.sqrt(tol)

    monkeypatch.setattr(_curvature.Curvature, "applies", staticmethod(lambda sub: False))
    newton = l1_path(X, y, **params)
    # measured: coefs at most 7e-6 (tol 1e-7) and 4.1e-9 (1e-14) of the largest; dev_ratio
    # 4e-7 and 2.4e-10
    coef_atol, dev_atol = {1e-7: (1e-4, 1e-5), TOL: (1e-7, 1e-8)}[tol]
    scale = np.abs(newton.coefs).max()
    np.testing.assert_allclose(path.coefs, newton.coefs, rtol=0, atol=coef_atol * scale)
    np.testing.assert_allclose(path.dev_ratio, newton.dev_ratio, rtol=0, atol=dev_atol)


def _wide_binary():
    """Wider than tall: a Fortran-ordered design, the full gradient first in float32, and
    Newton from the path's prediction, stopped on the optimality conditions."""
    return _binary(80, 300, 6, seed=11)


def _wide_sparse_binary():
    """The wide data with most entries zero, as CSC: a sparse design (implicit centring)
    takes the same Newton from the path's prediction, its X' r exact throughout."""
    X, y = _wide_binary()
    X[np.random.default_rng(5).random(X.shape) < 0.8] = 0.0
    return sparse.csc_matrix(X), y


@pytest.mark.parametrize(
    "tol, weighted, l1_ratio, positive, fmt",
    [
        *[(*variant, "dense") for variant in NEWTON_VARIANTS],
        (1e-7, True, 1.0, False, "dense"),
        *[(*variant, "csc") for variant in NEWTON_VARIANTS],
    ],
)
def test_wide_binary_path_meets_kkt_from_its_predictions(
    tol, weighted, l1_ratio, positive, fmt, monkeypatch
):
    from sklearn_lasso_tools._engine import solvers as _solvers
    from sklearn_lasso_tools._engine import wide_newton

    X, y = _wide_binary() if fmt == "dense" else _wide_sparse_binary()
    weights = np.random.default_rng(3).uniform(0.2, 3.0, len(y)) if weighted else None
    used = []
    # (a dense design's Newton steps, its prediction with them, run in compiled code)
    module = wide_newton if fmt == "dense" else _solvers
    predicted = module._predicted

    def spy(*args):
        out = predicted(*args)
        used.append(out is not None)
        return out

    monkeypatch.setattr(module, "_predicted", spy)
    params = {
        "task": "binary",
        "alphas": 50,
        "eps": 1e-2,
        "max_iter": 10**5,
        "sample_weight": weights,
        "l1_ratio": l1_ratio,
        "positive": positive,
    }
    path = l1_path(X, y, tol=tol, **params)
    assert sum(used) > 0.9 * len(used)  # Newton started from the prediction
    coef_res, intercept_res = kkt_residuals(X, y, path, l1_ratio, weights, positive)
    if positive:
        assert (path.coefs >= 0).all()
    # measured: 1.0 (tol 1e-7), 1.14 (1e-14), 1.30 (weighted elastic net), 1.35 (positive)
    # and 1.49 (weighted) times sqrt(tol), the engine's sqrt(tol) on the standardized
    # scale plus what its intercept residual (at most 0.58 sqrt(tol)) adds through the
    # columns' means; glmnet's own residuals on such paths reach 1e-3 to 1e-2
    assert coef_res.max() <= 2 * np.sqrt(tol)
    assert intercept_res.max() <= np.sqrt(tol)

    reference = l1_path(X, y, tol=TOL, **params)
    # measured: coefs at most 1.6e-4 of the largest, dev_ratio 6.1e-5 (tol 1e-7)
    scale = np.abs(reference.coefs).max()
    atol = {1e-7: (1e-3, 3e-4), TOL: (0, 0)}[tol]
    np.testing.assert_allclose(path.coefs, reference.coefs, rtol=0, atol=atol[0] * scale)
    np.testing.assert_allclose(path.dev_ratio, reference.dev_ratio, rtol=0, atol=atol[1])


def test_near_separable_binary_path_converges_at_the_default_tolerance():
    # Breast cancer is nearly separable at small alphas: most samples reach p(1 - p) below
    # glmnet's 1e-5 floor, and a Newton model with that floor converged so slowly that the
    # step-length rule stopped it with KKT residuals up to 9% of alpha.
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    path = l1_path(X, y, task="binary", alphas=100, stop_early=False)
    coef_res, intercept_res = kkt_residuals(X, y, path, 1.0)
    assert coef_res.max() < 1e-2
    assert intercept_res.max() < 1e-2


def test_multinomial_path_with_kept_curvatures_satisfies_kkt():
    # tall enough for each class to keep its weighted Gram matrix across Newton steps
    # (_engine.multinomial): the conditions hold all the same, at every point. Measured:
    # worst 1.2e-4 (intercepts 3.1e-5) at the last point (deviance explained 0.99), where
    # glmnet's cycle of exact per-class steps, stopping on a small change, leaves 1.15e-4
    # (intercepts 3.1e-5) too; up to deviance explained 0.9 (8 points), 7e-6.
    from sklearn.datasets import load_digits

    from sklearn_lasso_tools._engine.multinomial import _keeps_curvature
    from sklearn_lasso_tools._engine.standardize import prepare

    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    assert _keeps_curvature(prepare(X))
    path = _fit(X, y, "multinomial", alphas=15, eps=1e-3)
    coef_res, intercept_res = kkt_residuals(X, y, path, 1.0)
    assert np.max(coef_res) <= 1e-3, np.array2string(coef_res, precision=2)
    assert np.max(intercept_res) <= 1e-3
    assert np.max(coef_res[:8]) <= KKT_RTOL["multinomial"]
    assert np.max(intercept_res[:8]) <= KKT_RTOL["multinomial"]


@pytest.mark.parametrize("weighted, l1_ratio, positive", [(False, 1.0, False), (True, 0.6, True)])
def test_compiled_multinomial_cycles_match_the_python_route(
    weighted, l1_ratio, positive, monkeypatch
):
    # on a few dense features each alpha's class cycles run in compiled code
    # (_multinomial_cycle): the same steps as the Python route, so the same path up to the
    # weighted Lasso's tolerance. Measured: coefs within 1.9e-7 of the largest, dev_ratio
    # 2e-8, intercepts 3e-8; KKT residuals 2.4e-5 (intercepts 5.9e-6), as the Python route's.
    from sklearn.datasets import load_digits

    from sklearn_lasso_tools._engine import multinomial as _multinomial
    from sklearn_lasso_tools._engine.standardize import prepare

    X, y = load_digits(return_X_y=True)
    X, y = X[:700], y[:700]
    assert _multinomial._compiled_applies(prepare(X))
    weights = np.random.default_rng(4).uniform(0.2, 3.0, len(y)) if weighted else None
    params = {
        "alphas": 12,
        "eps": 1e-2,
        "l1_ratio": l1_ratio,
        "positive": positive,
        "sample_weight": weights,
    }
    compiled = _fit(X, y, "multinomial", **params)
    coef_res, intercept_res = kkt_residuals(X, y, compiled, l1_ratio, weights, positive)
    assert np.max(coef_res) <= 1e-4 and np.max(intercept_res) <= 1e-4
    if positive:
        assert (compiled.coefs >= 0).all()
    monkeypatch.setattr(_multinomial, "_compiled_applies", lambda prob: False)
    python = _fit(X, y, "multinomial", **params)
    scale = np.abs(python.coefs).max()
    np.testing.assert_allclose(compiled.coefs, python.coefs, rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(compiled.dev_ratio, python.dev_ratio, rtol=0, atol=1e-7)
    np.testing.assert_allclose(compiled.intercepts, python.intercepts, rtol=0, atol=1e-6)
