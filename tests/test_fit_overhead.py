"""The shortcuts around the solvers that keep a small fit's fixed costs down: the path
rescaled in one go (against the point-by-point loop of wide paths), the target's kind
worked out directly (against ``type_of_target``), the AUC's rank sums (against scipy's
``rankdata``), and one BLAS limit for nested blocks."""

import warnings

import numpy as np
import pytest
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score
from sklearn.utils.multiclass import type_of_target
from threadpoolctl import threadpool_info

from sklearn_lasso_tools._engine import linear_path
from sklearn_lasso_tools._engine.path import l1_path
from sklearn_lasso_tools._engine.scoring import _positive_rank_sums, _roc_auc
from sklearn_lasso_tools._engine.threads import single_threaded_blas
from sklearn_lasso_tools._validation import _target_kind


def _problems():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 12))
    X[:, 5] = 1.0  # a constant column: dropped from the problem (prob.keep)
    signal = X[:, :3] @ np.array([2.0, -1.0, 0.5])
    yield "regression", X, signal + rng.standard_normal(80), {}
    yield "regression", X, signal, {"penalty_factor": np.r_[0.0, np.ones(11)]}
    yield "binary", X, (signal + rng.standard_normal(80) > 0).astype(int), {}
    yield "multinomial", X, np.digitize(signal, [-1.0, 1.0]), {}


@pytest.mark.parametrize("task, X, y, params", list(_problems()), ids=lambda v: str(v)[:12])
def test_rescaled_at_once_matches_point_by_point(task, X, y, params, monkeypatch):
    at_once = l1_path(X, y, task=task, alphas=20, **params)
    monkeypatch.setattr(linear_path, "_AT_ONCE", -1)  # every path point by point
    by_point = l1_path(X, y, task=task, alphas=20, **params)
    np.testing.assert_array_equal(at_once.alphas, by_point.alphas)
    np.testing.assert_array_equal(at_once.coefs, by_point.coefs)
    np.testing.assert_allclose(at_once.intercepts, by_point.intercepts, rtol=1e-14, atol=1e-14)
    np.testing.assert_array_equal(at_once.n_nonzero, by_point.n_nonzero)
    assert at_once.coefs[:, ..., 5].max(initial=0) == 0  # the constant column stays zero
    assert at_once.n_nonzero[-1] > 0


TARGETS = [
    np.array([0.0, 1.0, 1.0]),
    np.array([1.5, 2.0]),
    np.array([1, 2, 3]),
    np.array([True, False, True]),
    np.array([1.0, 2.0, 3.0]),
    np.array([3, 3]),
    np.array([0.5, 2.0], dtype=np.float32),
    np.array([1.0, 2.0, 1.0], dtype=np.float16),
    np.array([-1.0, 1.0]),
    np.array([1, 200], dtype=np.uint8),
    np.array([1e20, 1.0]),  # beyond int64: continuous, as type_of_target says
    np.array(["a", "b", "c"]),
    np.array([[1.0], [2.0]]),
    np.array([1, "a"], dtype=object),
]


@pytest.mark.parametrize("y", TARGETS, ids=lambda y: f"{y.dtype}{y.shape}")
def test_target_kind_is_type_of_target(y):
    def outcome(kind_of):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # (1e20 does not cast to int64)
            try:
                return kind_of(y)
            except ValueError as error:  # (an object array of mixed labels)
                return str(error)

    assert outcome(_target_kind) == outcome(
        lambda y: type_of_target(y, input_name="y", raise_unknown=True)
    )


# (scikit-learn's own check casts the value to int before it refuses it)
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_target_kind_refuses_non_finite_in_type_of_target_words(bad):
    y = np.array([bad, 1.0, 2.0])
    with pytest.raises(ValueError) as expected:
        type_of_target(y, input_name="y", raise_unknown=True)
    with pytest.raises(ValueError, match=str(expected.value).split("(")[0]):
        _target_kind(y)


def _decisions():
    rng = np.random.default_rng(1)
    for n, k in [(2, 1), (7, 3), (60, 9), (300, 4)]:
        d = rng.standard_normal((n, k))
        yield d
        yield np.round(d, 0)  # many ties
        d = np.round(d, 1)
        d[:, 0] = 0.0  # a column of one value (an empty model)
        d[0, -1], d[-1, -1] = np.inf, -np.inf
        yield d
        d = d.copy()
        d[n // 2, k // 2] = np.nan
        yield d


@pytest.mark.parametrize("decision", list(_decisions()), ids=lambda d: str(d.shape))
def test_rank_sums_are_rankdatas(decision):
    rng = np.random.default_rng(2)
    for _ in range(3):
        positive = rng.random(len(decision)) < 0.5
        positive[rng.integers(len(decision))] = True  # (an AUC needs one of each class)
        np.testing.assert_array_equal(  # exactly: the ranks are halves of integers
            _positive_rank_sums(decision, positive),
            rankdata(decision, axis=0)[positive].sum(axis=0),
        )


def test_roc_auc_of_a_path_is_roc_auc_score(monkeypatch):
    rng = np.random.default_rng(3)
    decision = np.round(rng.standard_normal((50, 7)), 1)
    y = (rng.random(50) < 0.4).astype(int)
    expected = [roc_auc_score(y, column) for column in decision.T]
    np.testing.assert_allclose(_roc_auc(decision, y, None), expected, rtol=1e-15)
    monkeypatch.setattr("sklearn_lasso_tools._engine.scoring._RANKED_VALUES", 100)
    np.testing.assert_allclose(_roc_auc(decision, y, None), expected, rtol=1e-15)  # in blocks


def _blas_threads():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_nested_blas_blocks_share_one_limit_and_restore_it():
    before = _blas_threads()
    with single_threaded_blas():
        assert set(_blas_threads()) <= {1}
        with single_threaded_blas():
            assert set(_blas_threads()) <= {1}
        assert set(_blas_threads()) <= {1}  # the inner block's end keeps the outer limit
    assert _blas_threads() == before
    try:
        with single_threaded_blas():
            raise RuntimeError("inside")
    except RuntimeError:
        pass
    assert _blas_threads() == before
