"""The stability path chart: selection frequency over half-samples along the strengths."""

import altair as alt
import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from . import _data as data
from ._parts import (
    ALPHA_TITLE,
    GREY,
    HEIGHT,
    MAX_ROWS,
    WIDTH,
    _alpha_scale,
    _alpha_x,
    _band_layer,
)


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
