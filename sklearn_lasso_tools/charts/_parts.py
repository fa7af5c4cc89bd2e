"""Building blocks shared by the chart builders: limits, colours, the log-alpha axis, the
nonzero-count strip, event markers, the brush shade and the grey band of thinned features."""

import altair as alt
import numpy as np
import pandas as pd

from . import _data as data

MAX_ROWS = 4000  # below Altair's default limit of 5,000 rows per dataset
MAX_EVENTS = 100  # event markers drawn at most (events=True)
AUTO_EVENTS = 20  # events="auto" marks the events only when there are at most this many
WIDTH, HEIGHT = 520, 260
GREY = "#8c8c8c"
LABEL_GAP = 11  # pixels between the end-of-line labels (font size 10)
LEADER = 8  # pixels of the leader line from a line's end to its label
ALPHA_TITLE = "alpha (log scale, weaker penalty →)"


def _alpha_scale(alphas):
    return alt.Scale(
        type="log", reverse=True, nice=False, domain=[float(alphas.min()), float(alphas.max())]
    )


def _alpha_x(alphas):
    """A log alpha axis decreasing to the right (as glmnet), fixed to the grid."""
    return alt.X(
        "alpha:Q",
        title=ALPHA_TITLE,
        scale=_alpha_scale(alphas),
        axis=alt.Axis(format=".2~g", grid=False, labelOverlap="greedy", labelSeparation=6),
    )


def _label_room(labels, classes=None):
    """Pixels for the end-of-line labels (about 6 a character), where the legend starts."""
    chars = max((len(str(label)) for label in labels), default=0)
    if classes is not None and len(classes):
        chars += 3 + max(len(str(c)) for c in classes)
    return 12 + LEADER + 6 * chars


def _nonzero_strip(alphas, n_nonzero, spacing=36):
    """The nonzero count as text along the top edge of the plot (glmnet's top axis), at
    alphas where it reads as increasing (see ``count_ticks``), ``spacing`` pixels apart."""
    idx = data.count_ticks(alphas, n_nonzero, WIDTH, spacing)
    strip = pd.DataFrame(
        {
            "alpha": data.round_sig(alphas[idx], 6),
            "n_nonzero": np.asarray(n_nonzero)[idx].astype(int),
        }
    )
    return (
        alt.Chart(strip)
        .mark_text(baseline="bottom", dy=-3, fontSize=9, color="#555")
        .encode(
            x=_alpha_x(alphas),
            y=alt.value(0),
            text="n_nonzero:Q",
            tooltip=[
                alt.Tooltip("alpha:Q", format=".4g"),
                alt.Tooltip("n_nonzero:Q", title="nonzero coefficients"),
            ],
        )
    )


def _event_markers(marks, x, ytitle, yscale=alt.Undefined):
    """Open markers where features exit (on the zero line), re-enter or flip sign."""
    tooltip = [alt.Tooltip("feature:N"), alt.Tooltip("event:N")]
    if "class" in marks:
        tooltip.append(alt.Tooltip("class:N"))
    tooltip += [
        alt.Tooltip("alpha:Q", format=".4g"),
        alt.Tooltip("step:Q"),
        alt.Tooltip("coef:Q", format=".4g"),
        alt.Tooltip("n_nonzero:Q", title="nonzero there"),
    ]
    if "cv_mean" in marks:
        tooltip.append(alt.Tooltip("cv_mean:Q", title="CV mean there", format=".4g"))
    shapes = {"exit": "triangle-down", "re-enter": "triangle-up", "sign flip": "diamond"}
    kinds = {kind: shape for kind, shape in shapes.items() if kind in set(marks["event"])}
    return (
        alt.Chart(marks)
        .mark_point(size=70, filled=True, fill="white", stroke="#222", strokeWidth=1.4)
        .encode(
            x=x,
            y=alt.Y("coef:Q", title=ytitle, scale=yscale),
            shape=alt.Shape(
                "event:N",
                scale=alt.Scale(domain=list(kinds), range=list(kinds.values())),
                legend=alt.Legend(title="path events"),
            ),
            tooltip=tooltip,
        )
    )


def _brush_shade(alphas, brush):
    """A shaded rectangle over the range of alpha selected by ``brush``, in any view."""
    grid = pd.DataFrame({"alpha": data.round_sig(alphas, 6)})
    return (
        alt.Chart(grid)
        .mark_rect(color="#f58518", opacity=0.15)
        .encode(
            # the axis title of the layer it shades: a None here would blank the shared axis
            x=alt.X("min(alpha):Q", scale=_alpha_scale(alphas), title=ALPHA_TITLE),
            x2="max(alpha):Q",
        )
        .transform_filter(brush)
    )


def _coef_title(report, standardized, multiclass, classes):
    scaled = standardized and getattr(report, "scale", True)
    what = "standardized coefficient" if scaled else "coefficient"
    if np.ndim(report.coefs_) == 3 and multiclass == "norm":
        return f"‖{what}‖ across classes"
    return what


def _band_layer(band, x, ytitle, number_format, yscale=alt.Undefined):
    """The grey band that stands for the features past the drawn lines (see thin_rest),
    clipped at the plot's edges."""
    return (
        alt.Chart(band)
        .mark_area(color=GREY, opacity=0.25, clip=True)
        .encode(
            x=x,
            y=alt.Y("low:Q", title=ytitle, scale=yscale),
            y2="high:Q",
            tooltip=[
                alt.Tooltip("features:N", title="grey band"),
                alt.Tooltip("alpha:Q", format=".4g"),
                alt.Tooltip("low:Q", format=number_format),
                alt.Tooltip("high:Q", format=number_format),
            ],
        )
    )
