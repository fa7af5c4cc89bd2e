"""Weighted least squares with the elastic-net penalty, solved on a working set.

The problem every solver step reduces to (a Newton step of the logistic loss, or a point of
the squared-loss path)::

    minimize over b   0.5 * sum_i u_i (t_i - (x~_i - m) . b)^2 + l1 ||b||_1 + 0.5 * l2 ||b||^2

with ``x~`` the standardized features, ``m`` their ``u``-weighted means and ``t`` a
``u``-centred response; ``l2`` may be one weight per feature (penalty factors), folded into
the working set's design, and ``b`` may be constrained to be non-negative
(``prob.positive``). Coordinate descent runs on a working set (the active features and
those whose correlation with the residual is near the threshold), then the optimality
conditions are checked on every feature and violators join the set (Tibshirani et al.'s
strong rules with KKT checks). On the working set, descent is polished: once its active
set settles, the active linear system gives the exact solution (``polish``). Along a path
on a wide dense design, the polish's systems are kept from one solve to the next
(``active_systems``).
"""

from functools import partial

import numpy as np

from ._wide import column_dots, single_copy, weighted_columns
from .active_systems import ActiveSystems
from .descent import coordinate_descent
from .polish import polish, residual_correlation, solve_active
from .sparse_columns import dense_columns, take_columns

__all__ = ["WeightedLasso"]

_FIRST_EPOCHS = 100  # coordinate descent epochs before the first polish (and its budget)
_EXPECTED_EPOCHS = 50  # warm-started solves rarely need more
_DENSE_BLOCK = 2_000_000  # working sets of sparse designs up to this size are densified
_DENSE_RATIO = 4  # ... when they hold at least 1 / _DENSE_RATIO of their cells
_FEW = 64
_WHOLE_SET = 4  # on a Gram matrix, no working set past 1 / _WHOLE_SET features active
_PARTIAL = 8  # X' r on some features, from a past full one, while they are at most 1 / _PARTIAL
_SCREEN = 0.9  # about the sequential strong rule's 2 alpha - previous alpha on glmnet's grid


