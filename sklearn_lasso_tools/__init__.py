"""sklearn-lasso-tools: L1 (Lasso) feature selection, paths and cross-validation that plug
into scikit-learn pipelines and draw in notebooks."""

from importlib import import_module
from typing import TYPE_CHECKING

from ._version import __version__ as __version__

__all__ = [
    "L1Selector",
    "LassoPathReport",
    "PenaltyComparison",
    "SelectThenRefit",
    "compare_penalties",
    "lasso_path",
]

# The public names are imported on first use (PEP 562): `from sklearn_lasso_tools import
# LassoPathReport` then loads neither L1Selector's nor SelectThenRefit's parts of
# scikit-learn (feature_selection, linear models), a tenth of a second of a first call.
_HOME = {
    "L1Selector": "._estimators.selector",
    "LassoPathReport": "._estimators.report",
    "PenaltyComparison": "._estimators.compare",
    "SelectThenRefit": "._estimators.refit",
    "compare_penalties": "._estimators.compare",
    "lasso_path": "._estimators.path_report",
}

if TYPE_CHECKING:  # static tools see the names as imported
    from ._estimators.compare import PenaltyComparison, compare_penalties
    from ._estimators.path_report import lasso_path
    from ._estimators.refit import SelectThenRefit
    from ._estimators.report import LassoPathReport
    from ._estimators.selector import L1Selector


def __getattr__(name):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_HOME[name], __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


def load_ipython_extension(ipython):
    """``%load_ext sklearn_lasso_tools``: register ``%lasso_path`` and
    ``%compare_penalties`` (IPython is imported only here)."""
    from .notebook.magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython):
    """``%unload_ext sklearn_lasso_tools``: remove the magics."""
    from .notebook.magics import unload_ipython_extension as unload

    unload(ipython)
