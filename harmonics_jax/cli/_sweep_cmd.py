"""``harmonics sweep``: train and verify many networks on one group, resumably."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ..runner import run_sweep
from ..training import Hyperparams, TrainConfig, resolve_block_dims
from ._common import add_group_arguments, group_from_args
from ._config_flags import add_config_flags, config_from_flags, config_overrides
from ._report import print_sweep_summary


def _floats(text: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}")


def _ints(text: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}")


def add_training_arguments(p: argparse.ArgumentParser) -> None:
    d, h = TrainConfig(), Hyperparams()
    p.add_argument("--seeds", type=int, default=64, help="networks per hyper-parameter value")
    p.add_argument("--steps", type=int, default=d.steps, help="optimiser steps per network")
    p.add_argument("--batch", type=int, default=d.batch_size,
                   help="orbit pairs per step (default: 32 up to order 24, growing as "
                   "(order/24)² beyond)")
    p.add_argument("--lr", type=_floats, default=[h.learning_rate],
                   help="peak learning rate(s); a comma list sweeps them")
    p.add_argument("--noise", type=_floats, default=[h.noise_std],
                   help="std σ of the noise on the orbit partner, E|ε_h|² = σ²; a comma list "
                   "sweeps them")
    p.add_argument("--penalty", type=_floats, default=[h.penalty],
                   help="unitarity penalty weight(s) (with --constraint penalty)")
    p.add_argument("--constraint", choices=["unitary", "penalty"], default=d.constraint,
                   help="keep F/√n exactly unitary, or penalise ‖F^†F − nI‖²")
    p.add_argument("--chunk", type=int, default=16,
                   help="seeds trained per chunk; each finished chunk is saved")
    p.add_argument("--seed", type=int, default=0, help="base random seed")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_config_flags(p)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "sweep", help="train and verify many networks on one group",
        description="Train --seeds power-spectral networks per hyper-parameter value on a "
        "group, verify every conclusion of the theorem for each, and write DIR/summary.json "
        "(one record per network), DIR/spec.json and the weights (DIR/chunks/*.npz). "
        "Interrupted sweeps keep finished chunks; --resume continues them.")
    add_group_arguments(p, positional=False)
    p.add_argument("--blocks", type=_ints, default=None,
                   help="block dimensions, e.g. 1,1,1,1,2 (default: the irrep dimensions); "
                   "their squares must sum to the group order")
    add_training_arguments(p)
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--resume", action="store_true", help="continue the sweep in DIR")
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
    summary = run_sweep(g, Path(args.out), config=config, hparams=hp, num_seeds=args.seeds,
                        chunk_size=args.chunk, seed=args.seed, resume=args.resume,
                        progress=not args.no_progress)
    print_sweep_summary(summary)
    print(f"\nwrote {Path(args.out) / 'summary.json'}")
    return 0
