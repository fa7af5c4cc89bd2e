"""The one place that touches scikit-learn internals or version differences."""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.parallel import _get_threadpool_controller
from sklearn.utils.validation import _check_sample_weight, validate_data

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "single_threaded_blas",
    "validate_data",
]


def single_threaded_blas():
    """Limit BLAS to one thread for a block (scikit-learn's cached controller, so entering
    costs microseconds rather than a scan of the loaded libraries)."""
    return _get_threadpool_controller().limit(limits=1, user_api="blas")
