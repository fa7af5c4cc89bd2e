"""The coefficient path: one line per feature against a log-alpha axis, the first to enter
in colour and labelled, the rest thinned; nonzero counts along the top, path events."""

import altair as alt
import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from . import _data as data
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

__all__ = ["path_chart"]


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
