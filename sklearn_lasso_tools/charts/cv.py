"""The cross-validation curve: mean score with a +-1 SE band against log-alpha, the
``alpha_min`` and ``alpha_1se`` rules marked."""

import altair as alt
import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from . import _data as data
from ._parts import (
    HEIGHT,
    WIDTH,
    _alpha_x,
    _brush_shade,
    _nonzero_strip,
)

__all__ = ["cv_chart"]


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
