r"""Training objective: invariance over orbit pairs plus (optionally) the unitarity penalty.

For one network ``F`` (``F[g, (i, j, k)] = √d_i W_i[g]_{jk}``, CONVENTIONS.md):

    loss(F) = mean_batch Σ_i ‖φ_i(x) − φ_i(g·x + ε)‖²_F  +  η ‖F^† F − n·I‖²_F

with ``x`` standard complex Gaussian (real and imaginary parts N(0, 1/2), so E|x_h|² = 1),
``g`` uniform on G, ``(g·x)(h) = x(g⁻¹h)`` and ``ε`` complex Gaussian with E|ε_h|² = σ².
The penalty is on the √d-weighted stack, which vanishes at the Fourier transform.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
from jaxtyping import Array, Complex, Float, Int, PRNGKeyArray

from .._group import inverse_labels
from ..models._power_spectral import _dim_groups, gram, grouped_block_values

__all__ = [
    "complex_normal",
    "sample_orbit_pairs",
    "invariance_loss",
    "unitarity_penalty",
    "unitarity_defect",
    "invariance_defect",
    "expected_invariance_loss",
    "block_invariance_defects",
]


def complex_normal(key: PRNGKeyArray, shape, dtype) -> Array:
    """Standard complex Gaussian: real and imaginary parts i.i.d. N(0, 1/2)."""
    real = jnp.finfo(dtype).dtype
    z = jax.random.normal(key, (*shape, 2), real) * jnp.asarray(0.5 ** 0.5, real)
    return jax.lax.complex(z[..., 0], z[..., 1]).astype(dtype)


def sample_orbit_pairs(key: PRNGKeyArray, table: Int[Array, "n n"], batch: int,
                       noise_std: Float[Array, ""] | float, dtype) -> tuple[Array, Array]:
    r"""``batch`` pairs ``(x, g·x + ε)``; returns ``x`` and ``y`` of shape ``(batch, n)``."""
    n = table.shape[0]
    real = jnp.finfo(dtype).dtype
    k_normal, k_g = jax.random.split(key)
    # One draw for x and ε: (2, batch, n, re/im), each part N(0, 1/2).
    z = jax.random.normal(k_normal, (2, batch, n, 2), real) * jnp.asarray(0.5 ** 0.5, real)
    x = jax.lax.complex(z[0, ..., 0], z[0, ..., 1]).astype(dtype)
    eps = jax.lax.complex(z[1, ..., 0], z[1, ..., 1]).astype(dtype)
    g = jax.random.randint(k_g, (batch,), 0, n)
    # (g·x)(h) = x(g⁻¹h): gather with the rows of table at g⁻¹.
    rows = table[inverse_labels(table)[g]]
    y = jnp.take_along_axis(x, rows, axis=1) + jnp.asarray(noise_std, real) * eps
    return x, y


def _spectra(F, X, block_dims):
    """φ for every block, grouped by dimension: list of (m, n_blocks_d, d, d)."""
    return [gram(v) for v in grouped_block_values(X @ F, block_dims)]


def invariance_loss(F: Complex[Array, "n n"], x: Complex[Array, "b n"],
                    y: Complex[Array, "b n"], block_dims: Sequence[int]) -> Float[Array, ""]:
    r"""``mean_batch Σ_i ‖φ_i(x) − φ_i(y)‖²_F`` for the network stacked as ``F``."""
    b = x.shape[0]
    phis = _spectra(F, jnp.concatenate([x, y], axis=0), block_dims)
    total = 0.0
    for phi in phis:
        diff = phi[:b] - phi[b:]
        total = total + jnp.sum(jnp.real(diff) ** 2 + jnp.imag(diff) ** 2)
    return total / b


def unitarity_penalty(F: Complex[Array, "n n"]) -> Float[Array, ""]:
    r"""``‖F^† F − n·I‖²_F``."""
    n = F.shape[-1]
    M = jnp.conj(F).T @ F - n * jnp.eye(n, dtype=F.dtype)
    return jnp.sum(jnp.real(M) ** 2 + jnp.imag(M) ** 2)


def unitarity_defect(F: Complex[Array, "n n"]) -> Float[Array, ""]:
    r"""``max_{pq} |(F F^† − n·I)_{pq}| / n`` (rows indexed by group elements; Theorem 17's
    L divided by n)."""
    n = F.shape[-1]
    return jnp.max(jnp.abs(F @ jnp.conj(F).T - n * jnp.eye(n, dtype=F.dtype))) / n


def invariance_defect(F: Complex[Array, "n n"], table: Int[Array, "n n"],
                      x: Complex[Array, "m n"], block_dims: Sequence[int]) -> Float[Array, ""]:
    r"""Relative invariance defect over *every* group element and the signals ``x``:

        max_{x, g} ‖φ(g·x) − φ(x)‖ / ‖φ(x)‖,

    with ‖·‖ the Frobenius norm over all blocks together (the definition of
    :func:`harmonics_jax.invariance_defect`, computed here in-graph).
    """
    n = table.shape[0]
    rows = table[inverse_labels(table)]  # rows[g] = table[g⁻¹]
    gx = x[:, rows]  # (m, n_g, n): gx[s, g] = g·x_s
    m = x.shape[0]
    phis_g = _spectra(F, gx.reshape(m * n, n), block_dims)
    phis = _spectra(F, x, block_dims)
    num = jnp.zeros((m, n), jnp.real(F).dtype)
    den = jnp.zeros((m,), jnp.real(F).dtype)
    for pg, p in zip(phis_g, phis):
        pg = pg.reshape(m, n, *pg.shape[1:])
        num = num + jnp.sum(jnp.abs(pg - p[:, None]) ** 2, axis=(-3, -2, -1))
        den = den + jnp.sum(jnp.abs(p) ** 2, axis=(-3, -2, -1))
    tiny = jnp.finfo(den.dtype).tiny
    return jnp.max(jnp.sqrt(num / jnp.maximum(den, tiny)[:, None]))


def expected_invariance_loss(F: Complex[Array, "n n"], table: Int[Array, "n n"],
                             block_dims: Sequence[int], noise_std: Float[Array, ""] = 0.0
                             ) -> Float[Array, ""]:
    r"""The expectation of :func:`invariance_loss` over ``x``, ``g`` and ``ε``, in closed form.

    With ``S_i = Σ_a W_i[a]^† W_i[a]``, ``T_i = Σ_a W_i[a] W_i[a]^†`` and the group correlation
    ``C_i(g) = Σ_a W_i[a]^† W_i[g·a]``, Wick's theorem for the circular Gaussian (E x_a x̄_b =
    δ_ab, fourth moments by pairings) gives, with s = 1 + σ²,

        E Σ_i ‖φ_i(x) − φ_i(g·x + ε)‖²_F
          = Σ_i (1 + s²)(‖T_i‖² + ‖S_i‖²) − 2 s ‖T_i‖² − (2/n) Σ_g ‖C_i(g)‖².

    At σ = 0 this is (2/n) Σ_g Σ_i (‖S_i‖² − ‖C_i(g)‖²).  Under exact unitarity
    (S_i = T_i = n·I) the noise only adds a constant.  Cost O(n² Σ d_i³): about one minibatch
    of 32 pairs, with no sampling noise.
    """
    n = table.shape[0]
    real = jnp.real(F).dtype
    s = 1.0 + jnp.asarray(noise_std, real) ** 2
    total = jnp.zeros((), real)
    # grouped_block_values works on the last axis: treat each row of F (one group element)
    # as a "z" vector, giving V[a] = W_i[a] for every a: shape (n, m, d, d).
    for V in grouped_block_values(F, block_dims):
        Vc = jnp.conj(V)
        S = jnp.einsum("amji,amjk->mik", Vc, V)
        T = jnp.einsum("amij,amkj->mik", V, Vc)
        Vg = V[table]  # Vg[g, a] = W[g·a]
        C = jnp.einsum("amji,gamjk->gmik", Vc, Vg)
        sq = lambda A: jnp.sum(jnp.real(A) ** 2 + jnp.imag(A) ** 2)
        total = total + (1 + s * s) * (sq(T) + sq(S)) - 2 * s * sq(T) - (2.0 / n) * sq(C)
    return total


def block_invariance_defects(F: Complex[Array, "n n"], table: Int[Array, "n n"],
                             block_dims: Sequence[int]) -> Float[Array, " k"]:
    r"""Per-block relative expected invariance loss, in block order:

        δ_i = 1 − (1/n) Σ_g ‖C_i(g)‖² / ‖S_i‖²   ∈ [0, 1]

    (see :func:`expected_invariance_loss`; δ_i = 0 iff block i is invariant).  A block that
    has settled on a piece of a wrong isotypic component has δ_i ≈ 1 − 1/d of that irrep.
    """
    k = len(tuple(block_dims))
    out = jnp.zeros((k,), jnp.real(F).dtype)
    for (d, idx, _), V in zip(_dim_groups(block_dims), grouped_block_values(F, block_dims)):
        Vc = jnp.conj(V)
        S = jnp.einsum("amji,amjk->mik", Vc, V)
        C = jnp.einsum("amji,gamjk->gmik", Vc, V[table])
        s2 = jnp.sum(jnp.abs(S) ** 2, axis=(-1, -2))
        c2 = jnp.mean(jnp.sum(jnp.abs(C) ** 2, axis=(-1, -2)), axis=0)
        out = out.at[idx].set(1.0 - c2 / jnp.maximum(s2, jnp.finfo(out.dtype).tiny))
    return out
