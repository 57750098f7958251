"""``harmonics sweep``: train and verify many networks on one group, resumably."""

from __future__ import annotations

import argparse

import jax
import numpy as np

from ..runner import run_sweep
from ..training import Hyperparams, TrainConfig, resolve_block_dims
from ._common import add_group_arguments, bounded_int, floats, group_from_args, ints, out_path
from ._config_flags import add_config_flags, config_from_flags, config_overrides
from ._plot_cmd import draw_figures
from ._report import exit_status, print_sweep_summary

POSITIVE = bounded_int(1)


def _default_list(v: int | float) -> str:
    return f"{v:g}"


def add_training_arguments(p: argparse.ArgumentParser) -> None:
    d, h = TrainConfig(), Hyperparams()
    p.add_argument("--seeds", type=POSITIVE, default=64, help="networks per hyper-parameter value")
    p.add_argument("--steps", type=POSITIVE, default=d.steps,
                   help="optimiser steps per network, any positive number (rounds, warm-up "
                   "and log cadence adapt unless set: see --rounds)")
    p.add_argument("--batch", type=POSITIVE, default=d.batch_size,
                   help="orbit pairs per step (default: 32 up to order 24, growing as "
                   "(order/24)² beyond)")
    p.add_argument("--lr", type=floats, default=_default_list(h.learning_rate),
                   help="peak learning rate(s); a comma list sweeps them")
    p.add_argument("--noise", type=floats, default=_default_list(h.noise_std),
                   help="std σ of the noise on the orbit partner, E|ε_h|² = σ²; a comma list "
                   "sweeps them")
    p.add_argument("--penalty", type=floats, default=_default_list(h.penalty),
                   help="unitarity penalty weight(s) (with --constraint penalty)")
    p.add_argument("--constraint", choices=["unitary", "penalty"], default=d.constraint,
                   help="keep F/√n exactly unitary, or penalise ‖F^†F − nI‖²")
    p.add_argument("--chunk", type=POSITIVE, default=16,
                   help="seeds trained per chunk; each finished chunk is saved")
    p.add_argument("--seed", type=bounded_int(0, 2**32 - 1), default=0, help="base random seed")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--force", action="store_true",
                   help="skip the size guards (estimated memory and disk) and try anyway")
    add_config_flags(p)


def add_resume_arguments(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--resume", action="store_true",
                   help=f"continue {what}; chunk files that fail their check stop the run, "
                   "named with the reason")
    p.add_argument("--repair", action="store_true",
                   help="like --resume, but move chunk files that fail their check to "
                   "DIR/rejected/ (with the reason in DIR/rejected/log.txt) and recompute them")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "sweep", help="train and verify many networks on one group",
        description="Train --seeds power-spectral networks per hyper-parameter value on a "
        "group, verify every conclusion of the theorem for each, and write DIR/summary.json "
        "(one record per network), DIR/spec.json, the weights and training curves "
        "(DIR/chunks/*.npz) and figures (DIR/figures/*.png; harmonics plot DIR redraws them). "
        "Interrupted sweeps keep finished chunks; --resume continues them after checking "
        "every chunk against DIR/spec.json.")
    add_group_arguments(p, positional=False)
    p.add_argument("--blocks", type=ints, default=None,
                   help="block dimensions, e.g. 1,1,1,1,2 (default: the irrep dimensions); "
                   "their squares must sum to the group order")
    add_training_arguments(p)
    p.add_argument("--out", type=out_path, required=True, metavar="DIR", help="output folder")
    add_resume_arguments(p, "the sweep in DIR")
    p.set_defaults(run=run)


def config_from_args(args: argparse.Namespace, blocks=None) -> tuple[TrainConfig, Hyperparams]:
    config = config_from_flags(steps=args.steps, batch_size=args.batch,
                               constraint=args.constraint, block_dims=blocks,
                               **config_overrides(args))
    hp = Hyperparams(learning_rate=np.array(args.lr), penalty=np.array(args.penalty),
                     noise_std=np.array(args.noise))
    return config, hp


def run(args: argparse.Namespace) -> int:
    g = group_from_args(args)
    config, hp = config_from_args(args, None if args.blocks is None else tuple(args.blocks))
    try:
        resolve_block_dims(g, config)
    except ValueError as err:
        raise ValueError(f"--blocks: {err}") from None
    summary = run_sweep(g, args.out, config=config, hparams=hp, num_seeds=args.seeds,
                        chunk_size=args.chunk, seed=args.seed, resume=args.resume,
                        repair=args.repair, progress=not args.no_progress, force=args.force,
                        command=args.command_line)
    if jax.process_index() == 0:  # under jax.distributed, process 0 speaks for every one
        print_sweep_summary(summary)
        print(f"\nwrote {args.out.rstrip('/')}/summary.json")
        draw_figures(args.out)
    return exit_status(summary["totals"])
