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

In a notebook, a fitted ``LassoPathReport`` or ``PenaltyComparison`` displays as its chart
through Altair's active renderer (text: its table). Altair's default renderer loads Vega
from a CDN; without network access use ``alt.renderers.enable("jupyter", offline=True)``
(interactive), ``"mimetype"`` (front ends with a Vega-Lite renderer) or ``"png"``/``"svg"``
(static, drawn by ``vl-convert-python``).
"""

import warnings

import altair as alt
import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from . import _data as data
from ._data import shrinkage_trajectory
from ._parts import (
    AUTO_EVENTS,
    GREY,
    HEIGHT,
    LABEL_GAP,
    LEADER,
    MAX_EVENTS,
    MAX_ROWS,
    WIDTH,
    _alpha_x,
    _band_layer,
    _brush_shade,
    _coef_title,
    _event_markers,
    _label_room,
    _nonzero_strip,
)
from .penalties import comparison_chart, shrinkage_chart
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


def path_chart(
    report,
    *,
    top=10,
    standardized=True,
    multiclass="norm",
    max_rows=MAX_ROWS,
    brush=None,
    events="auto",
):
    """The coefficient path: one line per feature against a decreasing log-alpha axis.

    Parameters
    ----------
    report : LassoPathReport
        Fitted.
    top : int, default=10
        The first ``top`` features to enter are coloured, labelled and listed in the legend
        (click an entry to highlight it); the others are thin grey lines.
    standardized : bool, default=True
        Plot ``coef * feature std`` (the penalized, comparable coefficients); ``False``
        plots coefficients on the caller's scale.
    multiclass : {"norm", "class"}, default="norm"
        For multinomial paths: the norm of each feature's coefficients across classes, or
        one line per feature and class.
    max_rows : int, default=4000
        Row budget of each dataset in the spec; grey lines past it become a grey band.
    brush : alt.Parameter, default=None
        An interval selection over ``alpha`` to add to this view and shade (used by
        :func:`report_chart` to link the path with the CV curve).
    events : bool or "auto", default="auto"
        Mark where the coloured features exit the model, re-enter or flip sign (see
        :meth:`LassoPathReport.path_events`; hover a marker for the step, the nonzero
        count and the CV score there). ``True`` marks up to 100 such events (earliest
        first), ``"auto"`` marks them only when there are at most 20, ``False`` none.

    Returns
    -------
    alt.LayerChart
        Hover a point for feature, alpha and coefficient; the numbers along the top are
        the count of nonzero coefficients.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lasso_tools import LassoPathReport
    >>> from sklearn_lasso_tools.charts import path_chart
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 8))
    >>> y = X[:, 0] - 2 * X[:, 1] + rng.normal(size=50)
    >>> report = LassoPathReport(alphas=20, cv=None).fit(X, y)
    >>> spec = path_chart(report, top=3).to_dict()
    >>> spec["title"]["text"], spec["width"]
    ('Coefficient path', 520)
    """
    check_is_fitted(report, "coefs_")
    top = data.check_int(top, "top", 0)
    max_rows = data.check_int(max_rows, "max_rows", 1)
    if events not in (True, False, "auto"):
        raise ValueError(
            f"The 'events' parameter of path_chart must be True, False or 'auto'. "
            f"Got {events!r} instead."
        )
    if multiclass not in ("norm", "class"):
        raise ValueError(
            f"The 'multiclass' parameter of path_chart must be 'norm' or 'class'. "
            f"Got {multiclass!r} instead."
        )
    alphas = np.asarray(report.alphas_, dtype=float)
    values, features, classes = data.path_values(report, standardized, multiclass)
    top_names = [str(name) for name in report.entry_order_[:top]]
    is_top = np.isin(features, top_names)

    x = _alpha_x(alphas)
    ytitle = _coef_title(report, standardized, multiclass, classes)
    # the y range serves the coloured lines; grey lines past it are clipped at the edge
    domain = data.coef_domain(values[:, is_top]) if top_names else None
    yscale = alt.Scale(domain=domain, nice=False) if domain else alt.Undefined
    y = alt.Y("coef:Q", title=ytitle, scale=yscale)
    pick = alt.selection_point(fields=["feature"], bind="legend")
    highlight = alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.15))
    room = _label_room(top_names, classes)
    color = alt.Color(
        "feature:N",
        sort=top_names,
        title="first to enter",
        scale=alt.Scale(scheme="tableau10" if len(top_names) <= 10 else "category20"),
        # right of the end-of-line labels (about 6 px a character)
        legend=alt.Legend(symbolType="stroke", orient="right", offset=room),
    )
    tooltip = [
        alt.Tooltip("feature:N"),
        alt.Tooltip("alpha:Q", format=".4g"),
        alt.Tooltip("coef:Q", format=".4g"),
    ]
    if classes is not None:
        tooltip.insert(1, alt.Tooltip("class:N"))

    layers = [
        alt.Chart(pd.DataFrame({"zero": [0.0]}))
        .mark_rule(color="#444", strokeWidth=0.6)
        .encode(y="zero:Q")
    ]
    grey_lines, band, n_grey, n_band = data.thin_rest(
        alphas,
        values[:, ~is_top],
        features[~is_top],
        None if classes is None else classes[~is_top],
        max_rows,
    )
    if band is not None:
        layers.append(_band_layer(band, x, ytitle, ".4g", yscale))
    if grey_lines is not None:
        detail = ["feature:N"] + (["class:N"] if classes is not None else [])
        layers.append(
            alt.Chart(grey_lines)
            .mark_line(color=GREY, strokeWidth=0.7, opacity=0.6, clip=True)
            .encode(
                x=x,
                y=y,
                detail=detail,
                tooltip=tooltip[:-2],
            )
        )
    if top_names:
        frame = data.long_frame(
            alphas,
            values[:, is_top],
            features[is_top],
            None if classes is None else classes[is_top],
            max_rows,
        )
        base = alt.Chart(frame).encode(x=x, y=y, color=color, opacity=highlight)
        if classes is not None:
            base = base.encode(
                strokeDash=alt.StrokeDash("class:N", title="class", legend=alt.Legend(offset=room))
            )
        lines = base.mark_line(strokeWidth=2).add_params(pick)
        if brush is not None:
            lines = lines.add_params(brush)
        points = base.mark_circle(size=18).encode(tooltip=tooltip)
        last = frame[frame["alpha"] == frame["alpha"].min()]
        label_text = "label:N"
        last = last.assign(
            label=last["feature"]
            if classes is None
            else last["feature"] + " [" + last["class"] + "]"
        )
        if domain is not None:  # labels LABEL_GAP pixels apart, leader lines to their ends
            last = last.assign(
                label_y=data.round_sig(data.spread_labels(last["coef"], domain, HEIGHT, LABEL_GAP))
            )
        else:
            last = last.assign(label_y=last["coef"])
        leaders = (
            alt.Chart(last)
            .mark_rule(x2Offset=LEADER, strokeWidth=0.8)
            .encode(
                x=x,
                x2="alpha:Q",
                y=y,
                y2="label_y:Q",
                color=color,
                opacity=highlight,
            )
        )
        labels = (
            alt.Chart(last)
            .mark_text(align="left", baseline="middle", dx=LEADER + 2, fontSize=10)
            .encode(
                x=x,
                y=alt.Y("label_y:Q", title=ytitle, scale=yscale),
                text=label_text,
                color=color,
                opacity=highlight,
            )
        )
        layers += [lines, points, leaders, labels]
    elif brush is not None:
        layers[0] = layers[0].add_params(brush)
    n_marked = n_events = 0
    if events is not False and top_names:
        marks, n_events = data.event_points(
            report, values, features, classes, top_names, MAX_EVENTS
        )
        if events is True or n_events <= AUTO_EVENTS:
            n_marked = len(marks)
            if n_marked:
                layers.append(_event_markers(marks, x, ytitle, yscale))
    if brush is not None:
        layers.append(_brush_shade(alphas, brush))
    layers.append(_nonzero_strip(alphas, report.n_nonzero_))

    n_features = len(np.unique(features))
    subtitle = [
        f"{len(top_names)} first to enter in colour of {n_features} features; "
        f"numbers along the top: nonzero coefficients"
    ]
    hidden = n_features - len(top_names) - n_grey - n_band
    rest = []
    if n_grey:
        rest.append(f"{n_grey} grey lines")
    if n_band:
        rest.append(f"{n_band} features as a grey band")
    if hidden > 0:
        rest.append(f"{hidden} never enter")
    if domain is not None:
        rest_values = values[:, ~is_top]
        outside = ((rest_values < domain[0]) | (rest_values > domain[1])).any(axis=0)
        n_out = len(np.unique(features[~is_top][outside]))
        if n_out:
            rest.append(f"{n_out} grey features clipped at the y range")
    if n_marked:
        more = f" ({n_marked} of {n_events})" if n_marked < n_events else ""
        rest.append(f"markers: exits, re-entries and sign flips{more}")
    elif n_events:
        rest.append(f"{n_events} exits, re-entries and sign flips not marked (events=True)")
    if rest:
        subtitle.append("; ".join(rest))
    return alt.layer(*layers).properties(
        width=WIDTH,
        height=HEIGHT,
        title=alt.Title("Coefficient path", subtitle=subtitle, anchor="start", offset=18),
    )


def cv_chart(report, *, brush=None):
    """The cross-validation curve: mean score ±1 standard error against log alpha.

    Rules mark ``alpha_min_`` (best mean score) and ``alpha_1se_`` (the sparsest model
    within one standard error); the numbers along the top count nonzero coefficients.

    Parameters
    ----------
    report : LassoPathReport
        Fitted with ``cv``.
    brush : alt.Parameter, default=None
        An interval selection over ``alpha`` to add to this view and shade.

    Returns
    -------
    alt.LayerChart
    """
    check_is_fitted(report, "coefs_")
    if not hasattr(report, "cv_mean_"):
        raise ValueError(
            "cv_chart needs a LassoPathReport fitted with cv; this one has "
            "cv=None, so there is no cross-validation curve to draw."
        )
    alphas = np.asarray(report.alphas_, dtype=float)
    table = report.path_table()
    table = table.assign(
        low=table["cv_mean"] - table["cv_se"], high=table["cv_mean"] + table["cv_se"]
    )
    x = _alpha_x(alphas)
    ytitle = f"CV {data.scoring_name(report)} (mean ± 1 SE)"
    best = int(np.argmin(np.abs(alphas - report.alpha_min_)))
    domain, n_below = data.cv_domain(table["cv_mean"], table["cv_se"], report.n_nonzero_, best)
    yscale = alt.Scale(zero=False, nice=False, domain=domain or alt.Undefined)
    base = alt.Chart(table).encode(x=x)
    band = base.mark_area(opacity=0.25, color="#4c78a8", clip=True).encode(
        y=alt.Y("low:Q", title=ytitle, scale=yscale), y2="high:Q"
    )
    line = base.mark_line(
        color="#4c78a8", clip=True, point=alt.OverlayMarkDef(size=20, clip=True)
    ).encode(
        y=alt.Y("cv_mean:Q", title=ytitle, scale=yscale),
        tooltip=[
            alt.Tooltip("alpha:Q", format=".4g"),
            alt.Tooltip("C:Q", format=".4g"),
            alt.Tooltip("cv_mean:Q", format=".4g"),
            alt.Tooltip("cv_se:Q", format=".3g"),
            alt.Tooltip("n_nonzero:Q"),
        ],
    )
    if brush is not None:
        line = line.add_params(brush)
    rules = pd.DataFrame(
        {
            "rule": ["alpha_min", "alpha_1se"],
            "alpha": [report.alpha_min_, report.alpha_1se_],
            "label": [
                f"alpha_min = {report.alpha_min_:.3g}",
                f"alpha_1se = {report.alpha_1se_:.3g}",
            ],
            "y": [HEIGHT * 0.8 - 26, HEIGHT * 0.8 - 12],  # pixels: near the bottom
        }
    )
    # alpha_1se >= alpha_min: its rule is the left one, so the labels face away from each
    # other (neither rule crosses the other's label) unless a label would leave the plot
    rules["side"] = _rule_label_sides(alphas, rules["alpha"], rules["label"])
    rule_color = alt.Color(
        "rule:N",
        scale=alt.Scale(domain=["alpha_min", "alpha_1se"], range=["#e45756", "#54a24b"]),
        legend=None,
    )
    rule = (
        alt.Chart(rules)
        .mark_rule(strokeDash=[5, 3], strokeWidth=1.5)
        .encode(
            x=x,
            color=rule_color,
            tooltip=[alt.Tooltip("rule:N"), alt.Tooltip("alpha:Q", format=".4g")],
        )
    )
    texts = [
        alt.Chart(rules[rules["side"] == side])
        .mark_text(align=align, dx=dx, fontSize=10)
        .encode(x=x, y=alt.Y("y:Q", scale=None), text="label:N", color=rule_color)
        for side, align, dx in (("left", "right", -4), ("right", "left", 4))
        if (rules["side"] == side).any()
    ]
    layers = [band, line, rule, *texts]
    if brush is not None:
        layers.append(_brush_shade(alphas, brush))
    layers.append(_nonzero_strip(alphas, report.n_nonzero_))
    subtitle = ["numbers along the top: nonzero coefficients; drag to select a range of alpha"]
    if n_below:
        subtitle.append(
            f"y axis zoomed to the scores near the best: {n_below} weaker mean score(s) "
            f"(the null model first) clipped at the bottom"
        )
    return alt.layer(*layers).properties(
        width=WIDTH,
        height=HEIGHT * 0.8,
        title=alt.Title(
            "Cross-validation",
            subtitle=subtitle,
            anchor="start",
            offset=18,
        ),
    )


def _rule_label_sides(alphas, rule_alphas, labels, char_px=6, gap=4):
    """The side of its rule each label goes: alpha_min's (the first) to the right,
    alpha_1se's (the larger alpha, drawn left of it) to the left, each flipped when it
    would leave the plot (about ``char_px`` pixels a character)."""
    pixels = data.alpha_pixels(np.append(alphas, rule_alphas), WIDTH)[len(alphas) :]
    sides = []
    for pixel, label, side in zip(pixels, labels, ("right", "left"), strict=True):
        room = gap + char_px * len(label)
        if side == "left" and pixel < room:
            side = "right"
        elif side == "right" and pixel + room > WIDTH:
            side = "left"
        sides.append(side)
    return sides


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
