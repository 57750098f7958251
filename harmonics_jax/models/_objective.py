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

import math
from collections.abc import Sequence

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike
from jaxtyping import Array, Complex, Float, Int, PRNGKeyArray

from .._core._checks import check_irrep_list
from .._core._layout import dim_groups, gram, grouped_block_values
from .._group import inverse_labels
from ._weights import SpectralWeights

_HIGHEST = jax.lax.Precision.HIGHEST

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


def _by_dimension(irreps: Sequence[Array]) -> list[Array]:
    """The irreps stacked by dimension ``e`` (ascending): a list of ``(m_e, n, e, e)``."""
    dims = sorted({int(r.shape[-1]) for r in irreps})
    return [jnp.stack([r for r in irreps if r.shape[-1] == e]) for e in dims]


def _correlation_energy_table(V, table):
    """``Σ_g ‖C_i(g)‖²`` for the blocks ``V`` (``(n, m, d, d)``) by the gather ``V[table]``:
    O(n² d³) per block."""
    C = jnp.einsum("amji,gamjk->gmik", jnp.conj(V), V[table])
    return jnp.sum(jnp.real(C) ** 2 + jnp.imag(C) ** 2, axis=(0, 2, 3))


def _correlation_energy_fourier(F, dims, irreps):
    """``Σ_g ‖C_i(g)‖²`` for every block, grouped like :func:`grouped_block_values`, in the
    group's Fourier basis (see :func:`expected_invariance_loss`)."""
    n = F.shape[-2]
    stacks = _by_dimension(irreps)
    # Rows (ρ, p, q) of the unitary DFT: U[(ρ,p,q), a] = √(d_ρ/n) conj(ρ(a)[q, p]), so that
    # (U f)(ρ) = √(d_ρ/n) f̂(ρ) with f̂(ρ) = Σ_a f(a) ρ(a)^† (CONVENTIONS.md).
    U = jnp.concatenate([
        (math.sqrt(R.shape[-1] / n) * jnp.conj(jnp.swapaxes(R, -1, -2))).transpose(0, 2, 3, 1)
        .reshape(-1, n) for R in stacks]).astype(F.dtype)
    Fh = jnp.matmul(U, F, precision=_HIGHEST)
    energy = [0.0] * len(dim_groups(dims))
    start = 0
    for R in stacks:
        m_e, e = R.shape[0], R.shape[-1]
        rows = Fh[start:start + m_e * e * e]
        start += m_e * e * e
        for t, V in enumerate(grouped_block_values(rows, dims)):
            m_d, d = V.shape[-3], V.shape[-1]
            # V[(r, p, q), i, j, k] → X[r, i, (j, p), (q, k)]
            X = V.reshape(m_e, e, e, m_d, d, d).transpose(0, 3, 4, 1, 2, 5)
            X = X.reshape(m_e, m_d, d * e, e * d)
            G = jnp.einsum("rixa,rixb->riab", jnp.conj(X), X, precision=_HIGHEST)
            energy[t] = energy[t] + (n / e) * jnp.sum(jnp.real(G) ** 2 + jnp.imag(G) ** 2,
                                                      axis=(0, 2, 3))
    return energy


def _correlation_energies(weights: SpectralWeights, table, irreps, fn: str):
    """Per dimension group of blocks: ``(V, Σ_g ‖C_i(g)‖²)`` with ``V`` the blocks
    ``(n, m_d, d, d)``; by the table, or in the Fourier basis when ``irreps`` is given."""
    F = weights.F
    dims = weights.block_dims
    values = grouped_block_values(F, dims)
    if irreps is None:
        table = jnp.asarray(table)
        return [(V, _correlation_energy_table(V, table)) for V in values]
    irreps = check_irrep_list(irreps, fn, order=F.shape[-2],
                              hint="pass irreps=harmonics_jax.irreps(group)")
    if sum(r.shape[-1] ** 2 for r in irreps) != F.shape[-2]:
        raise ValueError(f"{fn}: irreps must be the complete set of irreps of the group "
                         f"(Σ d² = n = {F.shape[-2]}), got dimensions "
                         f"{[int(r.shape[-1]) for r in irreps]}; pass "
                         f"irreps=harmonics_jax.irreps(group)")
    return list(zip(values, _correlation_energy_fourier(F, dims, irreps)))


