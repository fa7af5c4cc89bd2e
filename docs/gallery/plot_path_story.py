"""
The path's story: events, correlated groups and feature budgets
===============================================================

A single cross-validated strength hides most of what the path says. Three tools of
:class:`~sklearn_lasso_tools.LassoPathReport` tell the rest of the story:

- :meth:`~sklearn_lasso_tools.LassoPathReport.path_events`: where each feature enters,
  leaves and changes sign along the path, with the CV score there (the markers on the
  path chart);
- :meth:`~sklearn_lasso_tools.LassoPathReport.correlated_groups`: near-copies of which L1
  kept one and dropped the others, an arbitrary choice the elastic net avoids;
- budgeted rules, ``rule=k``: the sparsest model within one standard error of the best CV
  score that keeps at most ``k`` features.
"""

# %%
# The path's events on the diabetes data
# --------------------------------------
# On the diabetes data (Efron et al., 2004) the path is not a story of features entering
# one by one and staying: ``s3`` (HDL cholesterol) enters with a negative coefficient,
# leaves the model once ``s4`` (total / HDL cholesterol, correlated -0.74 with it) and
# ``s2`` have entered, and comes back with the opposite sign.
from sklearn.datasets import load_diabetes

from sklearn_lasso_tools import LassoPathReport

X, y = load_diabetes(return_X_y=True, as_frame=True)
report = LassoPathReport(random_state=0).fit(X, y)
report.path_events()

# %%
# ``step`` is the grid index where the change first shows, ``alpha`` the strength there,
# and ``cv_mean`` the mean CV score (negative mean squared error) of that model. The
# exit and the re-entry happen far below ``alpha_1se_`` and ``alpha_min_``, where the CV
# curve is flat: nothing the data can confirm.
print(f"alpha_min_ = {report.alpha_min_:.3g}, alpha_1se_ = {report.alpha_1se_:.3g}")

# %%
# The chart marks exits, re-entries and sign flips of the coloured features (hover a
# marker for its step, nonzero count and CV score). ``events=True`` forces the markers
# when there are many; ``"auto"``, the default, draws them when there are at most 20.
report.chart()

# %%
# Budgeted rules
# --------------
# ``rule=k`` picks the largest alpha within one standard error of the best mean CV score
# that keeps at most ``k`` features: the ``1se`` model when it is small enough. When no
# model within one standard error is that sparse, it takes the best-scoring model that
# keeps at most ``k`` features, and warns.
import warnings

for k in (8, 5, 3):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kept = report.selected_features(k)
    note = " (outside one SE: warned)" if caught else ""
    print(f"rule={k}: {list(kept)}{note}")

# %%
# The same rule selects features in a pipeline (``L1Selector(rule=5)``) and on the
# command line (``sklearn-lasso-tools --dataset diabetes --rule 5``).
from sklearn_lasso_tools import L1Selector

selector = L1Selector(rule=5, random_state=0).fit(X, y)
list(selector.selected_features_)

# %%
# Correlated groups
# -----------------
# When two features carry the same information, L1 keeps one and drops the other, and
# which one it keeps is a coin toss decided by noise. Here ``f1`` is ``f0`` plus a little
# noise, and the outcome depends on both equally.
import numpy as np
import pandas as pd

rng = np.random.default_rng(0)
Z = pd.DataFrame(rng.normal(size=(200, 6)), columns=[f"f{i}" for i in range(6)])
Z["f1"] = Z["f0"] + 0.01 * rng.normal(size=200)
target = Z["f0"] + Z["f1"] + Z["f2"] + rng.normal(size=200)

planted = LassoPathReport(random_state=0).fit(Z, target)
planted.correlated_groups()

# %%
# The correlations are computed at fit between the features the path keeps and every
# feature (``O(n p k)``, sparse-safe; ``X`` is not stored), so any threshold from 0.5 up
# can be asked for afterwards. :func:`~sklearn_lasso_tools.compare_penalties` puts the
# L1 and elastic-net coefficients of those groups side by side: the elastic net shares
# the weight between the near-copies instead of giving it all to one.
from sklearn_lasso_tools import compare_penalties

comparison = compare_penalties(Z, target, Cs=np.logspace(-3, 1, 12), random_state=0)
comparison.groups.round(3)
