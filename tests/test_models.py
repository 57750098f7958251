"""Models: block layout, Fourier-transform weights make each model invariant (with negative
controls), unitarity of the √d-weighted stack, and input validation."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax.verify import fourier_weights
from harmonics_jax.models import (
    bispectral_network,
    bispectrum,
    blocks_from_matrix,
    logistic_neuron,
    logistic_neuron_network,
    matrix_from_blocks,
    power_spectral_network,
    power_spectrum,
    power_spectrum_from_matrix,
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
    return blocks_from_matrix(random_unitary_matrix(key, n, jnp.complex128), dims)


@pytest.mark.parametrize("name", GROUPS)
def test_power_spectrum_fourier_weights_invariant(name, key):
    G = hj.group(name)
    irr = hj.irreps(G)
    W = fourier_weights(G, irr, _random_A(key, [r.shape[1] for r in irr]))
    xs = _signals(jax.random.fold_in(key, 1), G.order)
    assert hj.invariance_defect(lambda x: power_spectrum(W, x), G, xs) < 1e-12
    # Negative control: random (unitary) weights of the same shapes are far from invariant.
    R = _random_blocks(jax.random.fold_in(key, 2), G.order, hj.irrep_dims(G))
    assert hj.invariance_defect(lambda x: power_spectrum(R, x), G, xs) > 0.05


@pytest.mark.parametrize("name", ["S3", "Q8", "A4"])
def test_bispectrum_fourier_weights_invariant(name, key):
    G = hj.group(name)
    irr = hj.irreps(G)
    W = fourier_weights(G, irr, _random_A(key, [r.shape[1] for r in irr]))
    xs = _signals(jax.random.fold_in(key, 1), G.order, m=2)
    net = bispectral_network(hj.irrep_dims(G))
    assert hj.invariance_defect(lambda x: net.apply(W, x), G, xs) < 1e-12
    R = net.init(jax.random.fold_in(key, 2), G.order)
    R = tuple(r.astype(jnp.complex128) for r in R)
    assert hj.invariance_defect(lambda x: net.apply(R, x), G, xs) > 0.05


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
        assert hj.invariance_defect(lambda x: logistic_neuron(w, x, 0.1), G, xs) < 1e-12
    # Negative control: a weight vector mixing two frequencies is not invariant.
    w = np.exp(-2j * np.pi * g / d) + 0.5 * np.exp(-4j * np.pi * g / d)
    assert hj.invariance_defect(lambda x: logistic_neuron(w, x), G, xs) > 1e-3


@pytest.mark.parametrize("name", ["S3", "D4"])
def test_logistic_neuron_network_one_dim_irreps_invariant(name, key):
    G = hj.group(name)
    lin = [r for r in hj.irreps(G) if r.shape[1] == 1]
    net = logistic_neuron_network(len(lin))
    W = fourier_weights(G, lin, [jnp.array([[0.7 + 0.2j]])] * len(lin))
    xs = 2 * _signals(key, G.order)
    assert hj.invariance_defect(lambda x: net.apply(W, x), G, xs) < 1e-12
    R = tuple(r.astype(jnp.complex128) for r in net.init(jax.random.fold_in(key, 1), G.order))
    assert hj.invariance_defect(lambda x: net.apply(R, x), G, xs) > 1e-3


def test_cyclic_hand_built_fourier_weights_invariant(key):
    # Without hj.irreps: W_k[g] = e^{-2πi k g/n} (1×1 blocks) for C6.
    n = 6
    g = np.arange(n)
    W = tuple(jnp.exp(-2j * jnp.pi * k * g / n).reshape(n, 1, 1) for k in range(n))
    xs = _signals(key, n)
    assert hj.invariance_defect(lambda x: power_spectrum(W, x), hj.cyclic(n), xs) < 1e-12
    W_bad = (W[0], W[1] + 0.2 * W[2], *W[2:])
    assert hj.invariance_defect(lambda x: power_spectrum(W_bad, x), hj.cyclic(n), xs) > 1e-3


@pytest.mark.parametrize("name", ["S3", "D4", "S4"])
def test_fourier_weights_are_unitary_with_sqrt_d_weight(name):
    G = hj.group(name)
    n = G.order
    F = matrix_from_blocks(fourier_weights(G))
    np.testing.assert_allclose(F.conj().T @ F, n * np.eye(n), atol=1e-10)
    # Negative control (CONVENTIONS 'unitarity'): the unweighted stack is not unitary for a
    # non-abelian group.
    U = jnp.concatenate([r.conj().transpose(0, 2, 1).reshape(n, -1) for r in hj.irreps(G)], 1)
    assert np.abs(U @ U.conj().T - n * np.eye(n)).max() > 0.5


def test_blocks_matrix_round_trip_and_matrix_form_outputs(key):
    dims = (1, 1, 2, 3, 3)
    n = 24
    F = random_unitary_matrix(key, n, jnp.complex128)
    W = blocks_from_matrix(F, dims)
    assert [w.shape for w in W] == [(n, d, d) for d in dims]
    np.testing.assert_allclose(matrix_from_blocks(W), F, atol=1e-14)
    np.testing.assert_allclose(F.conj().T @ F, n * np.eye(n), atol=1e-10)
    x = _signals(jax.random.fold_in(key, 1), n, 1)[0]
    for a, b in zip(power_spectrum(W, x), power_spectrum_from_matrix(F, x, dims)):
        np.testing.assert_allclose(a, b, atol=1e-10)
    # Batched: leading axes are kept.
    Wb = blocks_from_matrix(jnp.stack([F, 2 * F]), dims)
    assert Wb[3].shape == (2, n, 3, 3)
    np.testing.assert_allclose(Wb[3][1], 2 * W[3], atol=1e-14)
    # Negative control: a different block order gives different outputs.
    perm = power_spectrum_from_matrix(F, x, (3, 3, 2, 1, 1))
    assert not np.allclose(perm[0], power_spectrum(W, x)[3])


def test_model_init_is_unitary_and_deterministic(key):
    net = power_spectral_network((1, 1, 2))
    W1, W2 = net.init(key, 6), net.init(key, 6)
    F = matrix_from_blocks(W1)
    np.testing.assert_allclose(F.conj().T @ F, 6 * np.eye(6), atol=1e-5)
    for a, b in zip(W1, W2):
        np.testing.assert_array_equal(a, b)
    W3 = net.init(jax.random.fold_in(key, 1), 6)
    assert not np.allclose(W1[2], W3[2])


def test_bad_block_dims_raise():
    with pytest.raises(ValueError, match="squares sum to 5 but the group has order 6"):
        power_spectral_network((1, 2)).init(jax.random.key(0), 6)
    with pytest.raises(ValueError, match="positive integer"):
        power_spectral_network((1, 0, 2))
    with pytest.raises(ValueError, match="empty"):
        power_spectral_network(())
    with pytest.raises(ValueError, match="columns"):
        blocks_from_matrix(jnp.eye(6), (1, 2))
    with pytest.raises(ValueError, match="out of range"):
        bispectral_network((1, 1, 2), pairs=[(0, 3)])
    with pytest.raises(ValueError, match="num_neurons"):
        logistic_neuron_network(0)
    # Control: valid dimensions pass.
    assert len(power_spectral_network((1, 1, 2)).init(jax.random.key(0), 6)) == 3
