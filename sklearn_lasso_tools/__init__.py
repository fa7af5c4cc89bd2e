"""sklearn-lasso-tools: L1 (Lasso) feature selection, paths and cross-validation that plug
into scikit-learn pipelines and draw in notebooks."""

from ._compare import PenaltyComparison, compare_penalties
from ._refit import SelectThenRefit
from ._report import LassoPathReport
from ._selector import L1Selector

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """``%load_ext sklearn_lasso_tools``: register ``%lasso_path`` and
    ``%compare_penalties`` (IPython is imported only here)."""
    from .magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython):
    """``%unload_ext sklearn_lasso_tools``: remove the magics."""
    from .magics import unload_ipython_extension as unload

    unload(ipython)


__all__ = [
    "L1Selector",
    "LassoPathReport",
    "PenaltyComparison",
    "SelectThenRefit",
    "compare_penalties",
]
