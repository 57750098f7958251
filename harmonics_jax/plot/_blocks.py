r"""Weights and irreps as pictures: one complex matrix, a group's irreps, and a network's
learned blocks beside the true irreps after the recovered intertwiner.

What "after the intertwiner" means (CONVENTIONS, "What the theorem claims"): block i reads
back ρ_i(g) = (W_i[e]⁻¹ W_i[g])^† (:func:`harmonics_jax.verify.recover_irreps`), which is
matched to the true irrep ρ of its dimension with the nearest character, with a unitary U_i
such that ρ_i(g) ≈ U_i ρ(g) U_i^† (:func:`harmonics_jax.verify.match_irreps`).  The picture
shows, per block, the learned slices W_i[g], the read-back irrep in the true irrep's basis
U_i^† ρ_i(g) U_i, and ρ(g): the last two panels agree exactly when the network has learned
the Fourier transform.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Float, Shaped

from .. import irreps as _true_irreps
from .._group import FiniteGroup
from ..models import SpectralWeights
from ..verify import match_irreps, recover_irreps
from ._canvas import draw_colour_wheel, draw_complex, finish, new_figure
from ._colour import tile_matrices

__all__ = ["AlignedBlocks", "aligned_blocks", "complex_matrix", "irrep_matrices",
           "blocks_vs_irreps", "blocks_canvas", "stack_canvases", "MAX_ELEMENTS"]

MAX_ELEMENTS = 24  # elements drawn by default (the first ones) when the group is larger


class AlignedBlocks(NamedTuple):
    """The data :func:`blocks_vs_irreps` draws, per block i (NumPy, complex128).

    Attributes:
        learned: W_i, shape (n, d_i, d_i).
        read_back: U_i^† ρ_i(g) U_i, the read-back irrep in the matched irrep's basis.
        true: the matched true irrep ρ, shape (n, d_i, d_i); None when no irrep has the
            block's dimension.
        matched: index of the matched irrep in ``irreps`` (−1 if none).
        residual: max_g ‖U_i^† ρ_i(g) U_i − ρ(g)‖_F/√d_i (inf if unmatched), shape (k,).
    """

    learned: tuple[np.ndarray, ...]
    read_back: tuple[np.ndarray, ...]
    true: tuple[np.ndarray | None, ...]
    matched: tuple[int, ...]
    residual: Float[np.ndarray, " k"]


def _check_group(group: object, fn: str) -> FiniteGroup:
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"{fn}: group must be a FiniteGroup (e.g. "
                        f"harmonics_jax.named_group('S4')), got {type(group).__name__}")
    return group


def aligned_blocks(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup,
    irreps: Sequence[Shaped[ArrayLike, "n _ _"]] | None = None,
) -> AlignedBlocks:
    r"""Read one network's irreps back and rotate each into the basis of its matched true
    irrep: U_i^† ρ_i(g) U_i with ρ_i(g) = (W_i[e]⁻¹ W_i[g])^† and ρ_i ≈ U_i ρ U_i^† (see the
    module docstring).  ``irreps`` defaults to :func:`harmonics_jax.irreps`.

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("S3")
    >>> a = aligned_blocks(fourier_weights(G), G)
    >>> a.matched, bool(a.residual.max() < 1e-6)
    ((0, 1, 2), True)
    """
    group = _check_group(group, "aligned_blocks")
    rec = recover_irreps(weights, group)
    true = [np.asarray(r) for r in (_true_irreps(group) if irreps is None else irreps)]
    match = match_irreps(rec.rho, group, true)
    blocks = weights.blocks if isinstance(weights, SpectralWeights) else weights
    learned, read_back, matched_true, matched, residual = [], [], [], [], []
    for i, rho in enumerate(rec.rho):
        rho = np.asarray(rho, dtype=np.complex128)
        u = np.asarray(match.intertwiner[i], dtype=np.complex128)
        j = int(match.matched[i])
        back = np.conj(u.T) @ rho @ u
        learned.append(np.asarray(blocks[i], dtype=np.complex128))
        read_back.append(back)
        matched.append(j)
        if j < 0:
            matched_true.append(None)
            residual.append(np.inf)
            continue
        ref = np.asarray(true[j], dtype=np.complex128)
        matched_true.append(ref)
        residual.append(float(np.max(np.linalg.norm(back - ref, axis=(-2, -1))))
                        / math.sqrt(ref.shape[-1]))
    return AlignedBlocks(tuple(learned), tuple(read_back), tuple(matched_true),
                         tuple(matched), np.asarray(residual))


def _elements(elements: Sequence[int] | None, n: int, fn: str) -> np.ndarray:
    if elements is None:
        return np.arange(min(n, MAX_ELEMENTS))
    els = np.asarray(elements)
    if els.ndim != 1 or els.size == 0 or not np.issubdtype(els.dtype, np.integer):
        raise ValueError(f"{fn}: elements must be a non-empty list of element labels, got "
                         f"{elements!r}")
    if els.min() < 0 or els.max() >= n:
        raise ValueError(f"{fn}: elements must be labels 0..{n - 1} of the group, got "
                         f"{els.min()}..{els.max()}")
    return els


def _grid_cols(m: int) -> int:
    """Tiles per row: one row up to 8 tiles, else about √(3m) (a grid three times as wide
    as high), preferring a divisor of m so that the last row is full."""
    if m <= 8:
        return m
    target = math.sqrt(3 * m)
    divisors = [c for c in range(math.ceil(target / 1.5), math.floor(target * 1.5) + 1)
                if m % c == 0]
    return min(divisors, key=lambda c: abs(c - target)) if divisors else math.ceil(target)


def _pad(canvas: np.ndarray, width: int) -> np.ndarray:
    """Pad a canvas on the right with NaN (background) to ``width`` columns, so that panels
    of different block dimensions share one pixel scale."""
    return np.pad(canvas, ((0, 0), (0, width - canvas.shape[1])), constant_values=np.nan)


def _element_note(els: np.ndarray, n: int, cols: int) -> str:
    shown = ("all elements" if els.size == n and np.array_equal(els, np.arange(n))
             else f"{els.size} of {n} elements")
    order = "left to right" if cols >= els.size else f"row by row, {cols} per row"
    return f"tiles: g = {', '.join(map(str, els[:4]))}{', …' if els.size > 4 else ''} " \
           f"({shown}, {order})"


def complex_matrix(z: Shaped[ArrayLike, "_ _"] | Sequence, *, vmax: float | int | None = None,
                   title: str | None = None, path: str | os.PathLike | None = None):
    r"""One complex matrix as a colour image (hue = phase, brightness = |z|/vmax, see
    :func:`complex_to_rgb`), with the colour wheel.  Returns the Figure (saved to ``path``
    when given).

    >>> fig = complex_matrix([[1, 1j], [-1, 0]], vmax=1)
    >>> fig.axes[0].images[0].get_array().shape
    (2, 2, 3)
    """
    z = np.asarray(z)
    if z.ndim != 2:
        raise ValueError(f"complex_matrix: z must be a matrix (2-D), got shape {z.shape}")
    h, w = z.shape
    scale = min(0.4, 5.0 / max(h, w))
    fig = new_figure(w * scale + 1.6, max(h * scale, 1.3) + 0.4)
    grid = fig.add_gridspec(1, 2, width_ratios=(max(w * scale, 0.5), 1.1))
    draw_complex(fig.add_subplot(grid[0, 0]), z, vmax=vmax, title=title)
    draw_colour_wheel(fig.add_subplot(grid[0, 1]))
    return finish(fig, path)


def irrep_matrices(group: FiniteGroup, irreps: Sequence[Shaped[ArrayLike, "n _ _"]] | None = None,
                   *, elements: Sequence[int] | None = None,
                   path: str | os.PathLike | None = None):
    r"""Every irrep of ``group`` as pictures: row i tiles ρ_i(g) for the chosen elements
    (default: all, or the first :data:`MAX_ELEMENTS`); hue = phase, brightness = modulus
    (vmax 1: unitary entries have |z| ≤ 1).  ``irreps`` defaults to
    :func:`harmonics_jax.irreps`.  Returns the Figure.

    >>> import harmonics_jax as hj
    >>> fig = irrep_matrices(hj.named_group("S3"))
    >>> [ax.get_ylabel() for ax in fig.axes[:3]]
    ['ρ0 (d=1)', 'ρ1 (d=1)', 'ρ2 (d=2)']
    """
    group = _check_group(group, "irrep_matrices")
    rhos = [np.asarray(r) for r in (_true_irreps(group) if irreps is None else irreps)]
    els = _elements(elements, group.order, "irrep_matrices")
    cols = _grid_cols(els.size)
    canvases = [tile_matrices(r[els], cols) for r in rhos]
    width = max(c.shape[1] for c in canvases)
    canvases = [_pad(c, width) for c in canvases]
    heights = [c.shape[0] for c in canvases]
    scale = min(0.3, 7.0 / width, 9.0 / sum(heights))
    fig = new_figure(width * scale + 2.6, sum(heights) * scale + 0.5 * len(rhos) + 0.6)
    grid = fig.add_gridspec(len(rhos), 2, height_ratios=heights,
                            width_ratios=(width * scale, 1.2))
    for i, (r, canvas) in enumerate(zip(rhos, canvases)):
        ax = fig.add_subplot(grid[i, 0])
        draw_complex(ax, canvas, vmax=1.0)
        ax.set_ylabel(f"ρ{i} (d={r.shape[-1]})", rotation=0, ha="right", va="center",
                      fontsize=9)
    draw_colour_wheel(fig.add_subplot(grid[:, 1]))
    fig.suptitle(f"{group.name}: irreps ρ_i(g); {_element_note(els, group.order, cols)}",
                 fontsize=9)
    return finish(fig, path)


def blocks_vs_irreps(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup,
    irreps: Sequence[Shaped[ArrayLike, "n _ _"]] | None = None, *,
    elements: Sequence[int] | None = None, title: str | None = None,
    path: str | os.PathLike | None = None,
):
    r"""One network's blocks beside the true irreps: per block (a row), the learned slices
    W_i[g] (brightness relative to the block's largest entry), the read-back irrep after the
    recovered intertwiner U_i^† ρ_i(g) U_i, and the matched true irrep ρ(g) (both with
    vmax 1), tiled over the chosen elements (default: all, or the first
    :data:`MAX_ELEMENTS`).  The data drawn is :func:`aligned_blocks`.  Returns the Figure.

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("S3")
    >>> fig = blocks_vs_irreps(fourier_weights(G), G)
    >>> read, true = fig.axes[1].images[0].get_array(), fig.axes[2].images[0].get_array()
    >>> bool(np.allclose(read, true, atol=1e-6))
    True
    """
    group = _check_group(group, "blocks_vs_irreps")
    a = aligned_blocks(weights, group, irreps)
    els = _elements(elements, group.order, "blocks_vs_irreps")
    cols = _grid_cols(els.size)
    rows = []
    for w, back, ref in zip(a.learned, a.read_back, a.true):
        rows.append((tile_matrices(w[els], cols), tile_matrices(back[els], cols),
                     None if ref is None else tile_matrices(ref[els], cols)))
    width = max(r[0].shape[1] for r in rows) + 3  # 3 blank columns keep the panels apart
    rows = [tuple(None if c is None else _pad(c, width) for c in r) for r in rows]
    heights = [r[0].shape[0] for r in rows]
    scale = min(0.25, 3.2 / width, 10.0 / sum(heights))
    fig = new_figure(3 * width * scale + 2.8,
                     sum(heights) * scale + 0.55 * len(rows) + 0.9)
    grid = fig.add_gridspec(len(rows), 4, height_ratios=heights,
                            width_ratios=(width * scale,) * 3 + (1.0,))
    heads = ("learned W_i[g]", "read back U^†ρ_i(g)U", "true irrep ρ(g)")
    for i, (learned, back, ref) in enumerate(rows):
        j = a.matched[i]
        for col, (canvas, vmax) in enumerate(((learned, None), (back, 1.0), (ref, 1.0))):
            ax = fig.add_subplot(grid[i, col])
            if canvas is None:
                ax.set_axis_off()
                ax.text(0.5, 0.5, f"no irrep of dimension {learned.shape[0]}",
                        ha="center", va="center", fontsize=8, transform=ax.transAxes)
                continue
            draw_complex(ax, canvas, vmax=vmax, title=heads[col] if i == 0 else None)
            if col == 0:
                d = a.learned[i].shape[-1]
                ax.set_ylabel(f"block {i} (d={d})", rotation=0, ha="right", va="center",
                              fontsize=9)
            elif col == 2:
                ax.set_ylabel(f"ρ{j}\nres {a.residual[i]:.1e}", rotation=0, ha="left",
                              va="center", fontsize=8)
                ax.yaxis.set_label_position("right")
    draw_colour_wheel(fig.add_subplot(grid[:, 3]))
    fig.suptitle((title or f"{group.name}: learned blocks beside the true irreps")
                 + f"\n{_element_note(els, group.order, cols)}", fontsize=9)
    return finish(fig, path)


def blocks_canvas(aligned: AlignedBlocks, elements: Sequence[int] | None = None
                  ) -> Shaped[np.ndarray, "H W"]:
    r"""A compact complex canvas of :class:`AlignedBlocks` for overviews: per block, one
    row of tiles U_i^† ρ_i(g) U_i over the elements and beneath it the true ρ(g) (NaN when
    unmatched), blocks separated by two NaN rows.  (Used by :func:`verify_overview`.)

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("C2")
    >>> blocks_canvas(aligned_blocks(fourier_weights(G), G)).shape
    (8, 3)
    """
    n = aligned.learned[0].shape[0]
    els = _elements(elements, n, "blocks_canvas")
    bands = []
    for back, ref in zip(aligned.read_back, aligned.true):
        top = tile_matrices(back[els])
        bottom = np.full_like(top, np.nan) if ref is None else tile_matrices(ref[els])
        gap = np.full((1, top.shape[1]), np.nan)
        bands.append(np.concatenate([top, gap, bottom]))
    return stack_canvases(bands, gap=2)


def stack_canvases(canvases: Sequence[Shaped[np.ndarray, "_ _"]], *, gap: int = 2,
                   width: int | None = None) -> Shaped[np.ndarray, "H W"]:
    """Stack complex canvases vertically, left-aligned and padded with NaN to ``width``
    (default: the widest), ``gap`` NaN rows apart."""
    width = max(c.shape[1] for c in canvases) if width is None else width
    sep = np.full((gap, width), np.nan)
    parts = []
    for c in canvases:
        parts.extend([_pad(c, width), sep])
    return np.concatenate(parts[:-1] if gap else parts)
