"""``harmonics plot DIR``: redraw a sweep's figures from its folder (finished or interrupted).

``harmonics sweep`` calls :func:`draw_figures` itself when it finishes; matplotlib is
imported only here, when a figure is drawn.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._common import out_path


def add_parser(sub) -> None:
    p = sub.add_parser(
        "plot", help="redraw a sweep's figures (DIR/figures/) from its folder",
        description="Draw DIR/figures/ from the sweep folder DIR (finished or interrupted): "
        "training curves of every seed, the first network meeting the hypotheses beside the "
        "true irreps, and the fraction meeting the hypotheses per setting when there are "
        "several. Only chunk files that pass their checks are drawn; the others are named.")
    p.add_argument("dir", type=out_path, metavar="DIR", help="a folder written by harmonics "
                   "sweep (for harmonics verify: one of its group folders)")
    p.set_defaults(run=run)


def draw_figures(folder: str | Path) -> list[Path]:
    """Draw the figures of the sweep in ``folder``; print what was written and which chunk
    files were left out (on stderr, with the reason).  Returns the paths written."""
    from ..plot import sweep_figures

    drawn = sweep_figures(folder)
    for err in drawn.rejected:
        print(f"not drawn: {err}", file=sys.stderr)
    if drawn.missing:
        print(f"{len(drawn.missing)} chunk(s) not written yet (an interrupted sweep; --resume "
              "continues it): the figures show the others", file=sys.stderr)
    root = Path(folder) / "figures"
    names = ", ".join(p.name for p in drawn.paths)
    print(f"wrote {len(drawn.paths)} figure(s) to {root}/: {names}")
    return drawn.paths


def run(args: argparse.Namespace) -> int:
    draw_figures(args.dir)
    return 0
