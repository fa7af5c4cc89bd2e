"""The folds of an int ``cv`` (``_engine.folds``) are scikit-learn's: the same indices as
``KFold`` / ``StratifiedKFold``, the same random state consumed, and their own warnings
and errors where those speak."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.model_selection import KFold, StratifiedKFold

from sklearn_lasso_tools._engine.folds import KFolds


def _cases():
    rng = np.random.default_rng(0)
    for n_samples in (10, 11, 37, 200):
        for n_classes in (2, 3, 5):
            for n_splits in (2, 3, 5, 10):
                codes = rng.integers(n_classes, size=n_samples)
                codes[:n_classes] = rng.permutation(n_classes)  # every class, not sorted
                yield n_splits, codes


def _splits(splitter, y, groups=None):
    X = np.zeros((len(y), 2))
    return [(train.tolist(), test.tolist()) for train, test in splitter.split(X, y, groups)]


@pytest.mark.parametrize("stratify", [True, False])
@pytest.mark.parametrize("seed", [None, 0, 7, "instance"])
def test_same_folds_as_scikit_learn(stratify, seed):
    kind = StratifiedKFold if stratify else KFold
    for n_splits, y in _cases():
        ours_rs, theirs_rs = seed, seed
        if seed == "instance":  # a RandomState is consumed alike
            ours_rs, theirs_rs = np.random.RandomState(3), np.random.RandomState(3)
        shuffle = seed is not None
        ours = KFolds(n_splits, stratify=stratify, shuffle=shuffle, random_state=ours_rs)
        theirs = kind(n_splits, **({"shuffle": True, "random_state": theirs_rs} if shuffle else {}))
        with warnings.catch_warnings(record=True) as ours_warned:
            warnings.simplefilter("always")
            try:
                got = _splits(ours, y)
            except ValueError as error:
                got = str(error)
        with warnings.catch_warnings(record=True) as theirs_warned:
            warnings.simplefilter("always")
            try:
                expected = _splits(theirs, y)
            except ValueError as error:
                expected = str(error)
        assert got == expected, (n_splits, y)
        assert [str(w.message) for w in ours_warned] == [str(w.message) for w in theirs_warned]
        if seed == "instance":
            assert ours_rs.randint(1 << 30) == theirs_rs.randint(1 << 30)


def test_groups_get_scikit_learns_warning():
    y = np.tile([0, 1], 10)
    with pytest.warns(UserWarning, match="groups parameter is ignored by StratifiedKFold"):
        folds = _splits(KFolds(5, stratify=True), y, groups=np.arange(20))
    assert folds == _splits(StratifiedKFold(5), y)


def test_more_folds_than_samples_is_scikit_learns_error():
    with pytest.raises(ValueError, match="Cannot have number of splits n_splits=5"):
        _splits(KFolds(5, stratify=False), np.zeros(3))


def test_fit_does_not_import_model_selection_or_metrics():
    """What the folds and the lazily checked scorer names are for: a fit with an int cv and
    the default scorer leaves both modules unloaded (a sixth of a first call's cost)."""
    code = (
        "import sys; import numpy as np; from sklearn_lasso_tools import LassoPathReport; "
        "rng = np.random.default_rng(0); X = rng.standard_normal((60, 4)); "
        "LassoPathReport(cv=3).fit(X, (X[:, 0] > 0).astype(int)); "
        "print(sorted(m for m in ('sklearn.model_selection', 'sklearn.metrics') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
