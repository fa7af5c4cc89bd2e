"""
Choosing the strength by cross-validation
=========================================

The lesson fits L1 ``LogisticRegression`` at six values of ``C``, scores each by 5-fold
ROC AUC, and keeps the best. :class:`~sklearn_lasso_tools.LassoPathReport` scores the whole
path (100 strengths) on the same folds in one pass, and applies glmnet's two rules:

- ``alpha_min_``: the strength with the best mean CV score;
- ``alpha_1se_``: the *largest* strength (fewest features) whose mean score is within one
  standard error of the best, a sparser model that is statistically as good.
"""

# %%
# The lesson's loop, over six values of ``C``
# -------------------------------------------
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
folds = StratifiedKFold(5, shuffle=True, random_state=0)
for C in [0.001, 0.01, 0.1, 1, 10, 100]:
    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=C, l1_ratio=1.0, solver="liblinear")
    )
    scores = cross_val_score(model, X, y, cv=folds, scoring="roc_auc")
    n_selected = np.count_nonzero(model.fit(X, y)[-1].coef_)
    print(f"C={C:<6}: AUC={scores.mean():.3f} ± {scores.std():.3f}, features={n_selected}")

# %%
# The whole path, cross-validated
# -------------------------------
from sklearn_lasso_tools import LassoPathReport

report = LassoPathReport(cv=5, random_state=0).fit(X, y)
n = len(X)
for rule in ("min", "1se"):
    alpha = getattr(report, f"alpha_{rule}_")
    kept = report.selected_features(rule)
    print(f"alpha_{rule} = {alpha:.5f} (C = {1 / (alpha * n):.3f}): {len(kept)} features")

# %%
# The report draws the path and the CV curve together (this is what a notebook shows for
# ``report``, or for ``%lasso_path X y``): the mean CV score with a ±1 standard-error
# band, and the two rules marked on both panels. Drag across the CV curve to shade the
# same stretch of the path.
report

# %%
# The CV curve alone:
from sklearn_lasso_tools import charts

charts.cv_chart(report)

# %%
# How stable is the selection?
# ----------------------------
# :meth:`~sklearn_lasso_tools.LassoPathReport.summary` has one row per feature: when it
# entered the path, its coefficient at each rule, and the share of CV folds whose own fit
# selected it there. A feature kept by every fold is a safer bet than one kept by two.
report.summary().head(12).round(3)

# %%
# Use the chosen strength
# -----------------------
# :meth:`~sklearn_lasso_tools.LassoPathReport.selector` returns an
# :class:`~sklearn_lasso_tools.L1Selector` at a rule's strength, ready for a pipeline;
# ``L1Selector(cv=5, rule="1se")`` does the search itself inside ``fit``.
selector = report.selector(rule="1se").fit(X, y)
print(selector.selected_features_)
