"""The Fourier laws of CONVENTIONS.md on random groups and signals: inversion, Plancherel,
the translation rule, the convolution theorem and the invariance of the power spectrum.
Each law has a negative control: the same check applied to a plausible mistake (ρ in place
of ρ^†, the blocks multiplied in the wrong order, Plancherel without the weights d_ρ, ...)
must fail."""

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import assume, example, given
from hypothesis import strategies as st

import harmonics_jax as hj
from harmonics_jax.testing import relabel
from harmonics_jax import (
    act,
    convolve,
    fourier_transform,
    inverse_fourier_transform,
    power_spectrum,
)
from harmonics_jax import irreps
from harmonics_jax import invariance_residual
from harmonics_jax.testing.strategies import finite_groups, signals

TOL = 1e-9




D3_MOVED = relabel(hj.dihedral(3), [4, 2, 5, 0, 1, 3])  # identity at label 4
Q8 = hj.quaternion()


@st.composite
def group_and_signals(draw, *, count=1, **group_kwargs):
    """A group and ``count`` complex signals on it, stacked to shape (count, n)."""
    G = draw(finite_groups(**group_kwargs))
    return G, draw(signals(G, batch_shape=(count,)))


def generic_signals(G, seed, count=1):
    """Signals with no special structure, for negative controls (hypothesis' signals
    shrink towards zero, which satisfies every law)."""
    k1, k2 = jax.random.split(jax.random.key(seed))
    shape = (count, G.order)
    return np.asarray(jax.random.normal(k1, shape) + 1j * jax.random.normal(k2, shape))


def blocks_close(a, b, scale):
    return all(float(jnp.max(jnp.abs(x - y))) <= TOL * (1.0 + scale) for x, y in zip(a, b))


def ramp(G, count=1):
    """A deterministic signal of moderate size, used in pinned examples."""
    n = G.order
    k = np.arange(count * n).reshape(count, n)
    return (k % 7 - 3.0) + 1j * (k % 5 - 2.0)


# -- inversion and Plancherel -------------------------------------------------------------
@given(group_and_signals())
@example((D3_MOVED, ramp(D3_MOVED)))
@example((hj.cyclic(1), np.array([[2.5 - 1j]])))
def test_inversion(case):
    G, x = case
    rhos = irreps(G)
    back = inverse_fourier_transform(fourier_transform(x, rhos), rhos)
    assert back.shape == x.shape
    assert float(jnp.max(jnp.abs(back - x))) <= TOL * (1.0 + np.abs(x).max() * G.order)


@given(finite_groups(max_order=16), st.integers(0, 2**32 - 1))
def test_inversion_control_dagger_in_inverse(G, seed):
    """Using ρ(g)^† in the inverse gives x(g⁻¹), wrong unless every element is an
    involution."""
    assume(G.element_orders.max() > 2)
    rhos = irreps(G)
    x = generic_signals(G, seed)
    xhat = fourier_transform(x, rhos)
    daggered = [np.conj(np.swapaxes(r, 1, 2)) for r in rhos]
    wrong = inverse_fourier_transform(xhat, daggered)
    assert float(jnp.max(jnp.abs(wrong - x))) > 1e-3


@given(group_and_signals(count=2))
@example((Q8, ramp(Q8, 2)))
def test_plancherel(case):
    G, x = case
    rhos = irreps(G)
    energy = np.sum(np.abs(x) ** 2, axis=-1)
    spectral = sum(r.shape[1] * jnp.sum(jnp.abs(b) ** 2, axis=(-2, -1))
                   for r, b in zip(rhos, fourier_transform(x, rhos))) / G.order
    assert np.allclose(spectral, energy, rtol=TOL, atol=TOL)


@given(finite_groups(max_order=16, abelian=False), st.integers(0, 2**32 - 1))
def test_plancherel_control_unweighted(G, seed):
    """Without the weights d_ρ the identity fails as soon as some d_ρ ≥ 2."""
    rhos = irreps(G)
    x = generic_signals(G, seed)
    energy = np.sum(np.abs(x) ** 2)
    unweighted = sum(jnp.sum(jnp.abs(b) ** 2) for b in fourier_transform(x, rhos)) / G.order
    assert abs(float(unweighted) - energy) > 1e-3 * energy


