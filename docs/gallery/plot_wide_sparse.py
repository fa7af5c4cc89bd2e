"""
Wide, sparse and messy data
===========================

Real tables are wide (tens of thousands of features), sparse (most entries zero) and
sometimes wrong. This example fits a cross-validated L1 path to 50,000 sparse features
without ever densifying them, shows the progress bars ``verbose`` turns on, and what the
package says when the input cannot be used.
"""

# %%
# 50,000 sparse features
# ----------------------
# A ``scipy.sparse`` matrix goes in as it is: standardization is implicit (the column means
# are carried as an offset, never subtracted from the zeros), and only small, dense enough
# working sets of columns are ever densified. Ten columns carry the signal.
import numpy as np
from scipy import sparse

from sklearn_lasso_tools import LassoPathReport

rng = np.random.default_rng(0)
n_samples, n_features, n_signal = 500, 50_000, 10
n_stored = n_samples * n_features // 1000  # 0.1% of the cells
noise = sparse.csc_matrix(
    (
        rng.normal(size=n_stored),
        (rng.integers(0, n_samples, n_stored), rng.integers(0, n_features - n_signal, n_stored)),
    ),
    shape=(n_samples, n_features - n_signal),
)
signal = rng.normal(size=(n_samples, n_signal)) * (rng.random((n_samples, n_signal)) < 0.3)
X = sparse.hstack([sparse.csc_matrix(signal), noise], format="csr")
y = X[:, :n_signal] @ np.linspace(3, 1, n_signal) + 0.5 * rng.normal(size=n_samples)
print(f"X: {X.shape}, {X.nnz} stored values, {X.data.nbytes + X.indices.nbytes:,} bytes")

# %%
# ``verbose=1`` draws a progress bar over the path's strengths and one over the folds (on
# stderr, or as widgets in a notebook). The folds are counted as their results come back,
# wherever joblib runs them: worker processes, threads or a Dask cluster.
report = LassoPathReport(alphas=20, eps=0.05, cv=3, random_state=0, verbose=1).fit(X, y)
print("first to enter:", list(report.entry_order_[:n_signal]))
print(f"alpha_1se keeps {len(report.selected_features('1se'))} of {n_features} features")

# %%
# The chart stays small however wide the data: the first features to enter are drawn,
# the others are thinned to grey lines or a band.
report.chart(top=5)

# %%
# Bad input gets a clear message
# ------------------------------
# Text columns, a single class, more folds than any class has samples: each is a
# ``ValueError`` that says what is wrong (the magics and the command line show the same
# message, without a traceback).
import pandas as pd  # noqa: E402

from sklearn_lasso_tools import L1Selector  # noqa: E402

frame = pd.DataFrame({"age": [30, 40, 50, 60], "city": ["Oslo", "Rome", "Oslo", "Lima"]})
for X_bad, y_bad, params in [
    (frame, [0, 1, 0, 1], {"C": 1.0}),
    (frame[["age"]], ["yes"] * 4, {"C": 1.0}),
    (frame[["age"]], [0, 1, 0, 1], {"cv": 3}),
]:
    try:
        L1Selector(**params).fit(X_bad, y_bad)
    except ValueError as exc:
        print(f"ValueError: {exc}")
