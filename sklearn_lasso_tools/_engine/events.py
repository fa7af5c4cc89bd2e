"""Path events: where each feature enters, leaves or changes sign along a path.

Pure numerics on a path's coefficients; ``LassoPathReport.path_events`` makes the table.
"""

import numpy as np

from .support import path_support

__all__ = ["EVENTS", "entries", "path_events"]

EVENTS = ("enter", "exit", "sign flip")


def path_events(coefs):
    """Every change of a feature's support or sign between consecutive grid points.

    A feature is in the model where its coefficient is nonzero (in any class, for a
    multinomial path). Between steps ``i - 1`` and ``i`` it *enters* when it becomes
    nonzero and *exits* when it becomes zero; a feature already nonzero at step 0 enters
    there. Its coefficient *flips sign* at step ``i`` when it is nonzero there with the
    sign opposite to its last nonzero value while the feature stayed in the model: for a
    single-output path, nonzero at both steps with opposite signs (passing through zero
    is an exit and an entry); for a multinomial path, per class, so one class's
    coefficient may pass through zero while other classes keep the feature in.

    Parameters
    ----------
    coefs : ndarray of shape (n_alphas, n_features) or (n_alphas, n_classes, n_features)
        Coefficients along a descending grid.

    Returns
    -------
    step : ndarray of int
        The first grid point where the new state holds.
    feature : ndarray of int
    event : ndarray of int
        Index into :data:`EVENTS`.
    klass : ndarray of int
        The class whose coefficient flips sign (-1 for enter and exit, and for every
        event of a single-output path); sorted by step, then event, then feature.
    """
    coefs = np.asarray(coefs)
    support = path_support(coefs)
    before = np.vstack([np.zeros_like(support[:1]), support[:-1]])
    parts = []
    for kind, mask in ((0, support & ~before), (1, before & ~support)):
        step, feature = np.nonzero(mask)
        parts.append((step, feature, np.full(step.size, kind), np.full(step.size, -1)))
    sign = np.sign(coefs).astype(np.int8)
    sign = sign if sign.ndim == 3 else sign[:, None, :]
    last = np.zeros_like(sign[0])  # last nonzero sign of each class since entry
    flips = np.zeros(sign.shape, dtype=bool)
    for i in range(sign.shape[0]):
        flips[i] = (sign[i] != 0) & (sign[i] == -last)
        last = np.where(sign[i] != 0, sign[i], last)
        last[:, ~support[i]] = 0
    step, klass, feature = np.nonzero(flips)
    if coefs.ndim == 2:
        klass = np.full(step.size, -1)
    parts.append((step, feature, np.full(step.size, 2), klass))
    step, feature, event, klass = (np.concatenate(arrays) for arrays in zip(*parts, strict=True))
    order = np.lexsort((klass, feature, event, step))
    return step[order], feature[order], event[order], klass[order]


def entries(coefs, alphas, scales):
    """Each feature's entry alpha (NaN if it never enters) and the order of entry of the
    features that do: by grid point, ties broken by the size (``|coef| * scales``, the
    largest class's for multinomial) at entry."""
    nonzero = coefs != 0
    if nonzero.ndim == 3:
        nonzero = nonzero.any(axis=1)
    entered = nonzero.any(axis=0)
    first = np.where(entered, nonzero.argmax(axis=0), len(alphas))
    at_first = np.minimum(first, len(alphas) - 1)
    entry_alphas = np.where(entered, alphas[at_first], np.nan)
    # each feature's size where it enters, without a copy of the whole path
    at = coefs[at_first, ..., np.arange(first.size)]
    at_entry = (np.abs(at).max(axis=-1) if at.ndim == 2 else np.abs(at)) * scales
    order = np.lexsort((-at_entry, first))
    return entry_alphas, order[entered[order]]
