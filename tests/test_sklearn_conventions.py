"""scikit-learn conventions in every corner: splitter metadata (``groups``, routing),
folds that do not change between fits, and estimator types known before fit."""

import numpy as np
import pytest
import sklearn
from sklearn.base import is_classifier, is_regressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold
from sklearn.utils.metadata_routing import MetadataRouter

from sklearn_lasso_tools import L1Selector, LassoPathReport, SelectThenRefit


def _regression(n=60, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X[:, 0] - 0.8 * X[:, 1] + 0.5 * X[:, 2] + rng.normal(size=n)
    groups = np.repeat(np.arange(12), n // 12)
    return X, y, groups


def _report(cv):
    return LassoPathReport(alphas=20, cv=cv)


def _selector(cv):
    return L1Selector(cv=cv, alphas=20, task="regression")


def _refit(cv):
    return SelectThenRefit(_selector(cv), LinearRegression())


def _relaxed(cv):
    return SelectThenRefit(_selector(cv), gamma="cv", gammas=[0.0, 0.5, 1.0])


def _numbers(fitted):
    """What the folds decide, as arrays to compare exactly."""
    if isinstance(fitted, LassoPathReport):
        return [fitted.cv_scores_, fitted.alpha_min_, fitted.alpha_1se_]
    if isinstance(fitted, L1Selector):
        return [fitted.path_.cv_scores_, fitted.alpha_, fitted.coef_]
    if fitted.gamma == "cv":
        return [fitted.cv_results_.to_numpy(), fitted.alpha_, fitted.gamma_, fitted.coef_]
    return [fitted.selector_.path_.cv_scores_, fitted.selector_.alpha_, fitted.coef_]


def _assert_same(a, b):
    for left, right in zip(_numbers(a), _numbers(b), strict=True):
        np.testing.assert_array_equal(left, right)


MAKERS = [_report, _selector, _refit, _relaxed]
ROUTING = [False, True]


@pytest.mark.parametrize("routing", ROUTING, ids=["direct", "routed"])
@pytest.mark.parametrize("make", MAKERS, ids=lambda f: f.__name__.strip("_"))
def test_groups_reach_the_splitter(make, routing):
    X, y, groups = _regression()
    explicit = make(list(GroupKFold(5).split(X, y, groups))).fit(X, y)
    with sklearn.config_context(enable_metadata_routing=routing):
        grouped = make(GroupKFold(5)).fit(X, y, groups=groups)
    _assert_same(grouped, explicit)
    # and the groups matter: plain 5-fold CV gives other scores
    plain = make(KFold(5)).fit(X, y)
    assert not np.array_equal(_numbers(plain)[0], _numbers(grouped)[0])


@pytest.mark.parametrize("routing", ROUTING, ids=["direct", "routed"])
@pytest.mark.parametrize("make", MAKERS, ids=lambda f: f.__name__.strip("_"))
def test_missing_groups_is_the_splitters_error(make, routing):
    X, y, _ = _regression()
    with sklearn.config_context(enable_metadata_routing=routing):
        with pytest.raises(ValueError, match="The 'groups' parameter should not be None"):
            make(GroupKFold(5)).fit(X, y)


@pytest.mark.parametrize("make", MAKERS, ids=lambda f: f.__name__.strip("_"))
def test_other_fit_params_without_routing_are_refused(make):
    X, y, _ = _regression()
    with pytest.raises(TypeError, match=r"fit got unexpected keyword argument\(s\) \['colour'\]"):
        make(5).fit(X, y, colour=np.ones(len(y)))


@pytest.mark.parametrize("make", MAKERS, ids=lambda f: f.__name__.strip("_"))
def test_metadata_routing_names_the_splitter(make):
    with sklearn.config_context(enable_metadata_routing=True):
        routing = make(GroupKFold(5)).get_metadata_routing()
    assert isinstance(routing, MetadataRouter)
    assert "groups" in routing.consumes("fit", ["groups", "colour"])


def test_routed_metadata_nobody_asked_for_is_refused():
    X, y, _ = _regression()
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(TypeError, match="colour"):
            _report(GroupKFold(5)).fit(X, y, colour=np.ones(len(y)))


# -- an int cv gives the same folds on every fit -------------------------------------------


def _sorted_regression():
    """Sorted by the target: unshuffled folds hold out one range of y each, so shuffled
    ones (of any seed) score differently."""
    X, y, _ = _regression(n=80)
    order = np.argsort(y)
    return X[order], y[order]


@pytest.mark.parametrize(
    "make",
    [
        lambda rs: LassoPathReport(alphas=20, random_state=rs),
        lambda rs: L1Selector(alphas=20, random_state=rs),
        lambda rs: SelectThenRefit(
            L1Selector(alphas=20, task="regression", random_state=rs), LinearRegression()
        ),
    ],
    ids=["report", "selector", "refit"],
)
def test_int_cv_without_random_state_gives_the_same_unshuffled_folds(make):
    X, y = _sorted_regression()
    first, second = make(None).fit(X, y), make(None).fit(X, y)
    _assert_same(first, second)
    unshuffled = make(None).set_params(**_cv_param(make(None), list(KFold(5).split(X))))
    _assert_same(first, unshuffled.fit(X, y))
    seeded = [make(seed).fit(X, y) for seed in (0, 1)]
    _assert_same(seeded[0], make(0).fit(X, y))
    shuffled = list(KFold(5, shuffle=True, random_state=0).split(X))
    _assert_same(seeded[0], make(None).set_params(**_cv_param(make(None), shuffled)).fit(X, y))
    assert not np.array_equal(_numbers(seeded[0])[0], _numbers(seeded[1])[0])
    assert not np.array_equal(_numbers(seeded[0])[0], _numbers(first)[0])


def _cv_param(estimator, cv):
    return {"selector__cv": cv} if isinstance(estimator, SelectThenRefit) else {"cv": cv}


def test_int_cv_without_random_state_is_unshuffled_stratified_for_classes():
    X, y, _ = _regression(n=80)
    labels = (y > np.median(y)).astype(int)
    order = np.argsort(y)
    X, labels = X[order], labels[order]
    report = LassoPathReport(alphas=20).fit(X, labels)
    explicit = LassoPathReport(alphas=20, cv=list(StratifiedKFold(5).split(X, labels)))
    _assert_same(report, explicit.fit(X, labels))


def test_stability_without_random_state_is_deterministic():
    X, y, _ = _regression()
    fits = [LassoPathReport(alphas=20, cv=None, n_bootstrap=5).fit(X, y) for _ in range(2)]
    np.testing.assert_array_equal(fits[0].stability_path_, fits[1].stability_path_)
    seeded = LassoPathReport(alphas=20, cv=None, n_bootstrap=5, random_state=3).fit(X, y)
    assert not np.array_equal(fits[0].stability_path_, seeded.stability_path_)


# -- SelectThenRefit's type is known before fit --------------------------------------------


def test_default_select_then_refit_is_a_classifier_that_refuses_a_continuous_target():
    X, y, _ = _regression()
    model = SelectThenRefit()
    assert is_classifier(model) and not is_regressor(model)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        model.fit(X, y)
    fitted = SelectThenRefit().fit(X, (y > 0).astype(int))
    assert fitted.selector_.task == "classification"
    assert fitted.estimator_.__class__.__name__ == "LogisticRegression"


def test_select_then_refit_with_a_regressor_is_a_regressor_end_to_end():
    X, y, _ = _regression()
    model = SelectThenRefit(estimator=LinearRegression())
    assert is_regressor(model) and not is_classifier(model)
    fitted = model.fit(X, (y > 0).astype(int))  # 0/1 as numbers: a linear probability model
    assert fitted.selector_.task == "regression"
    assert not hasattr(fitted.selector_, "classes_")


def test_classifier_default_refuses_a_selector_that_reads_y_as_quantities():
    X, y, _ = _regression()
    whole = np.round(10 * y)  # floats with whole values: quantities for task="auto"
    with pytest.raises(ValueError, match="estimator=LinearRegression"):
        with pytest.warns(UserWarning, match="could represent a regression problem"):
            SelectThenRefit(L1Selector(alphas=20)).fit(X, whole)  # (sklearn's hint first)


def test_fewer_class_members_than_folds_warns_and_fits():
    X, y, _ = _regression(n=30)
    labels = np.repeat([0, 1, 2], [14, 13, 3])  # 3 members, 5 folds
    with pytest.warns(UserWarning, match="least populated class in y has only 3 members"):
        report = LassoPathReport(alphas=20).fit(X, labels)
    assert np.isfinite(report.cv_mean_).all()


def test_a_held_out_part_with_one_class_scores_nan_and_the_rules_use_the_others():
    X, y, _ = _regression(n=40)
    labels = np.zeros(40, dtype=int)
    labels[np.argsort(y)[-3:]] = 1  # 3 positives, 5 folds: two held-out parts have none
    with pytest.warns(UserWarning) as caught:
        report = LassoPathReport(alphas=20).fit(X, labels)
    messages = [str(w.message) for w in caught]
    assert any("least populated class in y has only 3 members" in m for m in messages)
    assert any("2 of 5 folds have no score" in m for m in messages)
    scored = ~np.isnan(report.cv_scores_).all(axis=0)
    assert scored.sum() == 3
    with pytest.warns(UserWarning, match="least populated class"):
        folds = list(StratifiedKFold(5).split(X, labels))
    sizes = np.array([len(test) for _, test in folds])[scored]
    np.testing.assert_allclose(
        report.cv_mean_, report.cv_scores_[:, scored] @ (sizes / sizes.sum()), rtol=1e-12
    )
    assert np.isfinite(report.cv_se_).all() and np.isfinite(report.cv_std_).all()


def test_n_iter_counts_the_optimality_check_at_the_top_of_the_path():
    # scikit-learn's coordinate descent runs at least one epoch; at alpha_max the start
    # (all zeros) is already optimal, and checking it counts as one
    X, y, _ = _regression()
    alpha_max = LassoPathReport(alphas=5, cv=None).fit(X, y).alphas_[0]
    with pytest.warns(UserWarning, match="selected no feature"):
        selector = L1Selector(alpha=alpha_max).fit(X, y)
    assert selector.n_iter_ == 1


def test_the_same_magic_cell_gives_the_same_answer():
    from IPython.core.interactiveshell import InteractiveShell

    X, y = _sorted_regression()
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "sklearn_lasso_tools")
    try:
        shell.user_ns.update(X=X, y=y)
        first, second = (shell.run_line_magic("lasso_path", "X y --cv 5") for _ in range(2))
        _assert_same(first, second)
        seeded = shell.run_line_magic("lasso_path", "X y --cv 5 --random-state 1")
        _assert_same(seeded, LassoPathReport(random_state=1).fit(X, y))
        assert not np.array_equal(seeded.cv_scores_, first.cv_scores_)
    finally:
        shell.run_line_magic("unload_ext", "sklearn_lasso_tools")
