"""scikit-learn's estimator checks for every estimator, classification and regression."""

from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_lasso_tools import L1Selector, LassoPathReport, SelectThenRefit

# Small grids and few folds keep the ~50 checks per estimator fast; the defaults are
# exercised elsewhere.
ESTIMATORS = [
    L1Selector(alpha=0.01),
    L1Selector(C=1.0, task="classification"),
    L1Selector(n_features=2, alphas=20),
    L1Selector(cv=3, alphas=20, random_state=0),
    SelectThenRefit(L1Selector(alpha=0.01, task="classification"), LogisticRegression()),
    SelectThenRefit(L1Selector(alpha=0.01, task="regression"), LinearRegression()),
    LassoPathReport(alphas=20, cv=3, random_state=0),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
