r"""The typed network: :class:`SpectralWeights`, one pytree for the weights of a spectral
network on a group of order n.

Layout (CONVENTIONS.md, 'unitarity'): the only array leaf is the stacked matrix
``F[..., g, (i, j, k)] = √d_i · W_i[g]_{jk}`` of shape ``(*batch, n, m)``; the block shapes
``((d_1, c_1), …, (d_k, c_k))`` are static metadata (hashable, part of the tree structure),
so a change of layout recompiles and a change of values does not.  Today every block is
square (c_i = d_i, m = Σ d_i²); the layout is stored as shapes so that rectangular blocks
fit the same class later.  Nothing here fixes the dtype: complex and real ``F`` are both
held as given.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Array, Shaped

from .._core._layout import check_block_shapes, split_columns, stack_blocks

__all__ = ["SpectralWeights"]


@jax.tree_util.register_pytree_with_keys_class
class SpectralWeights:
    r"""Weights of a spectral network: ``F`` (the one leaf) and its static block layout.

    Build one from the stacked matrix with ``SpectralWeights(F, block_dims)`` (or
    ``block_shapes=``) or from blocks with :meth:`from_blocks`; read the blocks back with
    :attr:`blocks`.  Leading axes of ``F`` are batch axes (seeds, hyper-parameters), and
    indexing a ``SpectralWeights`` indexes them: ``result.weights[0]`` is the first network.

    Attributes:
        F: the stacked weights, shape ``(*batch, n, m)``, ``m = Σ d_i c_i``.
        block_shapes: ``((d_1, c_1), …)``, static; square blocks today.

    Example:
        >>> import jax.numpy as jnp
        >>> w = SpectralWeights(jnp.eye(5), (1, 2))
        >>> w.order, w.block_dims, [b.shape for b in w.blocks]
        (5, (1, 2), [(5, 1, 1), (5, 2, 2)])
        >>> SpectralWeights.from_blocks(w.blocks).block_shapes
        ((1, 1), (2, 2))
    """

    __slots__ = ("F", "block_shapes")
    F: Shaped[Array, "*batch n m"]
    block_shapes: tuple[tuple[int, int], ...]

    def __init__(self, F: Shaped[ArrayLike, "*batch n m"],
                 block_dims: Sequence[int] | None = None, *,
                 block_shapes: Sequence[Sequence[int]] | None = None) -> None:
        if (block_dims is None) == (block_shapes is None):
            raise TypeError("SpectralWeights: give exactly one of block_dims (square blocks "
                            "d_i × d_i) and block_shapes ((d_i, c_i) pairs)")
        if block_shapes is None:
            try:
                dims = tuple(block_dims)
            except TypeError:
                raise TypeError(f"SpectralWeights: block_dims must be a sequence of positive "
                                f"integers, got {type(block_dims).__name__}") from None
            block_shapes = tuple((d, d) for d in dims)
        shapes = check_block_shapes(block_shapes, what="SpectralWeights: block_shapes")
        if isinstance(F, (tuple, list)):
            raise TypeError("SpectralWeights: F must be one array of shape (*batch, n, m); "
                            "to build weights from a tuple of blocks use "
                            "SpectralWeights.from_blocks(blocks)")
        F = jnp.asarray(F)
        if not jnp.issubdtype(F.dtype, jnp.inexact):
            raise TypeError(f"SpectralWeights: F must be a float or complex array, got dtype "
                            f"{F.dtype}")
        m = sum(d * c for d, c in shapes)
        if F.ndim < 2 or F.shape[-1] != m:
            raise ValueError(f"SpectralWeights: F has shape {F.shape} but the blocks "
                             f"{shapes} need (*batch, n, {m}) (m = Σ d_i c_i columns)")
        object.__setattr__(self, "F", F)
        object.__setattr__(self, "block_shapes", shapes)

    @classmethod
    def from_blocks(cls, blocks: Sequence[Shaped[ArrayLike, "*batch n _ _"]]
                    ) -> SpectralWeights:
        r"""Stack blocks ``W_i`` of shape ``(*batch, n, d_i, d_i)`` into
        ``F[..., g, (i, j, k)] = √d_i W_i[g]_{jk}``.

        Example:
            >>> import jax.numpy as jnp
            >>> SpectralWeights.from_blocks((jnp.ones((5, 1, 1)), jnp.ones((5, 2, 2)))).F.shape
            (5, 5)
        """
        if isinstance(blocks, SpectralWeights):
            return blocks
        if isinstance(blocks, (np.ndarray, jax.Array)) or not isinstance(blocks, Sequence):
            raise TypeError(f"SpectralWeights.from_blocks: blocks must be a tuple of arrays "
                            f"W_i of shape (*batch, n, d_i, d_i), got {type(blocks).__name__}")
        if not blocks:
            raise ValueError("SpectralWeights.from_blocks: blocks is empty; pass one "
                             "(n, d_i, d_i) array per block")
        ws = tuple(jnp.asarray(w) for w in blocks)
        for i, w in enumerate(ws):
            if w.ndim < 3 or w.shape[:-2] != ws[0].shape[:-2]:
                raise ValueError(f"SpectralWeights.from_blocks: blocks[{i}] has shape "
                                 f"{w.shape}; every block must be (*batch, n, d, d) with the "
                                 f"leading shape {ws[0].shape[:-2]} of blocks[0]")
        shapes = check_block_shapes([w.shape[-2:] for w in ws],
                                    what="SpectralWeights.from_blocks: block shapes")
        dtype = jnp.result_type(*ws)
        return cls(stack_blocks([w.astype(dtype) for w in ws]), block_shapes=shapes)

    # -- views --------------------------------------------------------------------------
    @property
    def blocks(self) -> tuple[Shaped[Array, "*batch n _ _"], ...]:
        """The blocks ``W_i = F[..., cols_i] / √d_i``, each ``(*batch, n, d_i, c_i)``."""
        return split_columns(self.F, self.block_shapes)

    @property
    def block_dims(self) -> tuple[int, ...]:
        """``(d_1, …, d_k)`` (square blocks)."""
        return tuple(d for d, _ in self.block_shapes)

    @property
    def order(self) -> int:
        """n, the order of the group (rows of ``F``)."""
        return int(self.F.shape[-2])

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self.F.shape[:-2])

    @property
    def dtype(self):
        return self.F.dtype

    def __getitem__(self, index) -> SpectralWeights:
        index = index if isinstance(index, tuple) else (index,)
        if any(i is Ellipsis or i is None for i in index) or len(index) > len(self.batch_shape):
            raise IndexError(f"SpectralWeights: index {index!r} must address only the batch "
                             f"axes {self.batch_shape} (no Ellipsis or None)")
        return SpectralWeights(self.F[index], block_shapes=self.block_shapes)

    def __repr__(self) -> str:
        return (f"SpectralWeights(batch_shape={self.batch_shape}, order={self.order}, "
                f"block_shapes={self.block_shapes}, dtype={self.F.dtype})")

    def __setattr__(self, name, value):
        raise AttributeError("SpectralWeights is immutable; build a new one")

    # -- pytree protocol: F is the leaf, the block shapes are static ---------------------
    def tree_flatten_with_keys(self):
        return ((jax.tree_util.GetAttrKey("F"), self.F),), self.block_shapes

    @classmethod
    def tree_unflatten(cls, block_shapes, leaves):
        # No validation here: transformations rebuild the node with tracers, None or
        # sentinels as the leaf.
        obj = object.__new__(cls)
        object.__setattr__(obj, "F", leaves[0])
        object.__setattr__(obj, "block_shapes", block_shapes)
        return obj
