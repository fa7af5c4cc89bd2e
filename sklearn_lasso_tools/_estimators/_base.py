"""What the path estimators share: the parameters of the path and its folds, declared once.

``LassoPathReport`` fits the path (and, with ``cv``, scores it on folds); ``L1Selector``
picks one strength on such a path, so it takes the same parameters and hands them to the
report it fits (``path_``). Both declare these constraints from here, and the selector
passes exactly ``PATH_PARAMETERS`` on.
"""

from collections.abc import Set
from functools import cache
from numbers import Integral, Real

from .._compat import Interval, StrOptions
from .._validation import TASKS

__all__ = ["PATH_CONSTRAINTS", "PATH_PARAMETERS", "TASK_OPTIONS"]

TASK_OPTIONS = StrOptions(set(TASKS))


class _ScorerNames(Set):
    """scikit-learn's scorer names (``get_scorer_names()``), read when a scoring string is
    checked: importing ``sklearn.metrics`` costs a sixth of a small fit's first call in a
    new process, and the default scorers (``scoring=None``) do without it."""

    def __contains__(self, name):
        return name in _scorer_names()

    def __iter__(self):
        return iter(_scorer_names())

    def __len__(self):
        return len(_scorer_names())

    @classmethod
    def _from_iterable(cls, values):  # (what set operations with it return)
        return set(values)


@cache
def _scorer_names():
    from sklearn.metrics import get_scorer_names

    return frozenset(get_scorer_names())


PATH_CONSTRAINTS = {
    "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
    "eps": [Interval(Real, 0, 1, closed="neither"), None],
    "scoring": [StrOptions(_ScorerNames()), callable, None],
    "task": [TASK_OPTIONS],
    "l1_ratio": [Interval(Real, 0, 1, closed="both")],
    "scale": ["boolean"],
    "n_jobs": [Integral, None],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "tol": [Interval(Real, 0, None, closed="neither")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "penalty_factor": ["array-like", None],
    "positive": ["boolean"],
}

# the selector's parameters that mean the same on its path's report
PATH_PARAMETERS = tuple(PATH_CONSTRAINTS)
