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

from . import _chart_data as data
from ._chart_data import shrinkage_trajectory

__all__ = [
    "comparison_chart",
    "cv_chart",
    "path_chart",
    "report_chart",
    "shrinkage_chart",
    "shrinkage_trajectory",
    "stability_chart",
]

MAX_ROWS = 4000  # below Altair's default limit of 5,000 rows per dataset
MAX_EVENTS = 100  # event markers drawn at most (events=True)
AUTO_EVENTS = 20  # events="auto" marks the events only when there are at most this many
WIDTH, HEIGHT = 520, 260
GREY = "#8c8c8c"
ALPHA_TITLE = "alpha (log scale, weaker penalty →)"


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
    y = alt.Y("coef:Q", title=ytitle)
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
        layers.append(_band_layer(band, x, ytitle, ".4g"))
    if grey_lines is not None:
        detail = ["feature:N"] + (["class:N"] if classes is not None else [])
        layers.append(
            alt.Chart(grey_lines)
            .mark_line(color=GREY, strokeWidth=0.7, opacity=0.6)
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
        labels = (
            alt.Chart(last)
            .mark_text(align="left", dx=5, fontSize=10)
            .encode(
                x=x,
                y=y,
                text=label_text,
                color=color,
                opacity=highlight,
            )
        )
        layers += [lines, points, labels]
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
                layers.append(_event_markers(marks, x, ytitle))
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
    base = alt.Chart(table).encode(x=x)
    band = base.mark_area(opacity=0.25, color="#4c78a8").encode(
        y=alt.Y("low:Q", title=ytitle, scale=alt.Scale(zero=False)), y2="high:Q"
    )
    line = base.mark_line(color="#4c78a8", point=alt.OverlayMarkDef(size=20)).encode(
        y=alt.Y("cv_mean:Q", title=ytitle),
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
    text = (
        alt.Chart(rules)
        .mark_text(align="left", dx=4, fontSize=10)
        .encode(x=x, y=alt.Y("y:Q", scale=None), text="label:N", color=rule_color)
    )
    layers = [band, line, rule, text]
    if brush is not None:
        layers.append(_brush_shade(alphas, brush))
    layers.append(_nonzero_strip(alphas, report.n_nonzero_))
    return alt.layer(*layers).properties(
        width=WIDTH,
        height=HEIGHT * 0.8,
        title=alt.Title(
            "Cross-validation",
            subtitle=[
                "numbers along the top: nonzero coefficients; drag to select a range of alpha"
            ],
            anchor="start",
            offset=18,
        ),
    )


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


def stability_chart(report, *, top=10, threshold=None, max_rows=MAX_ROWS):
    """The stability path: each feature's selection frequency over half-samples against a
    decreasing log-alpha axis (as :func:`path_chart`).

    The shaded stability region runs from the first alpha down to the smallest alpha at
    which Meinshausen & Bühlmann's bound on the expected number of false selections is at
    most the report's ``pfer``; a feature is stable when its frequency reaches the
    threshold (the dashed rule) somewhere in the region.

    Parameters
    ----------
    report : LassoPathReport
        Fitted with ``n_bootstrap``.
    top : int, default=10
        The ``top`` most stable features (largest frequency in the region) are coloured
        and listed in the legend with that frequency (click an entry to highlight it); the
        others are thin grey lines.
    threshold : float, default=None
        The selection threshold in (0.5, 1] to draw, and to compute the region, the
        stable set and the bounds in the subtitle; ``None`` is the report's
        ``stability_threshold``.
    max_rows : int, default=4000
        Row budget of each dataset in the spec; grey lines past it become a grey band.

    Returns
    -------
    alt.LayerChart

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lasso_tools import LassoPathReport
    >>> from sklearn_lasso_tools.charts import stability_chart
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 8))
    >>> y = X[:, 0] - 2 * X[:, 1] + rng.normal(size=60)
    >>> report = LassoPathReport(alphas=20, cv=None, n_bootstrap=5, random_state=0)
    >>> spec = stability_chart(report.fit(X, y), top=3).to_dict()
    >>> spec["title"]["text"]
    'Stability path'
    """
    check_is_fitted(report, "coefs_")
    if not hasattr(report, "stability_result_"):
        raise ValueError(
            "stability_chart needs a LassoPathReport fitted with n_bootstrap; this one has "
            "n_bootstrap=None, so there are no selection frequencies to draw."
        )
    top = data.check_int(top, "top", 0)
    max_rows = data.check_int(max_rows, "max_rows", 1)
    alphas = np.asarray(report.alphas_, dtype=float)
    values, features, top_names, chosen = data.stability_values(report, threshold, top)
    threshold = report.stability_threshold if threshold is None else float(threshold)
    is_top = np.isin(features, top_names)
    region_end = float(alphas[chosen.end])

    x = _alpha_x(alphas)
    ytitle = "selection frequency"
    y = alt.Y("frequency:Q", title=ytitle, scale=alt.Scale(domain=[0, 1]))
    region = pd.DataFrame(
        {"start": [float(alphas[0])], "end": [region_end], "label": ["stability region"]}
    )
    layers = [
        alt.Chart(region)
        .mark_rect(color="#4c78a8", opacity=0.08)
        .encode(
            x=alt.X("start:Q", scale=_alpha_scale(alphas), title=ALPHA_TITLE),
            x2="end:Q",
            tooltip=[
                alt.Tooltip("label:N", title="shaded"),
                alt.Tooltip("end:Q", title="down to alpha", format=".4g"),
            ],
        ),
        alt.Chart(pd.DataFrame({"threshold": [threshold]}))
        .mark_rule(color="#444", strokeDash=[5, 3], strokeWidth=1.2)
        .encode(y=alt.Y("threshold:Q", title=ytitle), tooltip=["threshold:Q"]),
    ]
    grey_lines, band, n_grey, n_band = data.thin_rest(
        alphas, values[:, ~is_top], features[~is_top], None, max_rows
    )
    if band is not None:
        layers.append(_band_layer(band, x, ytitle, ".3g"))
    tooltip = [
        alt.Tooltip("feature:N"),
        alt.Tooltip("alpha:Q", format=".4g"),
        alt.Tooltip("frequency:Q", format=".3g"),
    ]
    if grey_lines is not None:
        layers.append(
            alt.Chart(grey_lines.rename(columns={"coef": "frequency"}))
            .mark_line(color=GREY, strokeWidth=0.7, opacity=0.6)
            .encode(x=x, y=y, detail="feature:N", tooltip=tooltip[:1])
        )
    if top_names:
        frame = data.long_frame(alphas, values[:, is_top], features[is_top], None, max_rows)
        frame = frame.rename(columns={"coef": "frequency"})
        best = dict(zip(features, chosen.max_frequency, strict=True))
        legend = [f"{name} ({best[name]:.2f})" for name in top_names]
        frame["legend"] = frame["feature"].map(dict(zip(top_names, legend, strict=True)))
        pick = alt.selection_point(fields=["legend"], bind="legend")
        color = alt.Color(
            "legend:N",
            sort=legend,
            title="most stable (max in region)",
            scale=alt.Scale(scheme="tableau10" if len(legend) <= 10 else "category20"),
            legend=alt.Legend(symbolType="stroke", orient="right", labelLimit=260),
        )
        base = alt.Chart(frame).encode(
            x=x,
            y=y,
            color=color,
            opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.15)),
        )
        layers += [
            base.mark_line(strokeWidth=2).add_params(pick),
            base.mark_circle(size=14).encode(tooltip=tooltip),
        ]

    n_pairs = report.stability_result_.n_pairs
    unimodal = chosen.unimodal_bound
    bounds = f"expected false selections ≤ {chosen.mb_bound:.3g} (Meinshausen–Bühlmann)"
    if np.isfinite(unimodal):
        bounds += f", ≤ {unimodal:.3g} if unimodal (Shah–Samworth)"
    subtitle = [
        f"{2 * n_pairs} half-samples ({n_pairs} complementary pairs); shaded: alpha ≥ "
        f"{region_end:.3g}, where a half-sample selects {chosen.q:.3g} features on average",
        f"{int(chosen.stable.sum())} stable (frequency ≥ {threshold:g} in the region); " + bounds,
    ]
    rest = []
    if n_grey:
        rest.append(f"{n_grey} grey lines")
    if n_band:
        rest.append(f"{n_band} features as a grey band")
    hidden = len(features) - len(top_names) - n_grey - n_band
    if hidden > 0:
        rest.append(f"{hidden} never selected")
    if rest:
        subtitle.append("; ".join(rest))
    return alt.layer(*layers).properties(
        width=WIDTH,
        height=HEIGHT,
        title=alt.Title("Stability path", subtitle=subtitle, anchor="start", offset=12),
    )


