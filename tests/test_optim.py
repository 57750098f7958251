"""harmonics_jax.optim, in the shape of optax's own tests: each transform alone (with a negative
control), the rounds schedule at its boundaries, no recompilation on the second step, float64,
the re-draw and the restart between rounds, and the whole chain reproducing ``train``."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import harmonics_jax as hj
from harmonics_jax.models import (SpectralWeights, block_invariance_defects, invariance_loss,
                                  random_unitary_matrix, sample_orbit_pairs)
from harmonics_jax.optim import (RoundsScheduleState, project_to_unitary_tangent,
                                 redraw_noninvariant_blocks, restart_round, retract_to_unitary,
                                 rounds_schedule, scale_by_rounds_schedule, unitary_adam)
from harmonics_jax.training import TrainConfig, train
from harmonics_jax.verify import fourier_weights


def _herm(a):
    return 0.5 * (a + a.conj().T)


def _random(key, n, dtype=jnp.complex128):
    k1, k2 = jax.random.split(key)
    return (jax.random.normal(k1, (n, n)) + 1j * jax.random.normal(k2, (n, n))).astype(dtype)


# -- each transform alone ---------------------------------------------------------------------
def test_projection_gives_a_tangent_vector_and_keeps_tangent_ones(key):
    n = 6
    F = random_unitary_matrix(key, n, jnp.complex128)
    G = _random(jax.random.fold_in(key, 1), n)
    tx = project_to_unitary_tangent()
    u, state = tx.update(G, tx.init(F), F)
    # Tangent at F: F^† u is anti-Hermitian.
    assert float(jnp.abs(_herm(F.conj().T @ u)).max()) < 1e-12
    # Negative control: the raw gradient is not tangent.
    assert float(jnp.abs(_herm(F.conj().T @ G)).max()) > 0.1
    # A tangent vector F·A (A anti-Hermitian) is kept; a normal one F·S (S Hermitian) removed.
    A = _random(jax.random.fold_in(key, 2), n)
    A, S = A - A.conj().T, A + A.conj().T
    np.testing.assert_allclose(tx.update(F @ A, state, F)[0], F @ A, atol=1e-12)
    assert float(jnp.abs(tx.update(F @ S, state, F)[0]).max()) < 1e-12
    # Real leaves (the orthogonal group) and a pytree of leaves work the same way.
    Fr, Gr = jnp.sqrt(n) * jnp.linalg.qr(jax.random.normal(key, (n, n)))[0], G.real
    ur = tx.update({"a": Gr}, tx.init({"a": Fr}), {"a": Fr})[0]["a"]
    assert ur.dtype == Fr.dtype and float(jnp.abs(_herm(Fr.T @ ur)).max()) < 1e-12


def test_retraction_lands_on_the_manifold_and_fixes_its_points(key):
    n = 8
    F = random_unitary_matrix(key, n, jnp.complex128)
    step = 0.01 * _random(jax.random.fold_in(key, 1), n)
    tx = retract_to_unitary(iters=3)
    u, _ = tx.update(step, tx.init(F), F)
    G = optax.apply_updates(F, u)
    assert float(jnp.abs(G.conj().T @ G - n * jnp.eye(n)).max()) < 1e-10
    # A retraction is first-order: a tangent step F·A (A anti-Hermitian) moves by O(|A|²).
    A = 0.01 * _random(jax.random.fold_in(key, 2), n) / n
    A = A - A.conj().T
    tangent = F @ A
    G2 = optax.apply_updates(F, tx.update(tangent, tx.init(F), F)[0])
    assert float(jnp.abs(G2 - (F + tangent)).max()) < 0.05 * float(jnp.abs(tangent).max())
    # A point of the manifold is a fixed point.
    u0, _ = tx.update(jnp.zeros_like(F), tx.init(F), F)
    assert float(jnp.abs(u0).max()) < 1e-12
    # Negative control: zero iterations leave F + step off the manifold.
    u_none, _ = retract_to_unitary(iters=0).update(step, optax.EmptyState(), F)
    H = F + u_none
    assert float(jnp.abs(H.conj().T @ H - n * jnp.eye(n)).max()) > 1e-3


def test_transforms_that_read_params_refuse_to_run_without_them(key):
    F = random_unitary_matrix(key, 4)
    for tx in (project_to_unitary_tangent(), retract_to_unitary()):
        with pytest.raises(ValueError, match="reads the parameters"):
            tx.update(F, tx.init(F))
    with pytest.raises(ValueError, match=r"\(\.\.\., n, m\) with n ≥ m"):
        project_to_unitary_tangent().update(jnp.ones(4), optax.EmptyState(), jnp.ones(4))


# -- the rounds schedule ----------------------------------------------------------------------
def _reference_lr(t, peak, steps, rounds, warmup, ratio, decay):
    """The formula of docs/RECIPE.md, written out: warm-up (t+1)/W, then the decay."""
    length = steps // rounds
    t = t % length
    warm = min((t + 1) / max(warmup, 1), 1.0)
    frac = min(max((t - warmup) / (length - warmup), 0.0), 1.0)
    tail = {"cosine": ratio + (1 - ratio) * 0.5 * (1 + np.cos(np.pi * frac)),
            "exponential": ratio ** frac, "constant": 1.0}[decay]
    return peak * warm * tail


@pytest.mark.parametrize("decay", ["cosine", "exponential", "constant"])
@pytest.mark.parametrize("warmup", [0, 1, 25])
def test_rounds_schedule_matches_the_recipe_formula(decay, warmup):
    kw = dict(steps=400, rounds=4, warmup_steps=warmup)
    s = rounds_schedule(0.3, **kw, final_ratio=1e-3, decay=decay)
    ts = np.arange(400)
    got = np.asarray(jax.vmap(s)(jnp.asarray(ts)), dtype=np.float64)
    want = np.array([_reference_lr(t, 0.3, 400, 4, warmup, 1e-3, decay) for t in ts])
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_rounds_schedule_values_at_round_boundaries():
    s = rounds_schedule(0.3, steps=4000, rounds=8, warmup_steps=100, final_ratio=1e-3)
    v = lambda t: float(s(t))  # noqa: E731
    for r in range(8):
        start = 500 * r
        assert v(start) == pytest.approx(0.3 / 100, rel=1e-6)  # warm-up restarts every round
        assert v(start + 99) == pytest.approx(0.3, rel=1e-6)  # peak at the end of the warm-up
        assert v(start + 100) == pytest.approx(0.3, rel=1e-6)  # decay starts from the peak
        last = 0.3 * (1e-3 + 0.999 * 0.5 * (1 + np.cos(np.pi * 399 / 400)))
        assert v(start + 499) == pytest.approx(last, rel=1e-5)  # one step before peak · ratio
        assert 3e-4 < v(start + 499) < 3.1e-4
    # Negative control: one round of 4000 steps does not restart at step 500.
    one = rounds_schedule(0.3, steps=4000, rounds=1, warmup_steps=100, final_ratio=1e-3)
    assert float(one(500)) > 0.25


def test_rounds_schedule_rejects_bad_arguments():
    with pytest.raises(ValueError, match="not a multiple of rounds"):
        rounds_schedule(0.1, steps=10, rounds=3)
    with pytest.raises(ValueError, match="smaller than the round length"):
        rounds_schedule(0.1, steps=10, rounds=2, warmup_steps=5)
    with pytest.raises(ValueError, match="decay"):
        rounds_schedule(0.1, steps=10, decay="linear")
    assert float(rounds_schedule(0.1, steps=10)(0)) == pytest.approx(0.1)  # control


def test_scale_by_rounds_schedule_polishes_at_the_final_value():
    tx = scale_by_rounds_schedule(lambda t: 1.0 / (1.0 + t), 0.001)
    g = jnp.ones(3)
    state = tx.init(g)
    u, state = tx.update(g, state)
    np.testing.assert_allclose(u, -1.0)
    u, state = tx.update(g, state)
    np.testing.assert_allclose(u, -0.5)
    assert int(state.count) == 2
    u, _ = tx.update(g, state._replace(polishing=jnp.array(True)))
    np.testing.assert_allclose(u, -0.001)


# -- the chain: convention, no recompilation, float64 ---------------------------------------
def test_conjugated_grad_is_the_descent_direction_for_optax(key):
    G = hj.named_group("S3")
    F = random_unitary_matrix(key, 6, jnp.complex128)
    x, y = sample_orbit_pairs(jax.random.fold_in(key, 1), G.table, 64, 0.0, jnp.complex128)
    loss = jax.jit(lambda F: invariance_loss(SpectralWeights(F, hj.irrep_dims(G)), x, y))
    g = jax.grad(loss)(F)
    L0 = loss(F)
    adam = optax.adam(1e-3)
    step_conj, _ = adam.update(jnp.conj(g), adam.init(F))
    step_raw, _ = adam.update(g, adam.init(F))
    assert loss(optax.apply_updates(F, step_conj)) < L0
    # Negative control: raw jax.grad (the conjugate direction) is not what optax expects.
    assert loss(optax.apply_updates(F, step_raw)) > loss(optax.apply_updates(F, step_conj))
    # Plain step along conj(g) = ∂L/∂Re + i ∂L/∂Im: first-order decrease is exactly ε‖g‖².
    eps = 1e-7
    dec = L0 - loss(F - eps * jnp.conj(g))
    np.testing.assert_allclose(dec, eps * jnp.sum(jnp.abs(g) ** 2), rtol=1e-3)


def test_no_recompilation_on_the_second_step(key):
    tx = unitary_adam(0.1, steps=20, rounds=2, warmup_steps=2)
    traces = []

    @jax.jit
    def step(F, state, g):
        traces.append(1)
        u, state = tx.update(g, state, F)
        return optax.apply_updates(F, u), state

    F = random_unitary_matrix(key, 6)
    state = tx.init(F)
    g = _random(jax.random.fold_in(key, 1), 6, jnp.complex64)
    F, state = step(F, state, g)
    F, state = step(F, state, 0.5 * g)
    state = restart_round(tx, state, F, jnp.array(True))
    F, state = step(F, state, g)
    assert len(traces) == 1 and int(state[2].count) == 3
    step(F.astype(jnp.complex128), jax.tree.map(lambda a: a, tx.init(F.astype(jnp.complex128))),
         g.astype(jnp.complex128))
    assert len(traces) == 2  # control: a new dtype does retrace


@pytest.mark.parametrize("dtype,floor", [(jnp.complex128, 1e-11), (jnp.complex64, 1e-4)])
def test_chain_keeps_the_dtype_and_unitarity_to_its_round_off(key, dtype, floor):
    tx = unitary_adam(0.05, steps=40, rounds=1, warmup_steps=4, retraction_iters=4)
    n = 8
    F = random_unitary_matrix(key, n, dtype)
    state = tx.init(F)
    for t in range(5):
        g = _random(jax.random.fold_in(key, t), n, dtype)
        u, state = tx.update(g, state, F)
        F = optax.apply_updates(F, u)
    assert F.dtype == dtype
    gap = float(jnp.abs(F.conj().T @ F - n * jnp.eye(n)).max())
    assert gap < floor
    if dtype == jnp.complex64:
        assert gap > 1e-11  # control: single precision does not reach the float64 floor


# -- between rounds ------------------------------------------------------------------------
def test_redraw_touches_only_noninvariant_blocks(key):
    G = hj.named_group("D4")
    good = SpectralWeights.from_blocks(fourier_weights(G))
    mixed = random_unitary_matrix(key, 8, jnp.complex128)
    # Block 4 (d = 2) random, the 1-dim blocks exact.
    F = good.F.at[:, 4:].set(mixed[:, 4:] @ jnp.linalg.qr(mixed[4:, 4:])[0] * 0 + mixed[:, 4:])
    w = SpectralWeights(F, good.block_dims)
    d = block_invariance_defects(w, G.table)
    assert float(d[:4].max()) < 1e-12 and float(d[4]) > 0.01
    w2, redrawn = redraw_noninvariant_blocks(jax.random.key(1), w, G.table, 1e-2)
    assert redrawn.tolist() == [False, False, False, False, True]
    np.testing.assert_array_equal(w2.F[:, :4], w.F[:, :4])  # invariant blocks: bit for bit
    assert not np.allclose(w2.F[:, 4:], w.F[:, 4:])
    # The re-draw mixes inside the block's span: the span of its columns is kept.
    proj = w.F[:, 4:] @ jnp.linalg.pinv(w.F[:, 4:])
    np.testing.assert_allclose(proj @ w2.F[:, 4:], w2.F[:, 4:], atol=1e-10)
    # Negative control: an infinite threshold re-draws nothing.
    w3, none = redraw_noninvariant_blocks(jax.random.key(1), w, G.table, jnp.inf)
    assert not none.any()
    np.testing.assert_array_equal(w3.F, w.F)


def test_restart_round_resets_adam_or_polishes(key):
    tx = unitary_adam(0.1, steps=20, rounds=2, warmup_steps=2)
    F = random_unitary_matrix(key, 4)
    state = tx.init(F)
    u, state = tx.update(_random(key, 4, jnp.complex64), state, F)
    adam = state[1]
    assert float(jnp.abs(adam.mu).max()) > 0
    fresh = restart_round(tx, state, F, jnp.array(True))
    assert float(jnp.abs(fresh[1].mu).max()) == 0 and int(fresh[1].count) == 0
    assert isinstance(fresh[2], RoundsScheduleState)
    assert int(fresh[2].count) == 1 and not bool(fresh[2].polishing)  # schedule count kept
    kept = restart_round(tx, state, F, jnp.array(False))
    np.testing.assert_array_equal(kept[1].mu, adam.mu)
    assert bool(kept[2].polishing)


def test_a_user_loop_over_the_public_pieces_reproduces_train(key):
    """The engine is this loop: the same keys through unitary_adam, redraw_noninvariant_blocks
    and restart_round give train()'s network."""
    G = hj.named_group("S3")
    cfg = TrainConfig(steps=200, log_every=50, rounds=2, warmup_steps=20, batch_size=16)
    want = train(key, G, cfg).weights.F
    k_run, _ = jax.random.split(key)
    k_init, k_data, k_reset = jax.random.split(jax.random.split(k_run, 1)[0], 3)
    tx = unitary_adam(jnp.float32(0.3), steps=200, rounds=2, warmup_steps=20)
    table = jnp.asarray(G.table)
    w = SpectralWeights(random_unitary_matrix(k_init, 6, jnp.complex64), hj.irrep_dims(G))

    @jax.jit
    def step(w, state, t):
        x, y = sample_orbit_pairs(jax.random.fold_in(k_data, t), table, 16, jnp.float32(0.0),
                                  jnp.complex64)
        g = jax.grad(invariance_loss)(w, x, y)
        u, state = tx.update(jax.tree.map(jnp.conj, g), state, w)
        return optax.apply_updates(w, u), state

    state = tx.init(w)
    for r in range(2):
        for t in range(100 * r, 100 * (r + 1)):
            w, state = step(w, state, t)
        threshold = 1e-2 if r == 0 else jnp.inf
        w, redrawn = redraw_noninvariant_blocks(jax.random.fold_in(k_reset, r), w, table,
                                                threshold)
        state = restart_round(tx, state, w, jnp.any(redrawn))
    n = 6
    got = retract_to_unitary(3).update(jnp.zeros_like(w.F), optax.EmptyState(), w.F)[0] + w.F
    np.testing.assert_allclose(got, want, atol=2e-5)
    # Negative control: another data key gives another network.
    assert not np.allclose(got, train(jax.random.fold_in(key, 1), G, cfg).weights.F, atol=1e-2)
    assert n == got.shape[0]
