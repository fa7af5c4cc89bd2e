"""What the path estimators share: the parameters of the path and its folds, declared once.

``LassoPathReport`` fits the path (and, with ``cv``, scores it on folds); ``L1Selector``
picks one strength on such a path, so it takes the same parameters and hands them to the
report it fits (``path_``). Both declare these constraints from here, and the selector
passes exactly ``PATH_PARAMETERS`` on.
"""

from numbers import Integral, Real

from sklearn.metrics import get_scorer_names

from .._compat import Interval, StrOptions
from .._validation import TASKS

__all__ = ["PATH_CONSTRAINTS", "PATH_PARAMETERS", "TASK_OPTIONS"]

TASK_OPTIONS = StrOptions(set(TASKS))

PATH_CONSTRAINTS = {
    "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
    "eps": [Interval(Real, 0, 1, closed="neither"), None],
    "scoring": [StrOptions(set(get_scorer_names())), callable, None],
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
