"""Property-based tests of the path engine and ``L1Selector`` (hypothesis).

Each example draws a small problem (shape, feature scales and offsets, a share of exact
zeros, a seed, class balance, sample weights) and builds it with numpy from that seed, so
shrinking stays cheap. Examples are derandomized: CI always runs the same problems.
"""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from test_path_kkt import KKT_RTOL, kkt_residuals  # noqa: E402

from sklearn_lasso_tools import L1Selector
from sklearn_lasso_tools._engine.path import l1_path

TOL = 1e-12
# glmnet's multinomial Newton cycle converges linearly: test_path_kkt's bound holds at 1e-14
MULTINOMIAL_TOL = 1e-14
FAST = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW = settings(FAST, max_examples=6)


@st.composite
def problems(draw, tasks=("regression", "binary"), weighted=None, n_classes=None):
    """A dict with X, y, sample_weight, task, and the drawn settings."""
    task = draw(st.sampled_from(tasks))
    n = draw(st.integers(20, 60))
    p = draw(st.integers(2, 12))
    seed = draw(st.integers(0, 2**31 - 1))
    log_scale = draw(st.floats(-3, 3))  # features from 1e-3 to 1e3
    sparsity = draw(st.sampled_from([0.0, 0.3, 0.6]))
    balance = draw(st.floats(0.2, 0.5))  # share of the smallest class
    if weighted is None:
        weighted = draw(st.booleans())
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) * 10.0 ** (log_scale + rng.uniform(-1, 1, p))
    X += rng.uniform(-2, 2, p) * X.std(axis=0)
    X[rng.rand(n, p) < sparsity] = 0.0
    X[:2] = rng.randn(2, p) * X.std(axis=0) + 1.0  # no constant column, however sparse
    standardized = (X - X.mean(axis=0)) / X.std(axis=0)
    beta = rng.randn(p) * (rng.rand(p) < 0.6)
    lin = standardized @ beta
    if task == "regression":
        y = lin + rng.randn(n)
    elif task == "binary":
        # the smallest class holds about `balance` of the samples, at least 4 of them
        score = lin + 2 * rng.logistic(size=n)
        y = (score > np.quantile(score, 1 - balance)).astype(np.float64)
        y[:4], y[4:8] = 1.0, 0.0
    else:
        k = n_classes or draw(st.integers(3, 4))
        logits = np.column_stack([standardized @ rng.randn(p) for _ in range(k)])
        logits[:, 0] += np.log(balance * k)  # class 0 rarer or commoner than the rest
        y = np.argmax(logits + rng.gumbel(size=(n, k)), axis=1)
        y[: 2 * k] = np.repeat(np.arange(k), 2)  # every class present
    sample_weight = rng.uniform(0.2, 3.0, n) if weighted else None
    return {"X": X, "y": y, "task": task, "sample_weight": sample_weight, "seed": seed}


def _path(prob, **params):
    # an unconverged solve would make every comparison below meaningless: fail on it
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        return l1_path(
            prob["X"],
            prob["y"],
            task=prob["task"],
            sample_weight=prob["sample_weight"],
            tol=MULTINOMIAL_TOL if prob["task"] == "multinomial" else TOL,
            max_iter=100_000,
            **params,
        )


def _selector(prob, **params):
    task = "regression" if prob["task"] == "regression" else "classification"
    selector = L1Selector(**params, task=task, tol=TOL, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)  # "selected no feature" is allowed
        return selector.fit(prob["X"], prob["y"], sample_weight=prob["sample_weight"])


