r"""Complex numbers as colours: hue = phase, brightness = modulus (domain colouring).

A complex entry z is drawn in HSV with hue arg(z)/2π (mod 1), full saturation and value
min(|z|/vmax, 1): 1 is red, i yellow-green, −1 cyan, −i violet, 0 black.  Entries that are
NaN are drawn in the background colour (white), which is how tiled pictures leave gaps
between matrices without confusing a gap with a zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Float, Shaped

__all__ = ["complex_to_rgb", "tile_matrices", "BACKGROUND"]

BACKGROUND = (1.0, 1.0, 1.0)  # the colour of NaN entries (gaps between tiles)


def complex_to_rgb(z: Shaped[ArrayLike, "*shape"] | Sequence, *, vmax: float | int | None = None
                   ) -> Float[np.ndarray, "*shape 3"]:
    r"""RGB colours of complex entries: hue = arg(z)/2π (mod 1), saturation 1, value
    min(|z|/vmax, 1); NaN entries get :data:`BACKGROUND` (white).

    ``vmax`` defaults to the largest finite modulus (1 when every entry is 0 or NaN).

    >>> complex_to_rgb([1, 1j, -1, 0], vmax=1).round(3).tolist()
    [[1.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 0.0]]
    """
    from matplotlib.colors import hsv_to_rgb

    z = np.asarray(z, dtype=np.complex128)
    if vmax is None:
        mod = np.abs(z[np.isfinite(z)])
        vmax = float(mod.max()) if mod.size and mod.max() > 0 else 1.0
    if not (np.isfinite(vmax) and vmax > 0):
        raise ValueError(f"complex_to_rgb: vmax must be a positive finite number, got {vmax!r}")
    gap = ~np.isfinite(z)
    safe = np.where(gap, 0, z)
    hsv = np.stack([np.mod(np.angle(safe) / (2 * np.pi), 1.0), np.ones(z.shape),
                    np.clip(np.abs(safe) / vmax, 0.0, 1.0)], axis=-1)
    rgb = hsv_to_rgb(hsv)
    rgb[gap] = BACKGROUND
    return rgb


def tile_matrices(mats: Shaped[ArrayLike, "m _ _"] | Sequence,
                  cols: int | None = None, *, gap: int = 1) -> Shaped[np.ndarray, "H W"]:
    r"""Tiles the matrices ``mats`` (each d × d', drawn at the top left of a cell of the size
    of the largest) into one complex canvas, row-major with ``cols`` per row (default: all in
    one row), separated by ``gap`` NaN pixels; cells a matrix does not fill are NaN.

    Matrix t sits at rows ``(t // cols)·(D + gap) + [0, d)`` and columns
    ``(t % cols)·(D' + gap) + [0, d')``, D × D' the largest shape.

    >>> c = tile_matrices([[[1]], [[2j]]])
    >>> c.shape, c[0, 0], c[0, 2], bool(np.isnan(c[0, 1]))
    ((1, 3), np.complex128(1+0j), np.complex128(2j), True)
    """
    arrs = [np.atleast_2d(np.asarray(m, dtype=np.complex128)) for m in mats]
    if not arrs:
        raise ValueError("tile_matrices: mats is empty; pass at least one matrix")
    if any(a.ndim != 2 for a in arrs):
        raise ValueError("tile_matrices: every entry of mats must be a matrix (2-D), got "
                         f"shapes {[a.shape for a in arrs]}")
    cols = len(arrs) if cols is None else int(cols)
    if cols < 1:
        raise ValueError(f"tile_matrices: cols must be at least 1, got {cols}")
    rows = -(-len(arrs) // cols)
    dh = max(a.shape[0] for a in arrs)
    dw = max(a.shape[1] for a in arrs)
    canvas = np.full((rows * (dh + gap) - gap, cols * (dw + gap) - gap), np.nan,
                     dtype=np.complex128)
    for t, a in enumerate(arrs):
        r0, c0 = (t // cols) * (dh + gap), (t % cols) * (dw + gap)
        canvas[r0:r0 + a.shape[0], c0:c0 + a.shape[1]] = a
    return canvas