class WeightedLasso:
    """One weighted problem on a standardized design ``prob`` (see ``standardize.prepare``).

    ``gram`` and ``Xy`` may carry the full ``u``-weighted Gram matrix and correlations when
    they are reused across many solves (squared loss with n_samples > n_features).
    """

    def __init__(self, prob, t, u, m, *, gram=None, Xy=None, screen=_SCREEN, along_path=False):
        self.prob, self.t, self.u, self.m = prob, t, u, m
        self.gram, self.Xy = gram, Xy
        self._last = None  # (b, correlations at b, the floor they are exact above, residual)
        self._polished = None  # (features, coefficients, residual) of the polish's last solution
        self._scaled_t = None  # t * sqrt(u), the response of the Gram matrix's least squares
        self._plain = not m.any() and bool((u == 1.0).all())  # x~ as it is: m = 0, u = 1
        # the first working set: the active features and those whose correlation reaches
        # ``screen`` times the threshold; no screening (None) for a few features, where it
        # costs more than it saves
        self.screen = screen if prob.n_features > _FEW else None
        # wide dense designs solved along a path: checks start in float32, and the polish
        # keeps the Gram entries of the features that have been active
        self._single, self._systems = None, None
        if along_path and self.screen is not None and gram is None and prob.offset is None:
            self._single = _SinglePrecision(prob.X, prob.single)
            self._systems = ActiveSystems(self._columns, t * np.sqrt(u), prob.n_features)

    def correlations(self, b, floor=0.0):
        """``c_j = sum_i u_i (x~_ij - m_j) r_i`` with ``r`` the residual at ``b``, exact
        where ``|c_j|`` may reach ``floor`` (elsewhere within a 1e-4 relative error). The
        last result is kept: a path's next solve starts where the last check ended."""
        last = self._last
        if last is not None and last[2] <= floor and np.array_equal(b, last[0]):
            return last[1]
        residual = None
        if self.gram is not None:  # rows, not columns, of the symmetric Gram: contiguous
            active = np.flatnonzero(b)
            correlation, floor = self.Xy - b[active] @ self.gram[active], 0.0
        else:
            residual = self.residual(b)
            ur = self.u * residual
            if self._single is None:
                correlation, floor = self.prob.rmatvec(ur) - self.m * ur.sum(), 0.0
            else:
                correlation = self._single.rmatvec(ur, self.m * ur.sum(), floor)
        self._last = (b.copy(), correlation, floor, residual)
        return correlation

    def start_at(self, b, correlation):
        """Take ``correlation`` (exact) as the correlations at ``b``, known to the caller."""
        self._last = (b.copy(), correlation, 0.0, None)

    def residual(self, b):
        """``t - (x~ - m) b`` (the last optimality check's or polish's, when that was at
        ``b``)."""
        last = self._last
        if last is not None and last[3] is not None and np.array_equal(b, last[0]):
            return last[3]
        if self._polished is not None:
            features, coefficients, residual = self._polished
            if np.count_nonzero(b) == features.size and np.array_equal(b[features], coefficients):
                return residual
        return self.t - (self.prob.matvec(b) - self.m @ b) if b.any() else self.t

    def solve(self, b, l1, l2, *, tol, max_iter):
        """Minimize from ``b`` (updated in place). Returns ``(epochs, gap ratios)``: the
        duality gap over its tolerance for working-set solves that stopped short."""
        screen = self._screen_for(b)
        if screen is None and b.any():  # the whole set from a warm start: b in place
            n_iter, ratio = self._solve_on(np.arange(b.size), b, l1, l2, tol, max_iter)
            return n_iter, [] if ratio is None else [ratio]
        work = np.ones(b.size, dtype=bool)
        if screen is not None or not b.any():
            # exact near l1 for the check of zero; screening takes approximations
            correlation = self.correlations(b, l1 if not b.any() else np.inf)
            if not b.any() and np.all(self._pull(correlation) <= l1 * (1 + 1e-12)):
                return 0, []  # zero is optimal (up to rounding: alpha_max itself)
            if screen is not None:
                work = (b != 0) | (np.abs(correlation) >= screen * l1)
        epochs, failures = 0, []
        while True:
            index = np.flatnonzero(work)
            b_work = np.ascontiguousarray(b[index])
            n_iter, ratio = self._solve_on(index, b_work, l1, l2, tol, max_iter)
            b[:] = 0.0
            b[index] = b_work
            epochs += n_iter
            if ratio is not None:
                failures.append(ratio)
            if work.all():
                return epochs, failures
            correlation = self.correlations(b, l1)
            violators = ~work & (self._pull(correlation) > l1)
            if not violators.any():
                return epochs, failures
            work |= violators

    def _screen_for(self, b):
        """The screening of a solve from ``b``. Once a quarter of the features are active,
        descent over every feature of a Gram matrix costs little more than over a working
        set (a zero that stays zero is read, not updated) and its duality gap covers them
        all: no screening, checks, or copies of parts of the matrix."""
        if self.gram is not None and _WHOLE_SET * np.count_nonzero(b) > b.size:
            return None
        return self.screen

    def _pull(self, correlation):
        """How hard the residual pulls each coefficient away from zero."""
        return correlation if self.prob.positive else np.abs(correlation)

    def _solve_on(self, index, b, l1, l2, tol, max_iter):
        """Coordinate descent in growing rounds (100, 200, 400, ... epochs), each followed
        by a polish when that costs less than the round did."""
        shift = l2 if np.isscalar(l2) else l2[index]  # (before ridge weights become rows)
        design, y, l2 = self._restrict(index, l2)
        positive = self.prob.positive
        rows = y.size
        solve = partial(solve_active, l1=l1, l2=l2, y=y, design=design)
        if self._systems is not None:
            solve = partial(self._solve_kept, index, shift, l1, y, design)
        # warm start; the budget never exceeds max_iter epochs (max_iter bounds the work)
        budget = rows * min(_FIRST_EPOCHS, max_iter)
        if polish(b, l1, y, design, positive, budget, solve):
            return 0, None
        epochs, rounds = 0, _FIRST_EPOCHS
        while epochs < max_iter:
            rounds = min(rounds, max_iter - epochs)
            gap, abs_tol, n_iter = coordinate_descent(
                b, l1, l2, y, max_iter=rounds, tol=tol, positive=positive, **design
            )
            epochs += n_iter
            if gap <= abs_tol or polish(b, l1, y, design, positive, rows * n_iter, solve):
                return epochs, None
            rounds *= 2
        return epochs, gap / abs_tol

    def _solve_kept(self, index, shift, l1, y, design, active, signs):
        """``solve_active`` from the kept systems (``index``: the working set's features;
        ``shift``: the ridge weight, or theirs)."""
        shift = shift if np.isscalar(shift) else shift[active]
        solution = self._systems.solve(index[active], signs, l1, shift)
        if "X" not in design or not self._plain:
            return solution, residual_correlation(active, y, design)
        X, features = design["X"], index[active]

        def correlation(w):  # its residual kept: the next check's, if w is the solution
            residual = y - X[:, active] @ w
            self._polished = (features, w, residual[: self.t.size])
            return X.T @ residual

        return solution, correlation

    def _columns(self, index):
        """A dense copy of the design's columns ``index``: ``sqrt(u) (x~ - m)``."""
        prob, m = self.prob, self.m
        root = np.sqrt(self.u)
        if prob.offset is not None:  # (a block of a sparse design)
            return (dense_columns(prob.X, index) - (m + prob.offset)[index]) * root[:, None]
        if not isinstance(prob.X, np.ndarray):  # (a design read in place)
            A = prob.X.columns(index)
        elif not self._plain and prob.X.flags.f_contiguous and np.ndim(m) == 1:
            # (Fortran-ordered designs, wide ones: one compiled pass, the same numbers)
            index = np.asarray(index, dtype=np.intp)
            return weighted_columns(prob.X, index, np.ascontiguousarray(m, float), root)
        else:
            A = prob.X[:, index]  # a copy, worked on in place (it may be most of X)
        if not self._plain:  # (squared loss, unweighted: nothing to do)
            A -= m[index]
            A *= root[:, None]
        return A

    def _restrict(self, index, l2):
        """The working set's design for the compiled coordinate descent, and the ridge
        weight left for the solver (per-feature weights are folded into the design)."""
        prob, t, u, m = self.prob, self.t, self.u, self.m
        ridge = None if np.isscalar(l2) else l2[index]
        if self.gram is not None:
            gram, Xy = self.gram, self.Xy  # read only: no copy for the whole set
            if index.size < gram.shape[0]:
                gram = gram.take(index, axis=0).take(index, axis=1)  # faster than np.ix_
                Xy = Xy[index]
            if ridge is not None:
                gram = gram + np.diag(ridge)
            if self._scaled_t is None:  # the same for every solve of a path
                self._scaled_t = t * np.sqrt(u)
            return {"gram": gram, "Xy": Xy}, self._scaled_t, 0.0 if ridge is not None else l2
        large = prob.n_samples * index.size > _DENSE_BLOCK or _too_sparse(prob, index)
        if prob.offset is not None and large and ridge is None:
            X = take_columns(prob.X, index)
            mean = np.ascontiguousarray((m + prob.offset)[index])
            return {"sparse_X": X, "sample_weight": u, "X_mean": mean}, t, l2
        # dense (for a small block of a sparse design, or one with ridge rows, dense is
        # faster), in Fortran order, as coordinate descent on X wants (the Gram product
        # takes either)
        A = self._columns(index)
        y = t * np.sqrt(u)
        if ridge is not None:  # ridge weights as extra rows: sqrt(ridge_j) e_j, target 0
            A = np.vstack([A, np.diag(np.sqrt(ridge))])
            y = np.concatenate([y, np.zeros(index.size)])
            l2 = 0.0
        if _gram_pays(prob.n_samples, index.size):
            return {"gram": A.T @ A, "Xy": A.T @ y}, y, l2
        return {"X": np.asfortranarray(A)}, y, l2


