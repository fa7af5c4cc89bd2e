"""The cross-validation splitter's metadata (``groups``) from ``fit(**params)``, as in
``LassoCV``: passed directly when metadata routing is off, routed when it is on."""

from sklearn import get_config
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing

__all__ = ["routing_enabled", "split_params", "splitter_router"]

# what fit passes on to the splitter without metadata routing
_DIRECT = ("groups",)


def routing_enabled():
    """Whether ``sklearn.set_config(enable_metadata_routing=True)`` is in effect."""
    return bool(get_config().get("enable_metadata_routing", False))


def splitter_router(estimator, cv):
    """A ``MetadataRouter`` for ``estimator`` that routes ``fit``'s metadata to the
    ``split`` of the splitter ``cv`` stands for (none when ``cv`` is None)."""
    router = MetadataRouter(owner=type(estimator).__name__)
    if cv is not None:
        from sklearn.model_selection import check_cv  # (loaded when routing asks)

        router.add(
            splitter=check_cv(cv), method_mapping=MethodMapping().add(caller="fit", callee="split")
        )
    return router


def check_direct_params(estimator, params):
    """``fit``'s ``**params`` without routing: only ``groups``, else a TypeError naming the
    others."""
    unexpected = sorted(set(params) - set(_DIRECT))
    if unexpected:
        raise TypeError(
            f"{type(estimator).__name__}.fit got unexpected keyword argument(s) {unexpected}; "
            "without metadata routing it takes only 'groups' (for the cv splitter). Route "
            "other metadata with sklearn.set_config(enable_metadata_routing=True)."
        )
    return params


def split_params(estimator, params, cv):
    """The keyword arguments of the splitter's ``split``, from ``estimator.fit``'s
    ``**params``: routed (``estimator.get_metadata_routing()``) when routing is on, else
    ``groups`` as given."""
    if routing_enabled():
        routed = process_routing(estimator, "fit", **params)
        return dict(routed.splitter.split) if cv is not None else {}
    check_direct_params(estimator, params)
    return dict(params) if cv is not None else {}
