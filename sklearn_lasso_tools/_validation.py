"""Input checks shared by the estimators: task detection, targets, strengths. No fitting."""

import numbers
from functools import partial

import numpy as np
from scipy import sparse
from sklearn.utils.multiclass import type_of_target

from ._compat import _check_sample_weight, validate_data

__all__ = [
    "TASKS",
    "alpha_from_C",
    "check_counts",
    "check_features",
    "check_penalty_factor",
    "check_strength",
    "check_target",
    "check_weights",
    "engine_params",
    "engine_task",
    "feature_names",
    "fit_inputs",
    "fixed_engine_task",
]

TASKS = ("auto", "regression", "classification", "poisson")
"""The estimators' ``task`` values (what the command line and the magics offer)."""


def fit_inputs(estimator, X, y, sample_weight):
    """Validate ``fit``'s arguments: returns ``X, y, task, y_encoded, classes, weights``.

    Sparse ``X`` comes back as CSR (cheap row slicing for cross-validation).
    """
    check_features(X, type(estimator).__name__)
    X, y = validate_data(
        estimator, X, y, accept_sparse=("csr", "csc"), dtype=np.float64, ensure_min_samples=2
    )
    if sparse.issparse(X):
        X = X.tocsr()
    task, y_encoded, classes = check_target(y, estimator.task, type(estimator).__name__)
    return X, y, task, y_encoded, classes, check_weights(sample_weight, X)


