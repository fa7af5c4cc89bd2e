"""Charts of the penalties side by side: the L1 / L2 / elastic-net comparison and the
lesson's L1-vs-L2 shrinkage picture."""

import altair as alt
import pandas as pd

from . import _data as data


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
