"""What a path solver collects along the grid, and where the path stops.

The stop is glmnet's (deviance explained past 0.999, or a relative gain below 1e-5), judged
as a property of the path rather than of the grid's spacing (see ``Trace._diminished``).
"""

import math

import numpy as np

__all__ = ["Trace"]

_FDEV = 1e-5  # glmnet's early stop: gain in deviance explained below this (relative)
_DEVMAX = 0.999  # ... or deviance explained above this


class Trace:
    """What a solver collects along the path.

    ``stop_early`` is None (or False), or the spacing in log(alpha) of the reference
    points at which the early stop compares the deviance explained (see ``_diminished``).
    """

    def __init__(self, null_dev, stop_early, saturates=False, on_point=None):
        self.null_dev, self.stop_early, self.saturates = null_dev, stop_early, saturates
        self.reference = -1  # the last reference point passed (see _diminished)
        self.start = None  # deviance explained where the stretch after it starts
        self.on_point = on_point  # called once per fitted path point (progress bars)
        self.alphas, self.betas, self.intercepts, self.devs, self.n_iter = [], [], [], [], []
        self.unconverged = []  # (alpha, duality gap / tolerance) of final inner solves
        self.failures = []  # inner solves of the current Newton step that stopped short
        self.newton_unconverged = []  # alphas where Newton ran out of iterations
        self._block = None  # the array whose rows ``extend`` made the first betas

    def stacked_betas(self):
        """``betas`` as one array: the one ``extend`` took them from when they are all
        its rows (a compiled path's points: no copy), else stacked."""
        if self._block is not None and len(self._block) == len(self.betas):
            return self._block
        return np.array(self.betas)

    def settle(self, alpha, newton_converged=True):
        """Keep the failures of the final step only: earlier steps are inexact anyway."""
        self.unconverged.extend(self.failures)
        self.failures = []
        if not newton_converged:
            self.newton_unconverged.append(alpha)

    def keep_last(self, n_points):
        """Repeat the last point's results (not copied) up to ``n_points`` points, with no
        epochs (``alphas`` still lists the points fitted)."""
        missing = n_points - len(self.betas)
        for values in (self.betas, self.intercepts, self.devs):
            values.extend(values[-1:] * missing)
        self.n_iter.extend([0] * missing)

    @property
    def saturation(self):
        """The deviance explained past which ``add`` stops the path (without the early
        stop): ``_DEVMAX``, or infinity for a family that does not saturate."""
        return _DEVMAX if self.saturates else math.inf

    def extend(self, alphas, betas, intercepts, devs, n_iter):
        """``add`` for points fitted in one go (``betas`` and ``intercepts``: one each per
        point, of their own, not copied; ``betas`` may be an array, one point a row), up to
        where the path stops."""
        if self.stop_early:
            for point in zip(alphas, betas, intercepts, devs, n_iter, strict=True):
                if self.add(*point, copy=False):
                    break
            return
        if self.saturates:  # up to the first point past _DEVMAX, as add stops there
            past = np.flatnonzero(1 - np.asarray(devs) / self.null_dev > _DEVMAX)
            if past.size:
                end = past[0] + 1
                alphas, betas, intercepts = alphas[:end], betas[:end], intercepts[:end]
                devs, n_iter = devs[:end], n_iter[:end]
        if self.on_point is not None:
            for _ in range(len(betas)):
                self.on_point()
        if not self.betas and isinstance(betas, np.ndarray):
            self._block = betas  # (only grows: the rows stay the betas while the count agrees)
        self.alphas.extend(alphas)
        self.betas.extend(betas)
        self.intercepts.extend(intercepts)
        self.devs.extend(devs)
        self.n_iter.extend(n_iter)

    def add(self, alpha, beta, intercept, dev, n_iter, copy=True):
        if self.stop_early and dev != self.null_dev and not beta.any():
            # the intercept-only fit is the null model: its deviance exactly, as glmnet's
            # (else the early stop's gain test fires on such points when the loss rounds
            # below the null model's, and not when above)
            dev = self.null_dev
        self.alphas.append(alpha)
        self.betas.append(np.array(beta, copy=True) if copy else beta)
        self.intercepts.append(np.array(intercept, copy=True))
        self.devs.append(dev)
        self.n_iter.append(n_iter)
        if self.on_point is not None:
            self.on_point()
        r_new = 1 - self.devs[-1] / self.null_dev
        if self.saturates and r_new > _DEVMAX:
            return True  # (nearly) interpolated: smaller alphas only inflate the weights
        if not self.stop_early:
            return False
        return self._diminished(alpha, r_new)

    def _diminished(self, alpha, r_new):
        """glmnet's early stop as a property of the path, not of the grid's spacing: the
        gain in deviance explained is judged on the stretches between the reference points
        ``alphas[0] * exp(-k * stop_early)``, each measured from the last grid point at or
        above one reference point to the first at or below the next, so a denser grid
        measures (a little more than) the same stretches and goes at least as far
        (glmnet's rule, per grid step, stops a 20 times denser grid where the gain per
        step is 20 times smaller: diabetes' 2000-point path ended with 8 features). On a
        grid of those points (glmnet's default, for the spacing ``l1_path`` gives) it is
        glmnet's rule: from the fifth point, stop once the deviance explained exceeds 0.999
        or gains less than a relative 1e-5 per step."""
        # (math, not numpy: a scalar's ufunc costs a microsecond, a path's points add up)
        where = math.log(self.alphas[0] / alpha) / self.stop_early
        k = math.floor(where + 1e-9)  # (less rounding: glmnet's points are on them)
        passed = k - self.reference
        if passed > 0:
            start = self.start
            self.reference = k
            # the next stretch starts here if on the reference point, else at the last point
            on_point = where - k < 1e-9 or len(self.devs) < 2
            self.start = r_new if on_point else 1 - self.devs[-2] / self.null_dev
        if k < 4:
            return False
        return r_new > _DEVMAX or (passed > 0 and r_new - start < _FDEV * r_new * passed)