# -- the action and the translation rule --------------------------------------------------
@given(group_and_signals())
@example((D3_MOVED, ramp(D3_MOVED)))
def test_action_is_a_left_action_and_a_convolution_by_a_delta(case):
    G, x = case
    n, e = G.order, G.identity
    every = jnp.arange(n)
    moved = jax.vmap(lambda g: act(g, x[0], G))(every)  # moved[g] = g·x
    # g·(h·x) = (gh)·x for all g, h
    twice = jax.vmap(lambda g: jax.vmap(lambda y: act(g, y, G))(moved))(every)
    assert np.array_equal(np.asarray(twice), np.asarray(moved)[G.table])
    assert np.array_equal(np.asarray(moved[e]), x[0])
    deltas = np.eye(n, dtype=x.dtype)  # δ_g ⋆ x = g·x
    assert np.allclose(convolve(deltas, x[0], G), moved, rtol=0, atol=TOL)


def translation_residual(G, x, rhos, transform):
    """max over g and ρ of |(g·x)^(ρ) − x̂(ρ) ρ(g)^†|, all g at once through vmap."""
    xhat = transform(x, rhos)
    moved = jax.vmap(lambda g: transform(act(g, x, G), rhos))(jnp.arange(G.order))
    return max(float(jnp.max(jnp.abs(m - jnp.einsum("ij,gkj->gik", b, jnp.conj(r)))))
               for m, b, r in zip(moved, xhat, rhos))


@given(group_and_signals())
@example((D3_MOVED, ramp(D3_MOVED)))
@example((Q8, ramp(Q8)))
def test_translation_rule(case):
    G, x = case
    scale = np.abs(x).sum()
    assert translation_residual(G, x[0], irreps(G), fourier_transform) <= TOL * (1 + scale)


def transform_without_dagger(x, rhos):
    """A plausible mistake: x̂(ρ) = Σ_g x(g) ρ(g)."""
    return [jnp.einsum("g,gij->ij", x, r) for r in rhos]


@given(finite_groups(max_order=16, abelian=False), st.integers(0, 2**32 - 1))
@example(D3_MOVED, 0)
def test_translation_control_rho_instead_of_dagger(G, seed):
    x = generic_signals(G, seed)[0]
    assert translation_residual(G, x, irreps(G), transform_without_dagger) > 1e-3


# -- convolution --------------------------------------------------------------------------
@given(group_and_signals(count=2))
@example((D3_MOVED, ramp(D3_MOVED, 2)))
@example((Q8, ramp(Q8, 2)))
def test_convolution_theorem(case):
    G, xy = case
    x, y = xy
    rhos = irreps(G)
    lhs = fourier_transform(convolve(x, y, G), rhos)
    rhs = [b @ a for a, b in zip(fourier_transform(x, rhos), fourier_transform(y, rhos))]
    assert blocks_close(lhs, rhs, np.abs(x).sum() * np.abs(y).sum())


@given(finite_groups(max_order=16, abelian=False), st.integers(0, 2**32 - 1))
def test_convolution_control_wrong_order(G, seed):
    """x̂ ŷ in place of ŷ x̂ fails on a non-abelian group."""
    x, y = generic_signals(G, seed, count=2)
    rhos = irreps(G)
    lhs = fourier_transform(convolve(x, y, G), rhos)
    wrong = [a @ b for a, b in zip(fourier_transform(x, rhos), fourier_transform(y, rhos))]
    assert not blocks_close(lhs, wrong, 1e6)


# -- power spectrum -----------------------------------------------------------------------
@given(group_and_signals(count=2))
@example((D3_MOVED, ramp(D3_MOVED, 2)))
def test_power_spectrum_is_invariant(case):
    G, xs = case
    rhos = irreps(G)
    assert invariance_residual(lambda x: power_spectrum(x, rhos), G, xs) <= 1e-8


@given(finite_groups(max_order=16, abelian=False), st.integers(0, 2**32 - 1))
@example(D3_MOVED, 0)
def test_invariance_control(G, seed):
    """x̂^† x̂ (the other order) is not invariant, nor is the signal itself."""
    rhos = irreps(G)
    xs = generic_signals(G, seed, count=2)

    def gram(x):
        return [jnp.conj(b.T) @ b for b in fourier_transform(x, rhos)]

    assert invariance_residual(gram, G, xs) > 1e-3
    assert invariance_residual(lambda x: x, G, xs) > 1e-3
