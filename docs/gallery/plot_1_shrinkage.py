"""
Why L1 gives exact zeros
========================

The lesson writes the L1 loss as *standard loss + λ·Σ|wᵢ|*. The gradient of ``|w|`` is
``sign(w)``: a pull of constant size toward zero, whatever the weight's magnitude. The
gradient of the L2 penalty ``w²`` is ``2w``: a pull proportional to the weight, which fades
as the weight shrinks. So L1 drives small weights to *exactly* zero, and L2 only toward it.
"""

# %%
# The lesson's ``l1_path_intuition()``
# ------------------------------------
# Start from a weight of 2. Each L1 step subtracts ``λ·sign(w)`` (here λ = 0.5) and stops at
# zero; each L2 step multiplies by ``1 - 0.2``.
# :func:`~sklearn_lasso_tools.charts.shrinkage_trajectory` gives the lesson's table.
from sklearn_lasso_tools import charts

table = charts.shrinkage_trajectory(w=2.0, lam=0.5, l2_shrink=0.2, steps=8)
print(table.to_string(index=False))

# %%
# After four steps the L1 weight is exactly ``0.0``; the L2 weight is still ``0.34`` and
# only decays geometrically. The same trajectory as a chart (hover a point for its value):
charts.shrinkage_chart(w=2.0, lam=0.5, l2_shrink=0.2, steps=8)

# %%
# Strength: ``alpha`` and ``C``
# -----------------------------
# The lesson's λ is a strength (larger: more zeros); scikit-learn's
# ``LogisticRegression`` takes ``C``, an *inverse* strength on the summed loss. This
# package uses both with one convention: ``alpha`` is the per-sample strength (glmnet's
# ``lambda``, :class:`~sklearn.linear_model.Lasso`'s ``alpha``), and
# ``C = 1 / (alpha · n_samples)``. A selector fitted with ``C`` reports its ``alpha_``,
# and the other way round:
from sklearn.datasets import load_breast_cancer

from sklearn_lasso_tools import L1Selector

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
by_c = L1Selector(C=0.1).fit(X, y)
by_alpha = L1Selector(alpha=by_c.alpha_).fit(X, y)
print(f"C = {by_c.C_:g}  <->  alpha = 1 / (C * {len(X)}) = {by_c.alpha_:.6f}")
print("same features:", list(by_c.selected_features_) == list(by_alpha.selected_features_))
