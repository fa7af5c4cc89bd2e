"""The command line: ``sklearn-lasso-tools [report] [DATA | --dataset NAME] [options]``.

Argument parsing, data loading and input errors live here; the HTML page is built by
``_html``. Problems with the user's input end with a one-line message on stderr and exit
code 2, never a traceback. This is the only module of the package that prints.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .._validation import Rule

DATASETS = ("breast_cancer", "diabetes", "wine")
PROG = "sklearn-lasso-tools"


class InputError(Exception):
    """A problem with the user's data or options, reported in one line."""


def build_parser():
    from .._validation import TASKS

    parser = argparse.ArgumentParser(
        prog=PROG,
        usage=f"{PROG} [report] [DATA.csv|DATA.parquet --target COL | --dataset NAME] [options]",
        description="The L1 (Lasso) path of a table, cross-validated: a summary on stdout "
        "and, with -o, a self-contained HTML report (path and CV charts, path table, "
        "per-feature summary, L1/L2/elastic-net comparison). With no arguments: "
        "--dataset breast_cancer.",
    )
    parser.add_argument("data", nargs="?", metavar="DATA", help="a .csv or .parquet file")
    parser.add_argument("--target", metavar="COL", help="target column of DATA")
    parser.add_argument(
        "--dataset", choices=DATASETS, help="a built-in dataset (default breast_cancer)"
    )
    parser.add_argument("--cv", type=int, default=5, help="number of folds (default 5)")
    parser.add_argument("--scoring", help="an sklearn scorer name (default: by task)")
    parser.add_argument(
        "--task",
        choices=TASKS,
        default="auto",
        help="auto (classes or quantities, read from the target), regression, "
        "classification, or poisson (non-negative counts, log link)",
    )
    parser.add_argument(
        "--rule",
        type=parse_rule,
        default=Rule.ONE_SE,
        metavar="{min,1se,K}",
        help="strength rule: min, 1se, or an int K (at most K features, the largest alpha "
        "within one SE of the best score that keeps so few; default 1se)",
    )
    parser.add_argument(
        "--n-bootstrap",
        type=int,
        default=0,
        metavar="B",
        help="stability selection on B complementary pairs of half-samples (default 0: off)",
    )
    parser.add_argument("--drop", nargs="+", default=[], metavar="COL", help="columns to drop")
    parser.add_argument(
        "--keep",
        nargs="+",
        default=[],
        metavar="COL",
        help="columns always in the model: unpenalized on the L1 path and in its CV "
        "(penalty factor 0; the L1/L2/elastic-net comparison penalizes every column)",
    )
    parser.add_argument("--random-state", type=int, default=0, help="seed of the folds")
    parser.add_argument("-o", "--output", metavar="REPORT.html", help="write the HTML report here")
    return parser


def parse_rule(text):
    """``--rule``: "min", "1se" or a feature budget K >= 1."""
    if text in Rule.ALL:
        return text
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise argparse.ArgumentTypeError(f"expected min, 1se or an int >= 1, got {text!r}")


def _progress(message):
    print(message, file=sys.stderr, flush=True)


def load_builtin(name):
    from sklearn import datasets

    X, y = getattr(datasets, f"load_{name}")(return_X_y=True, as_frame=True)
    return X, y


def read_table(path):
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path)
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
    except ImportError as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read {path}: {first}") from exc
    raise InputError(f"{path}: expected a .csv or .parquet file, got '{suffix or path.name}'")


def split_target(frame, target, drop, source):
    """Check the columns and return ``(X, y, notes)``; categorical columns one-hot encoded."""
    if target is None:
        raise InputError(f"--target COL is required with a data file ({source})")
    if target not in frame.columns:
        shown = ", ".join(map(str, frame.columns[:10])) + (", ..." if frame.shape[1] > 10 else "")
        raise InputError(f"target column '{target}' not found in {source} (columns: {shown})")
    missing = [col for col in drop if col not in frame.columns]
    if missing:
        raise InputError(f"--drop: column '{missing[0]}' not found in {source}")
    y = frame[target]
    if y.isna().any():
        raise InputError(f"target column '{target}' has {int(y.isna().sum())} missing values")
    X = frame.drop(columns=[target, *drop])
    return (*encode_features(X), y)


