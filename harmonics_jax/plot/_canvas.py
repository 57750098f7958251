"""What every picture shares: a matplotlib Figure made without pyplot (no global state, no
backend switch, safe in scripts, servers and notebooks), complex images with their colour
wheel, and saving a figure atomically."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np

from ..runner import write_bytes_atomic
from ._colour import complex_to_rgb

__all__ = ["new_figure", "finish", "draw_complex", "draw_colour_wheel", "save_figure"]


def new_figure(width: float, height: float):
    """A matplotlib Figure that pyplot does not manage (the caller owns it)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def save_figure(fig, path: str | os.PathLike, *, dpi: int = 120) -> Path:
    """Write ``fig`` to ``path`` atomically (a killed process leaves the old file or the new
    one); the format is the suffix (``.png``, ``.svg``, ``.pdf``).  Returns the path."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"path: cannot tell the image format from {str(path)!r}; end it in "
                         ".png, .svg or .pdf")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi)
    write_bytes_atomic(path, buf.getvalue())
    return path


def finish(fig, path: str | os.PathLike | None):
    if path is not None:
        save_figure(fig, path)
    return fig


def draw_complex(ax, z: np.ndarray, *, vmax: float | int | None = None, title: str | None = None):
    """Draw a complex canvas (NaN = gap) on ``ax`` as an RGB image, one pixel per entry."""
    image = ax.imshow(complex_to_rgb(z, vmax=vmax), interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title, fontsize=9)
    return image


def draw_colour_wheel(ax, *, label: str = "|z| / vmax"):
    """The legend of :func:`complex_to_rgb`: the unit disk coloured by z itself (hue = phase,
    brightness = modulus, 1 on the rim), with 1, i, −1, −i marked."""
    t = np.linspace(-1.0, 1.0, 101)
    z = t[None, :] - 1j * t[:, None]  # row 0 is Im z = +1 (image origin at the top)
    z = np.where(np.abs(z) <= 1.0, z, np.nan)
    ax.imshow(complex_to_rgb(z, vmax=1.0), extent=(-1, 1, -1, 1), interpolation="bilinear")
    for x, y, s in ((1.25, 0, "1"), (0, 1.25, "i"), (-1.3, 0, "−1"), (0, -1.3, "−i")):
        ax.text(x, y, s, ha="center", va="center", fontsize=7)
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-1.5, 1.5)
    ax.set_axis_off()
    ax.set_title(f"phase → hue\n{label}\n→ brightness", fontsize=7)
