"""
Penalty factors and sign constraints
====================================

Sometimes a feature must stay in the model whatever the strength (a known confounder, a
treatment indicator), some features deserve more shrinkage than others, or a coefficient
can only be positive. glmnet answers with ``penalty.factor`` and ``lower.limits``;
:class:`~sklearn_lasso_tools.L1Selector` and :class:`~sklearn_lasso_tools.LassoPathReport`
take the same ideas as ``penalty_factor`` and ``positive``.

The penalty becomes ``alpha * sum_j f_j * |w_j|`` (on standardized coefficients), with the
factors ``f`` rescaled to sum to the number of features as glmnet does: ``f_j = 0`` leaves a
feature unpenalized, so it is in the model at every strength, and a larger ``f_j`` makes a
feature enter later.
"""

# %%
# Always keep age and sex
# -----------------------
# On the diabetes data, age and sex are nuisance variables an analyst may want to adjust
# for before asking which of the blood measurements matter.
import numpy as np
from sklearn.datasets import load_diabetes

from sklearn_lasso_tools import L1Selector, LassoPathReport, charts

X, y = load_diabetes(return_X_y=True, as_frame=True)
factor = np.where(X.columns.isin(["age", "sex"]), 0.0, 1.0)
report = LassoPathReport(cv=5, penalty_factor=factor, random_state=0).fit(X, y)

# %%
# At the start of the path (``alphas_[0]``, the smallest strength that zeroes every
# *penalized* feature) age and sex are already in, at their least-squares values given
# the intercept; the other features enter as the penalty weakens.
report.path_table().head(3)

# %%
print(report.entry_order_)

# %%
charts.path_chart(report, top=6)

# %%
# The same selection as a transformer: age and sex survive any strength.
selector = L1Selector(alpha=10.0, penalty_factor=factor).fit(X, y)
selector.get_feature_names_out()

# %%
# Non-negative coefficients
# -------------------------
# ``positive=True`` constrains every coefficient to be at least zero (glmnet's
# ``lower.limits = 0``): features whose effect is negative never enter.
positive = LassoPathReport(cv=None, positive=True).fit(X, y)
never = X.columns[np.all(positive.coefs_ == 0, axis=0)]
print("never enter:", list(never))
