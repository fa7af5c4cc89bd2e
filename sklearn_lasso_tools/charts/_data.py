"""Tidy, thinned data for the charts: pure numpy and pandas, no Altair."""

import numpy as np
import pandas as pd

__all__ = [
    "best_coefs",
    "check_int",
    "coef_domain",
    "count_ticks",
    "cv_domain",
    "event_points",
    "feature_names",
    "long_frame",
    "path_values",
    "round_sig",
    "scoring_name",
    "shrinkage_trajectory",
    "spread_labels",
    "stability_values",
    "thin_rest",
]


def shrinkage_trajectory(w=2.0, lam=0.5, l2_shrink=0.2, steps=8):
    """The lesson's table: a weight under repeated L1 and L2 shrinkage steps.

    L1 subtracts ``lam * sign(w)`` each step and stops at exactly zero once ``|w| <= lam``;
    L2 multiplies by ``1 - l2_shrink`` and only approaches zero.

    Parameters
    ----------
    w : float, default=2.0
        The starting weight.
    lam : float, default=0.5
        The L1 step (a constant pull, whatever the size of the weight).
    l2_shrink : float, default=0.2
        The L2 proportional shrinkage per step.
    steps : int, default=8

    Returns
    -------
    DataFrame with columns ``step``, ``l1_weight``, ``l2_weight`` (weights after each
    step, as the lesson prints them).

    Examples
    --------
    >>> table = shrinkage_trajectory()
    >>> table["l1_weight"].tolist()  # exactly zero from step 3 on
    [1.5, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]
    >>> [round(w, 4) for w in table["l2_weight"][:4]]  # never zero
    [1.6, 1.28, 1.024, 0.8192]
    """
    steps = check_int(steps, "steps", 1)
    w_l1 = w_l2 = float(w)
    rows = []
    for step in range(steps):
        w_l1 = w_l1 - lam * np.sign(w_l1) if abs(w_l1) > lam else 0.0
        w_l2 = w_l2 * (1 - l2_shrink)
        rows.append((step, float(w_l1), float(w_l2)))
    return pd.DataFrame(rows, columns=["step", "l1_weight", "l2_weight"])


def check_int(value, name, low):
    """``value`` as an int, or a ValueError naming the parameter."""
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, (int, np.integer))
        or value < low
    ):
        raise ValueError(f"The '{name}' parameter must be an int >= {low}. Got {value!r} instead.")
    return int(value)


def feature_names(report):
    """The report's feature names, as strings."""
    return np.asarray([str(name) for name in report.feature_names_], dtype=object)


def path_values(report, standardized, multiclass):
    """(n_alphas, n_series) values with each series' feature and class (or None)."""
    coefs = np.asarray(report.coefs_, dtype=float)
    if standardized:
        coefs = coefs * np.asarray(report.linear_path_.scales, dtype=float)
    names = feature_names(report)
    if coefs.ndim == 2:
        return coefs, names, None
    n_alphas, n_classes, n_features = coefs.shape
    if multiclass == "norm":
        return np.sqrt((coefs**2).sum(axis=1)), names, None
    values = coefs.transpose(0, 2, 1).reshape(n_alphas, n_features * n_classes)
    classes = np.asarray([str(c) for c in report.classes_], dtype=object)
    return values, np.repeat(names, n_classes), np.tile(classes, n_features)


def round_sig(values, digits=4):
    """Significant digits only, to keep the spec small."""
    return np.asarray([float(f"{v:.{digits}g}") for v in np.asarray(values, float).ravel()])


