"""
L1, L2 or the elastic net?
==========================

The lesson's advice: use L1 when you expect few features to matter, want a model that uses
few features, or have more features than samples; use L2 when most features carry some
signal or when features are strongly correlated, because L1 then keeps one of a group and
drops the rest, somewhat arbitrarily. The elastic net (a mix, ``l1_ratio`` between 0 and 1)
keeps correlated groups together while still zeroing the rest.
:func:`~sklearn_lasso_tools.compare_penalties` puts the three on the same folds and
strengths.
"""

# %%
# Correlated features
# -------------------
# Three noisy copies of one signal (pairwise correlation about 0.9), two independent
# signals and 15 noise features.
import numpy as np
import pandas as pd

rng = np.random.default_rng(1)
n = 300
latent = rng.normal(size=n)
X = pd.DataFrame(rng.normal(size=(n, 20)), columns=[f"noise_{i}" for i in range(20)])
X = X.rename(columns={"noise_3": "signal_a", "noise_4": "signal_b"})
for i in range(3):
    X[f"noise_{i}"] = latent + 0.33 * rng.normal(size=n)
X = X.rename(columns={f"noise_{i}": f"copy_{i}" for i in range(3)})
logit = 1.5 * latent + X["signal_a"] - X["signal_b"]
y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int), name="y")

# %%
# Compare the penalties
# ---------------------
# The lesson's grid of ``C``, 5-fold ROC AUC, the same folds for all three penalties:
from sklearn_lasso_tools import compare_penalties

comparison = compare_penalties(X, y, Cs=[0.001, 0.01, 0.1, 1, 10, 100], cv=5, random_state=0)
comparison.best.round(4)

# %%
# The chart: CV score and number of nonzero coefficients against ``C`` for each penalty,
# and each penalty's best model's coefficients side by side.
comparison

# %%
# The coefficients of the three correlated copies at each penalty's best strength. L2
# keeps every feature (no zeros at all); L1 and the elastic net both zero the noise, and
# where L1 concentrates the weight of the group on fewer copies, the elastic net spreads
# it more evenly.
comparison.coefs.loc[["copy_0", "copy_1", "copy_2", "signal_a", "signal_b"]].round(3)

# %%
# More features than samples
# --------------------------
# With 80 samples, 2,000 features and four true signals (``gene_0000`` to ``gene_0003``,
# the lesson's p >> n case), the four are the first to enter the L1 path. The chart stays
# readable and small: the first features to enter are drawn in full, the others as thin
# grey lines where they are nonzero.
import warnings

from sklearn_lasso_tools import LassoPathReport

wide = pd.DataFrame(rng.normal(size=(80, 2000)), columns=[f"gene_{i:04d}" for i in range(2000)])
outcome = wide.iloc[:, :4] @ np.array([2.0, -1.5, 1.0, 0.8]) + rng.normal(size=80)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # convergence notes at the weakest penalties
    genes = LassoPathReport(cv=5, random_state=0).fit(wide, outcome)
print("first to enter:", list(genes.entry_order_[:6]))
print("kept at alpha_1se:", len(genes.selected_features("1se")), "features")
genes.chart(top=4)
