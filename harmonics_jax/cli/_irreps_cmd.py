"""``harmonics irreps``: character table and irreducible representations of a group."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from .. import character_table, irreps
from ._common import add_group_arguments, group_from_args


def add_parser(sub) -> None:
    p = sub.add_parser("irreps", help="print the character table and irrep dimensions",
                       description="Compute the irreducible unitary representations of a "
                       "finite group from its Cayley table and print its character table.")
    add_group_arguments(p, positional=True)
    p.add_argument("--out", metavar="FILE.npz",
                   help="also save the irreps (rho_0, rho_1, ...) and the character table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    g = group_from_args(args, default="S4")
    start = time.perf_counter()
    reps = irreps(g)
    elapsed = time.perf_counter() - start
    ct = character_table(g)
    dims = [r.shape[1] for r in reps]
    print(f"group {g.name}: order {g.order}, {g.num_classes} conjugacy classes, "
          f"{'abelian' if g.is_abelian else 'non-abelian'}")
    print(f"irrep dimensions: {dims}  (sum of squares {sum(d * d for d in dims)} = order)")
    print(f"computed in {elapsed:.3f} s\n")
    print("character table (columns: |class size|:smallest label in the class)")
    print(ct.format())
    if args.out:
        path = Path(args.out)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {f"rho_{i}": r for i, r in enumerate(reps)}
        np.savez(path, table=g.table, characters=ct.values, **arrays)
        print(f"\nsaved {len(reps)} irreps to {path}")
    return 0
