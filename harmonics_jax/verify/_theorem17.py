r"""Theorem 17's own hypothesis, computed per network (CONVENTIONS.md, "Theorem 17's
hypothesis").

Normalise W_i[e] = I: Ŵ_i[g] = W_i[e]⁻¹ W_i[g] (the theorem's third hypothesis).  With the
normalised norm ‖X‖² = d_i Σ_h ‖X(h)‖²_F on a block and (g⁻¹·Ŵ_i)(h) = Ŵ_i(gh), the proof
(Appendix A.6, Eq. 25) uses, for every g and i, a unitary U with

    ε(g) = max_i min_U ‖g⁻¹·Ŵ_i − Ŵ_i U‖  <  β = √(1/2 − L̂/n) / (√(n + L̂) + 1),

L̂ = max_{p,q} |(F̂F̂^† − n·I)_{pq}| on the normalised weights, and L̂ ≤ n/2.  The paper
states the first hypothesis through ω_φ(Δ(φ(g·W), φ(W))), a supremum over all weight pairs
with that output distance; a single network cannot evaluate it, but it is at least ε(g) (the
pair (g·W, W) is one of those in the supremum), so ε(g) < β for all g is exactly what the
proof needs and is implied by the paper's hypothesis.  The minimum over U is orthogonal
Procrustes: U = polar(Ŵ_i^† (g⁻¹·Ŵ_i)) (:func:`._stability.procrustes_fit`).

Then the table read back by :func:`recover_table` is exact: with ρ(g) = Ŵ(g)^†, every block
satisfies ‖ρ_i(g)ρ_i(h) − ρ_i(gh)‖ ≤ ε(√(n + L̂) + 1) < √(1/2 − L̂/n), so the product slice is
within √(2n − 4L̂)/2 of the slice of gh and strictly closer to it than to any other slice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike
from jaxtyping import Array, Shaped

from .._group import FiniteGroup
from ..models import SpectralWeights
from ._hypotheses import gram_defect_kernel
from ._recovery import recover_kernel
from ._stability import procrustes_fit
from ._validate import as_weights, check_group

__all__ = ["Theorem17Hypothesis", "theorem17_hypothesis"]


class Theorem17Hypothesis(NamedTuple):
    """Theorem 17's hypotheses on one network (weights normalised to W_i[e] = I)."""

    epsilon: Array  # (n,) ε(g) = max_i min_U ‖g⁻¹·Ŵ_i − Ŵ_i U‖ (normalised norm)
    epsilon_max: Array  # max_g ε(g)
    bound: Array  # β = √(1/2 − L̂/n) / (√(n + L̂) + 1); 0 when L̂ > n/2
    normalised_L: Array  # L̂ = max |F̂F̂^† − n·I|
    holds: Array  # L̂ ≤ n/2 and ε(g) < β for every g (then the read-back table is exact)


def _block_epsilon(w: Array, table: Array) -> tuple[Array, Array]:
    """(Ŵ, √d · min_U ‖P_g Ŵ − Ŵ U‖_F for every g) for one block."""
    hat = jnp.conj(jnp.swapaxes(recover_kernel((w,), table).rho[0], -1, -2))  # W[e]⁻¹W
    _, resid = procrustes_fit(hat, table)
    return hat, jnp.sqrt(jnp.asarray(w.shape[-1], resid.dtype)) * resid


@jax.jit
def theorem17_kernel(weights: tuple[Array, ...], table: Array) -> Theorem17Hypothesis:
    n = table.shape[0]
    hats: list[Array] = [None] * len(weights)  # type: ignore[list-item]
    eps = 0.0
    for d in sorted({w.shape[-1] for w in weights}):  # one trace per block dimension
        idx = [i for i, w in enumerate(weights) if w.shape[-1] == d]
        hat, resid = jax.vmap(_block_epsilon, in_axes=(0, None))(
            jnp.stack([weights[i] for i in idx]), table)
        eps = jnp.maximum(eps, jnp.max(resid, axis=0))
        for j, i in enumerate(idx):
            hats[i] = hat[j]
    big_l = gram_defect_kernel(tuple(hats))  # L̂ = max |F̂F̂^† − nI| on the normalised weights
    ok_l = big_l <= n / 2
    bound = jnp.where(ok_l, jnp.sqrt(jnp.maximum(0.5 - big_l / n, 0.0))
                      / (jnp.sqrt(n + big_l) + 1), 0.0)
    eps_max = jnp.max(eps)
    return Theorem17Hypothesis(eps, eps_max, bound, big_l, ok_l & (eps_max < bound))


def theorem17_hypothesis(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup
) -> Theorem17Hypothesis:
    r"""Theorem 17's hypotheses as the proof uses them: ε(g) = max_i min_U ‖g⁻¹·Ŵ_i − Ŵ_i U‖
    (Eq. 25; Ŵ_i[g] = W_i[e]⁻¹W_i[g], normalised norm d_i Σ_h ‖·‖²_F) below
    β = √(1/2 − L̂/n)/(√(n + L̂) + 1), and L̂ ≤ n/2.  When ``holds``, :func:`recover_table`
    is exact.  Unlike :func:`theorem17_margins` (a certificate that needs the true table)
    this involves only the weights' approximate invariance.  Pure JAX (vmappable).

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("S4")
    >>> h = theorem17_hypothesis(fourier_weights(G), G)
    >>> float(h.epsilon_max) < 1e-5, round(float(h.bound), 4), bool(h.holds)
    (True, 0.1199, True)
    """
    group = check_group(group, "theorem17_hypothesis")
    weights = as_weights(weights, "theorem17_hypothesis", order=group.order)
    return theorem17_kernel(weights, jnp.asarray(group.table))