class _SinglePrecision:
    """A float32 copy of a dense design (columns scaled to a largest entry of 1) for
    ``X' r`` at half the memory traffic, each entry with a bound on its error: entries
    that may reach a floor are then recomputed exactly (few, away from the path's end).

    Along a path, residuals change little from one check to the next, so a full product is
    mostly not needed: ``|x_j' r| <= |x_j' r0| + ||x_j|| ||r - r0||`` (Cauchy-Schwarz) from
    the last full product's ``r0`` rules out most features, and only the others are
    computed, exactly, from their float64 columns."""

    def __init__(self, X, copy=None):
        """``copy``: ``(single, colmax, norms)`` of ``X``, when made with it (``prepare``)."""
        self.X = X
        if copy is None:
            # C order (X' r is fastest so), made from X (Fortran-ordered when wide) a tile
            # of columns at a time, in compiled code (see _wide)
            Z = X if X.dtype == np.float64 and X.flags.f_contiguous else np.asfortranarray(X, float)
            copy = single_copy(Z)
        self.single, self.colmax, self.norms = copy
        # rounding of n products and their sum, and of both factors (Higham's bound, x2)
        self.relative = 2 * (X.shape[0] + 2) * np.finfo(np.float32).eps
        self.lengths = self.norms * self.colmax * (1 + 1e-6)  # ||x_j||, rounded up
        self._reference = None  # (r0, X' r0 in float32, its error bound): the last full one

    def rmatvec(self, r, shift, floor):
        """``X' r - shift`` (``shift``: an array, or 0), exact where its magnitude may
        reach ``floor`` (a number, or one per feature); elsewhere within a 1e-4 relative
        error, or (ruled out by the last full product) that product's value, an estimate
        for screening."""
        if self._reference is not None:
            r0, product, error = self._reference
            estimate = product - shift
            bound = np.abs(estimate) + error + self.lengths * np.linalg.norm(r - r0)
            exact = np.flatnonzero(bound >= floor)
            if _PARTIAL * exact.size <= bound.size and self.X.flags.f_contiguous:
                if exact.size:
                    estimate[exact] = column_dots(self.X, exact, np.ascontiguousarray(r)) - (
                        shift[exact] if np.ndim(shift) else 0.0
                    )
                return estimate
        top = np.abs(r).max()
        top = top if top > 0 else 1.0
        single = (r / top).astype(np.float32)
        unit = self.colmax * top
        product = (self.single.T @ single) * unit
        # the bound, plus the absolute error of (rare) float32 subnormals
        error = (self.relative * np.linalg.norm(r) / top * self.norms + r.size * 1e-36) * unit
        self._reference = (r.copy(), product, error)
        approx = product - shift
        exact = np.flatnonzero(np.abs(approx) + error >= floor)
        if exact.size:
            approx[exact] = self.X[:, exact].T @ r - (shift[exact] if np.ndim(shift) else 0.0)
        return approx


def _too_sparse(prob, index):
    """Whether a working set of a sparse design is too sparse to densify: its dense copy
    would be more than _DENSE_RATIO times its stored entries (so a very sparse design,
    p = 1e5 at 0.1%, never has a block many times the size of the whole matrix)."""
    if prob.offset is None:
        return False
    indptr = prob.X.indptr
    stored = int((indptr[index + 1] - indptr[index]).sum())
    return prob.n_samples * index.size > _DENSE_RATIO * stored


def _gram_pays(n_samples, n_features):
    """Whether building the Gram matrix (n p^2 / 2) costs less than the epochs it saves
    (each n p without it, p^2 with it), assuming about ``_EXPECTED_EPOCHS``."""
    return n_samples * n_features / 2 < _EXPECTED_EPOCHS * (n_samples - n_features)
