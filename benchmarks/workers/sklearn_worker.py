"""Worker for the Python tools of the main environment: this package and scikit-learn.

    python sklearn_worker.py TOOL DATA_DIR

TOOL is one of ``lpr``, ``l1sel``, ``lpr_path``, ``lassocv``, ``lrcv_liblinear``,
``lrcv_saga``. Every fit is a fresh estimator on the data, folds and grid of DATA_DIR.
Each answer reports its CV score in glmnet's units, so the tools compare: MSE for
regression, AUC for binary, multinomial deviance (2 x log-loss) for multinomial.
"""

import json
import sys
from pathlib import Path

import numpy as np
from protocol import serve


def load_data(d):
    d = Path(d)
    meta = json.loads((d / "meta.json").read_text())
    if meta["sparse"]:
        from scipy import sparse

        X = sparse.csc_array(sparse.load_npz(d / "X.npz"))  # never densified
    else:
        X = np.load(d / "X.npy")
    arrays = {k: np.load(d / f"{k}.npy") for k in ("y", "foldid", "alphas")}
    return meta, X, arrays["y"], arrays["foldid"], arrays["alphas"]


def _ours(tool, meta, splits, alphas):
    from sklearn_lasso_tools import L1Selector, LassoPathReport

    # task is passed explicitly: see README ("task is passed explicitly")
    if tool == "lpr_path":
        return lambda: LassoPathReport(cv=None, alphas=alphas, task=meta["task"])
    cls = LassoPathReport if tool == "lpr" else L1Selector
    return lambda: cls(cv=splits, alphas=alphas, task=meta["task"])


def _sklearn(tool, meta, splits, alphas):
    if tool == "lassocv":
        from sklearn.linear_model import LassoCV

        return lambda: LassoCV(alphas=alphas, cv=splits)
    from sklearn.linear_model import LogisticRegressionCV

    # Same strengths: each fold's fit minimises C * sum(loss) + |w|_1 over n_train rows,
    # i.e. mean(loss) + |w|_1 / (C * n_train), so C = 1 / (alpha * n_train). Ascending C
    # is descending alpha (the order saga warm-starts along).
    Cs = 1.0 / (np.asarray(alphas) * meta["n_train"])
    scoring = "roc_auc" if meta["family"] == "binomial" else "neg_log_loss"
    return lambda: LogisticRegressionCV(
        Cs=Cs,
        l1_ratios=(1.0,),
        cv=splits,
        scoring=scoring,
        solver=tool.split("_")[1],
        use_legacy_attributes=False,
        random_state=0,
    )


def _our_score(family, value):
    """LassoPathReport's default scores in glmnet's units: it reports neg MSE, AUC, or
    neg log-loss (multinomial), glmnet MSE, AUC and deviance = 2 x log-loss."""
    return {"gaussian": -value, "binomial": value, "multinomial": -2.0 * value}[family]


MEASURE = {"gaussian": "mse", "binomial": "auc", "multinomial": "deviance"}


def answer_of(tool, est, meta):
    """(chosen alpha, number selected, CV score at it, path length) as a dict."""
    family = meta["family"]
    if tool == "lpr_path":
        return {"n_path": len(est.alphas_), "n_selected_last": int(est.n_nonzero_[-1])}
    if tool in ("lpr", "l1sel"):
        path = est if tool == "lpr" else est.path_
        alpha = est.alpha_min_ if tool == "lpr" else float(est.alpha_)
        i = int(np.argmin(np.abs(np.log(path.alphas_) - np.log(alpha))))
        return {
            "alpha": alpha,
            "n_selected": int(path.n_nonzero_[i]),
            "score": _our_score(family, float(path.cv_mean_[i])),
            "measure": MEASURE[family],
            "n_path": len(path.alphas_),
        }
    if tool == "lassocv":
        i = int(np.argmin(np.abs(np.log(est.alphas_) - np.log(est.alpha_))))
        return {
            "alpha": float(est.alpha_),
            "n_selected": int(np.sum(est.coef_ != 0)),
            "score": float(est.mse_path_.mean(axis=1)[i]),
            "measure": "mse",
            "n_path": len(est.alphas_),
        }
    C = float(np.ravel(est.C_)[0])
    i = int(np.argmin(np.abs(np.log(est.Cs_) - np.log(C))))
    scores = np.asarray(est.scores_)
    scores = scores[:, 0, :] if scores.ndim == 3 else scores  # (n_folds, [l1_ratios,] Cs)
    score = float(scores[:, i].mean())
    nonzero = np.any(np.atleast_2d(est.coef_) != 0, axis=0)
    return {
        "alpha": 1.0 / (C * meta["n_train"]),
        "n_selected": int(nonzero.sum()),
        "score": score if family == "binomial" else -2.0 * score,
        "measure": MEASURE[family],
        "n_path": len(est.Cs_),
    }


def main(tool, data_dir):
    def load():
        meta, X, y, foldid, alphas = load_data(data_dir)
        folds = range(meta["n_folds"])
        splits = [(np.flatnonzero(foldid != k), np.flatnonzero(foldid == k)) for k in folds]
        make = _ours if tool in ("lpr", "l1sel", "lpr_path") else _sklearn
        build = make(tool, meta, splits, alphas)
        return (lambda: build().fit(X, y)), (lambda est: answer_of(tool, est, meta))

    serve(load)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
