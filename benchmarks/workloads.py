"""The benchmark's workloads: fixed-seed data, standardized once, with fixed folds and grid.

``prepare`` writes everything a worker reads into one folder per workload, in forms every
worker can load without the others' libraries: ``.npy`` / ``.npz`` for Python (the adelie
venv has numpy<2 and no scikit-learn), raw little-endian ``.bin`` files for R.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

N_FOLDS = 5
N_ALPHAS = 100
FOLD_SEED = 0


@dataclass(frozen=True)
class Workload:
    name: str
    family: str  # glmnet's: "gaussian", "binomial" or "multinomial"
    small: bool  # in --quick
    description: str
    seed: int | None = None

    @property
    def task(self):
        """LassoPathReport's ``task``."""
        return "regression" if self.family == "gaussian" else "classification"


WORKLOADS = [
    Workload("diabetes", "gaussian", True, "sklearn diabetes, 442 x 10"),
    Workload("breast_cancer", "binomial", True, "sklearn breast cancer, 569 x 30"),
    Workload(
        "reg_20000x500",
        "gaussian",
        False,
        "n=20,000 p=500, Toeplitz(0.5) correlation, 20 true, SNR 3",
        seed=20500,
    ),
    Workload(
        "reg_200x10000",
        "gaussian",
        False,
        "n=200 p=10,000, independent, 10 true, SNR 3",
        seed=210000,
    ),
    Workload(
        "logit_50000x200",
        "binomial",
        False,
        "n=50,000 p=200, independent, 15 true, sd(eta)=2",
        seed=50200,
    ),
    Workload(
        "logit_500x5000",
        "binomial",
        False,
        "n=500 p=5,000, independent, 10 true, sd(eta)=2",
        seed=5005000,
    ),
    Workload(
        "tfidf_2000x30000",
        "binomial",
        False,
        "sparse tf-idf, 2,000 docs x 30,000 words (Zipf), label from 5 planted words",
        seed=2030000,
    ),
    Workload("digits", "multinomial", False, "sklearn digits, 1797 x 64, 10 classes"),
]
BY_NAME = {w.name: w for w in WORKLOADS}


def _true_coef(rng, p, k):
    """k nonzero coefficients at random positions, random signs, sizes in [0.5, 1.5]."""
    coef = np.zeros(p)
    support = rng.choice(p, size=k, replace=False)
    coef[support] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.5, 1.5, size=k)
    return coef


def _design(rng, n, p, rho):
    """Standard normal rows; with rho, AR(1) columns: cov_ij = rho^|i-j| (Toeplitz)."""
    Z = rng.standard_normal((n, p))
    if rho:
        X = np.empty((n, p), order="F")
        X[:, 0] = Z[:, 0]
        c = np.sqrt(1 - rho**2)
        for j in range(1, p):
            X[:, j] = rho * X[:, j - 1] + c * Z[:, j]
        Z = np.ascontiguousarray(X)
    return Z


def _documents(rng, n=2000, p=30000):
    """Word counts (CSR) of n synthetic documents and a label carried by planted words.

    Words are drawn with Zipf-like frequencies (rank^-1.1); ~150 draws a document give
    about 90 distinct words, i.e. ~0.3% nonzero. Half the documents are positive; each
    positive one gets each of three mid-frequency "positive" words with probability 0.35,
    each negative one each of two "negative" words, so a handful of columns carry the label
    and the other 29,995 are noise.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    freq = 1.0 / np.arange(1, p + 1) ** 1.1
    lengths = rng.poisson(150, n)
    docs = np.repeat(np.arange(n), lengths)
    words = rng.choice(p, size=lengths.sum(), p=freq / freq.sum())
    y = (rng.random(n) < 0.5).astype(np.int64)
    planted = {1: [300, 700, 1500], 0: [500, 1100]}
    extra_docs, extra_words = [], []
    for label, vocab in planted.items():
        for word in vocab:
            hit = np.flatnonzero((y == label) & (rng.random(n) < 0.35))
            extra_docs.append(np.repeat(hit, 2))  # twice, so tf-idf weighs it up
            extra_words.append(np.full(2 * hit.size, word))
    docs = np.concatenate([docs, *extra_docs])
    words = np.concatenate([words, *extra_words])
    counts = sparse.csr_array((np.ones(docs.size), (docs, words)), shape=(n, p))
    counts.sum_duplicates()
    return TfidfTransformer().fit_transform(counts), y


def make_data(w):
    """(X, y) for a workload; raw (not yet standardized). X is a CSR matrix for tf-idf."""
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits

    loaders = {
        "diabetes": load_diabetes,
        "breast_cancer": load_breast_cancer,
        "digits": load_digits,
    }
    if w.name in loaders:
        return loaders[w.name](return_X_y=True)
    rng = np.random.default_rng(w.seed)
    if w.name.startswith("tfidf"):
        return _documents(rng)
    n, p = (int(v) for v in w.name.split("_")[1].split("x"))
    if w.family == "gaussian":
        k, rho = (20, 0.5) if w.name == "reg_20000x500" else (10, 0.0)
        X = _design(rng, n, p, rho)
        signal = X @ _true_coef(rng, p, k)
        noise_sd = signal.std() / np.sqrt(3.0)  # signal-to-noise variance ratio 3
        return X, signal + noise_sd * rng.standard_normal(n)
    k = 15 if w.name == "logit_50000x200" else 10
    X = _design(rng, n, p, 0.0)
    eta = X @ _true_coef(rng, p, k)
    eta *= 2.0 / eta.std()
    return X, (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(np.int64)


def _standardize(X):
    """Population-sd scaling, as glmnet. Dense X is centred too; sparse X only scaled, so it
    stays sparse (with an unpenalized intercept, centring does not change the solution).
    Constant columns keep scale 1 (they are all zero, or constant, and never enter)."""
    if sparse.issparse(X):
        X = sparse.csc_array(X, dtype=np.float64)
        mean = np.asarray(X.mean(axis=0)).ravel()
        var = np.asarray(X.multiply(X).mean(axis=0)).ravel() - mean**2
        sd = np.sqrt(np.maximum(var, 0.0))
        sd[sd < 1e-12] = 1.0
        X = sparse.csc_array(X @ sparse.diags_array(1.0 / sd))
        X.sort_indices()
        return X
    from sklearn.preprocessing import StandardScaler

    return np.ascontiguousarray(StandardScaler().fit_transform(X), dtype=np.float64)


def _nbytes(X):
    """Bytes X holds: its buffer, or a sparse matrix's three arrays."""
    if sparse.issparse(X):
        return int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)
    return int(X.nbytes)


