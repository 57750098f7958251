"""The expected objective in the group's Fourier basis (``irreps=``) and the order rule that
makes it the default beyond order 24 (docs/RECIPE.md, phase 12): equal to the table route
and to the sampled loss's Monte-Carlo mean, a hand case, finite gradients, clear errors,
and a large-irrep group of order 27 trained by the default — each with a negative control."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax.models import (
    SpectralWeights,
    block_invariance_defects,
    expected_invariance_loss,
    invariance_loss,
    random_unitary_matrix,
    sample_orbit_pairs,
)
from harmonics_jax.training import TrainConfig, default_objective, sweep
from harmonics_jax.verify import fourier_weights, verify_batched


def _random(key, G):
    return SpectralWeights(random_unitary_matrix(key, G.order, jnp.complex128),
                           hj.irrep_dims(G))


@pytest.mark.parametrize("name", ["C5", "Q8", "A4", "S4"])
def test_fourier_route_equals_the_table_route(name, key):
    G = hj.relabel(hj.named_group(name), np.random.default_rng(1).permutation(
        hj.named_group(name).order))
    irr, t = hj.irreps(G), jnp.asarray(G.table)
    w = _random(key, G)
    for s in (0.0, 0.7):
        a = float(expected_invariance_loss(w, t, s))
        b = float(expected_invariance_loss(w, t, s, irreps=irr))
        assert abs(a - b) <= 1e-10 * abs(a) and a > 1.0
    np.testing.assert_allclose(block_invariance_defects(w, t, irreps=irr),
                               block_invariance_defects(w, t), atol=1e-12)
    # At the Fourier weights both vanish (the defects too).
    w_ft = SpectralWeights.from_blocks(fourier_weights(G))
    assert abs(float(expected_invariance_loss(w_ft, t, irreps=irr))) < 1e-9
    assert float(jnp.max(block_invariance_defects(w_ft, t, irreps=irr))) < 1e-12


def test_fourier_route_matches_the_monte_carlo_mean(key):
    G = hj.named_group("A4")
    w = _random(key, G)
    t, s = jnp.asarray(G.table), jnp.float64(0.5)
    f = jax.jit(lambda k: invariance_loss(w, *sample_orbit_pairs(k, t, 2000, s,
                                                                 jnp.complex128)))
    mc = np.array([f(k) for k in jax.random.split(jax.random.fold_in(key, 1), 40)])
    ex = float(expected_invariance_loss(w, t, s, irreps=hj.irreps(G)))
    assert abs(mc.mean() - ex) < 4 * mc.std() / np.sqrt(len(mc))
    # Negative control: the noiseless value is off by many standard errors.
    ex0 = float(expected_invariance_loss(w, t, 0.0, irreps=hj.irreps(G)))
    assert abs(mc.mean() - ex0) > 10 * mc.std() / np.sqrt(len(mc))


def test_hand_case_c2():
    """C2 with W_1 = (√2, 0), W_2 = (0, √2): S_i = T_i = 2, Σ_g |C_i(g)|² = 4, so at σ = 0
    the loss is Σ_i [(1+1)(4+4) − 2·4 − (2/2)·4] = 8 and each block's defect is
    1 − (1/2)·4/4 = 1/2."""
    G = hj.named_group("C2")
    w = SpectralWeights(jnp.sqrt(2.0) * jnp.eye(2, dtype=jnp.complex128), (1, 1))
    for irreps in (None, hj.irreps(G)):
        assert float(expected_invariance_loss(w, G.table, irreps=irreps)) == pytest.approx(8.0)
        np.testing.assert_allclose(block_invariance_defects(w, G.table, irreps=irreps),
                                   [0.5, 0.5], atol=1e-12)


def test_fourier_route_gradients_are_finite_and_equal(key):
    G = hj.named_group("S4")
    dims, t, irr = hj.irrep_dims(G), jnp.asarray(G.table), hj.irreps(G)
    F = random_unitary_matrix(key, 24, jnp.complex128)
    g_f = jax.grad(lambda F: expected_invariance_loss(SpectralWeights(F, dims), t, 0.3,
                                                      irreps=irr))(F)
    g_t = jax.grad(lambda F: expected_invariance_loss(SpectralWeights(F, dims), t, 0.3))(F)
    assert bool(jnp.all(jnp.isfinite(g_f)))
    np.testing.assert_allclose(g_f, g_t, atol=1e-9 * float(jnp.max(jnp.abs(g_t))))
    assert float(jnp.max(jnp.abs(g_f))) > 1.0  # not trivially zero away from the optimum


def test_wrong_irreps_are_caught_or_change_the_value(key, unchecked):
    G = hj.named_group("C2xC2")
    w = _random(key, G)
    with pytest.raises(ValueError, match="complete set of irreps"):
        unchecked(expected_invariance_loss)(w, G.table, irreps=hj.irreps(G)[:3])
    # Negative control for the equality tests: C4's irreps on C2×C2's weights are a complete
    # set of the right shapes, so nothing can object, but the value is wrong.
    right = float(expected_invariance_loss(w, G.table))
    wrong = float(expected_invariance_loss(w, G.table, irreps=hj.irreps(hj.named_group("C4"))))
    assert abs(right - wrong) > 1e-3 * abs(right)


def test_default_objective_rule():
    assert [default_objective(n) for n in (1, 24, 25, 96)] == [
        "sampled", "sampled", "expected", "expected"]
    assert TrainConfig().objective is None
    assert TrainConfig().objective_for(24) == "sampled"
    assert TrainConfig().objective_for(60) == "expected"
    assert TrainConfig(objective="sampled").objective_for(60) == "sampled"  # explicit wins
    with pytest.raises(ValueError, match="TrainConfig.objective"):
        TrainConfig(objective="exact")


def test_default_trains_a_group_of_order_27_with_3_dimensional_irreps(key):
    """The Heisenberg group mod 3 (SmallGroup(27,3): two 3-dimensional irreps), relabelled,
    under ``TrainConfig()`` (the expected objective at order 27)."""
    H = hj.small_group(27, 3)
    G = hj.relabel(H, np.random.default_rng(0).permutation(27))
    assert max(hj.irrep_dims(G)) == 3 and TrainConfig().objective_for(27) == "expected"
    w = sweep(key, G, TrainConfig(), 2).weights[0]
    rep = verify_batched(w, G)
    assert bool(jnp.all(rep.hypotheses_met)) and bool(jnp.all(rep.fourier_recovered))
    # Negative control: rotating the columns of a 3-dimensional block into a 1-dimensional
    # one (a unitary change, so unitarity still holds) is caught.
    F = w.F[0]
    cols = jnp.asarray([0, F.shape[1] - 1])
    c, s = jnp.cos(0.6), jnp.sin(0.6)
    mixed = F.at[:, cols].set(jnp.stack([c * F[:, 0] - s * F[:, -1],
                                         s * F[:, 0] + c * F[:, -1]], axis=1))
    bad = verify_batched(SpectralWeights(mixed[None], w.block_dims), G)
    assert not bool(bad.hypotheses_met[0])


def test_groups_of_one_order_and_irrep_dimensions_share_the_expected_program(key):
    """The table and the irreps are traced: the census compiles once per (order, irrep
    dimensions), not once per group.  SmallGroup(27,3) and (27,4) both have nine
    1-dimensional and two 3-dimensional irreps."""
    from harmonics_jax.training import trace_counts

    cfg = TrainConfig(steps=100, log_every=50, rounds=1, warmup_steps=10)
    a, b = hj.small_group(27, 3), hj.small_group(27, 4)
    assert hj.irrep_dims(a) == hj.irrep_dims(b) and not hj.are_isomorphic(a, b)
    sweep(key, a, cfg, 2)
    before = trace_counts()["sweep"]
    sweep(key, b, cfg, 2)
    assert trace_counts()["sweep"] == before
    # Negative control: other irrep dimensions (same order and objective) recompile.
    sweep(key, hj.small_group(27, 5), cfg, 2)  # C3×C3×C3: 27 one-dimensional irreps
    assert trace_counts()["sweep"] == before + 1
