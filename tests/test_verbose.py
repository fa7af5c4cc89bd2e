"""Progress bars (``verbose``) and convergence honesty (``ConvergenceWarning``)."""

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

from sklearn_lasso_tools import L1Selector, LassoPathReport, compare_penalties

N_ALPHAS, N_FOLDS = 12, 3


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


def _report(X, y, verbose, **params):
    return LassoPathReport(
        alphas=N_ALPHAS, cv=N_FOLDS, random_state=0, verbose=verbose, **params
    ).fit(X, y)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_report_progress_on_stderr_only_when_asked(diabetes, capsys, n_jobs):
    X, y = diabetes
    quiet = _report(X, y, 0, n_jobs=n_jobs)
    assert capsys.readouterr() == ("", "")

    loud = _report(X, y, 2, n_jobs=n_jobs)
    out, err = capsys.readouterr()
    assert out == ""
    # one bar over the path's strengths (those fitted: the early stop may end the grid),
    # one over the folds (counted in this process, even when the folds run in loky workers)
    n = len(loud.alphas_)
    assert "path l1_ratio=1: 100%" in err and f"{n}/{n}" in err
    assert "CV l1_ratio=1: 100%" in err and f"{N_FOLDS}/{N_FOLDS}" in err
    for name in ("alphas_", "coefs_", "intercepts_", "cv_scores_", "cv_se_"):
        np.testing.assert_array_equal(getattr(loud, name), getattr(quiet, name))
    assert (loud.alpha_min_, loud.alpha_1se_) == (quiet.alpha_min_, quiet.alpha_1se_)


def test_progress_of_a_path_that_stops_early_ends_full(diabetes, capsys):
    # glmnet's early stop ends the default grid before 100 points: the bar ends at 100%
    X, y = diabetes
    report = LassoPathReport(cv=None, verbose=2).fit(X, y)
    n = len(report.alphas_)
    assert n < 100
    err = capsys.readouterr().err
    assert "100%" in err and f"{n}/{n}" in err


def test_selector_and_compare_penalties_progress(diabetes, capsys):
    X, y = diabetes
    quiet = L1Selector(cv=N_FOLDS, alphas=N_ALPHAS, random_state=0).fit(X, y)
    assert capsys.readouterr() == ("", "")
    loud = L1Selector(cv=N_FOLDS, alphas=N_ALPHAS, random_state=0, verbose=2).fit(X, y)
    err = capsys.readouterr().err
    assert "path l1_ratio=1" in err and "CV l1_ratio=1: 100%" in err
    np.testing.assert_array_equal(loud.coef_, quiet.coef_)
    # a fixed strength is one solve: nothing to show
    L1Selector(alpha=1.0, verbose=2).fit(X, y)
    assert capsys.readouterr() == ("", "")

    params = {"Cs": [1e-3, 1e-2, 1e-1], "cv": N_FOLDS, "random_state": 0}
    quiet = compare_penalties(X, y, **params)
    assert capsys.readouterr() == ("", "")
    loud = compare_penalties(X, y, verbose=2, **params)
    err = capsys.readouterr().err
    for ratio in ("1", "0", "0.5"):  # l1, l2, elastic net
        assert f"path l1_ratio={ratio}: 100%" in err and f"CV l1_ratio={ratio}: 100%" in err
    assert loud.table.equals(quiet.table)


def test_verbose_1_waits_a_couple_of_seconds_before_showing_a_bar(diabetes, capsys, monkeypatch):
    from sklearn_lasso_tools import _progress

    X, y = diabetes
    _report(X, y, 1)  # well under DELAY: nothing shown
    assert capsys.readouterr() == ("", "")
    monkeypatch.setattr(_progress, "DELAY", 0.0)  # as if the fit had taken longer
    _report(X, y, 1)
    err = capsys.readouterr().err
    assert "path l1_ratio=1: 100%" in err and "CV l1_ratio=1: 100%" in err


# -- convergence honesty ---------------------------------------------------------------

GAP = re.compile(
    r"stopped at max_iter=1 before reaching tol=(?P<tol>\S+) at \d+ alpha\(s\) .*; the "
    r"largest remaining duality gap is (?P<gap>[0-9.e+-]+) times its tolerance, at "
    r"alpha=(?P<alpha>[0-9.e+-]+)\."
)


def _unconverged(fit):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit()
    messages = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(messages) == 1, messages
    match = GAP.search(messages[0])
    assert match, messages[0]
    return result, float(match["alpha"]), float(match["gap"])


@pytest.mark.parametrize("alpha", [1e-3, 0.1])
def test_regression_stopped_short_names_alpha_and_gap(diabetes, alpha):
    X, y = diabetes
    selector, named, gap = _unconverged(
        lambda: L1Selector(alpha=alpha, max_iter=1, tol=1e-10, scale=False).fit(X, y)
    )
    assert named == pytest.approx(alpha, rel=1e-3)
    assert gap > 1
    # honest: the answer really is off, judged by scikit-learn's Lasso at full precision
    reference = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y).coef_
    assert np.abs(selector.coef_ - reference).max() > 1e-2 * np.abs(reference).max()
    # and with the default budget there is no warning and the same answer as Lasso
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        converged = L1Selector(alpha=alpha, tol=1e-10, scale=False).fit(X, y)
    np.testing.assert_allclose(converged.coef_, reference, atol=1e-6 * np.abs(reference).max())


def test_classification_stopped_short_names_alpha_and_gap():
    X, y = load_breast_cancer(return_X_y=True)
    params = {"alphas": 30, "cv": None, "tol": 1e-7}
    short, named, gap = _unconverged(lambda: LassoPathReport(max_iter=1, **params).fit(X, y))
    assert gap > 1
    index = int(np.argmin(np.abs(np.log(short.alphas_ / named))))
    assert short.alphas_[index] == pytest.approx(named, rel=1e-3)  # a grid point
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        full = LassoPathReport(**params).fit(X, y)
    # the named point's coefficients really are off (standardized, relative to the largest)
    scales = full.linear_path_.scales
    difference = np.abs((short.coefs_[index] - full.coefs_[index]) * scales).max()
    assert difference > 1e-3 * np.abs(full.coefs_[index] * scales).max()


def test_paths_in_threads_warn_once_each_and_leave_the_filters_alone(diabetes):
    # the solver's own warnings are silenced by one filter shared by overlapping paths
    # (warnings.catch_warnings is not thread-safe); only each path's summary comes out
    from concurrent.futures import ThreadPoolExecutor

    from sklearn_lasso_tools._engine.path import l1_path

    X, y = diabetes
    before = list(warnings.filters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: l1_path(X, y, task="regression", max_iter=3), range(12)))
    assert len(caught) == 12
    assert all("stopped at max_iter=3" in str(w.message) for w in caught)
    assert all(w.filename == __file__ for w in caught)  # the summary, pointing at the caller
    assert warnings.filters == before
