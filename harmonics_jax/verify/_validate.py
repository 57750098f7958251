"""Input checking shared by the verification functions (shapes only; never values of tracers)."""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from .._core._checks import ORDER_NOTE as _ORDER_NOTE
from .._core._checks import check_irrep_list, check_irrep_values
from .._core._dtypes import complex_dtype
from .._group import FiniteGroup
from ..models import SpectralWeights


def check_group(group: object, fn: str) -> FiniteGroup:
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"{fn}: group must be a FiniteGroup (e.g. "
                        f"harmonics_jax.named_group('S4')), got {type(group).__name__}; check "
                        "the argument order (weights, group)")
    return group


def as_weights(weights: object, fn: str, *, batched: bool = False,
               order: int | None = None) -> tuple[jax.Array, ...]:
    """Check a network: a :class:`SpectralWeights` (its ``.blocks``) or a tuple
    ``(W_1, …, W_k)``, each block of shape ``(*batch, n, d_i, d_i)``; cast to one complex
    dtype (the widest precision among the blocks)."""
    if isinstance(weights, SpectralWeights):
        weights = weights.blocks
    if isinstance(weights, (np.ndarray, jax.Array)):
        raise TypeError(f"{fn}: weights must be a tuple of arrays W_i of shape (n, d_i, d_i), "
                        f"one per block, got a single array of shape {np.shape(weights)}; "
                        "wrap one block in a tuple: (W,)")
    if not isinstance(weights, Sequence) or isinstance(weights, str):
        raise TypeError(f"{fn}: weights must be a SpectralWeights or a tuple of arrays W_i "
                        f"of shape (n, d_i, d_i), got {type(weights).__name__}")
    if len(weights) == 0:
        raise ValueError(f"{fn}: weights is empty; pass one (n, d_i, d_i) array per block")
    shape_text = "(*batch, n, d_i, d_i) with a batch axis" if batched else "(n, d_i, d_i)"
    blocks = []
    for i, w in enumerate(weights):
        try:
            w = jnp.asarray(w)
        except TypeError as err:
            raise TypeError(f"{fn}: weights[{i}] is not an array: {err}") from None
        if not jnp.issubdtype(w.dtype, jnp.number):
            raise TypeError(f"{fn}: weights[{i}] must be numeric, got dtype {w.dtype}")
        rank_ok = w.ndim >= 4 if batched else w.ndim == 3
        if not rank_ok or w.shape[-1] != w.shape[-2] or w.shape[-1] == 0:
            raise ValueError(f"{fn}: weights[{i}] must have shape {shape_text} with square "
                             f"non-empty blocks, got {w.shape}")
        if blocks and w.shape[:-2] != blocks[0].shape[:-2]:
            raise ValueError(f"{fn}: weights[{i}] has leading shape {w.shape[:-2]} but "
                             f"weights[0] has {blocks[0].shape[:-2]}; every block needs the "
                             "same seed axis and one slice per group element")
        blocks.append(w)
    n = blocks[0].shape[-3]
    if order is not None and n != order:
        raise ValueError(f"{fn}: the weights have {n} slices per block (axis -3) but the group "
                         f"has order {order}; W_i[g] needs one slice per group element "
                         f"{_ORDER_NOTE}")
    dtype = complex_dtype(*[b.dtype for b in blocks])
    return tuple(b.astype(dtype) for b in blocks)


def as_irreps(irreps: object, group: FiniteGroup, fn: str, dtype: np.dtype,
              *, tol: float = 1e-6) -> tuple[jax.Array, ...]:
    """The true irreps: ``irreps(group)`` by default; a user's list is checked to be a complete
    set of inequivalent unitary irreps of ``group`` (shapes, homomorphism, unitarity,
    character norm 1, pairwise orthogonal characters, Σ d² = n), with a witness otherwise."""
    if irreps is None:
        from .._irreps import irreps as _irreps  # lower layer; imported lazily

        return tuple(jnp.asarray(r, dtype=dtype) for r in _irreps(group))
    arrays = check_irrep_list(irreps, fn, order=group.order,
                              hint="leave it None to use harmonics_jax.irreps(group)")
    check_irrep_values(irreps, group.table, fn, tol=tol)
    return tuple(r.astype(dtype) for r in arrays)
