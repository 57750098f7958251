"""``harmonics discover``: find the group behind pairs of signals, from the data alone."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import jax
import numpy as np

from ..discovery import discover, write_discovery
from ..training import TrainConfig
from ..verify import Tolerances


def _layouts(text: str) -> list[tuple[int, ...]]:
    try:
        return [tuple(int(v) for v in part.split(",")) for part in text.split(";") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected block dimensions like '1,1,2;1,1,1,1,1,1', "
                                         f"got {text!r}") from None


def add_parser(sub) -> None:
    d = TrainConfig()
    p = sub.add_parser(
        "discover", help="find an unknown group from pairs of signals (symmetry discovery)",
        description="Read pairs (x[k], y[k]) with y = σ·x (+ noise), σ permutations of the n "
        "coordinates from an unknown group acting regularly, from an .npz file holding arrays "
        "x and y of shape (m, n), real or complex. Train power-spectral networks for every "
        "candidate block structure, read the Cayley table off the weights, certify it "
        "(a group table that explains every pair, and a network meeting the theorem's "
        "hypotheses with it) and name the group. Writes OUT/discovery.json and "
        "OUT/discovery.png. Exit status 0 when a group is found, 1 when none is.")
    p.add_argument("--data", required=True, metavar="PAIRS.npz",
                   help="an .npz file with arrays x and y of shape (m, n)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--seeds", type=int, default=4, help="networks per candidate")
    p.add_argument("--steps", type=int, default=d.steps, help="optimiser steps per network")
    p.add_argument("--rounds", type=int, default=None,
                   help="training rounds (re-draws in between); default: chosen from --steps "
                   "as for harmonics sweep (8 rounds of 500 at 4000 steps)")
    p.add_argument("--batch", type=int, default=d.batch_size,
                   help="pairs per step (none: 32 up to order 24, growing beyond)")
    p.add_argument("--lr", type=float, default=0.3, help="peak learning rate")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--identity", type=int, default=0,
                   help="the coordinate read as the identity (any coordinate is valid)")
    p.add_argument("--candidates", type=_layouts, default=None,
                   help="block structures to try, e.g. '1,1,2;1,1,1,1,1,1' (default: every "
                   "multiset of irrep dimensions a group of order n can have)")
    p.add_argument("--certificate", choices=["exact", "theorem17"], default="exact",
                   help="exact: the network meets every hypothesis and conclusion within "
                   "tolerance; theorem17: for noisy data, Theorem 17's read-back "
                   "condition instead of the invariance tolerance")
    p.add_argument("--invariance-tolerance", type=float, default=Tolerances().invariance,
                   help="relative invariance defect accepted")
    p.set_defaults(run=run)


def _load(path: str) -> tuple[np.ndarray, np.ndarray]:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"--data: no such file {path!r}")
    try:
        with np.load(p, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files if k in ("x", "y")}
            files = sorted(f.files)
    except Exception as err:  # not an npz, pickled objects, ...: say which and why
        raise ValueError(f"--data: could not read {path!r} as an .npz of arrays x and y "
                         f"({err}); save the pairs with np.savez(path, x=x, y=y)") from None
    missing = [k for k in ("x", "y") if k not in arrays]
    if missing:
        raise ValueError(f"--data {path}: no array named {' or '.join(missing)} (it holds "
                         f"{files}); save the pairs with np.savez(path, x=x, y=y)")
    return arrays["x"], arrays["y"]


def run(args: argparse.Namespace) -> int:
    x, y = _load(args.data)
    if args.steps < 1 or (args.rounds is not None and args.rounds < 1):
        raise ValueError(f"--steps and --rounds must be positive, got {args.steps} and "
                         f"{args.rounds}")
    # warm-up and log cadence follow from the steps and rounds (TrainConfig.resolved)
    config = TrainConfig(steps=args.steps, batch_size=args.batch, rounds=args.rounds).resolved()
    tolerances = Tolerances(invariance=args.invariance_tolerance)
    print(f"harmonics discover: {x.shape[0]} pairs on {x.shape[1] if x.ndim == 2 else '?'} "
          f"coordinates, {args.seeds} networks per candidate, {config.steps} steps each")
    start = time.perf_counter()
    result = discover(x, y, key=jax.random.key(args.seed), num_seeds=args.seeds,
                      candidates=args.candidates, identity=args.identity, config=config,
                      learning_rate=args.lr, tolerances=tolerances,
                      certificate=args.certificate)
    js, png = write_discovery(result, args.out)
    print(result.summary())
    if result.found:
        ident = result.identification
        print(f"group: {ident.gap_name} (SmallGroup({ident.gap_id[0]},{ident.gap_id[1]})), family "
              f"name "
              f"{ident.family}" if ident.gap_id else f"group: family name {ident.family}")
    print(f"{time.perf_counter() - start:.0f} s; wrote {js} and {png}")
    return 0 if result.found else 1