def long_frame(alphas, values, features, classes, max_rows, keep=None):
    """Tidy rows (alpha, feature[, class], coef) of whole series, thinning alphas if needed."""
    n_alphas, n_series = values.shape
    rows = np.arange(n_alphas)
    if n_series and n_alphas * n_series > max_rows:
        count = max(2, max_rows // n_series)
        rows = np.unique(np.linspace(0, n_alphas - 1, count).round().astype(int))
    if keep is None:
        keep = np.ones_like(values, dtype=bool)
    keep = keep[rows]
    ai, si = np.nonzero(keep)
    frame = {"alpha": round_sig(alphas[rows][ai], 6), "feature": features[si]}
    if classes is not None:
        frame["class"] = classes[si]
    frame["coef"] = round_sig(values[rows][ai, si])
    return pd.DataFrame(frame)


def thin_rest(alphas, values, features, classes, max_rows):
    """Grey lines reduced to where they are nonzero (plus the zero on either side), in
    order of entry while they fit in ``max_rows``; the remaining entering series as one
    band of their range per alpha. Returns (lines, band, n_line_features, n_band_features).
    """
    nonzero = values != 0
    keep = nonzero.copy()
    keep[1:] |= nonzero[:-1]
    keep[:-1] |= nonzero[1:]
    cost = keep.sum(axis=0)
    entered = np.flatnonzero(cost > 0)
    if entered.size == 0:
        return None, None, 0, 0
    first = nonzero[:, entered].argmax(axis=0)
    entered = entered[np.argsort(first, kind="stable")]
    fits = np.cumsum(cost[entered]) <= max_rows
    lines, banded = entered[fits], entered[~fits]
    frame = band = None
    if lines.size:
        frame = long_frame(
            alphas,
            values[:, lines],
            features[lines],
            None if classes is None else classes[lines],
            np.inf,
            keep=keep[:, lines],
        )
    n_band = len(np.unique(features[banded]))
    if banded.size:
        band = pd.DataFrame(
            {
                "alpha": round_sig(alphas, 6),
                "low": round_sig(values[:, banded].min(axis=1)),
                "high": round_sig(values[:, banded].max(axis=1)),
                "features": f"range of {n_band} more features",
            }
        )
    n_lines = len(np.unique(features[lines])) if lines.size else 0
    return frame, band, n_lines, n_band


def coef_domain(values, pad=0.05):
    """The y range of the coloured lines: their extent and zero, padded by ``pad`` of the
    span on either side (None when every value is zero)."""
    lo = min(0.0, float(np.min(values, initial=0.0)))
    hi = max(0.0, float(np.max(values, initial=0.0)))
    if hi == lo:
        return None
    span = hi - lo
    return [float(round_sig([lo - pad * span])[0]), float(round_sig([hi + pad * span])[0])]


def spread_labels(targets, domain, height, gap):
    """Heights for end-of-line labels at ``targets`` (data units on a linear y scale with
    ``domain`` drawn ``height`` pixels tall): at least ``gap`` pixels apart, inside the
    plot, and as close to their lines as that allows (least squares, keeping their order).
    """
    from sklearn.isotonic import isotonic_regression

    targets = np.asarray(targets, dtype=float)
    n = targets.size
    if n == 0:
        return targets
    lo, hi = domain
    per_px = (hi - lo) / height
    gap = min(gap, height / n)  # too many labels for the height: closer, never outside
    order = np.argsort(targets, kind="stable")
    steps = np.arange(n) * gap
    # p_i - i * gap is non-decreasing exactly when neighbours are gap apart: isotonic fit
    pixels = (targets[order] - lo) / per_px
    spread = isotonic_regression(pixels - steps) + steps
    spread = np.maximum(spread, gap / 2 + steps)
    spread = np.minimum(spread, height - gap / 2 - steps[::-1])
    out = np.empty(n)
    out[order] = lo + spread * per_px
    return out


def alpha_pixels(alphas, width):
    """Where each alpha falls on a log axis decreasing from left to right, in pixels."""
    logs = np.log(np.asarray(alphas, dtype=float))
    span = logs.max() - logs.min()
    return (logs.max() - logs) / span * width if span > 0 else np.zeros_like(logs)


def count_ticks(alphas, counts, width, spacing):
    """Grid indices at which to print the nonzero count along the top of a chart.

    The count is a step function of alpha that can fall where features exit, so evenly
    spaced labels may read "16 17 16". These are chosen from left (the largest alpha) to
    right so that the printed counts strictly increase and sit at least ``spacing`` pixels
    apart: the first alpha, alphas whose count no weaker alpha goes below (no transient
    peaks), and the last alpha. Each label is the exact count at its alpha.
    """
    counts = np.asarray(counts)
    pixels = alpha_pixels(alphas, width)
    last = len(counts) - 1
    floor = np.minimum.accumulate(counts[::-1])[::-1]  # the fewest at this alpha or weaker
    chosen = [0]
    for i in range(1, last):
        if (
            counts[i] == floor[i]
            and counts[chosen[-1]] < counts[i] < counts[last]
            and pixels[i] - pixels[chosen[-1]] >= spacing
            and pixels[last] - pixels[i] >= spacing
        ):
            chosen.append(i)
    if last > 0 and counts[last] > counts[chosen[-1]]:
        if pixels[last] - pixels[chosen[-1]] < spacing and len(chosen) > 1:
            chosen.pop()
        chosen.append(last)
    return np.asarray(chosen)


def cv_domain(mean, se, n_nonzero, best, width_se=10, pad=0.05):
    """The y range of the CV curve: its ±1 SE band past the null model (no nonzero
    coefficient), no lower than ``width_se`` standard errors under the best mean, padded
    by ``pad`` of the span. The steep first step from the null model would otherwise
    flatten the curve where the rules are. Returns ``(domain, n_below)`` where ``n_below``
    counts the mean scores under the range (drawn clipped)."""
    mean = np.asarray(mean, dtype=float)
    se = np.nan_to_num(np.asarray(se, dtype=float))
    fitted = np.asarray(n_nonzero) > 0
    if not fitted.any():
        fitted[:] = True
    lo = float(np.min((mean - se)[fitted]))
    hi = float(np.max((mean + se)[fitted]))
    if se[best] > 0:
        lo = max(lo, float(mean[best] - width_se * se[best]))
    if not hi > lo:
        return None, 0
    span = hi - lo
    domain = [float(v) for v in round_sig([lo - pad * span, hi + pad * span], 6)]
    return domain, int((mean < domain[0]).sum())


def stability_values(report, threshold, top):
    """Frequencies along the path, the ``top`` most stable features, and the stable set at
    ``threshold`` (the report's when None): ``(values, names, top_names, chosen)``.

    The most stable features are those with the largest frequency over the stability
    region, then over the whole path (features never selected are never "top").
    """
    from .._engine.stability import select_stable

    result = report.stability_result_
    if threshold is None:
        threshold = report.stability_threshold
    number = isinstance(threshold, (int, float, np.number)) and not isinstance(threshold, bool)
    if not (number and 0.5 < threshold <= 1):
        raise ValueError(
            "The 'threshold' parameter must be a float in (0.5, 1] (a selection frequency). "
            f"Got {threshold!r} instead."
        )
    chosen = select_stable(result, float(threshold), report.pfer)
    values = np.asarray(result.frequency, dtype=float)
    names = feature_names(report)
    overall = values.max(axis=0)
    order = np.lexsort((-overall, -chosen.max_frequency))
    order = order[overall[order] > 0]
    return values, names, [str(name) for name in names[order[:top]]], chosen


def event_points(report, values, features, classes, shown, limit):
    """Where to mark the exits, re-entries and sign flips of the ``shown`` features on the
    path chart.

    Returns ``(points, n_events)``: at most ``limit`` events (earliest first) with the
    plotted value ``coef`` there (0 for an exit; for a multinomial path drawn as norms, the
    norm), and how many such events there are in all. An entry after an exit is a
    "re-enter".
    """
    table = report.path_events()
    table = table[table["feature"].isin(shown)].reset_index(drop=True)
    exited = table["event"].eq("exit").groupby(table["feature"]).cumsum() > 0
    reenter = table["event"].eq("enter") & exited
    table["event"] = table["event"].astype(str).where(~reenter, "re-enter")
    table = table[table["event"] != "enter"]
    n_events = len(table)
    table = table.head(limit).reset_index(drop=True)
    coef = np.zeros(len(table))
    names = np.asarray(features, dtype=object)
    per_class = classes is not None and "class" in table
    for row, (feature, step, event) in enumerate(
        zip(table["feature"], table["step"], table["event"], strict=True)
    ):
        if event == "exit":
            continue
        series = names == feature
        if per_class:
            series &= np.asarray(classes, dtype=object) == str(table["class"].iloc[row])
        coef[row] = values[step, np.flatnonzero(series)[0]]
    points = table.assign(
        alpha=round_sig(table["alpha"], 6),
        coef=round_sig(coef),
        event=table["event"].astype(str),
    )
    if "class" in points:
        points["class"] = points["class"].astype(str).where(points["class"].notna(), "")
    if "cv_mean" in points:
        points["cv_mean"] = round_sig(points["cv_mean"])
    return points, n_events


def best_coefs(comparison, penalties, standardized, top):
    """Tidy (feature, penalty, coef) of the best models: the ``top`` largest features."""
    table = comparison.coefs
    names = np.asarray([str(name) for name in table.index], dtype=object)
    columns = {}
    for penalty in penalties:
        cols = [c for c in table.columns if c == penalty or str(c).startswith(f"{penalty}[")]
        block = table[cols].to_numpy(dtype=float)
        if standardized:
            scales = comparison.reports[penalty].linear_path_.scales
            block = block * np.asarray(scales, dtype=float)[:, None]
        # multinomial: the norm across classes, as in path_chart
        columns[penalty] = block[:, 0] if len(cols) == 1 else np.sqrt((block**2).sum(axis=1))
    wide = pd.DataFrame(columns, index=names)
    size = wide.abs().max(axis=1)
    chosen = size[size > 0].sort_values(ascending=False, kind="stable").index[:top]
    groups = getattr(comparison, "groups", None)
    if groups is not None and not groups.empty:  # L1's correlated groups, always shown
        chosen = chosen.append(pd.Index([str(f) for f in groups["feature"]])).unique()
    wide = wide.loc[chosen]
    long = (
        wide.rename_axis("feature")
        .reset_index()
        .melt("feature", var_name="penalty", value_name="coef")
    )
    long["coef"] = round_sig(long["coef"])
    return long, len(names)


def scoring_name(report):
    """The name of the scorer behind a fitted report's CV scores: its ``scoring``, else
    its path's family's default."""
    scoring = getattr(report, "scoring", None)
    if isinstance(scoring, str):
        return scoring
    if scoring is not None:
        return "score"
    return report.linear_path_.family.default_scoring
