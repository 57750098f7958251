"""Fast unit tests of the Fourier kernels: dtypes, jit/vmap/grad, no recompilation, and
clear errors on bad input.  The laws themselves are property-tested in property_tests/."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax import (
    act,
    convolve,
    fourier_transform,
    inverse_fourier_transform,
    power_spectrum,
)
from harmonics_jax import irreps

D3 = hj.dihedral(3)  # order 6
RHOS = irreps(D3)


def signal(n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((3, n))
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal((3, n))
    return x.astype(dtype)


# -- dtypes -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype, expected", [
    (np.complex64, np.complex64), (np.complex128, np.complex128),
    (np.float32, np.complex64), (np.float64, np.complex128),
])
def test_transform_dtypes(dtype, expected):
    x = signal(6, dtype)
    blocks = fourier_transform(x, RHOS)
    assert [b.dtype for b in blocks] == [expected] * 3
    assert [b.shape for b in blocks] == [(3, 1, 1), (3, 1, 1), (3, 2, 2)]
    assert all(b.dtype == expected for b in power_spectrum(x, RHOS))
    back = inverse_fourier_transform(blocks, RHOS)
    assert back.dtype == expected and back.shape == (3, 6)
    tol = 1e-5 if expected == np.complex64 else 1e-12
    assert np.allclose(back, x, atol=tol)


def test_act_and_convolve_dtypes():
    for dtype in (np.complex64, np.complex128, np.float32, np.float64, np.int32):
        x = signal(6, dtype)
        assert act(2, x, D3).dtype == dtype
    assert convolve(signal(6, np.float32), signal(6, np.float32), D3).dtype == np.float32
    assert convolve(signal(6, np.float32), signal(6, np.complex64), D3).dtype == np.complex64
    assert convolve(signal(6, np.complex64), signal(6, np.float64), D3).dtype == np.complex128


def test_strict_dtype_promotion():
    """No implicit promotion inside the kernels: complex64 signals with complex128 irreps."""
    x = signal(6, np.complex64)
    with jax.numpy_dtype_promotion("strict"):
        blocks = fourier_transform(x, RHOS)
        inverse_fourier_transform(blocks, RHOS)
        power_spectrum(x, RHOS)
        act(1, x, D3)
        convolve(x, signal(6, np.float64), D3)
    assert blocks[-1].dtype == np.complex64


# -- transformations ----------------------------------------------------------------------
def test_jit_and_vmap_agree_with_eager():
    x = signal(6, np.complex128)
    eager = fourier_transform(x, RHOS)
    jitted = jax.jit(fourier_transform)(x, RHOS)
    mapped = jax.vmap(fourier_transform, in_axes=(0, None))(x, RHOS)
    for a, b, c in zip(eager, jitted, mapped):
        assert np.allclose(a, b, atol=1e-12) and np.allclose(a, c, atol=1e-12)
    g = jnp.arange(6)
    moved = jax.jit(jax.vmap(act, in_axes=(0, None, None)))(g, x[0], D3)  # traced g, G
    assert np.array_equal(moved, np.stack([act(int(k), x[0], D3) for k in range(6)]))
    conv = jax.jit(convolve)(x, x[::-1], D3)
    assert np.allclose(conv, convolve(x, x[::-1], D3), atol=1e-12)


def test_act_matches_the_convention():
    """(g·x)(h) = x(g⁻¹h) on a group whose identity is not at label 0."""
    perm = np.array([3, 0, 5, 1, 4, 2])
    table = np.empty((6, 6), dtype=int)
    table[perm[:, None], perm[None, :]] = perm[np.asarray(D3.table)]
    G = hj.FiniteGroup.from_cayley_table(table)
    x = np.arange(6.0) * 10
    for g in range(6):
        want = [x[table[G.inverse[g], h]] for h in range(6)]
        assert act(g, x, G).tolist() == want


def test_grad_through_plancherel():
    """d/dx of (1/n) Σ_ρ d_ρ ‖x̂(ρ)‖² is 2x for a real x (Plancherel)."""
    def energy(x):
        return sum(r.shape[1] * jnp.sum(jnp.abs(b) ** 2)
                   for r, b in zip(RHOS, fourier_transform(x, RHOS))) / 6
    x = signal(6, np.float64)[0]
    assert np.allclose(jax.grad(energy)(x), 2 * x, atol=1e-12)


def test_one_compile_per_shape():
    traces = []

    def ft(x, rhos):
        traces.append(None)  # runs once per trace
        return fourier_transform(x, rhos)

    jitted = jax.jit(ft)
    jitted(signal(6, np.complex128, 1), RHOS)
    jitted(signal(6, np.complex128, 2), RHOS)
    # S3 is not D(3) label for label, but its irreps have the same shapes: no retrace
    jitted(signal(6, np.complex128, 3), irreps(hj.symmetric(3)))
    assert len(traces) == 1 and jitted._cache_size() == 1
    jitted(signal(12, np.complex128), irreps(hj.dihedral(6)))  # a new shape compiles
    assert len(traces) == 2

    # tables are pytree leaves: a different group of the same order (and name) reuses the
    # compiled action, as does every element label
    c6 = hj.FiniteGroup.from_cayley_table(hj.cyclic(6).table, name="G")
    d3 = hj.FiniteGroup.from_cayley_table(D3.table, name="G")
    jitted_act = jax.jit(act)
    for g, G in [(0, c6), (1, c6), (5, d3)]:
        jitted_act(g, signal(6, np.float64)[0], G)
    assert jitted_act._cache_size() == 1


# -- errors -------------------------------------------------------------------------------
def test_errors_name_the_problem(unchecked):
    fourier_transform, inverse_fourier_transform, act, convolve = map(unchecked, (
        hj.fourier_transform, hj.inverse_fourier_transform, hj.act, hj.convolve))
    x = signal(6, np.complex128)
    with pytest.raises(ValueError, match="last axis of length 5.*order 6"):
        fourier_transform(x[:, :5], RHOS)
    with pytest.raises(ValueError, match="irreps is empty"):
        fourier_transform(x, [])
    with pytest.raises(TypeError, match="wrap one irrep in a list"):
        fourier_transform(x, RHOS[-1])
    with pytest.raises(ValueError, match=r"irreps\[1\] must have shape \(n, d, d\)"):
        fourier_transform(x, [RHOS[0], RHOS[2][:, :1]])
    with pytest.raises(ValueError, match="all irreps must be of one group"):
        fourier_transform(x, [RHOS[0], irreps(hj.cyclic(4))[0]])
    with pytest.raises(ValueError, match="not a complete set"):
        inverse_fourier_transform(fourier_transform(x, RHOS[:2]), RHOS[:2])
    with pytest.raises(ValueError, match="3 irreps"):
        inverse_fourier_transform(fourier_transform(x, RHOS)[:2], RHOS)
    with pytest.raises(ValueError, match=r"xhat\[2\] must have shape \(\.\.\., 2, 2\)"):
        blocks = fourier_transform(x, RHOS)
        inverse_fourier_transform([blocks[0], blocks[1], blocks[1]], RHOS)
    with pytest.raises(ValueError, match="g = 6 is not a label"):
        act(6, x, D3)
    with pytest.raises(TypeError, match="integer label"):
        act(1.0, x, D3)
    with pytest.raises(TypeError, match="must be a FiniteGroup"):
        act(1, x, D3.table)
    with pytest.raises(TypeError, match="got a FiniteGroup"):
        convolve(D3, x, D3)
    with pytest.raises(ValueError, match="do not broadcast"):
        convolve(x, x[:2], D3)
    with pytest.raises(ValueError, match="order 2n"):
        convolve(x, x, hj.dihedral(6))
