"""Altair charts of fitted L1 paths, cross-validation curves and penalty comparisons.

Every builder takes a fitted result and returns an Altair chart; none fits anything,
calls ``.configure_*`` or changes Altair's global settings, so the charts can be layered,
concatenated, themed and saved like any other (``chart.save("path.html", inline=True)``
writes an HTML file that works offline; PNG and SVG go through ``vl-convert-python``).

Data is kept small by design: the ``top`` features to enter are drawn in full, the others
as thin grey lines reduced to the stretch where they are nonzero and, past ``max_rows``
rows, as one grey band spanning their range. A path of 5,000 features and 100 strengths
gives a spec of a few hundred kilobytes and never meets Altair's ``MaxRowsError``.

Multinomial paths are drawn, by default, with one line per feature giving the Euclidean
norm of its coefficients across classes (glmnet's ``type.coef = "2norm"``): a feature is
in the model exactly when that norm is nonzero. ``multiclass="class"`` draws one line per
feature and class instead (dashes tell the classes apart).

In a notebook, a fitted ``LassoPathReport`` or ``PenaltyComparison`` displays as its chart,
drawn offline with a PNG beside it (``display``); a renderer the user enabled is used
instead. One builder per module: ``path``, ``cv``, ``report``, ``penalties``,
``stability``; ``_data`` computes their tidy data, ``_parts`` holds shared pieces.
"""

from ._data import shrinkage_trajectory

# the default size of a view and the row budget of a chart's data (``max_rows``)
from ._parts import HEIGHT as HEIGHT
from ._parts import MAX_ROWS as MAX_ROWS
from ._parts import WIDTH as WIDTH
from .cv import cv_chart
from .path import path_chart
from .penalties import comparison_chart, shrinkage_chart
from .report import report_chart
from .stability import stability_chart

__all__ = [
    "comparison_chart",
    "cv_chart",
    "path_chart",
    "report_chart",
    "shrinkage_chart",
    "shrinkage_trajectory",
    "stability_chart",
]
