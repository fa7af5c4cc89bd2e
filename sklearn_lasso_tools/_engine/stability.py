"""Stability selection along the path: pure numerics, no pandas, no plotting.

Complementary pairs stability selection (Shah & Samworth, 2013): each of ``B`` random
splits of the samples gives two disjoint halves of ``floor(n / 2)`` samples (class by
class, for classification); the L1 path is fitted on every half on one common grid, in
parallel through joblib, and a feature's *selection frequency* at an alpha is the share of
the ``2B`` halves whose fit gives it a nonzero coefficient there.

Error control is Meinshausen & Bühlmann's (2010): over a region of the path
``[alpha_cut, alpha_max]``, with ``q`` the average number of features a half selects
anywhere in that region, the features whose largest frequency in the region reaches
``threshold`` contain in expectation at most ``q**2 / ((2 * threshold - 1) * p)``
features that are noise (under their exchangeability and better-than-random-guessing
assumptions; Shah & Samworth show the bound holds for complementary pairs). Shah &
Samworth's bound for unimodal frequencies is about twice as tight.
"""

from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed

from .cv import subset_path

__all__ = [
    "StabilityResult",
    "StableSet",
    "complementary_pairs",
    "effective_threshold",
    "mb_bound",
    "region_end",
    "select_stable",
    "stability_path",
    "unimodal_bound",
]


@dataclass(frozen=True)
class StabilityResult:
    """Selection frequencies along a path, from complementary pairs of half-samples.

    Attributes
    ----------
    frequency : ndarray of shape (n_alphas, n_features)
        Share of the ``2 * n_pairs`` halves whose fit selects each feature at each alpha.
    q : ndarray of shape (n_alphas,)
        Average over the halves of the number of features selected at any alpha from the
        first down to this one (Meinshausen & Bühlmann's ``q`` of that region); it never
        decreases along the path.
    n_selected : ndarray of shape (n_alphas,)
        Average number of features a half selects at each alpha.
    n_pairs : int
    """

    frequency: np.ndarray
    q: np.ndarray
    n_selected: np.ndarray
    n_pairs: int


def complementary_pairs(n_samples, n_pairs, rng, strata=None):
    """``n_pairs`` random splits into two disjoint halves of ``n_samples // 2`` samples.

    With ``strata`` (class codes), each class is split in half separately and its odd
    samples are shared out at random, so a half holds ``floor`` or ``ceil`` of half of
    each class and every class with two or more samples is in both halves.

    Parameters
    ----------
    n_samples : int
    n_pairs : int
    rng : numpy.random.RandomState
    strata : ndarray of shape (n_samples,) of int, default=None

    Returns
    -------
    list of (ndarray, ndarray)
        Sorted sample indices of each pair's halves.
    """
    half = n_samples // 2
    groups = [np.arange(n_samples)] if strata is None else _strata(strata)
    pairs = []
    for _ in range(n_pairs):
        first, second, odd = [], [], []
        for members in groups:
            shuffled = rng.permutation(members)
            k = len(members) // 2
            first.append(shuffled[:k])
            second.append(shuffled[k : 2 * k])
            odd.append(shuffled[2 * k :])
        odd = rng.permutation(np.concatenate(odd))
        extra = half - sum(len(part) for part in first)
        first.append(odd[:extra])
        second.append(odd[extra : 2 * extra])
        pairs.append((np.sort(np.concatenate(first)), np.sort(np.concatenate(second))))
    return pairs


def _strata(codes):
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return np.split(order, bounds)


def stability_path(X, y, pairs, *, task, alphas, sample_weight=None, n_jobs=None, **path_params):
    """Fit the path on both halves of every pair and count how often each feature is in.

    Each half is fitted on the given ``alphas`` in full (no early stop); a half that
    saturates (separated classes, interpolated data) keeps its last fit for the smaller
    alphas, as cross-validation folds do. ``path_params`` go to :func:`l1_path`.

    Returns
    -------
    StabilityResult
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    halves = [rows for pair in pairs for rows in pair]
    jobs = (
        delayed(_half_support)(
            X, y, rows, task=task, alphas=alphas, sample_weight=sample_weight, **path_params
        )
        for rows in halves
    )
    n_features = X.shape[1]
    counts = np.zeros((len(alphas), n_features), dtype=np.int64)
    union_sizes = np.zeros((len(halves), len(alphas)))
    sizes = np.zeros((len(halves), len(alphas)))
    for h, packed in enumerate(Parallel(n_jobs=n_jobs)(jobs)):
        support = np.unpackbits(packed, axis=1, count=n_features).astype(bool)
        counts += support
        sizes[h] = support.sum(axis=1)
        union_sizes[h] = np.logical_or.accumulate(support, axis=0).sum(axis=1)
    return StabilityResult(
        counts / len(halves), union_sizes.mean(axis=0), sizes.mean(axis=0), len(pairs)
    )


def _half_support(X, y, rows, *, task, alphas, sample_weight, **path_params):
    """The support of one half's path, bit-packed per alpha (small to send back)."""
    coefs, _ = subset_path(
        X, y, rows, task=task, alphas=alphas, sample_weight=sample_weight, **path_params
    )
    support = coefs != 0
    if support.ndim == 3:
        support = support.any(axis=1)
    return np.packbits(support, axis=1)


