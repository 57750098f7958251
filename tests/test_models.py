"""Models: the typed network (SpectralWeights: layout, views, pytree, indexing), Fourier-transform
weights make each model invariant (with negative controls), unitarity of the √d-weighted
stack, and input validation."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax.verify import fourier_weights
from harmonics_jax.models import (
    SpectralWeights,
    bispectral_apply,
    logistic_neuron,
    power_spectral_apply,
    random_unitary_matrix,
)

GROUPS = ["C5", "S3", "D4", "Q8", "A4"]


def _signals(key, n, m=3):
    kr, ki = jax.random.split(key)
    return (jax.random.normal(kr, (m, n)) + 1j * jax.random.normal(ki, (m, n))) / math.sqrt(2)


def _random_A(key, dims):
    keys = jax.random.split(key, len(dims))
    return [jax.random.normal(k, (d, d)) + 1j * jax.random.normal(jax.random.fold_in(k, 1), (d, d))
            for k, d in zip(keys, dims)]


def _random_blocks(key, n, dims):
    return SpectralWeights(random_unitary_matrix(key, n, jnp.complex128), dims).blocks


@pytest.mark.parametrize("name", GROUPS)
def test_power_spectrum_fourier_weights_invariant(name, key):
    G = hj.named_group(name)
    irr = hj.irreps(G)
    W = fourier_weights(G, irr, _random_A(key, [r.shape[1] for r in irr]))
    xs = _signals(jax.random.fold_in(key, 1), G.order)
    assert hj.invariance_residual(lambda x: power_spectral_apply(W, x), G, xs) < 1e-12
    # Negative control: random (unitary) weights of the same shapes are far from invariant.
    R = _random_blocks(jax.random.fold_in(key, 2), G.order, hj.irrep_dims(G))
    assert hj.invariance_residual(lambda x: power_spectral_apply(R, x), G, xs) > 0.05


@pytest.mark.parametrize("name", ["S3", "Q8", "A4"])
def test_bispectrum_fourier_weights_invariant(name, key):
    G = hj.named_group(name)
    irr = hj.irreps(G)
    W = fourier_weights(G, irr, _random_A(key, [r.shape[1] for r in irr]))
    xs = _signals(jax.random.fold_in(key, 1), G.order, m=2)
    assert hj.invariance_residual(lambda x: bispectral_apply(W, x), G, xs) < 1e-12
    R = _random_blocks(jax.random.fold_in(key, 2), G.order, hj.irrep_dims(G))
    assert hj.invariance_residual(lambda x: bispectral_apply(R, x), G, xs) > 0.05


def test_logistic_neuron_characters_of_cyclic_group_invariant(key):
    # Hand-built characters of C_d: χ_k(g) = e^{2πi k g / d}; the neuron's weights are
    # w_g = u·conj(χ_k(g)) = u e^{−2πi k g/d} (CONVENTIONS 'Other models').
    d = 7
    G = hj.cyclic(d)
    g = np.arange(d)
    u = 0.3 - 0.8j
    xs = 3 * _signals(key, d)
    for k in range(d):
        w = u * np.exp(-2j * np.pi * k * g / d)
        assert hj.invariance_residual(lambda x: logistic_neuron(w, x, 0.1), G, xs) < 1e-12
    # Negative control: a weight vector mixing two frequencies is not invariant.
    w = np.exp(-2j * np.pi * g / d) + 0.5 * np.exp(-4j * np.pi * g / d)
    assert hj.invariance_residual(lambda x: logistic_neuron(w, x), G, xs) > 1e-3


@pytest.mark.parametrize("name", ["S3", "D4"])
def test_logistic_neurons_on_one_dim_irreps_invariant(name, key):
    G = hj.named_group(name)
    lin = [r for r in hj.irreps(G) if r.shape[1] == 1]
    W = fourier_weights(G, lin, [jnp.array([[0.7 + 0.2j]])] * len(lin))
    xs = 2 * _signals(key, G.order)

    def layer(weights, x):
        return tuple(logistic_neuron(w[:, 0, 0], x) for w in weights)

    assert hj.invariance_residual(lambda x: layer(W, x), G, xs) < 1e-12
    R = random_unitary_matrix(jax.random.fold_in(key, 1), G.order, jnp.complex128)
    R = tuple(R[:, i].reshape(-1, 1, 1) for i in range(len(lin)))
    assert hj.invariance_residual(lambda x: layer(R, x), G, xs) > 1e-3


def test_cyclic_hand_built_fourier_weights_invariant(key):
    # Without hj.irreps: W_k[g] = e^{-2πi k g/n} (1×1 blocks) for C6.
    n = 6
    g = np.arange(n)
    W = tuple(jnp.exp(-2j * jnp.pi * k * g / n).reshape(n, 1, 1) for k in range(n))
    xs = _signals(key, n)
    assert hj.invariance_residual(lambda x: power_spectral_apply(W, x), hj.cyclic(n), xs) < 1e-12
    W_bad = (W[0], W[1] + 0.2 * W[2], *W[2:])
    assert hj.invariance_residual(lambda x: power_spectral_apply(W_bad, x), hj.cyclic(n), xs) > 1e-3


@pytest.mark.parametrize("name", ["S3", "D4", "S4"])
def test_fourier_weights_are_unitary_with_sqrt_d_weight(name):
    G = hj.named_group(name)
    n = G.order
    F = SpectralWeights.from_blocks(fourier_weights(G)).F
    np.testing.assert_allclose(F.conj().T @ F, n * np.eye(n), atol=1e-10)
    # Negative control (CONVENTIONS 'unitarity'): the unweighted stack is not unitary for a
    # non-abelian group.
    U = jnp.concatenate([r.conj().transpose(0, 2, 1).reshape(n, -1) for r in hj.irreps(G)], 1)
    assert np.abs(U @ U.conj().T - n * np.eye(n)).max() > 0.5


def test_spectral_weights_round_trip_views_and_outputs(key):
    dims = (1, 1, 2, 3, 3)
    n = 24
    F = random_unitary_matrix(key, n, jnp.complex128)
    w = SpectralWeights(F, dims)
    W = w.blocks
    assert [b.shape for b in W] == [(n, d, d) for d in dims]
    assert w.order == n and w.block_dims == dims and w.block_shapes == tuple((d, d) for d in dims)
    np.testing.assert_allclose(SpectralWeights.from_blocks(W).F, F, atol=1e-14)
    np.testing.assert_allclose(F.conj().T @ F, n * np.eye(n), atol=1e-10)
    x = _signals(jax.random.fold_in(key, 1), n, 3)
    # The matrix path (SpectralWeights) and the block path (a tuple) agree, one signal or many.
    for a, b in zip(power_spectral_apply(W, x[0]), power_spectral_apply(w, x[0])):
        np.testing.assert_allclose(a, b, atol=1e-10)
    batched = power_spectral_apply(w, x)
    assert batched[3].shape == (3, 3, 3)
    np.testing.assert_allclose(batched[3][1], power_spectral_apply(w, x[1])[3], atol=1e-12)
    # Batched weights: leading axes are kept, indexing picks a network.
    wb = SpectralWeights(jnp.stack([F, 2 * F]), dims)
    assert wb.batch_shape == (2,) and wb.blocks[3].shape == (2, n, 3, 3)
    np.testing.assert_allclose(wb[1].blocks[3], 2 * W[3], atol=1e-14)
    # Negative control: a different block order gives different outputs.
    perm = power_spectral_apply(SpectralWeights(F, (3, 3, 2, 1, 1)), x[0])
    assert not np.allclose(perm[0], power_spectral_apply(W, x[0])[3])


def test_spectral_weights_is_a_pytree_with_static_layout(key):
    w = SpectralWeights(random_unitary_matrix(key, 6), (1, 1, 2))
    leaves, tree = jax.tree.flatten(w)
    assert len(leaves) == 1 and leaves[0] is w.F
    doubled = jax.tree.map(lambda a: 2 * a, w)
    assert isinstance(doubled, SpectralWeights) and doubled.block_shapes == w.block_shapes
    # The layout is static: a jitted function retraces for a new layout, not for new values.
    traces = []

    @jax.jit
    def total(weights):
        traces.append(weights.block_dims)
        return sum(jnp.sum(jnp.abs(b) ** 2) for b in weights.blocks)

    total(w)
    total(doubled)
    assert traces == [(1, 1, 2)]
    total(SpectralWeights(w.F, (1, 1, 1, 1, 1, 1)))
    assert traces == [(1, 1, 2), (1, 1, 1, 1, 1, 1)]
    stacked = jax.vmap(lambda k: SpectralWeights(random_unitary_matrix(k, 6), (1, 1, 2)))(
        jax.random.split(key, 4))
    assert stacked.batch_shape == (4,) and stacked[2].block_dims == (1, 1, 2)


def test_random_unitary_matrix_is_unitary_and_deterministic(key):
    F1, F2 = random_unitary_matrix(key, 6), random_unitary_matrix(key, 6)
    np.testing.assert_allclose(F1.conj().T @ F1, 6 * np.eye(6), atol=1e-5)
    np.testing.assert_array_equal(F1, F2)
    assert not np.allclose(F1, random_unitary_matrix(jax.random.fold_in(key, 1), 6))


def test_bad_layouts_raise(unchecked):
    with pytest.raises(ValueError, match="need"):
        SpectralWeights(jnp.eye(6), (1, 2))
    with pytest.raises(ValueError, match="positive integers"):
        SpectralWeights(jnp.eye(6), (1, 0, 2))
    with pytest.raises(ValueError, match="empty"):
        SpectralWeights(jnp.eye(6), ())
    with pytest.raises(ValueError, match="rectangular"):
        SpectralWeights(jnp.eye(6), block_shapes=[(1, 1), (1, 5)])
    with pytest.raises(TypeError, match="from_blocks"):
        unchecked(SpectralWeights.__init__)(object.__new__(SpectralWeights),
                                            (jnp.ones((6, 1, 1)),), (1,))
    with pytest.raises(TypeError, match="exactly one"):
        SpectralWeights(jnp.eye(6))
    with pytest.raises(IndexError, match="batch axes"):
        SpectralWeights(jnp.eye(6), (1, 1, 2))[0]
    with pytest.raises(ValueError, match="out of range"):
        bispectral_apply((jnp.ones((6, 1, 1)),) * 3, jnp.ones(6), pairs=[(0, 3)])
    with pytest.raises(ValueError, match="one network"):
        power_spectral_apply(SpectralWeights(jnp.ones((2, 6, 6)), (1, 1, 2)), jnp.ones(6))
    # Control: valid layouts pass.
    assert len(SpectralWeights(jnp.eye(6), (1, 1, 2)).blocks) == 3