def comparison_chart(comparison, *, top=20, standardized=True):
    """L1, L2 and elastic net side by side, on the same folds and strengths.

    Top left: mean CV score (±1 SE) against ``C`` per penalty, the best ``C`` of each
    marked; top right: nonzero coefficients against ``C``; below: each penalty's best
    model's coefficients, per feature. Click a legend entry to highlight a penalty.

    Parameters
    ----------
    comparison : PenaltyComparison
        What :func:`compare_penalties` returned.
    top : int, default=20
        Features shown in the coefficient panel: the largest by absolute (standardized)
        coefficient in any penalty's best model.
    standardized : bool, default=True
        Coefficients times the feature standard deviation, as penalized.

    Returns
    -------
    alt.VConcatChart
    """
    top = data.check_int(top, "top", 1)
    table = comparison.table.copy()
    penalties = list(dict.fromkeys(table["penalty"]))
    table = table.assign(
        low=table["cv_mean"] - table["cv_se"],
        high=table["cv_mean"] + table["cv_se"],
        best=table["best"].astype(bool),
    )
    report = comparison.reports[penalties[0]]
    pick = alt.selection_point(fields=["penalty"], bind="legend")
    highlight = alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.15))
    color = alt.Color(
        "penalty:N",
        sort=penalties,
        scale=alt.Scale(domain=penalties),
        legend=alt.Legend(title="penalty", symbolOpacity=1),
    )
    x = alt.X(
        "C:Q",
        scale=alt.Scale(type="log"),
        title="C = 1 / (alpha n)  (weaker →)",
        axis=alt.Axis(grid=False, format="~g"),
    )
    tooltip = [
        alt.Tooltip("penalty:N"),
        alt.Tooltip("C:Q", format=".4g"),
        alt.Tooltip("cv_mean:Q", format=".4g"),
        alt.Tooltip("cv_se:Q", format=".3g"),
        alt.Tooltip("n_nonzero:Q"),
    ]
    base = alt.Chart(table).encode(x=x, color=color, opacity=highlight)
    ytitle = f"CV {data.scoring_name(report)} (mean ± 1 SE)"
    score = alt.layer(
        base.mark_area(opacity=0.15).encode(
            y=alt.Y("low:Q", title=ytitle, scale=alt.Scale(zero=False)),
            y2="high:Q",
            opacity=alt.value(0.15),
        ),
        base.mark_line(point=True).encode(y="cv_mean:Q", tooltip=tooltip).add_params(pick),
        base.mark_point(shape="diamond", size=160, filled=True)
        .encode(y="cv_mean:Q", tooltip=tooltip)
        .transform_filter(alt.datum.best),
    ).properties(
        width=330,
        height=220,
        title=alt.Title(
            "CV score by strength", subtitle="diamond: best C of each penalty", anchor="start"
        ),
    )
    nonzero = (
        base.mark_line(point=True, interpolate="step-after")
        .encode(
            y=alt.Y("n_nonzero:Q", title="nonzero coefficients"),
            tooltip=tooltip,
        )
        .properties(width=330, height=220, title=alt.Title("Sparsity by strength", anchor="start"))
    )
    coefs, n_features = data.best_coefs(comparison, penalties, standardized, top)
    order = list(dict.fromkeys(coefs["feature"]))
    what = "standardized coefficient" if standardized else "coefficient"
    bars = (
        alt.Chart(coefs)
        .mark_bar()
        .encode(
            y=alt.Y("feature:N", sort=order, title=None),
            yOffset=alt.YOffset("penalty:N", sort=penalties),
            x=alt.X("coef:Q", title=f"{what} of the best model"),
            color=color,
            opacity=highlight,
            tooltip=[
                alt.Tooltip("feature:N"),
                alt.Tooltip("penalty:N"),
                alt.Tooltip("coef:Q", format=".4g"),
            ],
        )
        .properties(
            width=700,
            height=alt.Step(5),  # per bar: features are len(penalties) bars apart
            title=alt.Title(
                "Coefficients of each penalty's best model",
                subtitle=f"{len(order)} of {n_features} features: the largest"
                + (
                    ", and L1's correlated groups (see .groups)"
                    if not getattr(comparison, "groups", pd.DataFrame()).empty
                    else ""
                ),
                anchor="start",
            ),
        )
    )
    return alt.vconcat(alt.hconcat(score, nonzero), bars)


