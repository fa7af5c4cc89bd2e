"""The public surface is ``__all__`` (plus the ``charts`` module), and it is honest."""

import inspect

import sklearn_lasso_tools


def test_all_names_exist_and_are_documented():
    for name in sklearn_lasso_tools.__all__:
        obj = getattr(sklearn_lasso_tools, name)
        assert inspect.getdoc(obj), f"{name} has no docstring"


def test_every_public_estimator_is_exported():
    public = {
        name
        for name, obj in vars(sklearn_lasso_tools).items()
        if not name.startswith("_") and inspect.isclass(obj)
    }
    assert public <= set(sklearn_lasso_tools.__all__)
    assert {"L1Selector", "SelectThenRefit", "LassoPathReport", "compare_penalties"} <= set(
        sklearn_lasso_tools.__all__
    )


def test_constructors_only_store_their_arguments():
    from sklearn_lasso_tools import L1Selector, LassoPathReport, SelectThenRefit

    for cls in (L1Selector, LassoPathReport, SelectThenRefit):
        params = inspect.signature(cls).parameters
        estimator = cls()
        assert set(vars(estimator)) == set(params)
        keyword_only = [p.kind == p.KEYWORD_ONLY for p in list(params.values())[1:]]
        if cls is not SelectThenRefit:  # two peers, both positional, as Pipeline steps
            assert all(keyword_only), cls