def encode_features(X):
    """Return ``(X_numeric, notes)``: one-hot encode text/category columns, reject the rest."""
    if X.shape[1] == 0:
        raise InputError("no feature columns left after removing the target and --drop")
    notes = []
    for col in X.columns:
        if X[col].isna().all():
            raise InputError(f"column '{col}' is empty (all values missing); drop it with --drop")
    X = X.copy()
    bools = [c for c in X.columns if pd.api.types.is_bool_dtype(X[c])]
    X[bools] = X[bools].astype(float)
    categorical = []
    for col in X.columns:
        kind = X[col].dtype
        if pd.api.types.is_numeric_dtype(kind):
            continue
        if pd.api.types.is_datetime64_any_dtype(kind) or pd.api.types.is_timedelta64_dtype(kind):
            raise InputError(f"column '{col}' holds dates/times, which cannot be one-hot encoded")
        values = X[col].dropna()
        try:
            n_levels = values.nunique()
        except TypeError as exc:
            raise InputError(f"column '{col}' holds values that cannot be encoded") from exc
        if n_levels > 50 and n_levels > 0.5 * len(values):
            raise InputError(
                f"column '{col}' is non-numeric with {n_levels} distinct values (an identifier?)"
                f"; drop it with --drop"
            )
        categorical.append(col)
    if categorical:
        n_kept = X.shape[1] - len(categorical)
        X = pd.get_dummies(X, columns=categorical, dtype=float)
        names = ", ".join(f"'{col}'" for col in categorical)
        notes.append(
            f"one-hot encoded the non-numeric column(s) {names} into {X.shape[1] - n_kept} "
            "indicator columns (a missing value is all zeros)"
        )
    for col in X.columns:
        n_missing = int(X[col].isna().sum())
        if n_missing:
            raise InputError(
                f"column '{col}' has {n_missing} missing values; impute them or drop it with --drop"
            )
    X.columns = [str(c) for c in X.columns]
    return X, notes


def load(args):
    if args.data is not None and args.dataset is not None:
        raise InputError("give either a DATA file or --dataset, not both")
    if args.data is None:
        if args.target is not None:
            raise InputError("--target needs a DATA file")
        name = args.dataset or "breast_cancer"
        X, y = load_builtin(name)
        if args.drop:
            missing = [col for col in args.drop if col not in X.columns]
            if missing:
                raise InputError(f"--drop: column '{missing[0]}' not found in {name}")
            X = X.drop(columns=args.drop)
        return name, X, y, []
    frame = read_table(args.data)
    X, notes, y = split_target(frame, args.target, args.drop, args.data)
    return Path(args.data).name, X, y, notes


