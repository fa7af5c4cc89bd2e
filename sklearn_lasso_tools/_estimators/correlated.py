"""The correlated-groups table of a fitted report and the sentence that names its groups
(shared by the report's display, the CLI's page and its text summary)."""

import numpy as np
import pandas as pd

__all__ = ["dropped_correlates", "groups_note"]


def dropped_correlates(pairs, is_kept, entry_order, threshold):
    """The groups table of ``LassoPathReport.correlated_groups``: each dropped feature
    once, with the kept feature it correlates with most (``pairs``: the report's
    ``correlations_``; ``is_kept``: a boolean Series by feature name), numbered by the
    kept feature's entry (``entry_order``), strongest correlation first within a group."""
    rows = pairs[
        is_kept.reindex(pairs["feature"]).to_numpy()
        & ~is_kept.reindex(pairs["other"]).to_numpy()
        & (pairs["corr"].abs().to_numpy() >= threshold)
    ]
    strongest = rows["corr"].abs().groupby(rows["other"]).transform("max")
    rows = rows[rows["corr"].abs() == strongest].drop_duplicates("other")
    rank = {name: i for i, name in enumerate(entry_order)}
    order = np.lexsort((-rows["corr"].abs().to_numpy(), rows["feature"].map(rank)))
    rows = rows.iloc[order]
    return pd.DataFrame(
        {
            "group": pd.factorize(rows["feature"])[0] + 1,
            "kept": rows["feature"].to_numpy(),
            "dropped": rows["other"].to_numpy(),
            "corr": rows["corr"].to_numpy(),
        }
    )


def groups_note(groups, threshold):
    """One sentence naming each group and suggesting elastic net ("" when none)."""
    if groups is None or groups.empty:
        return ""
    parts = []
    for kept, rows in groups.groupby("kept", sort=False):
        pairs = zip(rows["dropped"], rows["corr"], strict=True)
        dropped = ", ".join(f"{name} (r = {r:+.2f})" for name, r in pairs)
        parts.append(f"kept {kept}, dropped {dropped}")
    return (
        f"Correlated features (|r| >= {threshold:g}): L1 kept one feature of each group and "
        f"dropped the others, an arbitrary choice among near-copies: {'; '.join(parts)}. "
        "Consider the elastic net (l1_ratio < 1), which spreads the weight across each group."
    )