def check_features(X, owner):
    """Name what is wrong with ``X``'s columns before scikit-learn converts it to floats:
    no columns at all, or DataFrame columns that hold text (whose conversion error would
    not say which column)."""
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) == 2 and shape[1] == 0:
        # scikit-learn's own words (its checks look for them); a DataFrame without columns
        # would otherwise fail in pandas with "at least one array or dtype is required"
        raise ValueError(
            f"Found array with 0 feature(s) (shape={tuple(shape)}) while a minimum of 1 is "
            f"required by {owner}."
        )
    bad = [(name, dtype) for name, dtype, numeric in _frame_columns(X) if not numeric()]
    if bad:
        shown = ", ".join(f"{name!r} ({dtype})" for name, dtype in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise ValueError(
            f"{owner} needs numeric features; column(s) {shown}{more} of X hold non-numeric "
            "values. Encode them first (e.g. OneHotEncoder in a ColumnTransformer) or drop them."
        )


def _frame_columns(X):
    """``(name, dtype, numeric)`` of each column of a pandas or polars DataFrame (none for
    other inputs), ``numeric()`` telling whether the column converts to floats. A polars
    column that is not numeric by type is judged as pandas judges its values (through
    numpy, so polars is not imported), so both name the same columns."""
    dtypes = getattr(X, "dtypes", None)
    if hasattr(X, "iloc") and hasattr(dtypes, "items"):
        return [
            (name, dtype, partial(_numeric_column, X.iloc[:, i], dtype))
            for i, (name, dtype) in enumerate(dtypes.items())
        ]
    if hasattr(X, "iter_columns") and hasattr(X, "schema"):  # polars
        return [
            (column.name, column.dtype, partial(_numeric_polars_column, column))
            for column in X.iter_columns()
        ]
    return []


def _numeric_polars_column(column):
    if column.dtype.is_numeric():
        return True
    values = column.to_numpy()
    return _numeric_column(values, values.dtype)


def _numeric_column(column, dtype):
    import pandas as pd

    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return True
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.api.types.is_numeric_dtype(dtype.categories.dtype)
    try:
        pd.to_numeric(column)
    except (ValueError, TypeError):
        return False
    return True


def check_target(y, task, owner):
    """Resolve ``task`` and encode ``y`` for the engine.

    Returns ``(task, y_encoded, classes)``: ``task`` is "regression", "classification" or
    "poisson"; for classification ``y_encoded`` holds class codes ``0..K-1`` and ``classes``
    the labels.
    """
    if task == "poisson":
        return task, check_counts(y, owner), None
    if task == "regression" and _finite_numeric(y):
        # every kind of such a y (continuous, binary, multiclass) is a regression target:
        # no need to tell which (its np.unique was a tenth of a small path's own work)
        return task, np.asarray(y, dtype=np.float64), None
    kind = _target_kind(y)
    if task == "auto":
        task = "classification" if _looks_categorical(y, kind) else "regression"
        if task == "classification":
            _check_auto_classes(y, owner)
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
        only = classes[0].item() if isinstance(classes[0], np.generic) else classes[0]
        raise ValueError(f"{owner} needs at least two classes in y; got only {only!r}.")
    return task, codes, classes


def _target_kind(y):
    """``type_of_target(y)``, worked out directly for a finite 1-D numeric array (what
    ``validate_data`` returns), by its rules: floats with a fraction are continuous, else
    more than two values are multiclass. Its general checks cost 0.25 ms, an eighth of a
    small path's fit; other targets go through it, and so do non-finite values, which it
    refuses in its own words."""
    if _finite_numeric(y):
        if y.dtype.kind == "f" and np.any(y != y.astype(np.int64).astype(y.dtype)):
            return "continuous"
        return "multiclass" if np.unique(y).size > 2 else "binary"
    return type_of_target(y, input_name="y", raise_unknown=True)


def _finite_numeric(y):
    """Whether ``y`` is a non-empty, finite, 1-D numeric array."""
    numeric = isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype.kind in "biuf"
    return bool(numeric and y.size and (y.dtype.kind != "f" or np.isfinite(y).all()))


def check_counts(y, owner):
    """A Poisson target as floats: finite, non-negative, not all zero."""
    values = np.asarray(y)
    if values.ndim != 1 or values.dtype.kind not in "biuf":
        raise ValueError(f"{owner} with task='poisson' needs a 1-D numeric y of counts.")
    values = values.astype(np.float64)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(
            f"{owner} with task='poisson' needs finite, non-negative counts in y; got "
            f"min {np.nanmin(values):.4g}, {np.count_nonzero(~np.isfinite(values))} non-finite."
        )
    if not np.any(values > 0):
        raise ValueError(f"{owner} with task='poisson' needs a positive count in y; got all zeros.")
    return values


def _looks_categorical(y, kind):
    """Labels, not quantities: binary or multiclass by ``type_of_target``, and not floats
    with more than two values (whole-number floats such as the diabetes target are
    quantities)."""
    if kind not in ("binary", "multiclass"):
        return False
    return np.asarray(y).dtype.kind != "f" or kind == "binary"


# task="auto" takes integer labels for classes only while they look like classes
MAX_AUTO_CLASSES = 50


def _check_auto_classes(y, owner):
    """Refuse to guess classes from integers that look like a quantity (a count, a score):
    more than ``MAX_AUTO_CLASSES`` distinct values, or more than 10 that are over half the
    samples (most classes would hold one or two samples). A multinomial fit with hundreds
    of classes takes minutes and selects nothing, so ask which task is meant."""
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        return
    n_values = np.unique(y).size
    if n_values > MAX_AUTO_CLASSES or (n_values > 10 and n_values > y.size / 2):
        raise ValueError(
            f"{owner} with task='auto' found an integer y with {n_values} distinct values in "
            f"{y.size} samples: a quantity rather than class labels? Pass task='regression' "
            f"to model it as a number, or task='classification' to fit {n_values} classes."
        )


def engine_params(estimator, classes):
    """The solver settings an estimator passes to ``l1_path`` (and its folds)."""
    owner = type(estimator).__name__
    return {
        "penalty_factor": check_penalty_factor(
            estimator.penalty_factor, estimator.n_features_in_, owner
        ),
        "positive": estimator.positive,
        "l1_ratio": estimator.l1_ratio,
        "scale": estimator.scale,
        "tol": estimator.tol,
        "max_iter": estimator.max_iter,
        "n_classes": None if classes is None else len(classes),
    }


def engine_task(task, classes):
    """The engine's family name for an estimator's task: "regression", "poisson", or
    "binary" / "multinomial" by the number of classes (``_engine.families.family_for``
    gives the family object)."""
    fixed = fixed_engine_task(task)
    if fixed is not None:
        return fixed
    return "binary" if len(classes) == 2 else "multinomial"


def fixed_engine_task(task):
    """The engine's family name when an estimator's ``task`` alone decides it
    ("regression", "poisson"); None when the target does ("auto", "classification": its
    classes, binary or multinomial)."""
    return task if task in ("regression", "poisson") else None


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


def check_penalty_factor(penalty_factor, n_features, owner="l1_path"):
    """Validated penalty factors rescaled to sum to ``n_features`` (glmnet's convention),
    or None when they are all equal."""
    if penalty_factor is None:
        return None
    factor = np.asarray(penalty_factor, dtype=np.float64)
    if factor.shape != (n_features,) or not np.all(np.isfinite(factor)) or np.any(factor < 0):
        raise ValueError(
            f"The 'penalty_factor' parameter of {owner} must be None or {n_features} finite, "
            f"non-negative numbers, one per feature; got {_describe(penalty_factor)}."
        )
    if not np.any(factor > 0):
        raise ValueError(
            f"The 'penalty_factor' parameter of {owner} must have a positive entry; got all "
            "zeros (nothing would be penalized)."
        )
    if np.all(factor == factor[0]):
        return None
    return factor * n_features / factor.sum()


def _describe(value):
    array = np.asarray(value, dtype=object)
    if array.ndim == 0 or array.size > 6:
        return f"shape {array.shape}" if array.ndim else repr(value)
    return repr(list(array))


def check_alphas(alphas, owner):
    """An int, or a 1-D array of positive finite floats."""
    if is_int(alphas):
        return int(alphas)
    values = np.asarray(alphas, dtype=np.float64) if np.ndim(alphas) == 1 else None
    if values is None or values.size == 0 or not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(
            f"The 'alphas' parameter of {owner} must be a positive int or a 1-D array of "
            f"positive floats. Got {alphas!r} instead."
        )
    return values


class Rule:
    """glmnet's rules for the strength on a cross-validated path, by the names users write
    (plain strings, so they hash and compare as the user's ``rule="1se"`` does)."""

    MIN = "min"  # the largest alpha attaining the best mean score (lambda.min)
    ONE_SE = "1se"  # the largest alpha within one standard error of it (lambda.1se)
    ALL = (MIN, ONE_SE)


def check_rule(rule, owner):
    """``"min"``, ``"1se"`` or an int k >= 1 (not a bool), else a ValueError naming it."""
    if isinstance(rule, str) and rule in Rule.ALL:
        return rule
    if is_int(rule) and rule >= 1:
        return int(rule)
    raise ValueError(
        f"The 'rule' parameter of {owner} must be 'min', '1se' or an int >= 1 (a feature "
        f"budget). Got {rule!r} instead."
    )
