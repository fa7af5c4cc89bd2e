"""Shared fixtures: the two datasets of the lesson, as DataFrames (named features), loaded
once per session. Tests that fit keep their own fits next to them.

pytest puts this folder on ``sys.path`` (no ``__init__.py``: "prepend" imports), so the R
harness ``_glmnet`` and the browser helper ``_chromium`` import as plain modules.
"""

import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes


@pytest.fixture(scope="session")
def diabetes_xy():
    """scikit-learn's diabetes data: 442 x 10 (standardized columns), a continuous target."""
    return load_diabetes(return_X_y=True, as_frame=True)


@pytest.fixture(scope="session")
def cancer_xy():
    """scikit-learn's breast-cancer data: 569 x 30, a binary target."""
    return load_breast_cancer(return_X_y=True, as_frame=True)
