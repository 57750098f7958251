r"""Block layout of a spectral network: weights as blocks ``W_i`` or as one n×n matrix ``F``.

Convention (CONVENTIONS.md, 'unitarity'): the blocks ``W_i`` of shape ``(n, d_i, d_i)`` are
stacked into the n×n matrix ``F[g, (i, j, k)] = √d_i · W_i[g]_{jk}`` (columns ordered block by
block, row-major inside a block).  The network is unitary when ``F^† F = n·I``; then
``W_i(x) = Σ_g x(g) W_i[g]`` for every block is the single product ``x @ F`` (rescaled).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Complex

__all__ = [
    "blocks_from_matrix",
    "matrix_from_blocks",
    "check_block_dims",
]


def check_block_dims(block_dims: Sequence[int], n: int | None = None, *,
                     what: str = "block_dims") -> tuple[int, ...]:
    """Validate block dimensions; return them as a tuple of ints.

    Raises ``ValueError`` if a dimension is not a positive integer or, when ``n`` is given,
    if the squares do not sum to ``n`` (the matrix ``F`` must be square, n×n).
    """
    try:
        dims = tuple(block_dims)
    except TypeError:
        raise TypeError(f"{what} must be a sequence of positive integers, got "
                        f"{type(block_dims).__name__}") from None
    if not dims:
        raise ValueError(f"{what} is empty; give at least one block dimension")
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
            raise ValueError(f"{what}: every dimension must be a positive integer, got {d!r} "
                             f"in {dims}")
    dims = tuple(int(d) for d in dims)
    if n is not None:
        total = sum(d * d for d in dims)
        if total != n:
            raise ValueError(
                f"{what} = {dims}: the squares sum to {total} but the group has order {n}; "
                f"the blocks of a spectral network on a group of order n must satisfy "
                f"Σ d_i² = n (use the irrep dimensions, harmonics_jax.irrep_dims(group))")
    return dims


def blocks_from_matrix(F: Complex[Array, "*batch n n"], block_dims: Sequence[int]
                       ) -> tuple[Complex[Array, "*batch n d d"], ...]:
    r"""Split ``F[..., g, (i, j, k)] = √d_i W_i[g]_{jk}`` into the blocks ``W_i``.

    Leading batch axes are kept: the result is a tuple of arrays of shape
    ``(*batch, n, d_i, d_i)``.

    Example:
        >>> import jax.numpy as jnp
        >>> W = blocks_from_matrix(jnp.eye(5), (1, 2))
        >>> [w.shape for w in W]
        [(5, 1, 1), (5, 2, 2)]
    """
    dims = check_block_dims(block_dims)
    F = jnp.asarray(F)
    if F.shape[-1] != sum(d * d for d in dims):
        raise ValueError(f"F has {F.shape[-1]} columns but block_dims = {dims} needs "
                         f"Σ d_i² = {sum(d * d for d in dims)}")
    out, start = [], 0
    for d in dims:
        cols = F[..., start:start + d * d]
        out.append(cols.reshape(*cols.shape[:-1], d, d) / math.sqrt(d))
        start += d * d
    return tuple(out)


def matrix_from_blocks(W: Sequence[Complex[Array, "*batch n d d"]]
                       ) -> Complex[Array, "*batch n m"]:
    r"""Stack blocks ``W_i`` of shape ``(*batch, n, d_i, d_i)`` into
    ``F[..., g, (i, j, k)] = √d_i W_i[g]_{jk}`` (inverse of :func:`blocks_from_matrix`).

    Example:
        >>> import jax.numpy as jnp
        >>> W = (jnp.ones((5, 1, 1)), jnp.ones((5, 2, 2)))
        >>> matrix_from_blocks(W).shape
        (5, 5)
    """
    W = tuple(jnp.asarray(w) for w in W)
    if not W:
        raise ValueError("W is empty; pass a tuple of blocks of shape (n, d_i, d_i)")
    for i, w in enumerate(W):
        if w.ndim < 3 or w.shape[-1] != w.shape[-2]:
            raise ValueError(f"W[{i}] has shape {w.shape}; every block must be (..., n, d, d)")
    return jnp.concatenate(
        [math.sqrt(w.shape[-1]) * w.reshape(*w.shape[:-2], -1) for w in W], axis=-1)
