"""The report's chart: the coefficient path above the CV curve, linked by an alpha brush."""

import warnings

import altair as alt
from sklearn.utils.validation import check_is_fitted

from ._parts import MAX_ROWS
from .cv import cv_chart
from .path import path_chart

__all__ = ["report_chart"]


def report_chart(
    report, *, top=10, standardized=True, multiclass="norm", max_rows=MAX_ROWS, events="auto"
):
    """The coefficient path above the CV curve, linked: drag across either to shade that
    range of alpha in both. Without ``cv``, the coefficient path alone.

    This is what :meth:`LassoPathReport.chart` returns and what a notebook shows.

    Parameters
    ----------
    report : LassoPathReport
        Fitted.
    top, standardized, multiclass, max_rows, events
        As for :func:`path_chart`.

    Returns
    -------
    alt.VConcatChart or alt.LayerChart
    """
    check_is_fitted(report, "coefs_")
    if not hasattr(report, "cv_mean_"):
        return path_chart(
            report,
            top=top,
            standardized=standardized,
            multiclass=multiclass,
            max_rows=max_rows,
            events=events,
        )
    brush = alt.selection_interval(encodings=["x"], empty=False)
    path = path_chart(
        report,
        top=top,
        standardized=standardized,
        multiclass=multiclass,
        max_rows=max_rows,
        brush=brush,
        events=events,
    )
    cv = cv_chart(report, brush=brush)
    with warnings.catch_warnings():
        # One selection defined in both views on purpose (drag in either); Altair merges
        # it into one top-level parameter listing both views, and says so.
        warnings.filterwarnings(
            "ignore", message="Automatically deduplicated selection", category=UserWarning
        )
        return alt.vconcat(path, cv, spacing=24).resolve_scale(color="independent")