def expected_invariance_loss(weights: SpectralWeights, table: Int[ArrayLike, "n n"],
                             noise_std: Float[Array, ""] | float = 0.0, *,
                             irreps: Sequence[Complex[ArrayLike, "n _ _"]] | None = None
                             ) -> Float[Array, ""]:
    r"""The expectation of :func:`invariance_loss` over ``x``, ``g`` and ``ε``, in closed form.

    With ``S_i = Σ_a W_i[a]^† W_i[a]``, ``T_i = Σ_a W_i[a] W_i[a]^†`` and the group correlation
    ``C_i(g) = Σ_a W_i[a]^† W_i[g·a]``, Wick's theorem for the circular Gaussian (E x_a x̄_b =
    δ_ab, fourth moments by pairings) gives, with s = 1 + σ²,

        E Σ_i ‖φ_i(x) − φ_i(g·x + ε)‖²_F
          = Σ_i (1 + s²)(‖T_i‖² + ‖S_i‖²) − 2 s ‖T_i‖² − (2/n) Σ_g ‖C_i(g)‖².

    At σ = 0 this is (2/n) Σ_g Σ_i (‖S_i‖² − ‖C_i(g)‖²).  Under exact unitarity
    (S_i = T_i = n·I) the noise only adds a constant.

    Two ways to the correlation term, equal up to rounding:

    * by the table (``irreps=None``): ``Σ_g ‖C_i(g)‖²`` from the gather ``W_i[g·a]``,
      cost O(n² Σ_i d_i³);
    * in the Fourier basis (``irreps``: the group's complete set of unitary irreps, e.g.
      ``harmonics_jax.irreps(group)``; ``table`` is then unused).  With ``Ŵ_i = U W_i`` for
      the unitary DFT ``U`` (rows ``(ρ, p, q)``: ``√(d_ρ/n) conj(ρ(a)[q, p])``), the
      left-regular permutation ``W ↦ W[g·]`` becomes ``⊕_ρ I ⊗ ρ(g)^T``, and Schur
      orthogonality turns the sum over g into

          Σ_g ‖C_i(g)‖² = Σ_ρ (n/d_ρ) ‖X_{ρi}^† X_{ρi}‖²_F,
          X_{ρi}[(j, p), (q, k)] = Ŵ_i[(ρ, p, q)]_{jk}    (a d_i d_ρ × d_ρ d_i matrix),

      cost O(n³ + (Σ_i d_i³)²): one n × n product and small Gram matrices (10–30× less
      than the table beyond order 60 on a CPU: docs/RECIPE.md, phase 12).  The
      irreps must be a complete set (Σ d_ρ² = n) of inequivalent *unitary* irreps; other
      matrices give a wrong value without an error (only shapes can be checked under jit).

    Example:
        >>> import harmonics_jax as hj
        >>> G = hj.named_group("S3")
        >>> w = SpectralWeights.from_blocks(hj.verify.fourier_weights(G))
        >>> abs(float(expected_invariance_loss(w, G.table))) < 1e-9
        True
        >>> F = hj.models.random_unitary_matrix(jax.random.key(0), 6)
        >>> r = SpectralWeights(F, (1, 1, 2))
        >>> a = expected_invariance_loss(r, G.table)
        >>> b = expected_invariance_loss(r, G.table, irreps=hj.irreps(G))
        >>> bool(jnp.allclose(a, b, rtol=1e-4)), float(a) > 1.0
        (True, True)
    """
    n = weights.F.shape[-2]
    F = weights.F
    real = jnp.real(F).dtype
    s = 1.0 + jnp.asarray(noise_std, real) ** 2
    total = jnp.zeros((), real)
    sq = lambda A: jnp.sum(jnp.real(A) ** 2 + jnp.imag(A) ** 2)  # noqa: E731
    for V, energy in _correlation_energies(weights, table, irreps, "expected_invariance_loss"):
        Vc = jnp.conj(V)
        S = jnp.einsum("amji,amjk->mik", Vc, V)
        T = jnp.einsum("amij,amkj->mik", V, Vc)
        total = total + (1 + s * s) * (sq(T) + sq(S)) - 2 * s * sq(T) - (2.0 / n) * jnp.sum(energy)
    return total


def block_invariance_defects(weights: SpectralWeights, table: Int[ArrayLike, "n n"], *,
                             irreps: Sequence[Complex[ArrayLike, "n _ _"]] | None = None
                             ) -> Float[Array, " k"]:
    r"""Per-block relative expected invariance loss, in block order:

        δ_i = 1 − (1/n) Σ_g ‖C_i(g)‖² / ‖S_i‖²   ∈ [0, 1]

    (see :func:`expected_invariance_loss`; δ_i = 0 iff block i is invariant; ``irreps``
    computes the correlation term in the Fourier basis, as there).  A block that has
    settled on a piece of a wrong isotypic component has δ_i ≈ 1 − 1/d of that irrep.

    Example:
        >>> import harmonics_jax as hj
        >>> G = hj.named_group("S3")
        >>> w = SpectralWeights.from_blocks(hj.verify.fourier_weights(G))
        >>> [round(float(v), 6) + 0.0 for v in block_invariance_defects(w, G.table)]
        [0.0, 0.0, 0.0]
    """
    n = weights.F.shape[-2]
    dims = weights.block_dims
    out = jnp.zeros((len(dims),), jnp.real(weights.F).dtype)
    groups = _correlation_energies(weights, table, irreps, "block_invariance_defects")
    for (d, idx, _), (V, energy) in zip(dim_groups(dims), groups):
        S = jnp.einsum("amji,amjk->mik", jnp.conj(V), V)
        s2 = jnp.sum(jnp.abs(S) ** 2, axis=(-1, -2))
        out = out.at[idx].set(1.0 - energy / n / jnp.maximum(s2, jnp.finfo(out.dtype).tiny))
    return out
