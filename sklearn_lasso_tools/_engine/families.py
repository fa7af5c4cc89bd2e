"""Families of the path: what a solver, the scoring and the estimators need to know about a
response distribution, one object each.

A family holds its link (``mean``, the inverse link, from the linear predictor ``eta``), the
loss the solvers minimize (the weighted mean negative log-likelihood, up to terms free of
``eta``, with weights ``v`` summing to one), its deviance, Newton's working weights, the
null model (the intercept-only fit), and for the layers above: glmnet's name, the default
scorer, whether predictions are probabilities, the refit estimator, and the target check.
Adding a family is one class here and its line in ``FAMILIES`` (plus, for a new kind of
solver, its entry in ``path.SOLVERS``).
"""

import numpy as np
from scipy.special import expit, xlogy

from .._validation import check_counts

__all__ = [
    "BINOMIAL",
    "MIN_HESSIAN",
    "FAMILIES",
    "GAUSSIAN",
    "MULTINOMIAL",
    "POISSON",
    "Binomial",
    "Family",
    "Gaussian",
    "Multinomial",
    "Poisson",
    "family_for",
    "log_sum_exp",
]

# Floor on Newton's curvature. glmnet's 1e-5 (binomial) overstates the curvature of nearly
# separated samples, so Newton crawls there; the line search guards the longer steps a
# lower floor allows. (The working response uses the same floor, so Newton's fixed point,
# where the gradient vanishes, does not depend on it.)
MIN_HESSIAN = 1e-7
# Poisson: the largest linear predictor a loss is computed at (exp(700) ~ 1e304); a step
# beyond it has an infinite loss, which the solvers' line search rejects.
_MAX_ETA = 700.0


def log_sum_exp(E):
    """``log(sum_k exp(E[:, k]))`` per row, without overflow."""
    top = E.max(axis=1)
    return top + np.log(np.exp(E - top[:, None]).sum(axis=1))


class Family:
    """A response distribution and its canonical link (the base of the families).

    Attributes
    ----------
    name : str
        glmnet's ``family`` name.
    task : str
        The engine's name for it (what ``l1_path``'s ``task`` and the scorers use).
    solver : str
        Key of its path solver in ``path.SOLVERS``.
    default_scoring : str
        The scikit-learn scorer cross-validation uses unless told otherwise.
    has_predict_proba : bool
        Whether its predictions are class probabilities.
    saturates : bool
        Whether a path stops past 0.999 deviance explained by default even on given alphas
        (nearly interpolated data only inflate the coefficients there).
    has_classes : bool
        Whether the response is class labels (a path point is a classifier, predicting
        classes; ``mean`` gives their probabilities).
    stratify : bool
        Whether an int ``cv`` gives stratified folds.
    squared_loss : bool
        Whether the loss is squared error: paths and folds may then come from Gram matrices
        (``cross_products.CrossProducts``), and the relaxed refit is least squares.
    supports_relax : bool
        Whether ``refit.refit_linear`` has a refit for it (glmnet's ``relax=TRUE``).
    compiled_loss : {"logistic", "poisson"} or None
        The loss the compiled Newton kernels (``_glm_path``, ``_wide_newton``,
        ``_row_blocks``) evaluate for it; None: its Newton steps run in numpy.
    """

    name = task = solver = default_scoring = None
    has_predict_proba = False
    saturates = True
    has_classes = stratify = squared_loss = False
    supports_relax = True
    compiled_loss = None

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __reduce__(self):  # one object per family, also across processes (joblib)
        return family_for, (self.name,)

    def targets(self, y, n_classes=None):
        """The engine's response from ``y``: floats, or one-hot columns (multinomial)."""
        return np.asarray(y, dtype=np.float64)

    def degenerate(self, v, Y):
        """Why a path cannot be fitted to the response ``Y`` with weights ``v`` (a
        message), or None."""
        return None

    def mean(self, eta):
        """The inverse link: the fitted mean at the linear predictor(s) ``eta``."""
        raise NotImplementedError

    def loss(self, v, Y, eta):
        """Weighted mean negative log-likelihood (up to terms free of ``eta``)."""
        raise NotImplementedError

    def saturated_loss(self, v, Y):
        """``loss`` of the saturated model (one parameter per sample)."""
        return 0.0

    def deviance(self, v, Y, eta):
        """``2 * (loss - saturated loss)``: glmnet's deviance with weights summing to one."""
        return 2.0 * (self.loss(v, Y, eta) - self.saturated_loss(v, Y))

    def working(self, Y, eta, mu=None):
        """Newton's curvature ``h`` (per sample, to be multiplied by the weights) and the
        working response ``z = eta + (Y - mu) / h`` of the weighted least-squares step
        (``mu``: the mean at ``eta``, when known)."""
        mu = self.mean(eta) if mu is None else mu
        h = np.maximum(self.curvature(mu), MIN_HESSIAN)
        return h, eta + (Y - mu) / h

    def curvature(self, mu):
        """The loss's second derivative in ``eta`` at the mean ``mu``."""
        raise NotImplementedError

    def null_intercept(self, v, Y):
        """The intercept(s) of the unpenalized intercept-only fit."""
        raise NotImplementedError

    def null_deviance(self, v, Y):
        return self.deviance(v, Y, np.zeros(len(v)) + self.null_intercept(v, Y))

    def default_refit(self):
        """A fresh unfitted scikit-learn estimator for the refit on the selected features."""
        raise NotImplementedError

    def check_target(self, y, owner):
        """``y`` as the engine takes it, or a ValueError naming ``owner``."""
        return np.asarray(y, dtype=np.float64)


