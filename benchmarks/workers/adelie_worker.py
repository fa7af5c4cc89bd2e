"""Worker for adelie (group elastic net, lasso groups), run by the adelie venv's Python.

    .venv-adelie/bin/python adelie_worker.py MODE DATA_DIR      # MODE: cv or path

``path`` times ``adelie.grpnet`` on the shared grid. ``cv`` times the equivalent of
``adelie.cv_grpnet`` on the benchmark's own folds: ``cv_grpnet`` draws its own folds and
its own grid and fits no full-data path, so the worker does what it does internally (each
training fold as observation weights that are zero on the held-out rows, ``grpnet`` on
the grid, held-out loss from the predictions), then the full-data path, as glmnet does.

Every ``grpnet`` call uses ``groups`` = one per feature (lasso), penalty factor 1,
``early_exit=False`` (all 100 strengths, as the other tools with a given grid),
``intercept=True``, ``n_threads=1`` and adelie's default tolerances. adelie's
loss is glmnet's: mean squared error / 2 and mean binomial log-likelihood, so its
``lambda`` is the same strength. Its multinomial penalizes each feature's K coefficients
as one group (glmnet's ``type.multinomial="grouped"``), a different problem from the
per-class lasso of glmnet's default and LassoPathReport, so multinomial is not run.
"""

import json
import sys
from pathlib import Path

import numpy as np
from protocol import serve, weighted_fold_mean

DEV_EPS = 1e-5  # glmnet clips held-out probabilities to [1e-5, 1 - 1e-5] for deviance


def _load(d):
    import adelie as ad

    d = Path(d)
    meta = json.loads((d / "meta.json").read_text())
    if meta["family"] not in ("gaussian", "binomial"):
        raise ValueError(f"adelie's multinomial is grouped only; {meta['family']} not run")
    if meta["sparse"]:
        from scipy import sparse

        X = sparse.csc_matrix(sparse.load_npz(d / "X.npz"))
        X_rows = X.tocsr()  # held-out rows, for predictions
        Xm = ad.matrix.sparse(X, method="naive")
    else:
        X = X_rows = np.asfortranarray(np.load(d / "X.npy"))
        Xm = ad.matrix.dense(X, method="naive")
    y, foldid, alphas = (np.load(d / f"{k}.npy") for k in ("y", "foldid", "alphas"))
    return ad, meta, Xm, X_rows, y.astype(np.float64), foldid, alphas


def _glm(ad, family, y, weights):
    return (ad.glm.gaussian if family == "gaussian" else ad.glm.binomial)(y, weights=weights)


def _path(ad, Xm, glm, alphas):
    return ad.grpnet(
        X=Xm,
        glm=glm,
        lmda_path=alphas,
        early_exit=False,
        intercept=True,
        progress_bar=False,
        n_threads=1,
    )


def _held_out_loss(family, X_test, y_test, state):
    """MSE or binomial deviance at every grid point, as cv.glmnet's type.measure."""
    prod = state.betas @ X_test.T  # (n_alphas, n_test): sparse when X_test is
    eta = (prod.toarray() if hasattr(prod, "toarray") else np.asarray(prod)).T
    eta = eta + state.intercepts[None, :]
    if family == "gaussian":
        return np.mean((y_test[:, None] - eta) ** 2, axis=0)
    prob = np.clip(1.0 / (1.0 + np.exp(-eta)), DEV_EPS, 1 - DEV_EPS)
    yt = y_test[:, None]
    return -2.0 * np.mean(yt * np.log(prob) + (1 - yt) * np.log(1 - prob), axis=0)


def _cv_fit(ad, meta, Xm, X_rows, y, foldid, alphas):
    family, n_folds = meta["family"], meta["n_folds"]
    losses = np.empty((n_folds, alphas.size))
    for k in range(n_folds):
        train = (foldid != k).astype(np.float64)
        state = _path(ad, Xm, _glm(ad, family, y, train / train.sum()), alphas)
        if state.lmdas.size != alphas.size:
            raise RuntimeError(f"fold {k}: {state.lmdas.size} of {alphas.size} strengths")
        test = np.flatnonzero(foldid == k)
        losses[k] = _held_out_loss(family, X_rows[test], y[test], state)
    mean = weighted_fold_mean(losses, foldid)
    full = _path(ad, Xm, _glm(ad, family, y, np.full(y.size, 1.0 / y.size)), alphas)
    return mean, full


def main(mode, data_dir):
    def load():
        ad, meta, Xm, X_rows, y, foldid, alphas = _load(data_dir)
        family = meta["family"]
        if mode == "path":
            glm = _glm(ad, family, y, np.full(y.size, 1.0 / y.size))

            def answer(state):
                return {
                    "n_path": int(state.lmdas.size),
                    "n_selected_last": int(state.betas[-1].count_nonzero()),
                }

            return (lambda: _path(ad, Xm, glm, alphas)), answer

        def answer(fitted):
            mean, full = fitted
            i = int(np.argmin(mean))
            return {
                "alpha": float(alphas[i]),
                "n_selected": int(full.betas[i].count_nonzero()),
                "score": float(mean[i]),
                "measure": "mse" if family == "gaussian" else "deviance",
                "n_path": int(full.lmdas.size),
            }

        return (lambda: _cv_fit(ad, meta, Xm, X_rows, y, foldid, alphas)), answer

    serve(load)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
