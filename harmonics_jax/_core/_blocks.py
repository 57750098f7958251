r"""Blocks of equal dimension, stacked and vmapped: the verification kernels trace their
per-block work once per distinct block dimension, not once per block (C100 has 100 blocks of
dimension 1, SmallGroup(96, 231) 96), so compile time does not grow with the number of blocks.

``per_block(fn, blocks, *shared)`` runs ``fn(block, *shared)`` on every block, one ``vmap``
per dimension, and returns its outputs in block order: leaves whose shape does not depend on
the dimension (scalars, (n,) vectors) as one array with a leading block axis
(:func:`gathered`), dimension-dependent ones as a tuple of per-block arrays
(:func:`scattered`).  The true irreps are grouped the same way (:func:`irreps_by_dimension`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

__all__ = ["BlockGroups", "dimension_index", "per_block", "irreps_by_dimension"]


class BlockGroups:
    """The outputs of :func:`per_block`: for each distinct dimension d (ascending), the block
    indices and ``fn``'s output with a leading axis over those blocks."""

    def __init__(self, parts: list[tuple[int, list[int], object]]):
        self.parts = parts
        order = [i for _, idx, _ in parts for i in idx]
        self.back = np.argsort(np.asarray(order, dtype=np.int64))
        self.count = len(order)

    def gathered(self, get: Callable[[object], Array] = lambda o: o) -> Array:
        """Dimension-independent leaf ``get(out)`` of every block, in block order: (k, ...)."""
        stacked = jnp.concatenate([get(out) for _, _, out in self.parts])
        return stacked if len(self.parts) == 1 and np.all(self.back == np.arange(self.count)) \
            else stacked[self.back]

    def scattered(self, get: Callable[[object], Array] = lambda o: o) -> tuple[Array, ...]:
        """Dimension-dependent leaf ``get(out)``, one array per block, in block order."""
        blocks: list[Array] = [None] * self.count  # type: ignore[list-item]
        for _, idx, out in self.parts:
            leaf = get(out)
            for j, i in enumerate(idx):
                blocks[i] = leaf[j]
        return tuple(blocks)

    def stacks(self, get: Callable[[object], Array] = lambda o: o) -> list[tuple[int, Array]]:
        """(d, leaf with a leading axis over the blocks of dimension d), per dimension."""
        return [(d, get(out)) for d, _, out in self.parts]


def dimension_index(blocks: Sequence[Array]) -> list[tuple[int, list[int]]]:
    """Static: for each distinct block dimension (ascending), the indices of its blocks."""
    dims = [b.shape[-1] for b in blocks]
    return [(d, [i for i, di in enumerate(dims) if di == d]) for d in sorted(set(dims))]


def per_block(fn: Callable, blocks: Sequence[Array], *shared, extra: Sequence | None = None
              ) -> BlockGroups:
    """``fn(block, *per_block_extra, *shared)`` for every block, one ``vmap`` per block
    dimension; ``extra`` (optional) is a sequence of per-block arrays (e.g. the matched irrep
    index) passed after the block."""
    parts = []
    for d, idx in dimension_index(blocks):
        stacked = jnp.stack([blocks[i] for i in idx])
        args = [stacked]
        axes: list[int | None] = [0]
        if extra is not None:
            args += [jnp.stack([jnp.asarray(e[i]) for i in idx]) for e in extra]
            axes += [0] * len(extra)
        axes += [None] * len(shared)
        parts.append((d, idx, jax.vmap(fn, in_axes=tuple(axes))(*args, *shared)))
    return BlockGroups(parts)


def irreps_by_dimension(irreps: Sequence[Array]) -> dict[int, tuple[Array, Array]]:
    """d → (labels of the true irreps of dimension d, their stack (m_d, n, d, d))."""
    out = {}
    for d, idx in dimension_index(irreps):
        out[d] = (jnp.asarray(idx, dtype=jnp.int32), jnp.stack([irreps[i] for i in idx]))
    return out
