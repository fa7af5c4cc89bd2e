"""The magics and the command line surface the estimators' own messages, without tracebacks.

The magics run in an in-process IPython shell (the kernel round trip is in test_magics.py);
the command line runs in-process through ``main``.
"""

import numpy as np
import pandas as pd
import pytest

from sklearn_lasso_tools import LassoPathReport, compare_penalties
from sklearn_lasso_tools.cli.command import main

IPython = pytest.importorskip("IPython")
from IPython.core.error import UsageError  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402


def _frame():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 4)), columns=["a", "b", "c", "d"])
    y = pd.Series(np.where(X["a"] + rng.normal(size=60) > 0, "yes", "no"), name="y")
    return X, y


def _bad_data():
    """name -> (X, y): each fails inside the estimator with a ValueError."""
    X, y = _frame()
    with_nan = X.copy()
    with_nan.iloc[5, 1] = np.nan
    few = y.iloc[:8].copy()
    few[:] = "no"
    few.iloc[:4] = "yes"  # 4 samples in each class, fewer than 5 folds
    return {
        "nan": (with_nan, y),
        "single_class": (X, pd.Series(["yes"] * len(X), name="y")),
        "cv_too_large": (X.iloc[:8], few),
    }


@pytest.fixture(scope="module")
def shell():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "sklearn_lasso_tools")
    yield shell
    shell.run_line_magic("unload_ext", "sklearn_lasso_tools")


def _usage_error(shell, magic, line):
    with pytest.raises(UsageError) as caught:
        shell.run_line_magic(magic, line)
    return str(caught.value)


def _estimator_message(fit):
    with pytest.raises(ValueError) as caught:
        fit()
    return str(caught.value)


@pytest.mark.parametrize("case", ["nan", "single_class", "cv_too_large"])
def test_magics_raise_usage_errors_with_the_estimators_message(shell, case):
    X, y = _bad_data()[case]
    shell.user_ns.update(X=X, y=y, df=X.assign(y=y))
    report_message = _estimator_message(lambda: LassoPathReport(cv=5).fit(X, y))
    for line in ("X y --cv 5", "df --target y --cv 5"):
        assert _usage_error(shell, "lasso_path", line) == f"%lasso_path: {report_message}"
    compare_message = _estimator_message(lambda: compare_penalties(X, y, cv=5))
    assert (
        _usage_error(shell, "compare_penalties", "X y --cv 5")
        == f"%compare_penalties: {compare_message}"
    )


def test_magics_name_a_missing_column_or_variable(shell):
    X, y = _frame()
    shell.user_ns.update(df=X.assign(y=y))
    assert _usage_error(shell, "lasso_path", "df --target nope") == (
        "%lasso_path: no column 'nope' in df."
    )
    assert "name 'missing' is not defined" in _usage_error(shell, "compare_penalties", "missing y")


@pytest.mark.parametrize("case", ["single_class", "cv_too_large"])
def test_cli_prints_the_estimators_message_on_one_line(case, tmp_path, capsys):
    X, y = _bad_data()[case]
    path = tmp_path / "data.csv"
    X.assign(y=y).to_csv(path, index=False)
    message = _estimator_message(lambda: LassoPathReport(cv=5).fit(X, y))
    assert main([str(path), "--target", "y", "--cv", "5"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    last = [line for line in err.splitlines() if line.strip()][-1]
    assert last == f"sklearn-lasso-tools: error: {message.splitlines()[0]}"


@pytest.mark.parametrize(
    ("edit", "argv", "message"),
    [
        # the command line checks these itself, naming the column
        (lambda f: f.assign(b=f["b"].where(f.index != 5)), [], "column 'b' has 1 missing values"),
        (lambda f: f, ["--target", "nope"], "target column 'nope' not found"),
    ],
    ids=["NaN in X", "missing column"],
)
def test_cli_names_missing_values_and_columns(edit, argv, message, tmp_path, capsys):
    X, y = _frame()
    path = tmp_path / "data.csv"
    edit(X.assign(y=y)).to_csv(path, index=False)
    assert main([str(path), "--target", "y", "--cv", "3", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    (line,) = [line for line in err.splitlines() if line.strip() and "loaded" not in line]
    assert line.startswith("sklearn-lasso-tools: error: ") and message in line
