r"""The invariance objective of a spectral network, and the defects the training reads.

For one network ``weights`` (stacked as ``F[g, (i, j, k)] = √d_i W_i[g]_{jk}``,
CONVENTIONS.md):

    loss(F) = mean_batch Σ_i ‖φ_i(x) − φ_i(g·x + ε)‖²_F  +  η ‖F^† F − n·I‖²_F

with ``x`` standard complex Gaussian (real and imaginary parts N(0, 1/2), so E|x_h|² = 1),
``g`` uniform on G, ``(g·x)(h) = x(g⁻¹h)`` and ``ε`` complex Gaussian with E|ε_h|² = σ².
The penalty is on the √d-weighted stack, which vanishes at the Fourier transform.  Every
function acts on one network (batch with ``jax.vmap``) and is pure JAX, for use inside a
jitted training step; ``table`` is a traced ``(n, n)`` Cayley table (``group.table``).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike
from jaxtyping import Array, Complex, Float, Int, PRNGKeyArray

from .._core._layout import dim_groups, gram, grouped_block_values
from .._group import inverse_labels
from ._weights import SpectralWeights

__all__ = [
    "sample_orbit_pairs",
    "invariance_loss",
    "unitarity_penalty",
    "heldout_invariance_defect",
    "expected_invariance_loss",
    "block_invariance_defects",
]


def sample_orbit_pairs(key: PRNGKeyArray, table: Int[ArrayLike, "n n"], batch: int,
                       noise_std: Float[Array, ""] | float, dtype
                       ) -> tuple[Complex[Array, "batch n"], Complex[Array, "batch n"]]:
    r"""``batch`` pairs ``(x, g·x + ε)``; returns ``x`` and ``y`` of shape ``(batch, n)``.

    Example:
        >>> import jax, jax.numpy as jnp, harmonics_jax as hj
        >>> x, y = sample_orbit_pairs(jax.random.key(0), hj.named_group("C3").table, 4, 0.0,
        ...                           jnp.complex64)
        >>> x.shape, y.shape
        ((4, 3), (4, 3))
    """
    table = jnp.asarray(table)
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


def _spectra(weights: SpectralWeights, X):
    """φ for every block, grouped by dimension: list of (m, n_blocks_d, d, d)."""
    return [gram(v) for v in grouped_block_values(X @ weights.F, weights.block_dims)]


def invariance_loss(weights: SpectralWeights, x: Complex[Array, "b n"],
                    y: Complex[Array, "b n"]) -> Float[Array, ""]:
    r"""``mean_batch Σ_i ‖φ_i(x) − φ_i(y)‖²_F`` for one network.

    Example:
        >>> import jax.numpy as jnp
        >>> w = SpectralWeights(jnp.eye(3, dtype=jnp.complex64), (1, 1, 1))
        >>> x = jnp.array([[1, 2, 3]], jnp.complex64)
        >>> float(invariance_loss(w, x, x[:, [2, 0, 1]]))  # (1-9)² + (4-1)² + (9-4)²
        98.0
    """
    b = x.shape[0]
    phis = _spectra(weights, jnp.concatenate([x, y], axis=0))
    total = 0.0
    for phi in phis:
        diff = phi[:b] - phi[b:]
        total = total + jnp.sum(jnp.real(diff) ** 2 + jnp.imag(diff) ** 2)
    return total / b


def unitarity_penalty(weights: SpectralWeights) -> Float[Array, ""]:
    r"""``‖F^† F − n·I‖²_F`` (zero at the Fourier transform, thanks to the √d_i weights).

    Example:
        >>> import jax.numpy as jnp
        >>> float(unitarity_penalty(SpectralWeights(2 * jnp.eye(4), (1, 1, 1, 1))))
        0.0
    """
    F = weights.F
    n = F.shape[-2]
    M = jnp.conj(F).T @ F - n * jnp.eye(F.shape[-1], dtype=F.dtype)
    return jnp.sum(jnp.real(M) ** 2 + jnp.imag(M) ** 2)


def heldout_invariance_defect(weights: SpectralWeights, table: Int[ArrayLike, "n n"],
                              x: Complex[Array, "s n"]) -> Float[Array, ""]:
    r"""Relative invariance defect on the given signals, over *every* group element:

        max_{x, g} ‖φ(g·x) − φ(x)‖ / ‖φ(x)‖,

    with ‖·‖ the Frobenius norm over all blocks together: a sampled, in-graph estimate used
    by the training loop (held-out signals).  The exact, sampling-free defect is
    :func:`harmonics_jax.verify.invariance_defect`; the same law for an arbitrary function is
    :func:`harmonics_jax.invariance_residual`.

    Example:
        >>> import jax.numpy as jnp, harmonics_jax as hj
        >>> w = SpectralWeights(jnp.eye(3, dtype=jnp.complex64), (1, 1, 1))
        >>> x = jnp.array([[1, 2, 3]], jnp.complex64)
        >>> float(heldout_invariance_defect(w, hj.named_group("C3").table, x))
        1.0
    """
    table = jnp.asarray(table)
    n = table.shape[0]
    rows = table[inverse_labels(table)]  # rows[g] = table[g⁻¹]
    gx = x[:, rows]  # (s, n_g, n): gx[s, g] = g·x_s
    m = x.shape[0]
    phis_g = _spectra(weights, gx.reshape(m * n, n))
    phis = _spectra(weights, x)
    real = jnp.real(weights.F).dtype
    num = jnp.zeros((m, n), real)
    den = jnp.zeros((m,), real)
    for pg, p in zip(phis_g, phis):
        pg = pg.reshape(m, n, *pg.shape[1:])
        num = num + jnp.sum(jnp.abs(pg - p[:, None]) ** 2, axis=(-3, -2, -1))
        den = den + jnp.sum(jnp.abs(p) ** 2, axis=(-3, -2, -1))
    tiny = jnp.finfo(den.dtype).tiny
    return jnp.max(jnp.sqrt(num / jnp.maximum(den, tiny)[:, None]))


def expected_invariance_loss(weights: SpectralWeights, table: Int[ArrayLike, "n n"],
                             noise_std: Float[Array, ""] | float = 0.0) -> Float[Array, ""]:
    r"""The expectation of :func:`invariance_loss` over ``x``, ``g`` and ``ε``, in closed form.

    With ``S_i = Σ_a W_i[a]^† W_i[a]``, ``T_i = Σ_a W_i[a] W_i[a]^†`` and the group correlation
    ``C_i(g) = Σ_a W_i[a]^† W_i[g·a]``, Wick's theorem for the circular Gaussian (E x_a x̄_b =
    δ_ab, fourth moments by pairings) gives, with s = 1 + σ²,

        E Σ_i ‖φ_i(x) − φ_i(g·x + ε)‖²_F
          = Σ_i (1 + s²)(‖T_i‖² + ‖S_i‖²) − 2 s ‖T_i‖² − (2/n) Σ_g ‖C_i(g)‖².

    At σ = 0 this is (2/n) Σ_g Σ_i (‖S_i‖² − ‖C_i(g)‖²).  Under exact unitarity
    (S_i = T_i = n·I) the noise only adds a constant.  Cost O(n² Σ d_i³): about one minibatch
    of 32 pairs, with no sampling noise.

    Example:
        >>> import harmonics_jax as hj
        >>> G = hj.named_group("S3")
        >>> w = SpectralWeights.from_blocks(hj.verify.fourier_weights(G))
        >>> abs(float(expected_invariance_loss(w, G.table))) < 1e-9
        True
    """
    table = jnp.asarray(table)
    n = table.shape[0]
    F = weights.F
    real = jnp.real(F).dtype
    s = 1.0 + jnp.asarray(noise_std, real) ** 2
    total = jnp.zeros((), real)
    # grouped_block_values works on the last axis: treat each row of F (one group element)
    # as a "z" vector, giving V[a] = W_i[a] for every a: shape (n, m, d, d).
    for V in grouped_block_values(F, weights.block_dims):
        Vc = jnp.conj(V)
        S = jnp.einsum("amji,amjk->mik", Vc, V)
        T = jnp.einsum("amij,amkj->mik", V, Vc)
        Vg = V[table]  # Vg[g, a] = W[g·a]
        C = jnp.einsum("amji,gamjk->gmik", Vc, Vg)
        sq = lambda A: jnp.sum(jnp.real(A) ** 2 + jnp.imag(A) ** 2)
        total = total + (1 + s * s) * (sq(T) + sq(S)) - 2 * s * sq(T) - (2.0 / n) * sq(C)
    return total


def block_invariance_defects(weights: SpectralWeights, table: Int[ArrayLike, "n n"]
                             ) -> Float[Array, " k"]:
    r"""Per-block relative expected invariance loss, in block order:

        δ_i = 1 − (1/n) Σ_g ‖C_i(g)‖² / ‖S_i‖²   ∈ [0, 1]

    (see :func:`expected_invariance_loss`; δ_i = 0 iff block i is invariant).  A block that
    has settled on a piece of a wrong isotypic component has δ_i ≈ 1 − 1/d of that irrep.

    Example:
        >>> import harmonics_jax as hj
        >>> G = hj.named_group("S3")
        >>> w = SpectralWeights.from_blocks(hj.verify.fourier_weights(G))
        >>> [round(float(v), 6) + 0.0 for v in block_invariance_defects(w, G.table)]
        [0.0, 0.0, 0.0]
    """
    table = jnp.asarray(table)
    F = weights.F
    dims = weights.block_dims
    out = jnp.zeros((len(dims),), jnp.real(F).dtype)
    for (d, idx, _), V in zip(dim_groups(dims), grouped_block_values(F, dims)):
        Vc = jnp.conj(V)
        S = jnp.einsum("amji,amjk->mik", Vc, V)
        C = jnp.einsum("amji,gamjk->gmik", Vc, V[table])
        s2 = jnp.sum(jnp.abs(S) ** 2, axis=(-1, -2))
        c2 = jnp.mean(jnp.sum(jnp.abs(C) ** 2, axis=(-1, -2)), axis=0)
        out = out.at[idx].set(1.0 - c2 / jnp.maximum(s2, jnp.finfo(out.dtype).tiny))
    return out
