"""
Stability selection along the path
==================================

A single cross-validated strength gives one set of features, and nothing says how
fragile it is: refit on slightly different data and L1 may keep a different member of a
group of correlated features, or a few more noise features. Stability selection
(Meinshausen & Bühlmann, 2010) refits the whole path on many half-samples and keeps the
features selected on most of them; with complementary pairs of halves (Shah & Samworth,
2013) it comes with a bound on the expected number of falsely selected features.

:class:`~sklearn_lasso_tools.LassoPathReport` does it with ``n_bootstrap=B``: ``B``
random splits of the samples into two disjoint halves (class by class), the L1 path of
each half on the report's grid (in parallel through joblib), and each feature's selection
frequency at each strength over the ``2B`` halves.
"""

# %%
# Twenty-five pairs of half-samples
# ---------------------------------
# The breast cancer data: 569 tumours, 30 measurements, benign or malignant. The report
# also cross-validates the path, to compare the two ways of choosing features. (50 pairs,
# the selector's default, give smoother frequencies; 25 keep this page quick to build.)
from sklearn.datasets import load_breast_cancer

from sklearn_lasso_tools import L1Selector, LassoPathReport, charts

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
report = LassoPathReport(n_bootstrap=25, random_state=0).fit(X, y)

# %%
# ``stability_path_`` holds the frequencies: one row per strength, one column per
# feature. ``summary()`` gains a ``stability`` column, each feature's largest frequency
# over the *stability region* (below).
report.summary()[["entry_rank", "freq_1se", "stability"]].head(8)

# %%
# The error bound and the stability region
# ----------------------------------------
# Meinshausen & Bühlmann's theorem: if a half-sample selects on average ``q`` features
# anywhere in a region of the path, the features whose frequency reaches ``pi`` somewhere
# in it include on average at most ``q**2 / ((2 pi - 1) p)`` noise features. The region
# therefore cannot extend far down the path, where every half selects many features: it
# runs from the largest strength down to the smallest one that keeps the bound at most
# ``pfer`` (default 1) at ``stability_threshold`` (default 0.75).
in_region = report.alphas_ >= report.stability_alpha_
print(f"region: alpha >= {report.stability_alpha_:.4g} ({in_region.sum()} strengths)")
print(f"q, features per half-sample in the region: {report.stability_q_[in_region][-1]:.3g}")
print(f"stable features: {list(report.stable_features_)}")
print(f"E[false selections] <= {report.stability_bound_:.3g} (Meinshausen & Bühlmann)")
print(f"E[false selections] <= {report.stability_bound_unimodal_:.3g} (Shah & Samworth, unimodal)")

# %%
# The second bound is Shah & Samworth's, about twice as tight, under the extra
# assumption that each noise feature's frequency has a unimodal distribution.
#
# Cross-validation's 1-SE rule keeps many more features; stability selection keeps the
# few that nearly every half-sample agrees on, with an error guarantee instead of a
# prediction score:
print(list(report.selected_features("1se")))

# %%
# The stability path
# ------------------
# Frequencies against a log-alpha axis that decreases to the right, as in the coefficient
# path. The shaded band is the stability region, the dashed rule the threshold; the legend
# lists the most stable features with their largest frequency in the region.
charts.stability_chart(report, top=8)

# %%
# Correlated features trade places
# --------------------------------
# ``worst perimeter`` and ``worst radius`` measure nearly the same thing (correlation
# above 0.99). At the largest strengths most halves take the perimeter; as the penalty
# weakens the radius takes over and the perimeter's frequency falls: L1 keeps one of a
# correlated group, and which one depends on the sample. Both reach the threshold inside
# the region, at different strengths, so both count as stable; a single fit would show
# only one of them.
print(X[["worst perimeter", "worst radius"]].corr().iloc[0, 1].round(4))
pair = ["worst perimeter", "worst radius", "worst concave points"]
report.stability_path_[pair].iloc[:48:4].round(2)

# %%
# A stricter threshold
# --------------------
# The chart can redraw the selection for another threshold (the region and bounds follow):
charts.stability_chart(report, top=5, threshold=0.9)

# %%
# As a transformer
# ----------------
# ``L1Selector(stability=pi)`` keeps the stable features (50 pairs unless ``n_bootstrap``
# says otherwise). Its coefficients are the L1 fit at the end of the stability region on
# the stable features alone, so it drops into a pipeline like any selector.
selector = L1Selector(stability=0.75, n_bootstrap=10, random_state=0).fit(X, y)
print(selector.get_feature_names_out())
print(f"alpha_ = {selector.alpha_:.4g}, bound = {selector.path_.stability_bound_:.3g}")
