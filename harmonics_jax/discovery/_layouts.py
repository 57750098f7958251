r"""Block layouts as index arrays, so that networks with *different* block dimensions (on the
same n) train in one compiled, vmapped program.

For a layout (d_1, …, d_k) with Σ d_i² = n, the stacked matrix F has its columns ordered
block by block, row-major inside a block (CONVENTIONS.md), and for ``z = x @ F`` the power
spectrum is ``φ_i[j, l] = (1/d_i) Σ_k z[s_i + j·d_i + k] · conj(z[s_i + l·d_i + k])``
(s_i the first column of block i).  Listing the outputs (i, j, l) block by block gives
exactly n of them, each a sum of at most D = max d products of two entries of z: the
arrays below hold, per output, the D left and right column indices (padded with n, the
index of an appended zero), the factor 1/d_i and the block the output belongs to.  Only
these integer arrays differ between layouts, so they are traced values: a vmap over
layouts needs one compilation per (n, D, number of layouts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Bool, Float, Int

__all__ = ["PaddedLayouts", "padded_layouts", "spectra", "block_sums"]


class PaddedLayouts(NamedTuple):
    """Index arrays of ``C`` layouts on n coordinates (leading axis C; see the module).

    Attributes:
        left, right: ``(C, n, D)`` column indices into ``z`` padded with ``n``.
        scale: ``(C, n)`` the factor 1/d_i of each output.
        out_block: ``(C, n)`` the block of each output.
        col_block: ``(C, n)`` the block of each column of F.
        valid: ``(C, n)`` True for the blocks 0 … k−1 that exist.
    """

    left: Int[Array, "C n D"]
    right: Int[Array, "C n D"]
    scale: Float[Array, "C n"]
    out_block: Int[Array, "C n"]
    col_block: Int[Array, "C n"]
    valid: Bool[Array, "C n"]


def padded_layouts(layouts: Sequence[Sequence[int]], n: int) -> PaddedLayouts:
    """The index arrays of several layouts (each a sequence of block dims, Σ d² = n)."""
    D = max(max(dims) for dims in layouts)
    C = len(layouts)
    left = np.full((C, n, D), n, np.int32)
    right = np.full((C, n, D), n, np.int32)
    scale = np.zeros((C, n), np.float32)
    out_block = np.zeros((C, n), np.int32)
    col_block = np.zeros((C, n), np.int32)
    valid = np.zeros((C, n), bool)
    for c, dims in enumerate(layouts):
        start = 0
        valid[c, :len(dims)] = True
        for i, d in enumerate(dims):
            for j in range(d):
                for l in range(d):
                    o = start + j * d + l
                    left[c, o, :d] = start + j * d + np.arange(d)
                    right[c, o, :d] = start + l * d + np.arange(d)
                    scale[c, o] = 1.0 / d
                    out_block[c, o] = i
            col_block[c, start:start + d * d] = i
            start += d * d
    return PaddedLayouts(*(jnp.asarray(a) for a in (left, right, scale, out_block, col_block,
                                                   valid)))


def spectra(z, left, right, scale):
    r"""The n power-spectrum outputs ``φ_i[j, l]`` of every signal, for one layout:
    ``z`` is ``x @ F`` of shape ``(b, n)``; returns ``(b, n)``."""
    zp = jnp.concatenate([z, jnp.zeros((*z.shape[:-1], 1), z.dtype)], axis=-1)
    return jnp.sum(zp[..., left] * jnp.conj(zp[..., right]), axis=-1) * scale.astype(z.real.dtype)


def block_sums(values, out_block, n: int):
    """Sum ``values`` ``(..., n)`` over the outputs of each block: ``(..., n)`` (blocks
    beyond the layout's k get 0)."""
    onehot = (out_block[:, None] == jnp.arange(n)[None, :]).astype(values.dtype)
    return values @ onehot
