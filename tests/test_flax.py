"""harmonics_jax.flax: the NNX power-spectral layer trains to the Fourier transform with the
default transform chain (16 seeds of D4, vmapped), composes with a Flax MLP (the worked
example), and refuses bad arguments."""

import runpy
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

import harmonics_jax as hj
from harmonics_jax.flax import PowerSpectral, SpectralParam, end_round
from harmonics_jax.models import SpectralWeights, invariance_loss, sample_orbit_pairs
from harmonics_jax.optim import unitary_adam

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "flax_orbit_classifier.py"


def _train_layers(keys, G, steps=1600, rounds=4):
    """One NNX layer per key, each trained with nnx.Optimizer(unitary_adam) and end_round,
    all in one jitted vmap (nnx.split / nnx.merge around lax.scan)."""
    table = jnp.asarray(G.table)
    length = steps // rounds
    tx = unitary_adam(0.3, steps=steps, rounds=rounds, warmup_steps=50)

    def one(key):
        k_init, k_data, k_round = jax.random.split(key, 3)
        layer = PowerSpectral(G, rngs=nnx.Rngs(params=k_init))
        graphdef, state = nnx.split((layer, nnx.Optimizer(layer, tx, wrt=SpectralParam)))

        def step(state, t):
            layer, opt = nnx.merge(graphdef, state)
            x, y = sample_orbit_pairs(jax.random.fold_in(k_data, t), table, 32, 0.0,
                                      jnp.complex64)
            grads = nnx.grad(lambda m: invariance_loss(m.weights, x, y))(layer)
            opt.update(layer, jax.tree.map(jnp.conj, grads))
            return nnx.split((layer, opt))[1], None

        def one_round(state, r):
            state, _ = jax.lax.scan(step, state, r * length + jnp.arange(length))
            layer, opt = nnx.merge(graphdef, state)
            threshold = jnp.where(r < rounds - 1, 1e-2, jnp.inf)  # no re-draw at the end
            end_round(jax.random.fold_in(k_round, r), layer, opt, layer, table, threshold)
            return nnx.split((layer, opt))[1], None

        state, _ = jax.lax.scan(one_round, state, jnp.arange(rounds))
        layer, _ = nnx.merge(graphdef, state)
        return layer.F[...]

    return jax.jit(jax.vmap(one))(keys)


def test_nnx_layer_trained_with_the_default_chain_passes_verify(key):
    G = hj.named_group("D4")
    F = _train_layers(jax.random.split(key, 16), G)
    report = hj.verify.verify_batched(SpectralWeights(F, hj.irrep_dims(G)), G)
    passed = report.hypotheses_met & report.fourier_recovered
    assert passed.sum() >= 15, passed  # ≥ 90% of 16 seeds
    assert report.fourier_recovered[report.hypotheses_met].all()
    # Negative control: the same layers untrained are far from the Fourier transform.
    untrained = jax.vmap(lambda k: PowerSpectral(G, rngs=nnx.Rngs(params=k)).F[...])(
        jax.random.split(key, 16))
    cold = hj.verify.verify_batched(SpectralWeights(untrained, hj.irrep_dims(G)), G)
    assert not cold.hypotheses_met.any()


def test_layer_matches_the_functional_core_and_keeps_f_a_spectral_param(key):
    G = hj.named_group("S3")
    layer = PowerSpectral(G, rngs=nnx.Rngs(0))
    assert isinstance(layer.F, SpectralParam) and isinstance(layer.F, nnx.Param)
    x = jax.random.normal(key, (5, 6), jnp.complex64)
    for a, b in zip(layer(x), hj.models.power_spectral_apply(layer.weights, x)):
        np.testing.assert_array_equal(a, b)
    assert layer.features(x).shape == (5, 12) and layer.features(x).dtype == jnp.float32
    same = PowerSpectral(block_dims=(1, 1, 2), rngs=nnx.Rngs(0))
    np.testing.assert_array_equal(same.F[...], layer.F[...])  # same draw, built from dims
    F = layer.F[...]
    np.testing.assert_allclose(F.conj().T @ F, 6 * np.eye(6), atol=1e-5)  # starts unitary


def test_worked_example_classifies_orbits_and_verifies():
    main = runpy.run_path(str(EXAMPLE))["main"]
    report, accuracy = main(verbose=False)
    assert report.hypotheses_met and report.fourier_recovered
    assert accuracy > 0.95


def test_bad_arguments_raise():
    with pytest.raises(TypeError, match="exactly one of group"):
        PowerSpectral(rngs=nnx.Rngs(0))
    with pytest.raises(ValueError, match="positive integer"):
        PowerSpectral(block_dims=(1, 0), rngs=nnx.Rngs(0))
    assert PowerSpectral(block_dims=(1, 1), rngs=nnx.Rngs(0)).F[...].shape == (2, 2)  # control
