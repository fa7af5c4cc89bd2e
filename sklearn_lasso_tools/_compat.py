"""The one place that touches scikit-learn internals or version differences."""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import _check_sample_weight, validate_data

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "check_params",
    "validate_data",
]


def check_params(estimator):
    """Check ``estimator``'s parameters against its ``_parameter_constraints`` without
    fitting it (what ``_fit_context`` does on entering ``fit``): a ValueError naming the
    parameter and the value."""
    validate_parameter_constraints(
        estimator._parameter_constraints,
        estimator.get_params(deep=False),
        caller_name=type(estimator).__name__,
    )
