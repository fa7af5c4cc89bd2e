"""Determinism across joblib backends, a real Dask cluster, and no global side effects.

Cross-validation folds go through ``joblib.Parallel``, so the caller picks where they run:
worker processes (``n_jobs``, loky), threads (``parallel_config(backend="threading")``) or
a ``distributed`` cluster (``parallel_config(backend="dask")``). With a fixed
``random_state`` every choice gives the same report as ``n_jobs=1``, bit for bit.
"""

import warnings

import altair as alt
import joblib
import numpy as np
import pytest
import sklearn
from threadpoolctl import threadpool_info

from sklearn_lasso_tools import LassoPathReport, compare_penalties

N_SAMPLES, N_FEATURES = 90, 10


def _data(task):
    rng = np.random.RandomState(7)
    X = rng.randn(N_SAMPLES, N_FEATURES) * rng.uniform(0.5, 3, N_FEATURES)
    lin = X[:, :4] @ np.array([1.5, -1.0, 0.8, 0.5])
    if task == "regression":
        y = lin + rng.randn(N_SAMPLES)
    elif task == "binary":
        y = np.where(lin + rng.logistic(size=N_SAMPLES) > 0, "yes", "no")
    else:
        logits = np.column_stack([lin, -lin, X[:, 4]])
        y = np.array(["a", "b", "c"])[np.argmax(logits + rng.gumbel(size=(N_SAMPLES, 3)), 1)]
    weights = rng.uniform(0.5, 2.0, N_SAMPLES)
    return X, y, weights


def _report(task, **params):
    X, y, weights = _data(task)
    report = LassoPathReport(
        alphas=15, eps=1e-2, cv=3, random_state=0, task=_public_task(task), **params
    )
    return report.fit(X, y, sample_weight=weights)


def _public_task(task):
    return "regression" if task == "regression" else "classification"


FITTED = (
    "alphas_",
    "coefs_",
    "intercepts_",
    "n_nonzero_",
    "dev_ratio_",
    "cv_scores_",
    "cv_mean_",
    "cv_se_",
)


def assert_same_report(actual, expected):
    for name in FITTED:
        np.testing.assert_array_equal(getattr(actual, name), getattr(expected, name), err_msg=name)
    assert actual.alpha_min_ == expected.alpha_min_
    assert actual.alpha_1se_ == expected.alpha_1se_
    np.testing.assert_array_equal(actual.cv_result_.fold_support, expected.cv_result_.fold_support)
    assert actual.selection_frequency_.equals(expected.selection_frequency_)


TASKS = ["regression", "binary", "multinomial"]


@pytest.fixture(scope="module")
def serial_reports():
    return {task: _report(task, n_jobs=1) for task in TASKS}


@pytest.mark.parametrize("task", TASKS)
def test_loky_processes_give_the_serial_report(task, serial_reports):
    assert_same_report(_report(task, n_jobs=2), serial_reports[task])


@pytest.mark.parametrize("task", TASKS)
def test_threading_backend_gives_the_serial_report(task, serial_reports):
    with joblib.parallel_config(backend="threading", n_jobs=2):
        report = _report(task)
    assert_same_report(report, serial_reports[task])


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask")
    with warnings.catch_warnings():
        # the cluster's own start-up chatter is not ours to police
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = distributed.Client(cluster)
    try:
        yield client
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client.close()
            cluster.close()


@pytest.mark.parametrize("task", ["regression", "multinomial"])
def test_dask_cluster_gives_the_serial_report(task, serial_reports, dask_client):
    with joblib.parallel_config(backend="dask"):
        report = _report(task)
    assert_same_report(report, serial_reports[task])
    # the folds really ran on the cluster's worker processes
    assert len(dask_client.scheduler_info()["workers"]) == 2
    assert sum(dask_client.run(_tasks_done).values()) >= 3


def test_dask_cluster_gives_the_serial_stability_path(dask_client):
    X, y, weights = _data("binary")
    params = {"alphas": 10, "eps": 1e-2, "cv": None, "n_bootstrap": 3, "random_state": 0}
    serial = LassoPathReport(**params).fit(X, y, sample_weight=weights)
    before = sum(dask_client.run(_tasks_done).values())
    with joblib.parallel_config(backend="dask"):
        report = LassoPathReport(**params).fit(X, y, sample_weight=weights)
    assert report.stability_path_.equals(serial.stability_path_)
    np.testing.assert_array_equal(report.stability_q_, serial.stability_q_)
    assert sum(dask_client.run(_tasks_done).values()) > before  # the halves ran there


def _comparison(**params):
    X, y, weights = _data("multinomial")
    return compare_penalties(
        X, y, Cs=[0.01, 0.1, 1.0], cv=3, random_state=0, sample_weight=weights, **params
    )


@pytest.fixture(scope="module")
def serial_comparison():
    return _comparison(n_jobs=1)


def assert_same_comparison(actual, expected):
    assert actual.table.equals(expected.table)
    assert actual.best.equals(expected.best)
    assert actual.coefs.equals(expected.coefs)
    for penalty, report in expected.reports.items():
        assert_same_report(actual.reports[penalty], report)


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_compare_penalties_gives_the_serial_result_on_every_backend(backend, serial_comparison):
    with joblib.parallel_config(backend=backend, n_jobs=2):
        comparison = _comparison()
    assert_same_comparison(comparison, serial_comparison)


def test_dask_cluster_gives_the_serial_comparison_and_progress(
    serial_comparison, dask_client, capsys
):
    before = sum(dask_client.run(_tasks_done).values())
    with joblib.parallel_config(backend="dask"):
        comparison = _comparison(verbose=2)
    assert_same_comparison(comparison, serial_comparison)
    assert sum(dask_client.run(_tasks_done).values()) >= before + 9  # 3 penalties x 3 folds
    # the folds' progress is counted in this process as their results come back
    err = capsys.readouterr().err
    for ratio in ("1", "0", "0.5"):
        assert f"CV l1_ratio={ratio}: 100%" in err


def _tasks_done(dask_worker):
    return len(dask_worker.state.log)


def _global_state():
    return {
        "numpy print options": np.get_printoptions(),
        "numpy error handling": np.geterr(),
        "sklearn config": sklearn.get_config(),
        "altair data transformer": alt.data_transformers.active,
        "altair data transformer options": dict(alt.data_transformers.options),
        "altair renderer": alt.renderers.active,
        "altair renderer options": dict(alt.renderers.options),
        "altair theme": alt.theme.active,
        "BLAS threads": [(pool["internal_api"], pool["num_threads"]) for pool in threadpool_info()],
        "warning filters": list(warnings.filters),
    }


@pytest.mark.parametrize("task", ["regression", "multinomial"])
def test_fit_and_chart_leave_global_state_alone(task):
    before = _global_state()
    report = _report(task, n_jobs=1)
    chart = report.chart()
    spec = chart.to_dict()
    report._repr_mimebundle_()
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    after = _global_state()
    for key, value in before.items():
        assert after[key] == value, key
