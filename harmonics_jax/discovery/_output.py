r"""Writing a discovery to a folder: ``discovery.json`` (:meth:`Discovery.to_dict`) and
``discovery.png`` (the discovered table and every candidate's held-out defect)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np

from ..runner import write_bytes_atomic, write_json_atomic
from ._discover import Discovery

__all__ = ["write_discovery"]


def _figure(result: Discovery) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8),
                                      gridspec_kw={"width_ratios": [1, 1.2]})
    n = result.n
    if result.found:
        left.imshow(result.table, cmap="viridis", interpolation="nearest")
        if n <= 24:
            for a in range(n):
                for b in range(n):
                    left.text(b, a, str(result.table[a, b]), ha="center", va="center",
                              fontsize=max(4, 11 - n // 3), color="white")
        name = result.identification.family or result.identification.gap_name
        left.set_title(f"discovered table: {name}, order {n}\n(identity: coordinate "
                       f"{result.identity}; {result.certificate} certificate)", fontsize=10)
        left.set_xlabel("b")
        left.set_ylabel("a   (entry: label of a·b)")
    else:
        left.text(0.5, 0.5, "no group structure found", ha="center", va="center",
                  fontsize=13)
        left.set_axis_off()
    labels = [",".join(map(str, c.block_dims)) for c in result.candidates]
    defects = [max(c.heldout_defect, 1e-12) for c in result.candidates]
    colours = ["tab:green" if c.selected else "tab:red" for c in result.candidates]
    ys = np.arange(len(labels))
    right.barh(ys, defects, color=colours)
    right.set_yticks(ys, labels, fontsize=8)
    right.set_xscale("log")
    right.set_xlabel("smallest held-out invariance defect over seeds")
    right.set_title("candidate block dimensions (green: selected, red: refuted)", fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    return buf.getvalue()


def write_discovery(result: Discovery, out_dir: str | os.PathLike) -> tuple[Path, Path]:
    r"""Write ``out_dir/discovery.json`` (:meth:`Discovery.to_dict`) and
    ``out_dir/discovery.png`` atomically; return their paths."""
    if not isinstance(result, Discovery):
        raise TypeError(f"write_discovery: result must be a Discovery (from discover), got "
                        f"{type(result).__name__}")
    out = Path(out_dir)
    js, png = out / "discovery.json", out / "discovery.png"
    write_json_atomic(js, result.to_dict())
    write_bytes_atomic(png, _figure(result))
    return js, png
