"""sklearn-lasso-tools: L1 (Lasso) feature selection, paths and cross-validation that plug
into scikit-learn pipelines and draw in notebooks."""

from ._compare import PenaltyComparison, compare_penalties
from ._refit import SelectThenRefit
from ._report import LassoPathReport
from ._selector import L1Selector

__version__ = "0.1.0"

__all__ = [
    "L1Selector",
    "LassoPathReport",
    "PenaltyComparison",
    "SelectThenRefit",
    "compare_penalties",
]
