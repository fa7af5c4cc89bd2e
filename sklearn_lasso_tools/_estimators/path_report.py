"""lasso_path: the ``%lasso_path`` magic's work as a plain function (scripts, marimo)."""

from .report import LassoPathReport

__all__ = ["lasso_path"]


def lasso_path(
    X,
    y,
    *,
    cv=5,
    alphas=100,
    scoring=None,
    task="auto",
    l1_ratio=1.0,
    scale=True,
    sample_weight=None,
    n_jobs=None,
    random_state=None,
    top=10,
    **params,
):
    """Fit a cross-validated L1 path and return the :class:`LassoPathReport`.

    What ``%lasso_path X y`` does in a notebook, for places that run no IPython magics
    (marimo, scripts): the returned report displays as its chart (path and CV curve).

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    cv : int, cross-validation generator or iterable, default=5
    alphas : int or array-like, default=100
        Strengths on the path (see :class:`LassoPathReport`).
    scoring : str or callable, default=None
    task : {"auto", "regression", "classification", "poisson"}, default="auto"
    l1_ratio : float, default=1.0
        The L1 share of the penalty (1 is the Lasso).
    scale : bool, default=True
    sample_weight : array-like of shape (n_samples,), default=None
    n_jobs : int, default=None
    random_state : int, RandomState instance or None, default=None
    top : int, default=10
        Features coloured and labelled in the displayed chart.
    **params
        Further :class:`LassoPathReport` parameters (``eps``, ``tol``, ``n_bootstrap``, ...).

    Returns
    -------
    LassoPathReport
        Fitted.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_lasso_tools import lasso_path
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> report = lasso_path(X, y, cv=3, alphas=20, random_state=0)
    >>> list(report.entry_order_[:3])
    ['bmi', 's5', 'bp']
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise ValueError(f"The 'top' parameter of lasso_path must be an int >= 0. Got {top!r}.")
    report = LassoPathReport(
        cv=cv,
        alphas=alphas,
        scoring=scoring,
        task=task,
        l1_ratio=l1_ratio,
        scale=scale,
        n_jobs=n_jobs,
        random_state=random_state,
        **params,
    )
    report.fit(X, y, sample_weight=sample_weight)
    return report.set_chart_options(top=top)
