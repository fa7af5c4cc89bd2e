"""Wide and sparse data: p = 100,000 sparse features without densifying, and p = 50,000
dense paths whose charts and tables stay bounded.

Memory is watched with ``tracemalloc`` (numpy and scipy allocations are traced). A
densified X would be ``n * p * 8`` bytes, about 650 times the sparse matrix here.
"""

import gc
import json
import tracemalloc
import warnings

import numpy as np
import pytest
from scipy import sparse

from sklearn_lasso_tools import L1Selector, LassoPathReport, SelectThenRefit, charts

N, P, DENSITY, N_SIGNAL = 1_000, 100_000, 1e-3, 10


@pytest.fixture(scope="module")
def wide():
    """CSR with ~0.1% of its cells stored; the first N_SIGNAL columns carry the signal."""
    rng = np.random.default_rng(0)
    n_stored = int(DENSITY * N * (P - N_SIGNAL))
    cells = (
        rng.normal(size=n_stored),
        (rng.integers(0, N, n_stored), rng.integers(0, P - N_SIGNAL, n_stored)),
    )
    noise = sparse.csc_matrix(cells, shape=(N, P - N_SIGNAL))
    signal = rng.normal(size=(N, N_SIGNAL)) * (rng.random((N, N_SIGNAL)) < 0.2)
    X = sparse.hstack([sparse.csc_matrix(signal), noise], format="csr")
    y = X[:, :N_SIGNAL] @ np.linspace(3, 1, N_SIGNAL) + 0.5 * rng.normal(size=N)
    nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    return X, y, (y > np.median(y)).astype(int), nbytes


def _traced(fit):
    """``(result, peak, retained)``: peak traced bytes during ``fit()`` and the bytes the
    result still holds afterwards."""
    gc.collect()
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = fit()
        gc.collect()
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak, retained


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_selector_and_refit_stay_under_ten_times_the_sparse_matrix(wide, task):
    X, y_reg, y_clf, nbytes = wide
    y = y_reg if task == "regression" else y_clf
    alpha = 0.2 if task == "regression" else 0.05
    # the refit's peak covers its selector's fit (an L1Selector at alpha) and the refit
    model, peak, _ = _traced(lambda: SelectThenRefit(L1Selector(alpha=alpha, task=task)).fit(X, y))
    assert peak < 10 * nbytes, peak / nbytes
    support = model.selector_.support_
    # the signal columns are the ones selected
    assert support[:N_SIGNAL].sum() >= N_SIGNAL - 2
    assert support[N_SIGNAL:].sum() <= 5
    assert sparse.issparse(model.selector_.transform(X))
    assert model.predict(X[:5]).shape == (5,)


def test_cross_validated_path_works_in_ten_times_the_sparse_matrix(wide):
    # classification: Newton steps on working sets, the case that used to densify them
    X, _, y, nbytes = wide
    report, peak, retained = _traced(
        lambda: LassoPathReport(cv=3, alphas=4, eps=0.2, random_state=0).fit(X, y)
    )
    # the fitted report holds p-long results by design (coefs_ per alpha, the folds'
    # supports, selection_frequency_ with a name per feature): its working memory on top
    # of them stays under 10x the sparse matrix
    assert peak - retained < 10 * nbytes, (peak / nbytes, retained / nbytes)
    assert retained < 20 * nbytes, retained / nbytes
    assert report.coefs_.shape == (4, P)
    assert set(report.entry_order_[: N_SIGNAL // 2]) <= {f"x{i}" for i in range(N_SIGNAL)}


# -- p = 50,000 dense paths: charts and tables stay bounded ----------------------------

P_DENSE = 50_000
MAX_SPEC_BYTES = 1_000_000  # a chart's JSON, whatever p: what a notebook cell can carry


@pytest.fixture(scope="module")
def dense_wide():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, P_DENSE))
    y = X[:, :5] @ np.array([3.0, -2, 2, 1, -1]) + 0.5 * rng.normal(size=40)
    grid = np.geomspace(1.0, 0.1, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return LassoPathReport(alphas=grid, cv=3, random_state=0).fit(X, y)


def _spec_bytes_and_rows(chart):
    spec = chart.to_dict()
    sizes = [len(rows) for rows in spec.get("datasets", {}).values()]
    return len(json.dumps(spec)), max(sizes, default=0)


def test_wide_dense_path_chart_and_tables_stay_bounded(dense_wide):
    report = dense_wide
    n_alphas = len(report.alphas_)
    spec = report.chart().to_dict()
    assert len(json.dumps(spec)) < MAX_SPEC_BYTES
    assert max(len(rows) for rows in spec["datasets"].values()) <= charts.MAX_ROWS
    # tables: one row per alpha, per feature, or per (alpha, feature) in the tidy frame
    assert len(report.path_table()) == n_alphas
    assert len(report.summary()) == P_DENSE
    frame = report.to_frame()
    assert len(frame) == n_alphas * P_DENSE
    np.testing.assert_array_equal(frame["coef"].to_numpy(), report.coefs_.ravel())


def test_wide_path_with_every_coefficient_nonzero_stays_bounded(dense_wide, monkeypatch):
    # the worst case for the path chart: 50,000 lines, all nonzero from the first alpha
    coefs = np.random.default_rng(4).normal(size=dense_wide.coefs_.shape)
    monkeypatch.setattr(dense_wide, "coefs_", coefs)
    spec = charts.path_chart(dense_wide).to_dict()
    assert len(json.dumps(spec)) < MAX_SPEC_BYTES
    assert max(len(rows) for rows in spec["datasets"].values()) <= charts.MAX_ROWS