def prepare(w, root):
    """Standardize, fix folds and grid, write what the workers read. Returns (meta, alphas)."""
    from sklearn.model_selection import KFold, StratifiedKFold
    from sklearn.utils.multiclass import type_of_target

    X, y = make_data(w)
    y_kind = type_of_target(y)
    # Standardized once, up front: glmnet, adelie's inputs and LassoPathReport then all
    # see one problem, and scikit-learn's CV estimators (which do not standardize) too.
    X = _standardize(X)
    n, p = X.shape
    if w.family == "gaussian":
        y = np.asarray(y, dtype=np.float64)
        splitter = KFold(N_FOLDS, shuffle=True, random_state=FOLD_SEED)
        Y = (y - y.mean())[:, None]
    else:
        y = np.asarray(y, dtype=np.int64)
        splitter = StratifiedKFold(N_FOLDS, shuffle=True, random_state=FOLD_SEED)
        onehot = (y[:, None] == np.unique(y)[None, :]).astype(np.float64)
        Y = onehot[:, 1:] if w.family == "binomial" else onehot
        Y = Y - Y.mean(axis=0)
    foldid = np.empty(n, dtype=np.int64)
    for k, (_, test) in enumerate(splitter.split(np.zeros((n, 1)), y)):
        foldid[test] = k
    # glmnet's default grid: lambda_max (null-model gradient; for ungrouped multinomial the
    # largest over classes) down to eps * lambda_max, eps = 1e-4 if n > p else 1e-2
    alpha_max = float(np.max(np.abs(X.T @ Y))) / n
    eps = 1e-4 if n > p else 1e-2
    alphas = np.geomspace(alpha_max, alpha_max * eps, N_ALPHAS)
    n_train = float(np.mean([n - np.sum(foldid == k) for k in range(N_FOLDS)]))

    d = Path(root) / w.name
    d.mkdir(parents=True, exist_ok=True)
    is_sparse = sparse.issparse(X)
    raw = {"y": y, "alphas": alphas, "foldid": foldid}
    if is_sparse:
        sparse.save_npz(d / "X.npz", sparse.csc_matrix(X), compressed=False)
        raw.update(x_data=X.data)  # CSC parts, for R's Matrix::sparseMatrix
        for part in ("indices", "indptr"):
            np.ascontiguousarray(getattr(X, part), dtype="<i4").tofile(d / f"x_{part}.bin")
    else:
        np.save(d / "X.npy", X)
        raw.update(X_colmajor=X.ravel(order="F"))
    for name, a in raw.items():
        np.ascontiguousarray(a, dtype="<f8").tofile(d / f"{name}.bin")
    for name in ("y", "foldid", "alphas"):
        np.save(d / f"{name}.npy", raw[name])
    nnz = int(X.nnz) if is_sparse else n * p
    (d / "meta.txt").write_text(
        f"n={n}\np={p}\nnlam={N_ALPHAS}\nfamily={w.family}\nsparse={int(is_sparse)}\nnnz={nnz}\n"
    )
    meta = {
        "name": w.name,
        "family": w.family,
        "task": w.task,
        "n": n,
        "p": p,
        "n_train": n_train,
        "n_folds": N_FOLDS,
        "sparse": is_sparse,
        "nnz": nnz,
        "density": nnz / (n * p),
        "x_bytes": _nbytes(X),
        "dense_bytes": 8 * n * p,
        "alpha_max": alpha_max,
        "eps": eps,
        "n_classes": None if w.family == "gaussian" else int(np.unique(y).size),
        "y_type_of_target": y_kind,
        "positive_rate": float(y.mean()) if w.family == "binomial" else None,
    }
    (d / "meta.json").write_text(json.dumps(meta))
    return meta, alphas