def _timed(message, func):
    """Run ``func`` with a progress line on stderr; collect its warnings."""
    print(f"{message}...", end="", file=sys.stderr, flush=True)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func()
    print(f" done in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return result, [str(w.message).splitlines()[0] for w in caught]


def summary_text(source, X, report, rule):
    """The stdout summary: the data, the two strengths (and a budget rule's) and the
    features kept, with a note on correlated groups L1 split."""
    from ..charts._data import scoring_name
    from .page import correlated_note, rule_choice, stability_note

    choice = rule_choice(report, rule)
    n = X.shape[0]
    lines = [
        f"L1 path of {source} ({n} samples, {X.shape[1]} features, task: {report.task_}), "
        f"{report.cv_scores_.shape[1]}-fold CV scored by {scoring_name(report)}",
        "",
    ]
    for name in Rule.ALL:
        alpha = getattr(report, f"alpha_{name}_")
        mark = "  <- --rule" if name == rule else ""
        lines.append(
            f"alpha_{name:<3} = {alpha:.4g}  (C = {1 / (alpha * n):.4g}): "
            f"{len(report.selected_features(name))} features selected{mark}"
        )
    if not isinstance(rule, str):
        lines.append(
            f"budget {rule:<3} = {choice.alpha:.4g}  (C = {1 / (choice.alpha * n):.4g}): "
            f"{len(choice.kept)} features selected  <- --rule"
        )
    lines += [f"note: {text}" for text in (choice.note, correlated_note(report, rule)) if text]
    events = report.path_events()
    changes = events[events["event"] != "enter"]
    if len(changes):
        named = ", ".join(dict.fromkeys(map(str, changes["feature"])))
        lines.append(
            f"note: {int((changes['event'] == 'exit').sum())} exit(s) and "
            f"{int((changes['event'] == 'sign flip').sum())} sign flip(s) along the path "
            f"({named}); see the path events in the HTML report (-o)"
        )
    note = stability_note(report)
    if note:
        lines.append(note)
    table = report.summary()
    kept = set(choice.kept)
    table = table.loc[[feature for feature in table.index if feature in kept]]
    lines += ["", f"Features kept at {choice.label} (in order of entry):"]
    with pd.option_context("display.width", 120, "display.max_rows", 200):
        lines.append(table.to_string(float_format="{:.4g}".format) if len(table) else "  (none)")
    return "\n".join(lines)


def run(args):
    from .._estimators.compare import compare_penalties
    from .._estimators.report import LassoPathReport
    from .._version import __version__

    if args.cv < 2:
        raise InputError(f"--cv must be at least 2, got {args.cv}")
    if args.n_bootstrap < 0:
        raise InputError(f"--n-bootstrap must be at least 0, got {args.n_bootstrap}")
    pairs = args.n_bootstrap or None
    fitting = f"fitting the path and {args.cv}-fold CV"
    if pairs:
        fitting += f" and {pairs} pairs of half-samples"
    source, X, y, notes = _timed_load(args)
    penalty_factor = _penalty_factor(X, args.keep, source)
    if penalty_factor is not None:
        notes = [*notes, f"always kept (unpenalized): {', '.join(args.keep)}"]
        _progress(f"note: {notes[-1]}")
    report_args = {"cv": args.cv, "scoring": args.scoring, "task": args.task}
    report, caught = _timed(
        fitting,
        lambda: LassoPathReport(
            random_state=args.random_state,
            n_bootstrap=pairs,
            penalty_factor=penalty_factor,
            **report_args,
        ).fit(X, y),
    )
    print(summary_text(source, X, report, args.rule))
    if args.output is None:
        print("\n(add -o report.html for the full HTML report)", file=sys.stderr)
        _warn_summary(caught)
        return 0
    comparison, more = _timed(
        "comparing L1, L2 and elastic net",
        lambda: compare_penalties(X, y, random_state=args.random_state, **report_args),
    )
    from .page import render_report

    meta = {
        "source": source,
        "n_samples": X.shape[0],
        "n_features": X.shape[1],
        "folds": args.cv,
        "seed": args.random_state,
        "rule": args.rule,
        "version": __version__,
        "notes": notes,
        "warnings": caught + more,
    }
    page, _ = _timed(f"writing {args.output}", lambda: render_report(report, comparison, meta))
    try:
        Path(args.output).write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print("\nPenalty comparison (best strength per penalty):")
    best = comparison.best[["C", "alpha", "n_nonzero", "cv_mean", "cv_se"]]
    print(best.to_string(float_format="{:.4g}".format))
    print(f"\nHTML report: {args.output}")
    _warn_summary(caught + more)
    return 0


def _penalty_factor(X, keep, source):
    """Zero for the ``--keep`` columns, one for the rest (None without ``--keep``)."""
    if not keep:
        return None
    missing = [col for col in keep if col not in X.columns]
    if missing:
        raise InputError(f"--keep: column '{missing[0]}' not found in {source}")
    if len(set(keep)) == X.shape[1]:
        raise InputError("--keep names every feature: nothing would be left to select")
    return np.where(X.columns.isin(keep), 0.0, 1.0)


def _timed_load(args):
    start = time.perf_counter()
    source, X, y, notes = load(args)
    _progress(
        f"loaded {source}: {X.shape[0]} samples, {X.shape[1]} features "
        f"({time.perf_counter() - start:.1f} s)"
    )
    for note in notes:
        _progress(f"note: {note}")
    return source, X, y, notes


def _warn_summary(caught):
    if caught:
        _progress(f"note: {len(caught)} warning(s) while fitting, e.g. {caught[0]}")


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["report"]:
        argv = argv[1:]
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # sklearn's checks of options and data, e.g. a bad --scoring
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"\n{PROG}: error: {first}", file=sys.stderr)
        return 2
