"""
The Lasso path
==============

The lesson traces how each coefficient changes with the strength using scikit-learn's
``lasso_path`` on 50 alphas and prints the number of nonzero coefficients at a few of them.
:class:`~sklearn_lasso_tools.LassoPathReport` fits the whole path the way glmnet does
(100 strengths from the smallest one that zeroes every coefficient down, warm starts,
internal standardization) and keeps everything needed to read it: the coefficients, the
order in which features enter, the deviance explained, and a chart.
"""

# %%
# The diabetes data
# -----------------
# Ten baseline variables of 442 diabetes patients and a measure of disease progression
# one year later (Efron et al., 2004, *Least Angle Regression*).
from sklearn.datasets import load_diabetes

from sklearn_lasso_tools import LassoPathReport

X, y = load_diabetes(return_X_y=True, as_frame=True)
report = LassoPathReport(cv=None).fit(X, y)  # the path alone; CV in the next example

# %%
# The lesson's printout, and more
# -------------------------------
# :meth:`~sklearn_lasso_tools.LassoPathReport.path_table` is glmnet's printed table: one row
# per strength with the number of nonzero coefficients and the fraction of deviance
# explained (R² for the squared loss). Every tenth row:
report.path_table().iloc[::10].round(4)

# %%
# The order of entry is the Lasso's ranking of the features: ``bmi`` first, then ``s5``
# (log of serum triglycerides), blood pressure ``bp``, and so on, as in Efron et al.
print(report.entry_order_)

# %%
# The path chart
# --------------
# Coefficients (of standardized features, so they compare) against a log-alpha axis that
# decreases to the right, as the penalty weakens and features enter. The first ``top``
# features to enter are coloured and labelled; the count of nonzero coefficients runs
# along the top. Hover a line to see its feature; click a legend entry to highlight it.
from sklearn_lasso_tools import charts

charts.path_chart(report, top=10)

# %%
# On the caller's scale
# ---------------------
# ``standardized=False`` draws the coefficients as the model uses them on the raw
# features (here the diabetes features are already scaled, so only the units change):
charts.path_chart(report, top=4, standardized=False)

# %%
# The tidy form
# -------------
# :meth:`~sklearn_lasso_tools.LassoPathReport.to_frame` gives one row per strength and
# feature, ready for any plotting library:
report.to_frame().head()
