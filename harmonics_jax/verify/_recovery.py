r"""Reading the irreps back from the weights and comparing them with the true irreps.

Theorem 10: W_i[g] = W_i[e] ρ_i(g)^†, so ρ_i(g) = (W_i[e]⁻¹ W_i[g])^†.  W_i[e]⁻¹ is computed
by QR with vanishing pivots dropped (see :mod:`harmonics_jax._core._linalg`), so a singular W_i[e] gives finite
numbers and is flagged by the surjectivity margin instead of producing NaNs.

Span (CONVENTIONS "weights span the Fourier coefficients"): the n-vectors g ↦ W_i[g]_{jk} are
matrix coefficients of ρ_i^† = conj(ρ_i)ᵀ, i.e. they span the ρ_i-isotypic component of the
left regular representation, span{g ↦ conj(ρ_i(g)_{jk})}.  For irreps with a real character
this is also the span of the coefficients of ρ_i; for complex characters (C_n, A4, …) the
two differ, and the conjugated one is the right one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike
from jaxtyping import Array, Float, Int, Shaped

from .._core._linalg import dag as _dag
from .._core._linalg import inverse, mgs_qr, polar_unitary, singular_values
from .._group import FiniteGroup, identity_label
from ..models import SpectralWeights
from .._core._blocks import irreps_by_dimension, per_block
from ._validate import as_irreps, as_weights, check_group

__all__ = ["RecoveredIrreps", "IrrepMatch", "recover_irreps", "match_irreps",
           "span_residual", "frobenius_schur_kernel"]

_HI = jax.lax.Precision.HIGHEST


class RecoveredIrreps(NamedTuple):
    """ρ_i(g) = (W_i[e]⁻¹ W_i[g])^† per block, with residuals (each of shape (k,))."""

    rho: tuple[Array, ...]
    homomorphism_residual: Array  # max_{g,h} ‖ρ(g)ρ(h) − ρ(gh)‖_F / √d
    unitarity_residual: Array  # max_g ‖ρ(g)ρ(g)^† − I‖_F / √d
    irreducibility_residual: Array  # (1/n) Σ_g |χ(g)|² − 1 (0 iff irreducible, for unitary ρ)


def products(rho: Array) -> Array:
    """P[g, h] = ρ(g) ρ(h), shape (n, n, d, d), as one (n·d) × (n·d) matmul."""
    n, d = rho.shape[0], rho.shape[-1]
    left = rho.reshape(n * d, d)
    right = jnp.transpose(rho, (1, 0, 2)).reshape(d, n * d)
    prod = jnp.matmul(left, right, precision=_HI).reshape(n, d, n, d)
    return jnp.transpose(prod, (0, 2, 1, 3))


def _recover_block(w: Array, e: Array, table: Array) -> dict:
    n, d = w.shape[0], w.shape[-1]
    rho = _dag(jnp.matmul(inverse(w[e]), w, precision=_HI))
    prod = products(rho)
    gram = jnp.matmul(rho, _dag(rho), precision=_HI) - jnp.eye(d, dtype=rho.dtype)
    chi = jnp.trace(rho, axis1=-2, axis2=-1)
    return dict(rho=rho, prod=prod,
                hom=jnp.max(jnp.linalg.norm(prod - rho[table], axis=(-2, -1))) / jnp.sqrt(d),
                uni=jnp.max(jnp.linalg.norm(gram, axis=(-2, -1))) / jnp.sqrt(d),
                irr=jnp.sum(chi.real**2 + chi.imag**2) / n - 1)


@jax.jit
def recover_with_products(weights: tuple[Array, ...],
                          table: Array) -> tuple[RecoveredIrreps, list[Array]]:
    out = per_block(_recover_block, weights, identity_label(table), table)
    rec = RecoveredIrreps(out.scattered(lambda o: o["rho"]), out.gathered(lambda o: o["hom"]),
                          out.gathered(lambda o: o["uni"]), out.gathered(lambda o: o["irr"]))
    return rec, list(out.scattered(lambda o: o["prod"]))


def recover_kernel(weights: tuple[Array, ...], table: Array) -> RecoveredIrreps:
    return recover_with_products(weights, table)[0]


def recover_irreps(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup
) -> RecoveredIrreps:
    r"""Read the representations back: ρ_i(g) = (W_i[e]⁻¹ W_i[g])^†, e = the identity label
    (found from the table, any label), with the homomorphism and unitarity residuals
    (‖·‖_F/√d_i, maxima over elements) and the irreducibility residual (1/n)Σ_g|χ_i(g)|² − 1.
    Pure JAX (vmappable).

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("S3")
    >>> rec = recover_irreps(fourier_weights(G), G)
    >>> float(rec.homomorphism_residual.max()) < 1e-6, [r.shape for r in rec.rho]
    (True, [(6, 1, 1), (6, 1, 1), (6, 2, 2)])
    """
    group = check_group(group, "recover_irreps")
    weights = as_weights(weights, "recover_irreps", order=group.order)
    return recover_kernel(weights, jnp.asarray(group.table))


class IrrepMatch(NamedTuple):
    """Per block: the true irrep with the nearest character (−1 if none has its dimension), the
    RMS character distance, a unitary U with ρ_i(g) ≈ U ρ(g) U^†, and max_g ‖ρ_i(g) −
    U ρ(g) U^†‖_F/√d_i (inf when unmatched)."""

    matched: Array  # (k,) int
    character_distance: Array  # (k,)
    intertwiner: tuple[Array, ...]
    residual: Array  # (k,)


def best_intertwiner(rho: Array, true: Array) -> Array:
    """T = (1/n) Σ_g ρ_i(g) E_jk ρ(g)^† for the matrix unit E_jk that makes ‖T‖_F largest.
    T intertwines exactly when ρ_i is a representation (ρ_i(h) T = T ρ(h)); for ρ_i = VρV^†
    it is V conj(V_jk)/d, so σ_min(T) ≥ d^{-3/2} for the best (j, k)."""
    n, d = rho.shape[0], rho.shape[-1]
    t = jnp.einsum("gaj,gbk->jkab", rho, jnp.conj(true), precision=_HI).reshape(d * d, d, d)
    pick = jnp.argmax(jnp.sum(t.real**2 + t.imag**2, axis=(1, 2)))
    return t[pick] / n


def _match_block(rho: Array, labels: Array, cands: Array) -> tuple[Array, ...]:
    """Match one block against the true irreps of its dimension (labels, stack ``cands``)."""
    d = rho.shape[-1]
    chi = jnp.trace(rho, axis1=-2, axis2=-1)
    delta = chi[None] - jnp.trace(cands, axis1=-2, axis2=-1)
    rms = jnp.sqrt(jnp.mean(delta.real**2 + delta.imag**2, axis=1))
    best = jnp.argmin(rms)
    true = cands[best]
    u = polar_unitary(best_intertwiner(rho, true))
    conj_true = jnp.matmul(jnp.matmul(u, true, precision=_HI), _dag(u), precision=_HI)
    # U must be unitary: the polar factor of a vanishing intertwiner (a zero block) is 0,
    # and 0 = 0·ρ·0^† would otherwise pass as "equivalent".
    not_unitary = jnp.linalg.norm(jnp.matmul(u, _dag(u), precision=_HI)
                                  - jnp.eye(d, dtype=u.dtype))
    res = jnp.maximum(jnp.max(jnp.linalg.norm(rho - conj_true, axis=(-2, -1))),
                      not_unitary) / jnp.sqrt(d)
    return labels[best], rms[best], u, res


def _unmatched_block(rho: Array) -> tuple[Array, ...]:
    d, real = rho.shape[-1], rho.real.dtype
    return (jnp.array(-1, jnp.int32), jnp.array(jnp.inf, real), jnp.zeros((d, d), rho.dtype),
            jnp.array(jnp.inf, real))


@jax.jit
def match_kernel(rhos: tuple[Array, ...], irreps: tuple[Array, ...]) -> IrrepMatch:
    by_dim = irreps_by_dimension(irreps)

    def one(rho):
        d = rho.shape[-1]
        return _match_block(rho, *by_dim[d]) if d in by_dim else _unmatched_block(rho)

    out = per_block(one, rhos)
    return IrrepMatch(out.gathered(lambda o: o[0]), out.gathered(lambda o: o[1]),
                      out.scattered(lambda o: o[2]), out.gathered(lambda o: o[3]))


def match_irreps(
    rho: Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup,
    irreps: Sequence[Shaped[ArrayLike, "n _ _"]] | None = None,
) -> IrrepMatch:
    r"""Match each recovered ρ_i to the true irrep of its dimension with the nearest character
    (RMS over elements) and find a unitary intertwiner U (polar factor of
    Σ_g ρ_i(g) X ρ(g)^† for the matrix unit X that makes it largest) with ρ_i(g) ≈ U ρ(g) U^†.
    ``irreps`` defaults to :func:`harmonics_jax.irreps`.

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("Q8")
    >>> m = match_irreps(recover_irreps(fourier_weights(G), G).rho, G)
    >>> m.matched.tolist(), float(m.residual.max()) < 1e-5
    ([0, 1, 2, 3, 4], True)
    """
    group = check_group(group, "match_irreps")
    rho = as_weights(rho, "match_irreps", order=group.order)
    true = as_irreps(irreps, group, "match_irreps", rho[0].dtype)
    return match_kernel(rho, true)


def _span_block(w: Array, matched: Array, labels: Array, cands: Array) -> Array:
    n, d = w.shape[0], w.shape[-1]
    true = cands[jnp.argmax(labels == matched)]
    q_w, _, full_rank = mgs_qr(w.reshape(n, d * d))
    # orthonormal basis of the ρ-isotypic subspace: √(d/n)·conj(ρ(g)_jk) (Schur)
    basis = jnp.sqrt(d / n) * jnp.conj(true).reshape(n, d * d)
    resid = q_w - jnp.matmul(basis, jnp.matmul(_dag(basis), q_w, precision=_HI), precision=_HI)
    sin = singular_values(resid)[0]
    # a span of dimension < d² cannot equal the isotypic subspace: report 90°
    return jnp.where(full_rank, jnp.clip(sin, 0.0, 1.0), 1.0)


@jax.jit
def span_kernel(weights: tuple[Array, ...], irreps: tuple[Array, ...],
                matched: Array) -> Array:
    by_dim = irreps_by_dimension(irreps)

    def one(w, m):
        d = w.shape[-1]
        return _span_block(w, m, *by_dim[d]) if d in by_dim else jnp.array(1.0, w.real.dtype)

    return per_block(one, weights, extra=(matched,)).gathered()


def span_residual(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup,
    irreps: Sequence[Shaped[ArrayLike, "n _ _"]] | None = None,
    matched: Int[Array, " k"] | None = None,
) -> Float[Array, " k"]:
    r"""Per block, sin of the largest principal angle between span{g ↦ W_i[g]_{jk}} (the
    d_i²-dimensional left singular subspace of the n × d_i² matrix) and the isotypic subspace
    span{g ↦ conj(ρ(g)_{jk})} of the matched true irrep ρ (``matched`` defaults to
    :func:`match_irreps` of the recovered irreps).  0 for the Fourier weights; 1 when no irrep
    has the block's dimension or W_i has rank < d_i² (flagged by :func:`surjectivity` too).

    A necessary condition, not a conclusion: W_i[g] = conj(ρ(g)) for a d ≥ 2 irrep of a
    non-abelian group spans exactly these coefficients (residual 0) but is not invariant
    (W[gk] = W[g]W[k] is a left translate); see CONVENTIONS.md.

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("C6")
    >>> float(span_residual(fourier_weights(G), G).max()) < 1e-5
    True
    """
    group = check_group(group, "span_residual")
    weights = as_weights(weights, "span_residual", order=group.order)
    true = as_irreps(irreps, group, "span_residual", weights[0].dtype)
    if matched is None:
        rho = recover_kernel(weights, jnp.asarray(group.table)).rho
        matched = match_kernel(rho, true).matched
    return span_kernel(weights, true, jnp.asarray(matched))


@jax.jit
def frobenius_schur_kernel(rhos: tuple[Array, ...], irreps: tuple[Array, ...],
                           matched: Array) -> Array:
    r"""Per block, |ν(ρ_i) − ν(ρ)| for the matched true irrep ρ (inf when unmatched), with the
    Frobenius–Schur indicator ν(ρ) = (1/n) Σ_g χ(g²) = (1/n) Σ_g tr(ρ(g)²): 1 for a real
    irrep, 0 for a complex one, −1 for a quaternionic one.  It is a class function of the
    equivalence class, so a block equivalent to its matched irrep must have the same ν."""
    def nu(r):
        return jnp.mean(jnp.einsum("gjk,gkj->g", r, r, precision=_HI))

    nu_true = jnp.stack([nu(r) for r in irreps])

    def one(rho, m):
        gap = jnp.abs(nu(rho) - nu_true[jnp.maximum(m, 0)])
        return jnp.where(m >= 0, gap, jnp.inf)

    return per_block(one, rhos, extra=(matched,)).gathered()
