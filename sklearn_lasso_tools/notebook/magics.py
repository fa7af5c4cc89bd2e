"""IPython magics: ``%lasso_path`` and ``%compare_penalties``.

Load with ``%load_ext sklearn_lasso_tools``. Each magic looks its data up in the notebook's
namespace, fits, and returns the result, which a notebook displays as its chart; so
``r = %lasso_path X y`` keeps the report. ``%lasso_path?`` shows the options.
"""

import shlex

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from sklearn.metrics import get_scorer_names

from .._estimators.compare import PENALTIES, compare_penalties
from .._estimators.path_report import lasso_path
from .._validation import TASKS

__all__ = ["LassoMagics", "load_ipython_extension", "unload_ipython_extension"]


def _common(func):
    """The options both magics share (listed first in their help)."""
    for decorator in reversed(
        [
            argument(
                "X",
                help="features: a name or expression in the notebook (or a "
                "DataFrame holding the target too, with --target)",
            ),
            argument("y", nargs="?", help="target: a name or expression in the notebook"),
            argument("--target", metavar="COL", help="column of the DataFrame to predict"),
            argument("--cv", type=int, default=5, metavar="K", help="folds (default 5)"),
            argument("--scoring", metavar="S", help="a scikit-learn scorer name"),
            argument(
                "--task",
                choices=TASKS,
                default="auto",
                help="auto (classes or quantities, read from the target), regression, "
                "classification, or poisson (non-negative counts, log link)",
            ),
            argument(
                "--no-scale",
                dest="scale",
                action="store_false",
                help="penalize the caller's scale, not standardized features",
            ),
            argument("--n-jobs", type=int, metavar="N", help="folds fitted in parallel"),
            argument(
                "--random-state",
                type=int,
                metavar="SEED",
                help="shuffle the folds with this seed (default: unshuffled, the same each run)",
            ),
        ]
    ):
        func = decorator(func)
    return func


def _settings(args):
    """The estimator settings both magics take from their shared options."""
    names = ("cv", "scoring", "task", "l1_ratio", "scale", "n_jobs", "random_state")
    return {name: getattr(args, name) for name in names}


@magics_class
class LassoMagics(Magics):
    """``%lasso_path`` and ``%compare_penalties``."""

    @magic_arguments()
    @_common
    @argument(
        "--alphas", type=int, default=100, metavar="N", help="strengths on the path (default 100)"
    )
    @argument(
        "--l1-ratio",
        type=float,
        default=1.0,
        metavar="R",
        help="L1 share of the penalty (default 1, the Lasso)",
    )
    @argument(
        "--top",
        type=int,
        default=10,
        metavar="K",
        help="features coloured and labelled in the chart (default 10)",
    )
    @line_magic
    def lasso_path(self, line):
        """Fit a cross-validated L1 path and return the LassoPathReport (shown as its chart).

        Examples: ``%lasso_path X y --cv 5``, ``r = %lasso_path df --target outcome``.
        """
        args = parse_argstring(self.lasso_path, line)
        if args.top < 0:
            raise UsageError(f"%lasso_path: --top must be >= 0; got {args.top}.")
        X, y = self._data("lasso_path", args)
        return _fit(
            "lasso_path",
            lambda: lasso_path(X, y, alphas=args.alphas, top=args.top, **_settings(args)),
        )

    @magic_arguments()
    @_common
    @argument(
        "--penalties",
        default=",".join(PENALTIES),
        metavar="P,Q",
        help="comma-separated subset of l1,l2,elasticnet (default all three)",
    )
    @argument(
        "--Cs",
        type=int,
        default=10,
        metavar="N",
        help="inverse strengths on a log grid from 1e-4 to 1e4 (default 10)",
    )
    @argument(
        "--l1-ratio",
        type=float,
        default=0.5,
        metavar="R",
        help="L1 share of the elastic net (default 0.5)",
    )
    @line_magic
    def compare_penalties(self, line):
        """Cross-validate L1, L2 and elastic net on the same folds and return the
        PenaltyComparison (shown as its chart).

        Example: ``%compare_penalties X y --penalties l1,l2 --cv 5``.
        """
        args = parse_argstring(self.compare_penalties, line)
        penalties = tuple(p.strip() for p in args.penalties.split(",") if p.strip())
        unknown = [p for p in penalties if p not in PENALTIES]
        if unknown or not penalties:
            raise UsageError(
                f"%compare_penalties: --penalties must be a comma-separated "
                f"subset of {','.join(PENALTIES)}; got {args.penalties!r}."
            )
        X, y = self._data("compare_penalties", args)
        return _fit(
            "compare_penalties",
            lambda: compare_penalties(X, y, penalties=penalties, Cs=args.Cs, **_settings(args)),
        )

    def _data(self, magic, args):
        """``X, y`` from ``X y`` or ``DF --target COL``, looked up in the user namespace."""
        if args.cv < 2:
            raise UsageError(f"%{magic}: --cv must be at least 2; got {args.cv}.")
        if args.scoring is not None and args.scoring not in get_scorer_names():
            raise UsageError(
                f"%{magic}: --scoring {args.scoring!r} is not a scikit-learn "
                f"scorer; see sklearn.metrics.get_scorer_names()."
            )
        if (args.y is None) == (args.target is None):
            raise UsageError(
                f"%{magic}: give features and target (X y), or a DataFrame and "
                f"--target COL; got {args.X!r}, y={args.y!r}, "
                f"--target={args.target!r}."
            )
        X = self._lookup(magic, args.X)
        if args.target is None:
            return X, self._lookup(magic, args.y)
        if not hasattr(X, "columns") or not hasattr(X, "drop"):
            raise UsageError(
                f"%{magic}: --target needs a DataFrame; {args.X} is a {type(X).__name__}."
            )
        if args.target not in X.columns:
            raise UsageError(f"%{magic}: no column {args.target!r} in {args.X}.")
        return X.drop(columns=[args.target]), X[args.target]

    def _lookup(self, magic, expr):
        namespace = self.shell.user_ns
        if expr in namespace:
            return namespace[expr]
        try:
            return eval(expr, namespace)  # the user's own expression, in their namespace
        except NameError as exc:
            raise UsageError(f"%{magic}: {exc} in the notebook namespace.") from None
        except Exception as exc:
            raise UsageError(
                f"%{magic}: could not evaluate {shlex.quote(expr)}: {type(exc).__name__}: {exc}"
            ) from None


def _fit(magic, work):
    """Run the fit; unusable data or options become a UsageError naming the problem."""
    try:
        return work()
    except (ValueError, TypeError) as exc:
        raise UsageError(f"%{magic}: {exc}") from None


def load_ipython_extension(ipython):
    """Register the magics with ``ipython``."""
    ipython.register_magics(LassoMagics)


def unload_ipython_extension(ipython):
    """Remove the magics registered by :func:`load_ipython_extension`."""
    manager = ipython.magics_manager
    for name in ("lasso_path", "compare_penalties"):
        magic = manager.magics["line"].get(name)
        if getattr(getattr(magic, "__self__", None), "__class__", None) is LassoMagics:
            del manager.magics["line"][name]
    manager.registry.pop(LassoMagics.__name__, None)