def _mid_alpha(path):
    """A strength inside the path, where some but (usually) not all features are in."""
    return float(path.alphas[len(path.alphas) // 2])


def _close(actual, expected, rtol=1e-6):
    """Equal up to solver tolerance, relative to the largest entry."""
    scale = max(np.abs(expected).max(), 1.0)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rtol * scale)


def _check_kkt(prob, l1_ratio, scale):
    path = _path(prob, alphas=8, eps=5e-2, l1_ratio=l1_ratio, scale=scale)
    coef_res, intercept_res = kkt_residuals(
        prob["X"], prob["y"], path, l1_ratio, prob["sample_weight"]
    )
    rtol = KKT_RTOL[prob["task"]]
    assert coef_res.max() <= rtol, (coef_res, path.alphas)
    assert intercept_res.max() <= rtol
    assert np.all(path.coefs[0] == 0)


@FAST
@given(prob=problems(), l1_ratio=st.sampled_from([1.0, 0.5]), scale=st.booleans())
def test_every_path_point_meets_kkt(prob, l1_ratio, scale):
    _check_kkt(prob, l1_ratio, scale)


@SLOW
@given(prob=problems(tasks=("multinomial",)), scale=st.booleans())
def test_every_multinomial_path_point_meets_kkt(prob, scale):
    _check_kkt(prob, 1.0, scale)


@FAST
@given(prob=problems(tasks=("regression", "binary")))
def test_selected_set_is_the_exactly_nonzero_coefficients(prob):
    path = _path(prob, alphas=10, eps=5e-2)
    alpha = _mid_alpha(path)
    selector = _selector(prob, alpha=alpha)
    nonzero = np.asarray(selector.coef_).ravel() != 0
    np.testing.assert_array_equal(selector.support_, nonzero)
    np.testing.assert_array_equal(selector.get_support(), nonzero)
    np.testing.assert_array_equal(selector.transform(prob["X"]), prob["X"][:, nonzero])
    # the same strength as a one-point path gives the same set
    single = _path(prob, alphas=[alpha])
    np.testing.assert_array_equal(single.coefs[0] != 0, nonzero)
    assert single.n_nonzero[0] == nonzero.sum()


@FAST
@given(prob=problems(), l1_ratio=st.sampled_from([1.0, 0.7]))
def test_internal_scaling_equals_standard_scaler_outside(prob, l1_ratio):
    inside = _path(prob, alphas=8, eps=5e-2, l1_ratio=l1_ratio, scale=True)
    scaler = StandardScaler().fit(prob["X"], sample_weight=prob["sample_weight"])
    np.testing.assert_allclose(inside.scales, scaler.scale_, rtol=1e-10)
    outside = _path(
        {**prob, "X": scaler.transform(prob["X"])},
        alphas=inside.alphas,
        l1_ratio=l1_ratio,
        scale=False,
    )
    assert len(outside.alphas) == len(inside.alphas)
    coefs = outside.coefs / scaler.scale_  # back to the caller's scale
    intercepts = outside.intercepts - coefs @ scaler.mean_
    _close(coefs * scaler.scale_, inside.coefs * scaler.scale_)
    _close(intercepts, inside.intercepts)
    _close(outside.dev_ratio, inside.dev_ratio)


@FAST
@given(prob=problems(), data=st.data())
def test_column_permutation_permutes_the_fit(prob, data):
    p = prob["X"].shape[1]
    perm = np.array(data.draw(st.permutations(range(p))))
    path = _path(prob, alphas=8, eps=5e-2)
    permuted = _path({**prob, "X": prob["X"][:, perm]}, alphas=8, eps=5e-2)
    np.testing.assert_allclose(permuted.alphas, path.alphas, rtol=1e-12)
    _close(permuted.coefs * permuted.scales, (path.coefs * path.scales)[:, perm])
    _close(permuted.intercepts, path.intercepts)
    np.testing.assert_allclose(permuted.scales, path.scales[perm], rtol=1e-12)


@FAST
@given(prob=problems(), data=st.data())
def test_duplicated_row_equals_weight_two(prob, data):
    X, y, w = prob["X"], prob["y"], prob["sample_weight"]
    n = len(y)
    i = data.draw(st.integers(0, n - 1))
    w = np.ones(n) if w is None else w
    duplicated = {
        **prob,
        "X": np.vstack([X, X[i : i + 1]]),
        "y": np.concatenate([y, y[i : i + 1]]),
        "sample_weight": np.concatenate([w, w[i : i + 1]]),
    }
    doubled_w = w.copy()
    doubled_w[i] *= 2
    doubled = {**prob, "sample_weight": doubled_w}
    a = _path(duplicated, alphas=8, eps=5e-2)
    b = _path(doubled, alphas=8, eps=5e-2)
    np.testing.assert_allclose(a.alphas, b.alphas, rtol=1e-12)
    np.testing.assert_allclose(a.scales, b.scales, rtol=1e-12)
    _close(a.coefs * a.scales, b.coefs * b.scales)
    _close(a.intercepts, b.intercepts)
    _close(a.dev_ratio, b.dev_ratio)


@FAST
@given(prob=problems(tasks=("regression", "binary", "multinomial")))
def test_alpha_and_C_give_the_same_fit(prob):
    path = _path(prob, alphas=6, eps=5e-2)
    alpha = _mid_alpha(path)
    w = prob["sample_weight"]
    n = len(prob["y"]) if w is None else w.sum()
    by_alpha = _selector(prob, alpha=alpha)
    by_C = _selector(prob, C=1.0 / (alpha * n))
    np.testing.assert_allclose(by_C.alpha_, alpha, rtol=1e-12)
    np.testing.assert_allclose(by_alpha.C_, 1.0 / (alpha * n), rtol=1e-12)
    _close(by_C.coef_, by_alpha.coef_, rtol=1e-9)
    _close(by_C.intercept_, by_alpha.intercept_, rtol=1e-9)
    np.testing.assert_array_equal(by_C.support_, by_alpha.support_)


@SLOW
@given(prob=problems(tasks=("multinomial",)))
def test_multiclass_support_is_the_union_over_classes(prob):
    path = _path(prob, alphas=8, eps=5e-2)
    selector = _selector(prob, alpha=_mid_alpha(path))
    k = len(np.unique(prob["y"]))
    assert selector.coef_.shape == (k, prob["X"].shape[1])
    union = np.zeros(prob["X"].shape[1], dtype=bool)
    for row in selector.coef_:
        union |= row != 0
    np.testing.assert_array_equal(selector.support_, union)
    np.testing.assert_array_equal(path.n_nonzero, (path.coefs != 0).any(axis=1).sum(axis=1))