def shrinkage_chart(w=2.0, lam=0.5, l2_shrink=0.2, steps=8):
    """Why L1 gives exact zeros: the lesson's L1-vs-L2 weight trajectory, as a chart.

    Parameters
    ----------
    w, lam, l2_shrink, steps
        As for :func:`shrinkage_trajectory`.

    Returns
    -------
    alt.LayerChart
    """
    table = data.shrinkage_trajectory(w, lam, l2_shrink, steps)
    start = pd.DataFrame({"step": [-1], "l1_weight": [float(w)], "l2_weight": [float(w)]})
    table = pd.concat([start, table], ignore_index=True)
    names = {
        "l1_weight": f"L1: w − {lam:g}·sign(w), stops at 0",
        "l2_weight": f"L2: w × {1 - l2_shrink:g}, never reaches 0",
    }
    long = table.melt("step", var_name="penalty", value_name="weight")
    long["penalty"] = long["penalty"].map(names)
    long["step"] = long["step"] + 1  # 0 is the starting weight
    color = alt.Color(
        "penalty:N", sort=list(names.values()), title=None, legend=alt.Legend(orient="top-right")
    )
    base = alt.Chart(long).encode(
        x=alt.X("step:Q", title="step", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("weight:Q", title="weight"),
        color=color,
        tooltip=[
            alt.Tooltip("penalty:N"),
            alt.Tooltip("step:Q"),
            alt.Tooltip("weight:Q", format=".4f"),
        ],
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#444").encode(y="zero:Q")
    return alt.layer(zero, base.mark_line(), base.mark_point(filled=True, size=50)).properties(
        width=420,
        height=240,
        title=alt.Title(
            "L1 pulls by a constant, L2 by a proportion",
            subtitle=f"starting weight {w:g}",
            anchor="start",
        ),
    )


# --- helpers ---------------------------------------------------------------------------


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
    return 12 + 6 * chars


def _nonzero_strip(alphas, n_nonzero, labels=12):
    """The nonzero count as text along the top edge of the plot (glmnet's top axis)."""
    idx = np.unique(np.linspace(0, len(alphas) - 1, min(labels, len(alphas))).round().astype(int))
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


def _event_markers(marks, x, ytitle):
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
            y=alt.Y("coef:Q", title=ytitle),
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
            x=alt.X("min(alpha):Q", scale=_alpha_scale(alphas), title=None),
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


def _band_layer(band, x, ytitle, number_format):
    """The grey band that stands for the features past the drawn lines (see thin_rest)."""
    return (
        alt.Chart(band)
        .mark_area(color=GREY, opacity=0.25)
        .encode(
            x=x,
            y=alt.Y("low:Q", title=ytitle),
            y2="high:Q",
            tooltip=[
                alt.Tooltip("features:N", title="grey band"),
                alt.Tooltip("alpha:Q", format=".4g"),
                alt.Tooltip("low:Q", format=number_format),
                alt.Tooltip("high:Q", format=number_format),
            ],
        )
    )
