"""``harmonics reproduce``: the paper's Figures 2 and 3, as PNG + CSV, and the Figure-3
ablation."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ..experiments import (PAPER_FIG3, OursRecipe, PaperRecipe, figure2, figure3,
                           figure3_ablation)
from ..training import TrainConfig
from ._common import bounded_int, names, out_path

TARGETS = {
    "fig2": "recovered tables of C6, C2xC2xC2 and D3 beside the true tables",
    "fig3": "table accuracy against noise std for C5 and C6 (20 runs per noise level), "
            "with the reference code's recipe and/or ours",
    "fig3-nonabelian": "the same for D3, D4, Q8 and A4 (not in the paper)",
    "fig3-ablation": "the 50% point of Figure 3 with one ingredient of either recipe changed "
                     "at a time (CSV + Markdown; shares runs with fig3 in the same --out)",
}
RECIPES = {
    "paper": "the reference code's recipe: W(e) = I pinned, unweighted penalty η = 10, "
             "batch 4, Adam 1e-3, 12 500 steps",
    "ours": "our engine: exact unitarity, batch 32, lr 0.3 in 8 rounds with re-draws",
}


def add_parser(sub) -> None:
    p = sub.add_parser(
        "reproduce", help="regenerate the paper's figures (PNG + CSV)",
        description="Regenerate a figure of Marchetti et al. (COLT 2024). "
        + "; ".join(f"{k}: {v}" for k, v in TARGETS.items()) + ". Recipes: "
        + "; ".join(f"{k}: {v}" for k, v in RECIPES.items()) + ".")
    p.add_argument("figure", choices=sorted(TARGETS))
    p.add_argument("--out", type=out_path, default=None, metavar="DIR",
                   help="output folder (default: runs/<figure>; runs/fig3 for fig3-ablation)")
    p.add_argument("--recipe", choices=["paper", "ours", "both"], default="both",
                   help="training recipe(s) for fig3 targets; 'both' draws both curves")
    p.add_argument("--runs", type=bounded_int(1), default=20,
                   help="networks per noise level (fig3 targets; default %(default)s)")
    p.add_argument("--seeds", type=bounded_int(1), default=8,
                   help="networks per group (fig2; default %(default)s)")
    p.add_argument("--steps", type=bounded_int(1), default=None,
                   help="optimiser steps per network (default: each recipe's own, 4000 for "
                   "ours and 12500 for the paper's)")
    p.add_argument("--noise", default="0:2:0.1",
                   help="coarse noise grid, 'start:stop:step' or a comma list "
                   "(default %(default)s)")
    p.add_argument("--refine-step", type=float, default=0.025,
                   help="grid step around each curve's 50%% point (0: no refinement; default "
                   "%(default)s)")
    p.add_argument("--constraint", choices=["unitary", "penalty"],
                   default=TrainConfig().constraint,
                   help="our recipe: exact unitarity or the penalty η‖F^†F − nI‖²")
    p.add_argument("--groups", type=names, default=None,
                   help="comma-separated groups instead of the figure's own (fig3 targets)")
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


def _fmt(v) -> str:
    return "—" if v is None else f"{v:.3f}"


def run(args: argparse.Namespace) -> int:
    if args.steps is not None and args.steps < 1:
        raise ValueError(f"--steps must be a positive integer, got {args.steps}")
    if args.refine_step < 0:
        raise ValueError(f"--refine-step must be ≥ 0, got {args.refine_step}")
    default_out = "runs/fig3" if args.figure == "fig3-ablation" else f"runs/{args.figure}"
    out = Path(args.out or default_out)
    steps = {} if args.steps is None else {"steps": args.steps}

    def ours_config() -> TrainConfig:  # built only when our recipe runs (it validates steps)
        return TrainConfig(constraint=args.constraint, **steps)

    if args.figure == "fig2":
        facts = figure2(out, seeds=args.seeds, config=ours_config(),
                        progress=not args.no_progress)
        for name, f in facts.items():
            print(f"{name}: seed {f['seed']} — table recovered exactly: {f['table_recovered']} "
                  f"({f['networks_meeting_hypotheses']}/{f['networks']} networks met the "
                  "hypotheses)")
        print(f"wrote {out / 'fig2.png'} and {out}/fig2_<group>.csv")
        return 0
    groups = ("C5", "C6") if args.figure != "fig3-nonabelian" else ("D3", "D4", "Q8", "A4")
    if args.groups:
        groups = tuple(args.groups)
    noise = _grid(args.noise)
    progress = not args.no_progress
    if args.figure == "fig3-ablation":
        table = figure3_ablation(out, groups=groups, runs=args.runs, noise=noise,
                                 refine_step=args.refine_step, progress=progress)
        for row in table:
            print(f"{row['change']:<48} " + "  ".join(
                f"{g}: σ50 {_fmt(row[f'{g} σ50'])} (predicted {_fmt(row[f'{g} predicted'])})"
                for g in groups))
        print(f"wrote {out / 'fig3_ablation.csv'} and {out / 'fig3_ablation.md'}")
        return 0
    recipes = ("paper", "ours") if args.recipe == "both" else (args.recipe,)
    ours = OursRecipe(ours_config()) if "ours" in recipes else OursRecipe()
    res = figure3(out, groups=groups, runs=args.runs, noise=noise, recipes=recipes,
                  paper=PaperRecipe(**steps), ours=ours, refine_step=args.refine_step,
                  progress=progress, name=args.figure.replace("-", "_"))
    for key, recs in res["curves"].items():
        print(f"{key:>10}: " + " ".join(f"{r['noise_std']:g}:{r['tables_recovered']}"
                                        for r in recs))
    for t in res["transitions"]:
        paper_range = PAPER_FIG3.get(t["group"])
        print(f"{t['group']} {t['recipe']:>5}: 50% point σ = {_fmt(t['sigma_50'])}"
              + (f" (closed form {_fmt(t['predicted_sigma_c'])})"
                 if t["predicted_sigma_c"] is not None else "")
              + (f"; the paper plots {paper_range[0]}–{paper_range[1]}" if paper_range else ""))
    stem = args.figure.replace("-", "_")
    print(f"wrote {out / (stem + '.png')}, {out / (stem + '.csv')} and "
          f"{out / (stem + '_transitions.csv')}")
    return 0