@dataclass(frozen=True)
class StableSet:
    """The stability region and the features stable in it, for one threshold.

    Attributes
    ----------
    end : int
        Index of the smallest alpha of the region ``alphas[: end + 1]``.
    within_pfer : bool
        False when even the first alpha alone gives a bound above ``pfer`` (the region is
        then that alpha).
    threshold : float
        The threshold rounded up to a multiple of ``1 / (2B)`` (what the bounds use).
    max_frequency : ndarray of shape (n_features,)
        Each feature's largest frequency over the region.
    stable : ndarray of bool of shape (n_features,)
    q : float
        The region's ``q``.
    mb_bound, unimodal_bound : float
        Meinshausen & Bühlmann's and Shah & Samworth's (unimodal) bounds on the expected
        number of noise features among the stable ones.
    """

    end: int
    within_pfer: bool
    threshold: float
    max_frequency: np.ndarray
    stable: np.ndarray
    q: float
    mb_bound: float
    unimodal_bound: float


def select_stable(result, threshold, pfer):
    """The longest region from the first alpha whose Meinshausen & Bühlmann bound is at
    most ``pfer`` at this threshold, and the features whose frequency reaches it there.

    Parameters
    ----------
    result : StabilityResult
    threshold : float
        In (0.5, 1].
    pfer : float
        Positive.

    Returns
    -------
    StableSet
    """
    n_features = result.frequency.shape[1]
    threshold = effective_threshold(threshold, result.n_pairs)
    end = region_end(result.q, n_features, threshold, pfer)
    within = end >= 0
    end = max(end, 0)
    top = result.frequency[: end + 1].max(axis=0)
    q = float(result.q[end])
    return StableSet(
        end,
        within,
        threshold,
        top,
        top >= threshold,
        q,
        float(mb_bound(q, n_features, threshold)),
        unimodal_bound(q, n_features, threshold, result.n_pairs),
    )


def effective_threshold(threshold, n_pairs):
    """Frequencies are multiples of ``1 / (2B)``: ``freq >= threshold`` is the same test as
    ``freq >= ceil(2B * threshold) / (2B)``, the threshold the bounds use."""
    steps = 2 * n_pairs
    return float(np.ceil(threshold * steps - 1e-9) / steps)


def region_end(q, n_features, threshold, pfer):
    """Index of the last alpha of the longest region ``alphas[: end + 1]`` whose ``q`` keeps
    Meinshausen & Bühlmann's bound at most ``pfer``: ``q <= sqrt(pfer (2 thr - 1) p)``.

    Returns -1 when even the first alpha's ``q`` is too large.
    """
    q_max = np.sqrt(pfer * (2 * threshold - 1) * n_features)
    return int(np.searchsorted(q, q_max, side="right")) - 1


def mb_bound(q, n_features, threshold):
    """Meinshausen & Bühlmann (2010), Theorem 1: ``E[V] <= q**2 / ((2 thr - 1) p)``."""
    return q**2 / ((2 * threshold - 1) * n_features)


def unimodal_bound(q, n_features, threshold, n_pairs):
    """Shah & Samworth (2013), eq. (8): the bound when each noise feature's frequency has a
    unimodal distribution; NaN outside the conditions it is proved under.

    ``E[V] <= C(thr, B) q**2 / p`` with ``C = 1 / (2 (2 thr - 1 - 1/(2B)))`` for
    ``thr <= 3/4`` and ``C = 4 (1 - thr + 1/(2B)) / (1 + 1/B)`` above, valid when
    ``theta = q / p <= 1 / sqrt(3)`` and ``thr > 1/2 + min(theta**2, 1/(2B) + 3 theta**2 / 4)``.
    """
    theta = q / n_features
    low = 0.5 + min(theta**2, 1 / (2 * n_pairs) + 0.75 * theta**2)
    if theta > 1 / np.sqrt(3) or threshold <= low:
        return float("nan")
    if threshold <= 0.75:
        constant = 1 / (2 * (2 * threshold - 1 - 1 / (2 * n_pairs)))
    else:
        constant = 4 * (1 - threshold + 1 / (2 * n_pairs)) / (1 + 1 / n_pairs)
    return float(constant * q**2 / n_features)
