"""``harmonics reproduce``: the paper's Figures 2 and 3, as PNG + CSV."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ..experiments import PAPER_FIG3, figure2, figure3
from ..training import TrainConfig
from ._common import bounded_int, names, out_path

TARGETS = {
    "fig2": "recovered tables of C6, C2xC2xC2 and D3 beside the true tables",
    "fig3": "table accuracy against noise std for C5 and C6 (20 runs per noise level)",
    "fig3-nonabelian": "the same for D3, D4, Q8 and A4 (not in the paper)",
}


def add_parser(sub) -> None:
    p = sub.add_parser("reproduce", help="regenerate the paper's figures (PNG + CSV)",
                       description="Regenerate a figure of Marchetti et al. (COLT 2024). "
                       + "; ".join(f"{k}: {v}" for k, v in TARGETS.items()))
    p.add_argument("figure", choices=sorted(TARGETS))
    p.add_argument("--out", type=out_path, default=None, metavar="DIR",
                   help="output folder (default: runs/<figure>)")
    p.add_argument("--runs", type=bounded_int(1), default=20, help="networks per noise level (fig3)")
    p.add_argument("--seeds", type=bounded_int(1), default=8, help="networks per group (fig2)")
    p.add_argument("--steps", type=bounded_int(1), default=TrainConfig().steps,
                   help="optimiser steps per network")
    p.add_argument("--noise", default="0:1:0.05",
                   help="noise grid, 'start:stop:step' or a comma list (default %(default)s)")
    p.add_argument("--constraint", choices=["unitary", "penalty"],
                   default=TrainConfig().constraint,
                   help="exact unitarity (default) or the paper's penalty η‖F^†F − nI‖²")
    p.add_argument("--groups", type=names, default=None,
                   help="comma-separated groups instead of the figure's own (fig3 targets only)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def _grid(text: str) -> np.ndarray:
    try:
        if ":" in text:
            a, b, s = (float(v) for v in text.split(":"))
            if s <= 0 or b < a:
                raise ValueError
            return np.round(np.arange(a, b + s / 2, s), 6)
        return np.array([float(v) for v in text.split(",")])
    except ValueError:
        raise ValueError(f"--noise: expected 'start:stop:step' with step > 0 or a comma "
                         f"list of numbers, got {text!r}") from None


def run(args: argparse.Namespace) -> int:
    out = Path(args.out or f"runs/{args.figure}")
    config = TrainConfig(steps=args.steps, constraint=args.constraint)
    if args.figure == "fig2":
        facts = figure2(out, seeds=args.seeds, config=config, progress=not args.no_progress)
        for name, f in facts.items():
            print(f"{name}: seed {f['seed']} — table recovered exactly: {f['table_recovered']} "
                  f"({f['networks_meeting_hypotheses']}/{f['networks']} networks met the "
                  "hypotheses)")
        print(f"wrote {out / 'fig2.png'} and {out}/fig2_<group>.csv")
        return 0
    groups = ("C5", "C6") if args.figure == "fig3" else ("D3", "D4", "Q8", "A4")
    if args.groups:
        groups = tuple(args.groups)
    res = figure3(out, groups=groups, runs=args.runs, noise=_grid(args.noise), config=config,
                  progress=not args.no_progress, name=args.figure.replace("-", "_"))
    print("noise std: " + " ".join(f"{v:.2f}" for v in res["noise"]))
    for g, acc in res["curves"].items():
        print(f"{g:>4} acc:  " + " ".join(f"{a:4.2f}" for a in acc))
    for g, t in res["transitions"].items():
        paper = PAPER_FIG3.get(g)
        print(f"{g}: all {args.runs} recovered up to σ = {t['last_noise_all_recovered']}, none "
              f"from σ = {t['first_noise_none_recovered']}"
              + (f"; the paper's transition: {paper[0]}–{paper[1]}" if paper else ""))
    stem = args.figure.replace("-", "_")
    print(f"wrote {out / (stem + '.png')} and {out / (stem + '.csv')}")
    return 0
