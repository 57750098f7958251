r"""The hypotheses of Theorem 10 / Corollary 11, measured on one power-spectral network.

Network (CONVENTIONS.md): W_i(x) = Σ_g x(g) W_i[g], φ_i(x) = W_i(x) W_i(x)^†, action
(g·x)(h) = x(g⁻¹h).  Hence W_i(g·x) = Σ_k x(k) W_i[gk], and for a complex standard Gaussian x
(E x x^† = I, E x xᵀ = 0), by Isserlis' theorem

    E‖φ_i(g·x) − φ_i(x)‖²_F = ‖Σ_k M_kk‖²_F + Σ_{k,l} ‖M_kl‖²_F,
    M_kl = W_i[gk] W_i[gl]^† − W_i[k] W_i[l]^†,

and Σ_k M_kk = 0 because k ↦ gk permutes the group.  Likewise
E‖φ_i(x)‖²_F = ‖Σ_k W_i[k]W_i[k]^†‖²_F + ‖Σ_k W_i[k]^†W_i[k]‖²_F.

Evaluation without cancellation.  Stack B = (W_i[k])_k as an (n·d) × d matrix and A = P_g B
(rows permuted by k ↦ gk), so Σ_{k,l}‖M_kl‖² = ‖AA^† − BB^†‖²_F.  Expanding this into traces
of Gram matrices subtracts O(1) numbers to get O(ε²), which loses half the digits (a floor of
~3e-4 on the relative defect in complex64).  Instead, with B = Q R (thin QR), H = R R^†,
Q_a = P_g Q, C = Q^† Q_a and the explicit residual X = Q_a − Q C (so Q^†X = 0):

    AA^† − BB^† = Q (C H C^† − H) Q^† + Q C H X^† + X H C^† Q^† + X H X^†,

four mutually orthogonal terms, so with Y = X^†X

    ‖AA^† − BB^†‖²_F = ‖C H C^† − H‖²_F + 2 tr(C H Y H C^†) + tr(Y H Y H).

Every term is formed from quantities that vanish at invariance, so the defect is accurate to
round-off of the weights' precision (≈1e-15 in complex128, ≈4e-7 in complex64).
Cost O(n² d³) per block.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike
from jaxtyping import Array, Float, Shaped

from .._core._hypotheses import invariance_terms, surjectivity_terms
from .._core._hypotheses import safe_ratio as _safe_ratio
from .._core._layout import stack_blocks
from .._core._linalg import unitarity_gap
from .._group import FiniteGroup, identity_label
from ..models import SpectralWeights
from ._validate import as_weights, check_group

__all__ = ["invariance_defect", "gram_entry_defect", "surjectivity"]



@jax.jit
def invariance_kernel(weights: tuple[Array, ...], table: Array) -> tuple[Array, Array]:
    """(Σ_i E‖φ_i(g·x) − φ_i(x)‖² for every g, Σ_i E‖φ_i(x)‖²); see the module docstring.
    The kernel lives in the internal layer, shared with the training loop's stopping test."""
    return invariance_terms(weights, table)


def invariance_defect(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup, *,
    per_element: bool = False,
) -> Float[Array, ""] | Float[Array, " n"]:
    r"""Relative invariance defect of the power-spectral network, exact (no sampling).

    max_g sqrt(Σ_i E‖φ_i(g·x) − φ_i(x)‖²_F) / sqrt(Σ_i E‖φ_i(x)‖²_F) over complex standard
    Gaussian signals x ∈ ℂⁿ (E|x(g)|² = 1), with the closed forms in the module docstring.
    ``per_element=True`` returns the ratio for every g instead of the maximum.  Pure JAX:
    ``jax.vmap(lambda w: invariance_defect(w, G))`` runs it over a seed axis.
    Cost O(n² Σ d_i³).

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("S3")
    >>> float(invariance_defect(fourier_weights(G), G)) < 1e-6
    True
    """
    group = check_group(group, "invariance_defect")
    weights = as_weights(weights, "invariance_defect", order=group.order)
    num, den = invariance_kernel(weights, jnp.asarray(group.table))
    rel = _safe_ratio(jnp.sqrt(num), jnp.sqrt(den))
    return rel if per_element else jnp.max(rel)


def _require_square(weights: tuple[Array, ...], fn: str) -> None:
    n = weights[0].shape[0]
    dims = [w.shape[-1] for w in weights]
    if sum(d * d for d in dims) != n:
        raise ValueError(
            f"{fn}: the unitarity matrix F[g, (i,j,k)] = √d_i W_i[g]_jk is {n} × "
            f"{sum(d * d for d in dims)} (block dims {dims}), not square; Corollary 11's "
            f"condition F^†F = n·I needs blocks with the irreps' dimensions (Σ d_i² = n = {n}). "
            "For the group-indexed Gram defect of Theorem 17 (defined for any shape) use "
            "theorem17_margins")


@jax.jit
def gram_defect_kernel(weights: tuple[Array, ...]) -> Array:
    """L = max_{p,q} |(F F^† − n I)_{pq}|, rows and columns indexed by group elements."""
    return unitarity_gap(stack_blocks(weights))


def gram_entry_defect(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], *, relative: bool = True
) -> Float[Array, ""]:
    r"""Entrywise unitarity defect L = max_{p,q} |(F F^† − n·I)_{pq}| of F[g, (i,j,k)] =
    √d_i W_i[g]_{jk} (reported; the hypothesis is judged in operator norm by
    :func:`unitarity_defect`).

    Rows and columns are group elements (Theorem 17's L).  Returns L/n (``relative=True``,
    the default) or L.  Only for square F (Σ d_i² = n), where F F^† = n·I and F^†F = n·I are
    the same condition (Corollary 11); otherwise a ``ValueError``.

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> float(gram_entry_defect(fourier_weights(hj.named_group("S3")))) < 1e-6
    True
    """
    weights = as_weights(weights, "gram_entry_defect")
    _require_square(weights, "gram_entry_defect")
    big_l = gram_defect_kernel(weights)
    return big_l / weights[0].shape[0] if relative else big_l


@jax.jit
def surjectivity_kernel(weights: tuple[Array, ...], table: Array) -> tuple[Array, Array, Array]:
    """Per block: σ_min(W_i[e]); σ_min(W_i[e]) over its RMS singular value; the smallest singular
    value of the linear map W_i: ℂⁿ → ℂ^{d×d} (the n × d² matrix) over its RMS one."""
    return surjectivity_terms(weights, identity_label(table))


def surjectivity(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup
) -> Float[Array, " k"]:
    r"""Per block, the scale-free surjectivity margin of Theorem 10, in [0, 1].

    min(σ_min(W_i[e]) / rms σ(W_i[e]),  σ_{d²}(W_i) / rms σ(W_i)), where W_i is seen as the
    linear map ℂⁿ → ℂ^{d_i×d_i} (an n × d_i² matrix).  Both are 1 for the Fourier weights
    A ρ^† with A unitary; 0 when W_i[e] is singular or W_i is not onto (e.g. a reducible ρ).

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("S3")
    >>> surjectivity(fourier_weights(G), G).round(4).tolist()
    [1.0, 1.0, 1.0]
    """
    group = check_group(group, "surjectivity")
    weights = as_weights(weights, "surjectivity", order=group.order)
    _, rel_e, rel_map = surjectivity_kernel(weights, jnp.asarray(group.table))
    return jnp.minimum(rel_e, rel_map)