class Gaussian(Family):
    """Squared error, identity link: ``loss = sum_i v_i (y_i - eta_i)^2 / 2``."""

    name, task, solver = "gaussian", "regression", "gaussian"
    default_scoring = "neg_mean_squared_error"
    saturates = False
    squared_loss = True

    def mean(self, eta):
        return eta

    def loss(self, v, Y, eta):
        return 0.5 * (v @ (Y - eta) ** 2)

    def curvature(self, mu):
        return np.ones_like(mu)

    def null_intercept(self, v, Y):
        return v @ Y

    def default_refit(self):
        from sklearn.linear_model import LinearRegression

        return LinearRegression()


class Binomial(Family):
    """Logistic loss, logit link, ``Y`` in {0, 1}."""

    name, task, solver = "binomial", "binary", "glm"
    default_scoring = "roc_auc"
    has_predict_proba = has_classes = stratify = True
    compiled_loss = "logistic"

    def targets(self, y, n_classes=None):
        return (np.asarray(y) == 1).astype(np.float64)

    def degenerate(self, v, Y):
        counts = _class_counts(v, Y)
        return _MISSING_CLASS if counts == 0 or counts == np.count_nonzero(v > 0) else None

    def mean(self, eta):
        return expit(eta)

    def loss(self, v, Y, eta):
        return v @ (np.logaddexp(0.0, eta) - Y * eta)

    def curvature(self, mu):
        return mu * (1 - mu)

    def null_intercept(self, v, Y):
        p = v @ Y
        return np.log(p / (1 - p))

    def default_refit(self):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression()


class Multinomial(Family):
    """Softmax loss over ``K`` classes (one-hot ``Y``), glmnet's symmetric parametrization:
    intercepts summing to zero."""

    name, task, solver = "multinomial", "multinomial", "multinomial"
    default_scoring = "neg_log_loss"
    has_predict_proba = has_classes = stratify = True

    def targets(self, y, n_classes=None):
        codes = np.asarray(y)
        n_classes = codes.max() + 1 if n_classes is None else n_classes
        return (codes[:, None] == np.arange(n_classes)).astype(np.float64)

    def degenerate(self, v, Y):
        return _MISSING_CLASS if np.any(_class_counts(v, Y) == 0) else None

    def mean(self, eta):
        return np.exp(eta - log_sum_exp(eta)[:, None])

    def loss(self, v, Y, eta):
        return v @ (log_sum_exp(eta) - (Y * eta).sum(axis=1))

    def curvature(self, mu):
        return mu * (1 - mu)

    def null_intercept(self, v, Y):
        intercepts = np.log(np.maximum(v @ Y, 1e-300))
        return intercepts - intercepts.mean()

    def null_deviance(self, v, Y):
        return self.deviance(v, Y, np.tile(self.null_intercept(v, Y), (len(v), 1)))

    def default_refit(self):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression()


class Poisson(Family):
    """Counts, log link: ``loss = sum_i v_i (exp(eta_i) - y_i eta_i)`` (glmnet's
    ``family="poisson"``)."""

    name, task, solver = "poisson", "poisson", "glm"
    default_scoring = "neg_mean_poisson_deviance"
    supports_relax = False
    compiled_loss = "poisson"

    def degenerate(self, v, Y):
        if v @ Y <= 0:
            return "Every (positively weighted) count is zero: a Poisson path needs a positive one."
        return None

    def mean(self, eta):
        return np.exp(np.minimum(eta, _MAX_ETA))

    def loss(self, v, Y, eta):
        if np.max(eta, initial=-np.inf) > _MAX_ETA:
            return np.inf  # (exp overflows: a step this long is rejected)
        return v @ (np.exp(eta) - Y * eta)

    def saturated_loss(self, v, Y):
        return v @ (Y - xlogy(Y, Y))

    def curvature(self, mu):
        return mu

    def null_intercept(self, v, Y):
        return np.log(v @ Y)

    def default_refit(self):
        from sklearn.linear_model import PoissonRegressor

        return PoissonRegressor(alpha=0)

    def check_target(self, y, owner):
        return check_counts(y, owner)


def _class_counts(v, Y):
    """Positively weighted rows per class. Rows are counted, not their weights summed: a
    sum of weights ``1 / n`` need not reach 1 in floating point (284 of them make
    0.9999999999999999), so a share compared with 1 misses a lone class."""
    return (v > 0).astype(np.float64) @ Y  # whole numbers, exact


_MISSING_CLASS = (
    "A class is missing from the (positively weighted) training samples; with "
    "cross-validation, use fewer folds or stratified folds."
)

GAUSSIAN, BINOMIAL, MULTINOMIAL, POISSON = Gaussian(), Binomial(), Multinomial(), Poisson()
FAMILIES = {family.name: family for family in (GAUSSIAN, BINOMIAL, MULTINOMIAL, POISSON)}
_BY_TASK = {family.task: family for family in FAMILIES.values()}


def family_for(family):
    """The family object for a family, glmnet's name of one, or an engine task name
    ("regression", "binary", "multinomial", "poisson")."""
    if isinstance(family, Family):
        return family
    found = FAMILIES.get(family, _BY_TASK.get(family))
    if found is None:
        names = sorted(set(FAMILIES) | set(_BY_TASK))
        raise ValueError(f"Unknown family {family!r}; expected one of {names}.")
    return found
