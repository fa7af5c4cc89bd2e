"""The one place that touches scikit-learn internals or version differences."""

import sys
import threading
import warnings
from contextlib import contextmanager
from importlib import machinery, util
from pathlib import Path

import numpy as np
import sklearn
from sklearn.base import _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.parallel import _get_threadpool_controller
from sklearn.utils.validation import _check_sample_weight, validate_data

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "check_params",
    "coordinate_descent",
    "quiet_coordinate_descent",
    "single_threaded_blas",
    "validate_data",
]


def _load_cd_fast():
    """scikit-learn's Cython coordinate descent, without importing ``sklearn.linear_model``
    (its ``__init__`` loads every linear model: about 0.05 s of a fresh process's first
    fit, for the one extension the engine uses). It is registered under its own name, so
    a later ``import sklearn.linear_model`` uses this very module."""
    name = "sklearn.linear_model._cd_fast"
    if name not in sys.modules:
        folder = str(Path(sklearn.__file__).parent / "linear_model")
        origin = machinery.PathFinder.find_spec("_cd_fast", [folder]).origin
        spec = util.spec_from_file_location(name, origin)
        module = util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_cd_fast = _load_cd_fast()
_RNG = np.random.RandomState(0)  # required by the solver's signature; unused by cyclic CD


_quiet_lock = threading.Lock()
_quiet = []  # the installed filter (while paths are fitted, in any thread), and a count


@contextmanager
def quiet_coordinate_descent():
    """Silence the Cython solver's own ConvergenceWarnings (raised from this module; the
    caller judges convergence from the returned gap and reports it once) while paths are
    fitted. ``warnings.catch_warnings`` is not thread-safe before Python 3.14 (threads
    that overlap restore each other's filters, and can leave one installed for good), so
    the first path to start installs one narrow filter and the last to end removes it."""
    with _quiet_lock:
        if not _quiet:
            warnings.filterwarnings(
                "ignore", category=ConvergenceWarning, module=r"sklearn_lasso_tools\._compat\Z"
            )
            _quiet[:] = [warnings.filters[0], 0]
        _quiet[1] += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet[1] -= 1
            if _quiet[1] == 0:
                entry = _quiet.pop(0)
                _quiet.clear()
                if entry in warnings.filters:
                    warnings.filters.remove(entry)
                    getattr(warnings, "_filters_mutated", lambda: None)()


def check_params(estimator):
    """Check ``estimator``'s parameters against its ``_parameter_constraints`` without
    fitting it (what ``_fit_context`` does on entering ``fit``): a ValueError naming the
    parameter and the value."""
    validate_parameter_constraints(
        estimator._parameter_constraints,
        estimator.get_params(deep=False),
        caller_name=type(estimator).__name__,
    )


def single_threaded_blas():
    """Limit BLAS to one thread for a block (scikit-learn's cached controller, so entering
    costs microseconds rather than a scan of the loaded libraries)."""
    return _get_threadpool_controller().limit(limits=1, user_api="blas")


def coordinate_descent(
    w,
    l1_reg,
    l2_reg,
    y,
    *,
    X=None,
    gram=None,
    Xy=None,
    sparse_X=None,
    sample_weight=None,
    X_mean=None,
    max_iter=1000,
    tol=1e-7,
    positive=False,
):
    """scikit-learn's Cython elastic-net coordinate descent, called without `enet_path`'s
    per-call checks (thousands of small solves make them the bottleneck).

    Minimizes ``0.5 * ||y - X w||^2 + l1_reg * ||w||_1 + 0.5 * l2_reg * ||w||^2`` (weighted
    and implicitly centred by ``X_mean`` for sparse ``X``), writing the solution into ``w``
    (float64, C-contiguous), non-negative if ``positive``. The stopping rule is a duality
    gap below ``tol * ||y||^2``; the solver's own ConvergenceWarning is the caller's to
    silence (it judges convergence from the returned gap, and may still polish).
    Exactly one of ``X`` (Fortran-ordered), ``gram`` (with ``Xy``) or ``sparse_X`` (CSC,
    int32 indices) is given. The signatures are those of scikit-learn 1.8 and 1.9.

    Returns
    -------
    gap : float
        The final duality gap.
    tol : float
        The absolute gap tolerance it was compared with.
    n_iter : int
        Epochs run.
    """
    _, gap, abs_tol, n_iter = _descend(
        w, l1_reg, l2_reg, y, X, gram, Xy, sparse_X, sample_weight, X_mean, max_iter, tol, positive
    )
    return gap, abs_tol, n_iter


def _descend(
    w, l1_reg, l2_reg, y, X, gram, Xy, sparse_X, sample_weight, X_mean, max_iter, tol, positive
):
    if gram is not None:
        return _cd_fast.enet_coordinate_descent_gram(
            w, l1_reg, l2_reg, gram, Xy, y, max_iter, tol, _RNG, False, positive, True
        )
    if sparse_X is not None:
        return _cd_fast.sparse_enet_coordinate_descent(
            w=w,
            alpha=l1_reg,
            beta=l2_reg,
            X_data=sparse_X.data,
            X_indices=sparse_X.indices,
            X_indptr=sparse_X.indptr,
            y=y,
            sample_weight=sample_weight,
            X_mean=X_mean,
            max_iter=max_iter,
            tol=tol,
            rng=_RNG,
            random=False,
            positive=positive,
            do_screening=True,
        )
    return _cd_fast.enet_coordinate_descent(
        w, l1_reg, l2_reg, X, y, max_iter, tol, _RNG, False, positive, True
    )
