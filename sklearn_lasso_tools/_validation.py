"""Input checks shared by the estimators: task detection, targets, strengths. No fitting."""

import numbers

import numpy as np
from scipy import sparse
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _check_sample_weight

from ._compat import validate_data

__all__ = [
    "alpha_from_C",
    "check_strength",
    "check_target",
    "check_weights",
    "engine_params",
    "engine_task",
    "feature_names",
    "fit_inputs",
]


def fit_inputs(estimator, X, y, sample_weight):
    """Validate ``fit``'s arguments: returns ``X, y, task, y_encoded, classes, weights``.

    Sparse ``X`` comes back as CSR (cheap row slicing for cross-validation).
    """
    X, y = validate_data(
        estimator, X, y, accept_sparse=("csr", "csc"), dtype=np.float64, ensure_min_samples=2
    )
    if sparse.issparse(X):
        X = X.tocsr()
    task, y_encoded, classes = check_target(y, estimator.task, type(estimator).__name__)
    return X, y, task, y_encoded, classes, check_weights(sample_weight, X)


def check_target(y, task, owner):
    """Resolve ``task`` and encode ``y`` for the engine.

    Returns ``(task, y_encoded, classes)``: ``task`` is "regression" or "classification";
    for classification ``y_encoded`` holds class codes ``0..K-1`` and ``classes`` the labels.
    """
    kind = type_of_target(y, input_name="y", raise_unknown=True)
    if task == "auto":
        task = "classification" if _looks_categorical(y, kind) else "regression"
    if kind.endswith("multioutput") or kind == "multilabel-indicator":
        raise ValueError(f"{owner} supports a single target; got a {kind} y.")
    if task == "regression":
        if (
            kind not in ("continuous", "binary", "multiclass")
            or np.asarray(y).dtype.kind not in "biuf"
        ):
            raise ValueError(f"{owner} with task='regression' needs a numeric y; got {kind} y.")
        return task, np.asarray(y, dtype=np.float64), None
    if kind == "continuous":
        raise ValueError(
            f"{owner} with task='classification' needs class labels; got a continuous y. "
            "Use task='regression' for a numeric target."
        )
    classes, codes = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise ValueError(
            f"{owner} needs at least two classes in y; got only {classes[0].item()!r}."
        )
    return task, codes, classes


def _looks_categorical(y, kind):
    """Labels, not quantities: binary or multiclass by ``type_of_target``, and not floats
    with more than two values (whole-number floats such as the diabetes target are
    quantities)."""
    if kind not in ("binary", "multiclass"):
        return False
    return np.asarray(y).dtype.kind != "f" or kind == "binary"


def engine_params(estimator, classes):
    """The solver settings an estimator passes to ``l1_path`` (and its folds)."""
    return {
        "l1_ratio": estimator.l1_ratio,
        "scale": estimator.scale,
        "tol": estimator.tol,
        "max_iter": estimator.max_iter,
        "n_classes": None if classes is None else len(classes),
    }


def engine_task(task, classes):
    if task == "regression":
        return "regression"
    return "binary" if len(classes) == 2 else "multinomial"


def check_weights(sample_weight, X):
    """Validated non-negative weights with a positive sum, or None."""
    if sample_weight is None:
        return None
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    if sample_weight.sum() <= 0:
        raise ValueError("sample_weight must have a positive sum.")
    return sample_weight


def check_strength(alpha, C, owner):
    """Reject ``alpha`` and ``C`` given together (each alone is checked by its constraint)."""
    if alpha is not None and C is not None:
        raise ValueError(
            f"{owner} takes the strength as 'alpha' or as 'C', not both; got alpha={alpha!r} "
            f"and C={C!r}."
        )


def alpha_from_C(C, weight_sum):
    """``alpha = 1 / (C * n_samples)``, with n_samples the sum of sample weights."""
    return 1.0 / (C * weight_sum)


def feature_names(estimator, n_features):
    """The caller's column names, or scikit-learn's ``x0, x1, ...``."""
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return np.asarray(names, dtype=object)
    return np.asarray([f"x{i}" for i in range(n_features)], dtype=object)


def is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
