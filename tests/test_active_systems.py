"""The polish's kept linear systems (``_active_systems.ActiveSystems``): each solve,
whatever the active sets before it, equals a fresh solve of the active columns' system."""

import numpy as np

from sklearn_lasso_tools._engine.active_systems import ActiveSystems


def _direct(Z, y, features, signs, l1, shift):
    A = Z[:, features]
    system = A.T @ A + np.diag(np.broadcast_to(shift, features.shape))
    return np.linalg.solve(system, A.T @ y - l1 * signs)


def test_each_solve_equals_a_fresh_one_along_changing_active_sets():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((40, 60))
    y = rng.standard_normal(40)
    systems = ActiveSystems(lambda features: Z[:, features], y, Z.shape[1])
    active = rng.choice(60, 5, replace=False)
    for step in range(60):
        move = step % 4
        if move == 0:  # features join (some in the factor's middle, by index)
            joining = rng.choice(np.setdiff1d(np.arange(60), active), 3, replace=False)
            active = np.sort(np.concatenate([active, joining]))
        elif move == 1 and active.size > 4:  # features leave
            active = np.delete(active, rng.choice(active.size, 2, replace=False))
        elif move == 2:  # the same set, given in another order
            active = rng.permutation(active)
        if active.size > 30:  # (fewer columns than rows: a definite system)
            active = active[:20]
        signs = rng.choice([-1.0, 1.0], active.size)
        # a ridge shift: one number (changing now and then) or one per feature
        shift = 0.5 * (step // 10) if step % 3 else rng.uniform(0.1, 2.0, active.size)
        got = systems.solve(active, signs, 0.3, shift)
        np.testing.assert_allclose(got, _direct(Z, y, active, signs, 0.3, shift), rtol=1e-9)


def test_a_singular_system_gives_none_and_keeps_the_factor():
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((30, 8))
    y = rng.standard_normal(30)
    systems = ActiveSystems(lambda features: Z[:, features], y, Z.shape[1])
    first = np.array([0, 2, 4])
    systems.solve(first, np.ones(3), 0.1, 0.0)
    Z[:, 5] = 0.0  # a singular bordered system: its factorization fails
    assert systems.solve(np.array([0, 2, 4, 5]), np.ones(4), 0.1, 0.0) is None
    for features in (first, np.array([0, 2, 4, 6])):  # the kept factor still holds
        signs = np.ones(features.size)
        got = systems.solve(features, signs, 0.1, 0.0)
        np.testing.assert_allclose(got, _direct(Z, y, features, signs, 0.1, 0.0), rtol=1e-9)
