r"""Reading the multiplication table back (symmetry discovery) and Theorem 17's margins.

recovered[g, h] = argmin_l Σ_i d_i ‖ρ_i(g) ρ_i(h) − ρ_i(l)‖²_F with ρ_i(g) = (W_i[e]⁻¹W_i[g])^†.
With the weights normalised to Ŵ_i[e] = I we have Ŵ_i[g] = ρ_i(g)^†, so this is the paper's
Eq. (6) with the factors in the order Ŵ(h) ⊙ Ŵ(g): composing the slices as Ŵ(g) ⊙ Ŵ(h) gives
the slice of h·g (the transposed table), see CONVENTIONS "Pitfall".

Theorem 17 (proof in the paper's Appendix A.6), in the normalised norm
‖Ŵ(p)‖² = Σ_i d_i ‖Ŵ_i[p]‖²_F: with L̂ = max_{p,q} |(F̂ F̂^† − n·I)_{pq}| on the normalised
weights, |⟨Ŵ(p), Ŵ(q)⟩| ≤ L̂ and ‖Ŵ(p)‖² ≥ n − L̂ give ‖Ŵ(p) − Ŵ(q)‖ ≥ √(2n − 4L̂) for
p ≠ q, and if every product slice lies strictly within half of that of the slice of the
true product, the argmin is the true product.  Both sides are computed here; the
condition is sufficient, not necessary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike
from jaxtyping import Array, Int, Shaped

from .._group import FiniteGroup
from ..models import SpectralWeights
from .._core._blocks import dimension_index
from ._recovery import products, recover_kernel
from ._validate import as_weights, check_group

__all__ = ["recover_table", "Theorem17Margins", "theorem17_margins"]

_HI = jax.lax.Precision.HIGHEST


def _grouped(rhos: tuple[Array, ...], prods: list[Array] | None):
    """Per block dimension d: (d, ρ stack (m, n, d, d), product stack (m, n, n, d, d))."""
    out = []
    for d, idx in dimension_index(rhos):
        r = jnp.stack([rhos[i] for i in idx])
        p = jax.vmap(products)(r) if prods is None else jnp.stack([prods[i] for i in idx])
        out.append((d, r, p))
    return out


@jax.jit
def table_kernel(rhos: tuple[Array, ...], prods: list[Array] | None = None) -> Array:
    # ‖P − ρ(l)‖² = ‖P‖² + ‖ρ(l)‖² − 2 Re⟨ρ(l), P⟩; ‖P‖² is constant in l and dropped.
    n = rhos[0].shape[0]
    score = 0.0
    for d, r, p in _grouped(rhos, prods):
        m = r.shape[0]
        flat = r.reshape(m, n, d * d)
        sq = jnp.sum(flat.real**2 + flat.imag**2, axis=(0, -1))
        inner = jnp.einsum("mgq,mlq->gl", p.reshape(m, n * n, d * d), jnp.conj(flat),
                           precision=_HI).real
        score = score + d * (sq[None, :] - 2 * inner)
    return jnp.argmin(score, axis=-1).reshape(n, n)


def recover_table(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup
) -> Int[Array, "n n"]:
    r"""recovered[g, h] = argmin_l Σ_i d_i ‖ρ_i(g)ρ_i(h) − ρ_i(l)‖²_F, with ρ_i read back by
    :func:`recover_irreps`.  The weights are indexed by the signal's coordinates, so a correct
    network gives ``group.table`` exactly, label for label.  Pure JAX (vmappable).

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("D4")
    >>> bool((recover_table(fourier_weights(G), G) == G.table).all())
    True
    """
    group = check_group(group, "recover_table")
    weights = as_weights(weights, "recover_table", order=group.order)
    return table_kernel(recover_kernel(weights, jnp.asarray(group.table)).rho)


class Theorem17Margins(NamedTuple):
    """Theorem 17's computable quantities on the weights normalised to W_i[e] = I."""

    normalised_L: Array  # L̂ = max |F̂F̂^† − n I|
    separation: Array  # √(max(2n − 4L̂, 0)), the proven lower bound on slice distances
    min_slice_distance: Array  # the actual min_{p≠q} ‖Ŵ(p) − Ŵ(q)‖ (≥ separation)
    worst_product_distance: Array  # max_{g,h} ‖ρ(g)ρ(h) − ρ(gh)‖ in the normalised norm
    condition: Array  # L̂ ≤ n/2 and worst_product_distance < separation/2


@jax.jit
def margins_kernel(rhos: tuple[Array, ...], table: Array,
                   prods: list[Array] | None = None) -> Theorem17Margins:
    n = table.shape[0]
    gram = 0.0
    worst = 0.0
    for d, r, p in _grouped(rhos, prods):
        flat = r.reshape(r.shape[0], n, d * d)
        # ⟨Ŵ(g), Ŵ(h)⟩ = Σ_i d_i tr(Ŵ_i[g] Ŵ_i[h]^†) with Ŵ_i[g] = ρ_i(g)^†
        gram = gram + d * jnp.einsum("mgq,mhq->gh", jnp.conj(flat), flat, precision=_HI)
        diff = p - r[:, table]
        worst = worst + d * jnp.sum(diff.real**2 + diff.imag**2, axis=(0, -2, -1))
    big_l = jnp.max(jnp.abs(gram - n * jnp.eye(n, dtype=gram.dtype)))
    sep = jnp.sqrt(jnp.maximum(2 * n - 4 * big_l, 0.0))
    diag = jnp.real(jnp.diagonal(gram))
    dist2 = diag[:, None] + diag[None, :] - 2 * gram.real
    dist2 = jnp.where(jnp.eye(n, dtype=bool), jnp.inf, dist2)
    min_dist = jnp.sqrt(jnp.maximum(jnp.min(dist2), 0.0))
    worst = jnp.sqrt(jnp.max(worst))
    cond = (big_l <= n / 2) & (worst < sep / 2)
    return Theorem17Margins(big_l, sep, min_dist, worst, cond)


def theorem17_margins(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup
) -> Theorem17Margins:
    r"""Theorem 17's sufficient condition for reading the table back, on one network.

    Normalises W_i[e] = I (Ŵ_i[g] = W_i[e]⁻¹W_i[g] = ρ_i(g)^†) and returns L̂ = max_{p,q}
    |(F̂F̂^† − n·I)_{pq}| (defined for any block dims: rows are group elements), the separation
    bound √(2n − 4L̂), the actual smallest distance between slices, the largest distance
    between a product slice and the slice of the true product, and whether
    L̂ ≤ n/2 and worst < separation/2 (then :func:`recover_table` is exact).

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("S3")
    >>> m = theorem17_margins(fourier_weights(G), G)
    >>> round(float(m.separation) ** 2, 3), bool(m.condition)
    (12.0, True)
    """
    group = check_group(group, "theorem17_margins")
    weights = as_weights(weights, "theorem17_margins", order=group.order)
    table = jnp.asarray(group.table)
    return margins_kernel(recover_kernel(weights, table).rho, table)
