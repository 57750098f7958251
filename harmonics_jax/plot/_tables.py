r"""Tables as pictures: a Cayley table (optionally beside a reference, wrong entries marked)
and a character table (complex entries coloured like every other complex picture)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Integer

from .._characters import CharacterTable
from .. import character_table as _character_table
from .._group import FiniteGroup
from ._canvas import draw_colour_wheel, draw_complex, finish, new_figure

__all__ = ["cayley_table", "character_table", "LABEL_LIMIT"]

LABEL_LIMIT = 12  # tables up to this order get their entries written in the cells


def _as_table(table: object, name: str, fn: str) -> np.ndarray:
    if isinstance(table, FiniteGroup):
        return np.asarray(table.table)
    arr = np.asarray(table)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{fn}: {name} must be a FiniteGroup or a square integer array "
                         f"(table[g, h] = label of g·h), got dtype {arr.dtype} and shape "
                         f"{arr.shape}")
    return arr


def _draw_table(ax, tab: np.ndarray, labels: bool, title: str, wrong: np.ndarray | None):
    n = tab.shape[0]
    ax.imshow(tab, cmap="viridis", vmin=0, vmax=max(n - 1, 1), interpolation="nearest")
    if labels:
        for (a, b), v in np.ndenumerate(tab):
            ax.text(b, a, str(v), ha="center", va="center", fontsize=7,
                    color="k" if v > 0.6 * (n - 1) else "w")
    if wrong is not None:
        from matplotlib.patches import Rectangle

        for a, b in zip(*np.nonzero(wrong)):
            ax.add_patch(Rectangle((b - 0.5, a - 0.5), 1, 1, fill=False, edgecolor="red",
                                   linewidth=1.5))
    ax.set_title(title, fontsize=9)
    ticks = np.arange(n) if labels else []
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.tick_params(labelsize=7, length=0)
    ax.set_xlabel("h", fontsize=8)
    ax.set_ylabel("g", fontsize=8)


def cayley_table(table: FiniteGroup | Integer[ArrayLike, "n n"] | Sequence, *,
                 reference: FiniteGroup | Integer[ArrayLike, "n n"] | Sequence | None = None,
                 labels: bool | None = None, title: str | None = None,
                 path: str | os.PathLike | None = None):
    r"""A Cayley table as an image: cell (g, h) coloured by the label of g·h (viridis), the
    label written in the cell when ``labels`` (default: order ≤ :data:`LABEL_LIMIT`).
    With ``reference`` (e.g. the true table beside one read back from weights), both are
    drawn side by side and the entries of ``table`` that differ are outlined in red.
    Returns the Figure.

    >>> import harmonics_jax as hj
    >>> G = hj.named_group("C4")
    >>> fig = cayley_table(G)
    >>> fig.axes[0].images[0].get_array().tolist() == G.table.tolist()
    True
    """
    tab = _as_table(table, "table", "cayley_table")
    ref = None if reference is None else _as_table(reference, "reference", "cayley_table")
    if ref is not None and ref.shape != tab.shape:
        raise ValueError(f"cayley_table: reference has shape {ref.shape} but table has "
                         f"{tab.shape}; compare tables of the same group order")
    n = tab.shape[0]
    labels = n <= LABEL_LIMIT if labels is None else bool(labels)
    side = min(4.5, 0.3 * n + 1.2)
    panels = 1 if ref is None else 2
    fig = new_figure(side * panels + 0.3, side + 0.5)
    axes = [fig.add_subplot(1, panels, p + 1) for p in range(panels)]
    if ref is None:
        _draw_table(axes[0], tab, labels, title or "Cayley table (g·h)", None)
    else:
        wrong = tab != ref
        k = int(wrong.sum())
        _draw_table(axes[0], tab, labels, title or f"read back: {k} wrong "
                    f"entr{'y' if k == 1 else 'ies'} (red)", wrong)
        _draw_table(axes[1], ref, labels, "reference", None)
    return finish(fig, path)


def _cell(z: complex) -> str:
    re, im = round(z.real, 2) + 0.0, round(z.imag, 2) + 0.0
    if abs(im) < 0.01:
        return f"{re:g}"
    if abs(re) < 0.01:
        return f"{im:g}i"
    return f"{re:g}\n{im:+g}i"


def character_table(table: FiniteGroup | CharacterTable, *, labels: bool | None = None,
                    path: str | os.PathLike | None = None):
    r"""The character table as a complex image: row i is χ_i (sorted by degree, like
    :func:`harmonics_jax.irreps`), column k the k-th conjugacy class (identity first); hue =
    phase, brightness = |χ|/max degree; values written in the cells when ``labels``
    (default: at most :data:`LABEL_LIMIT` classes).  Takes a group or a
    :class:`~harmonics_jax.CharacterTable`.  Returns the Figure.

    >>> import harmonics_jax as hj
    >>> fig = character_table(hj.named_group("S3"))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['χ0 (d=1)', 'χ1 (d=1)', 'χ2 (d=2)']
    """
    if isinstance(table, FiniteGroup):
        table = _character_table(table)
    if not isinstance(table, CharacterTable):
        raise TypeError("character_table: table must be a FiniteGroup or a CharacterTable "
                        f"(harmonics_jax.character_table(G)), got {type(table).__name__}")
    values = np.asarray(table.values)
    r = values.shape[0]
    labels = r <= LABEL_LIMIT if labels is None else bool(labels)
    side = min(6.0, 0.55 * r + 1.5)
    fig = new_figure(side + 1.4, side)
    grid = fig.add_gridspec(1, 2, width_ratios=(side, 1.2))
    ax = fig.add_subplot(grid[0, 0])
    draw_complex(ax, values, vmax=float(table.degrees.max()))
    if labels:
        for (i, k), v in np.ndenumerate(values):
            ax.text(k, i, _cell(v), ha="center", va="center", fontsize=7,
                    color="w" if abs(v) < 0.6 * table.degrees.max() else "k")
    ax.set_yticks(np.arange(r), [f"χ{i} (d={d})" for i, d in enumerate(table.degrees)],
                  fontsize=8)
    ax.set_xticks(np.arange(r), [f"{len(c)}×{int(c[0])}" for c in table.classes],
                  fontsize=7, rotation=90 if r > 8 else 0)
    ax.set_xlabel("conjugacy class (size × a representative)", fontsize=8)
    ax.set_title(f"{table.group_name}: character table", fontsize=9)
    draw_colour_wheel(fig.add_subplot(grid[0, 1]), label="|χ| / max degree")
    return finish(fig, path)
