"""
Feature selection with L1
=========================

The lesson's readmission model has 30 features, many of them irrelevant, and keeps the
ones whose L1 coefficient is nonzero. :class:`~sklearn_lasso_tools.L1Selector` is that
step as a scikit-learn transformer: it drops into a ``Pipeline``, keeps pandas column
names, and reports which features survived.
"""

# %%
# Data with the lesson's feature names
# ------------------------------------
# The lesson's hospital data is not public, so we simulate 600 patients with the same 30
# features, of which only six carry signal.
import numpy as np
import pandas as pd

feature_names = [
    "age", "weight", "height", "bmi", "serum_creatinine", "hba1c",
    "systolic_bp", "diastolic_bp", "heart_rate", "temp",
    "num_medications", "num_diagnoses", "prior_admissions", "length_of_stay",
    "on_insulin", "on_metformin", "on_warfarin", "on_aspirin",
    "has_ckd", "has_heart_failure", "has_copd", "has_diabetes",
    "discharge_to_home", "discharge_to_snf", "discharge_to_rehab",
    "insurance_medicare", "insurance_medicaid", "insurance_private",
    "admission_month", "weekend_admission",
]  # fmt: skip
rng = np.random.default_rng(0)
n = 600
X = pd.DataFrame(rng.normal(size=(n, 30)), columns=feature_names)
signal = {
    "prior_admissions": 1.2, "has_heart_failure": 0.9, "num_diagnoses": 0.7,
    "serum_creatinine": 0.6, "discharge_to_snf": 0.5, "age": 0.4,
}  # fmt: skip
logit = -0.5 + sum(w * X[f] for f, w in signal.items())
y = pd.Series(rng.random(n) < 1 / (1 + np.exp(-logit)), name="readmitted").astype(int)

# %%
# Select at the lesson's ``C = 0.1``
# ----------------------------------
# The lesson standardizes with ``StandardScaler`` before an L1 ``LogisticRegression``
# (``solver="liblinear"``). ``L1Selector`` standardizes internally (``scale=True``, as
# glmnet), so the penalty treats every feature alike, and reports coefficients on the
# caller's scale.
from sklearn_lasso_tools import L1Selector

selector = L1Selector(C=0.1).fit(X, y)
coef = pd.Series(selector.coef_.ravel(), index=feature_names)
print(f"Features selected by L1 ({selector.support_.sum()}/{len(feature_names)}):")
print(coef[coef != 0].sort_values(key=abs, ascending=False).round(4).to_string())
print("\nFeatures zeroed out:", ", ".join(coef.index[coef == 0]))

# %%
# The six true signals are among the survivors. A few noise features survive too: at a
# fixed ``C`` nothing says how strong the penalty should be. The next examples choose it
# along the whole path, by cross-validation.
#
# In a pipeline
# -------------
# With ``set_output(transform="pandas")`` the selected columns keep their names:
from sklearn.pipeline import make_pipeline

pipe = make_pipeline(L1Selector(C=0.1)).set_output(transform="pandas")
pipe.fit_transform(X, y).head()

# %%
# Keep a fixed number of features
# -------------------------------
# Instead of a strength, ask for a count: the selector walks the path to the strength
# where exactly that many coefficients are nonzero.
top6 = L1Selector(n_features=6).fit(X, y)
print(list(top6.selected_features_), f"alpha_ = {top6.alpha_:.4f}, C_ = {top6.C_:.4f}")

# %%
# The selector keeps the path it walked (``path_``): the six signals are the first six
# features to enter, well before any noise feature.
from sklearn_lasso_tools import charts

charts.path_chart(top6.path_, top=6)
