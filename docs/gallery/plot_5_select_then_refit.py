"""
Select with L1, then refit
==========================

L1 does two jobs at once: it picks features and it shrinks the weights of those it keeps
toward zero. The lesson separates them: L1 selects, then a model with a milder penalty
refits the survivors without L1's bias (the *relaxed* or *post*-Lasso).
:class:`~sklearn_lasso_tools.SelectThenRefit` is that workflow as one estimator, so it can
be cross-validated and tuned as a whole, with no leakage from selection into evaluation.
"""

# %%
# The lesson's pipeline, and the same with this package
# -----------------------------------------------------
# The lesson standardizes, selects with ``SelectFromModel`` around an L1
# ``LogisticRegression`` at ``C = 0.1``, then refits an L2 ``LogisticRegression``. With
# this package the last two steps are one estimator. Both are scored on the same folds.
from sklearn.datasets import load_breast_cancer
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lasso_tools import L1Selector, SelectThenRefit

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
folds = StratifiedKFold(5, shuffle=True, random_state=0)

lesson = make_pipeline(
    StandardScaler(),
    SelectFromModel(LogisticRegression(C=0.1, l1_ratio=1.0, solver="liblinear")),
    LogisticRegression(C=1.0),
)
ours = make_pipeline(
    StandardScaler(), SelectThenRefit(L1Selector(C=0.1), LogisticRegression(C=1.0))
).set_output(transform="pandas")  # keep the column names through the scaler
for name, model in [("SelectFromModel + L2", lesson), ("SelectThenRefit", ours)]:
    scores = cross_val_score(model, X, y, cv=folds, scoring="roc_auc")
    print(f"{name:<22} CV AUC: {scores.mean():.4f} ± {scores.std():.4f}")

# %%
# ``SelectFromModel`` keeps the features whose coefficient is at least ``1e-5`` in
# absolute value; ``L1Selector`` keeps those that are exactly nonzero. Both penalize the
# standardized features here, so they keep much the same set at the same ``C``.
#
# Fitted attributes
# -----------------
# After ``fit``, ``coef_`` has one entry per *input* feature: the refit's weights where
# selected, zero elsewhere.
refit = ours.fit(X, y)[-1]
print(refit.selected_features_)
print(refit.coef_.round(3))

# %%
# L1's shrinkage, and the refit without it
# ----------------------------------------
# The same features, with their L1 coefficients (from the selector) and their refitted
# coefficients: the refit undoes most of L1's pull toward zero.
import altair as alt
import pandas as pd

kept = refit.selector_.get_support()
coefs = pd.DataFrame(
    {
        "feature": X.columns[kept],
        "L1 (C = 0.1)": refit.selector_.coef_.ravel()[kept],
        "refit (L2, C = 1)": refit.coef_.ravel()[kept],
    }
).melt("feature", var_name="fit", value_name="coefficient")
alt.Chart(coefs, title="Standardized coefficients of the selected features").mark_bar().encode(
    x=alt.X("coefficient:Q"),
    y=alt.Y("feature:N", title=None),
    yOffset="fit:N",
    color=alt.Color("fit:N", title=None),
    tooltip=["feature", "fit", alt.Tooltip("coefficient:Q", format=".3f")],
)

# %%
# Choose the strength inside, by CV
# ---------------------------------
# With ``L1Selector(cv=5, rule="1se")`` the strength is chosen by cross-validation on
# each training set, so the outer CV score is honest about the whole procedure.
auto = make_pipeline(
    StandardScaler(),
    SelectThenRefit(L1Selector(cv=5, rule="1se", random_state=0), LogisticRegression()),
)
scores = cross_val_score(auto, X, y, cv=folds, scoring="roc_auc")
print(f"CV-chosen L1 (1se) + refit: AUC {scores.mean():.4f} ± {scores.std():.4f}")

# %%
# Tune it like any estimator
# --------------------------
# Nested parameters reach both parts, ``selector__C`` and ``estimator__C`` (here behind
# the pipeline step's name, ``selectthenrefit__``):
from sklearn.model_selection import GridSearchCV

grid = GridSearchCV(
    ours,
    {"selectthenrefit__selector__C": [0.01, 0.1, 1.0]},
    cv=folds,
    scoring="roc_auc",
).fit(X, y)
print(grid.best_params_, f"AUC {grid.best_score_:.4f}")
