r"""The other models covered by the theorem (CONVENTIONS.md, 'Other models'; Propositions
13–14 of Marchetti et al.): the order-2 spectral (bispectral) network and the complex
logistic neuron.  Weights as for :func:`power_spectral_apply` (a :class:`SpectralWeights` or
a tuple of blocks ``W_i`` of shape ``(n, d_i, d_i)``); each function acts on one signal ``x``
of shape ``(n,)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike
from jaxtyping import Array, Float, Inexact

from ._power_spectral import as_spectral_weights
from ._weights import SpectralWeights

__all__ = ["bispectral_apply", "logistic_neuron"]


def _all_pairs(k: int) -> tuple[tuple[int, int], ...]:
    return tuple((i, j) for i in range(k) for j in range(i, k))


def bispectral_apply(weights: SpectralWeights | Sequence[Inexact[Array, "n _ _"]],
                     x: Inexact[Array, " n"], pairs: Sequence[tuple[int, int]] | None = None
                     ) -> tuple[Inexact[Array, "_ _"], ...]:
    r"""Order-2 spectral network: for each block pair (i, j),

        φ_ij(W, x) = (W_i(x) ⊗ W_j(x)) · Σ_g conj(x(g)) (W_i[g] ⊗ W_j[g])^†,

    a ``(d_i d_j)``-square matrix (``W_i(x) = Σ_g x(g) W_i[g]``).  With ``W_i[g] = A_i ρ_i(g)^†``
    it is invariant: the factor ``(ρ_i ⊗ ρ_j)(g)`` cancels between the two terms.
    ``pairs`` defaults to every ``i ≤ j``.

    Example:
        >>> import jax.numpy as jnp
        >>> W = (jnp.ones((3, 1, 1)), jnp.ones((3, 2, 2)))
        >>> [b.shape for b in bispectral_apply(W, jnp.ones(3))]
        [(1, 1), (2, 2), (4, 4)]
    """
    W = as_spectral_weights(weights, "bispectral_apply").blocks
    if pairs is None:
        pairs = _all_pairs(len(W))
    else:
        pairs = tuple((int(i), int(j)) for i, j in pairs)
        for i, j in pairs:
            if not (0 <= i < len(W) and 0 <= j < len(W)):
                raise ValueError(f"bispectral_apply: pairs: ({i}, {j}) is out of range for "
                                 f"{len(W)} blocks")
    wx = [jnp.einsum("g,gjk->jk", x, w) for w in W]
    out = []
    for i, j in pairs:
        left = jnp.kron(wx[i], wx[j])
        tensor = jax.vmap(jnp.kron)(W[i], W[j])  # (n, d_i d_j, d_i d_j)
        right = jnp.einsum("g,gkl->kl", jnp.conj(x), jnp.conj(jnp.swapaxes(tensor, -1, -2)))
        out.append(left @ right)
    return tuple(out)


def logistic_neuron(w: Inexact[ArrayLike, " n"], x: Inexact[ArrayLike, " n"], bias: float = 0.0
                    ) -> Float[Array, ""]:
    r"""Complex McCulloch–Pitts neuron ``σ(Σ_g w_g x(g))`` with the logistic of the modulus
    ``σ(z) = 1/(1 + e^{−|z|}) + b``.  Invariant when ``w_g = u·conj(χ(g))`` for a
    one-dimensional irrep (character) χ: then ``Σ_g w_g (h·x)(g) = conj(χ(h)) Σ_g w_g x(g)``.

    Example:
        >>> import jax.numpy as jnp
        >>> float(logistic_neuron(jnp.zeros(3), jnp.ones(3)))
        0.5
    """
    z = jnp.sum(w * x)
    return jax.nn.sigmoid(jnp.abs(z)) + bias
