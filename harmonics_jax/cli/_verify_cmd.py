"""``harmonics verify``: the main job — sweeps over a default set of groups, one table."""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

from .. import named_group
from ..runner import run_sweep, write_bytes_atomic, write_json_atomic
from ._common import names, out_path
from ._report import exit_status, format_rows, sweep_rows
from ._sweep_cmd import add_resume_arguments, add_training_arguments, config_from_args

DEFAULT_GROUPS = ("C6", "C2xC2xC2", "S3", "D4", "Q8", "D5", "A4", "Dic3", "C2xC6", "S4")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "verify", help="the main job: train and verify networks on a default set of groups",
        description="For each group, train --seeds power-spectral networks and check every "
        "conclusion of the theorem on each network that meets its hypotheses. Writes "
        "OUT/<group>/summary.json per group and OUT/results.md + OUT/results.json.")
    p.add_argument("--groups", type=names, default=",".join(DEFAULT_GROUPS),
                   help="comma-separated group names, each once")
    add_training_arguments(p)
    p.set_defaults(seeds=16)
    p.add_argument("--out", type=out_path, default="runs/verify", metavar="DIR",
                   help="output folder")
    add_resume_arguments(p, "the sweeps already in OUT")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    groups = [named_group(s) for s in args.groups]  # fail fast on a bad name, before training
    config, hp = config_from_args(args)
    out = Path(args.out)
    rows, totals, start = [], [], time.perf_counter()
    print(f"harmonics verify: {len(groups)} groups × {args.seeds} seeds, {config.steps} steps "
          f"each (D<n> has order 2n, Dic<n> order 4n); results in {out}/")
    for name, g in zip(args.groups, groups):
        summary = run_sweep(g, out / name, config=config, hparams=hp, num_seeds=args.seeds,
                            chunk_size=args.chunk, seed=args.seed, resume=args.resume,
                            repair=args.repair, progress=not args.no_progress,
                            force=args.force, command=args.command_line)
        rows.extend(sweep_rows(summary))
        totals.extend(summary["totals"])
    elapsed = time.perf_counter() - start
    table = format_rows(rows)
    print("\n" + table)
    print(f"\n{elapsed:.0f} s in all. 'all conclusions (of met)': of the networks meeting the "
          "hypotheses, how many have irreps equivalent to G's, each once, the Fourier span, "
          "and the exact Cayley table.")
    write_json_atomic(out / "results.json", {"rows": rows, "seconds": elapsed,
                                             "config": dataclasses.asdict(config),
                                             "seeds": args.seeds,
                                             "command": args.command_line})
    write_bytes_atomic(out / "results.md", (format_rows(rows, markdown=True) + "\n").encode())
    return exit_status(totals)
