"""``harmonics census``: train and verify networks on every SmallGroup up to an order."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..runner import census, census_exit_status
from ._sweep_cmd import add_training_arguments, config_from_args


def _gap_ids(text: str) -> list[tuple[int, int]]:
    out = []
    for item in (s.strip() for s in text.split(",")):
        if not item:
            continue
        try:
            order, index = (int(v) for v in item.split("/"))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected comma-separated GAP ids ORDER/ID such as 24/12,60/5, got {item!r}")
        out.append((order, index))
    return out


def add_parser(sub) -> None:
    p = sub.add_parser(
        "census", help="train and verify networks on every SmallGroup up to an order",
        description="For every group of GAP's SmallGroups library with --min-order ≤ order ≤ "
        "--max-order (or the --groups given), train --seeds power-spectral networks, verify "
        "them, and write one record per group to DIR/groups/ as soon as it is done; "
        "DIR/census.json, DIR/census.md and DIR/census.png are rebuilt from the records at the "
        "end (also after Ctrl-C). A re-run with the same settings skips finished groups; --force "
        "also starts this census in a DIR that holds another spec (its records are then "
        "ignored and overwritten) or retrains groups whose record is corrupted.")
    p.add_argument("--max-order", type=int, default=None, help="largest order (≤ 100)")
    p.add_argument("--min-order", type=int, default=1, help="smallest order (default 1)")
    p.add_argument("--groups", type=_gap_ids, default=None, metavar="ORDER/ID,...",
                   help="exactly these GAP ids instead of an order range, e.g. 24/12,60/5")
    add_training_arguments(p)
    p.set_defaults(seeds=16)
    p.add_argument("--key", type=int, dest="seed", metavar="KEY",
                   help="the same as --seed: network s of every group trains from "
                   "fold_in(key(KEY), s)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--no-figure", action="store_true", help="skip census.png")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.groups is None and args.max_order is None:
        raise ValueError("census: give --max-order N (e.g. 32) or --groups ORDER/ID,...")
    if args.groups is not None and args.max_order is not None:
        raise ValueError("census: give --max-order or --groups, not both")
    if args.chunk != 16:
        raise ValueError("census: --chunk does not apply (a census trains the seeds of a group "
                         "in one program)")
    config, hp = config_from_args(args)
    result = census(Path(args.out), max_order=args.max_order, min_order=args.min_order,
                    ids=args.groups, seeds=args.seeds, key=args.seed, config=config, hparams=hp,
                    force=args.force, figure=not args.no_figure, progress=not args.no_progress)
    return census_exit_status(result)
