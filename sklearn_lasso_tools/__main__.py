"""``python -m sklearn_lasso_tools``: the L1 path of the breast-cancer data, cross-validated."""

import argparse
import sys

import pandas as pd
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine

from . import LassoPathReport

DATASETS = {"breast_cancer": load_breast_cancer, "diabetes": load_diabetes, "wine": load_wine}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m sklearn_lasso_tools", description=__doc__)
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="breast_cancer")
    parser.add_argument("--cv", type=int, default=5, help="number of folds (default 5)")
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)
    X, y = DATASETS[args.dataset](return_X_y=True, as_frame=True)
    report = LassoPathReport(cv=args.cv, random_state=args.random_state).fit(X, y)
    with pd.option_context("display.width", 120, "display.max_rows", 200):
        print(f"L1 path of {args.dataset} ({X.shape[0]} samples, {X.shape[1]} features), "
              f"{args.cv}-fold CV\n")
        print(report.path_table().to_string(index=False, float_format="{:.4g}".format))
        for rule in ("min", "1se"):
            alpha = getattr(report, f"alpha_{rule}_")
            selected = report.selected_features(rule).tolist()
            print(f"\nalpha_{rule} = {alpha:.4g} (C = {1 / (alpha * len(y)):.4g}): "
                  f"{len(selected)} features selected")
            print("  " + ", ".join(selected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
