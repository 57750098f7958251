r"""Reading a multiplication table off a network when the group is *not* known (symmetry
discovery): the read-back of :func:`recover_table` with the identity named by the caller.

With ρ_i(c) = (W_i[e]⁻¹ W_i[c])^† for a chosen coordinate e,

    read[a, b] = argmin_l Σ_i d_i ‖ρ_i(a) ρ_i(b) − ρ_i(l)‖²_F.

Why e must be chosen: if the weights are W_i[c] = A_i ρ_i(c)^† for a group structure on the
coordinates, normalising at any coordinate e gives ρ'_i(c) = ρ_i(c e⁻¹), so the table read is
that of a ∗ b = a·e⁻¹·b, a group with identity e isomorphic to the original (c ↦ c e⁻¹ is
an isomorphism) whose left translations are the same permutations of the coordinates.
Nothing in the weights singles out one coordinate (the invariance loss and F^†F = n·I are
unchanged under A_i ↦ A_i ρ_i(e)^†), so every coordinate is an equally valid identity; with
e the true identity the table read is the true one, label for label.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Array, Int, Shaped

from .._core._linalg import dag, inverse
from ..models import SpectralWeights
from ._table import table_kernel
from ._validate import as_weights

__all__ = ["read_table"]

_HI = jax.lax.Precision.HIGHEST


@jax.jit
def _read_kernel(weights: tuple[Array, ...], e: Array) -> Array:
    rhos = tuple(dag(jnp.matmul(inverse(w[e]), w, precision=_HI)) for w in weights)
    return table_kernel(rhos)


def read_table(weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]],
               identity: int = 0) -> Int[Array, "n n"]:
    r"""The multiplication table the weights encode, on their n coordinate labels, with
    coordinate ``identity`` as the identity: ``read[a, b] = argmin_l Σ_i d_i ‖ρ_i(a)ρ_i(b) −
    ρ_i(l)‖²_F``, ρ_i(c) = (W_i[identity]⁻¹ W_i[c])^† (see the module docstring for why any
    coordinate may be chosen).  Nothing is validated: a network that is not the Fourier
    transform of a group reads back a table that is not a group's (check it with
    :func:`harmonics_jax.validate_cayley_table`).  Pure JAX (vmappable over networks).

    Example:
        >>> import harmonics_jax as hj
        >>> from harmonics_jax.verify import fourier_weights
        >>> G = hj.named_group("S3")
        >>> bool((read_table(fourier_weights(G), identity=0) == G.table).all())
        True
        >>> T = read_table(fourier_weights(G), identity=4)       # another coordinate
        >>> int(T[4, 2]), int(T[2, 4])                          # 4 is its identity
        (2, 2)
    """
    blocks = as_weights(weights, "read_table")
    n = blocks[0].shape[0]
    if isinstance(identity, bool) or not isinstance(identity, (int, np.integer)) \
            or not 0 <= identity < n:
        raise ValueError(f"read_table: identity must be a coordinate label in 0 … {n - 1}, got "
                         f"{identity!r}")
    return _read_kernel(blocks, jnp.asarray(int(identity)))
