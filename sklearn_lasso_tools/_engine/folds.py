"""The folds of an int ``cv``: the test indices scikit-learn's ``KFold`` and
``StratifiedKFold`` give, made here for the common case.

Importing ``sklearn.model_selection`` (which imports ``sklearn.metrics``) costs a fifth of
a small fit's first call in a new process, for a few lines of index arithmetic. The
splitters' own classes still make the folds when their words are needed (a class with
fewer members than folds, more folds than samples, ``groups`` given) and on any input
other than a 1-D integer array, so those warnings and errors stay scikit-learn's;
``tests/test_folds.py`` checks that both give the same indices.
"""

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["KFolds"]


class KFolds:
    """``n_splits`` folds, in the data's order, or shuffled by ``random_state`` when
    ``shuffle``; stratified (each class spread over the folds as evenly as it goes, in
    blocks) when ``stratify``: ``StratifiedKFold``'s folds, else ``KFold``'s.

    A splitter: ``split(X, y, groups=None)`` yields ``(train, test)`` index arrays.
    """

    def __init__(self, n_splits, *, stratify, shuffle=False, random_state=None):
        self.n_splits = n_splits
        self.stratify = stratify
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits

    def split(self, X, y=None, groups=None):
        n_samples = len(X) if not hasattr(X, "shape") else X.shape[0]
        test_folds = None
        if groups is None and 2 <= self.n_splits <= n_samples:
            test_folds = self._test_folds(n_samples, y)
        if test_folds is None:  # scikit-learn's own words for what is unusual
            yield from self.sklearn_splitter().split(X, y, groups)
            return
        indices = np.arange(n_samples)
        for i in range(self.n_splits):
            test = test_folds == i
            yield indices[~test], indices[test]

    def sklearn_splitter(self):
        """The scikit-learn splitter these folds are (``KFold`` or ``StratifiedKFold``)."""
        from sklearn.model_selection import KFold, StratifiedKFold

        kind = StratifiedKFold if self.stratify else KFold
        seed = {"shuffle": True, "random_state": self.random_state} if self.shuffle else {}
        return kind(self.n_splits, **seed)

    def _test_folds(self, n_samples, y):
        """Each sample's test fold, or None where scikit-learn should make them."""
        if not self.stratify:
            indices = np.arange(n_samples)
            if self.shuffle:
                check_random_state(self.random_state).shuffle(indices)
            sizes = np.full(self.n_splits, n_samples // self.n_splits)
            sizes[: n_samples % self.n_splits] += 1
            folds = np.empty(n_samples, dtype=np.intp)
            folds[indices] = np.repeat(np.arange(self.n_splits), sizes)
            return folds
        y = np.asarray(y) if y is not None else None
        if y is None or y.ndim != 1 or y.dtype.kind not in "iu" or len(y) != n_samples:
            return None
        # classes numbered by first appearance, as StratifiedKFold numbers them
        _, first, inverse = np.unique(y, return_index=True, return_inverse=True)
        _, order = np.unique(first, return_inverse=True)
        encoded = order[inverse]
        counts = np.bincount(encoded)
        if counts.min() < self.n_splits:
            return None
        # the samples of each class per fold: round robin over the sorted labels
        ordered = np.sort(encoded)
        allocation = np.array(
            [
                np.bincount(ordered[i :: self.n_splits], minlength=len(counts))
                for i in range(self.n_splits)
            ]
        )
        rng = check_random_state(self.random_state) if self.shuffle else None
        folds = np.empty(n_samples, dtype="i")
        for k in range(len(counts)):  # in blocks, in the data's order unless shuffled
            folds_for_class = np.arange(self.n_splits).repeat(allocation[:, k])
            if rng is not None:
                rng.shuffle(folds_for_class)
            folds[encoded == k] = folds_for_class
        return folds
