"""``harmonics irreps``: character table and irreducible representations of a group."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import character_table, irreps
from .._core._progress import progress_to
from ..runner import save_npz_atomic
from ._common import add_group_arguments, group_from_args, out_path

# Groups from this order on print what they are computing (it can take minutes).
PROGRESS_FROM_ORDER = 500


def add_parser(sub) -> None:
    p = sub.add_parser("irreps", help="print the character table and irrep dimensions",
                       description="Compute the irreducible unitary representations of a "
                       "finite group from its Cayley table and print its character table "
                       "(default group: S4).")
    add_group_arguments(p, positional=True)
    p.add_argument("--out", type=out_path, metavar="FILE.npz",
                   help="also save the irreps (rho_0, rho_1, ...) and the character table; "
                   "'.npz' is appended when missing")
    p.add_argument("--no-progress", action="store_true",
                   help=f"print no progress (printed on stderr from order "
                   f"{PROGRESS_FROM_ORDER} on)")
    p.add_argument("--force", action="store_true",
                   help="skip the size guards (estimated memory) and try anyway")
    p.set_defaults(run=run)


class _Printer:
    """Progress lines on stderr: each new phase, and otherwise at most one a second."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.phase = None

    def __call__(self, message: str) -> None:
        now = time.perf_counter()
        phase = message.split(":")[0]
        if phase != self.phase or now - self.last >= 1.0:
            print(f"[{now - self.start:6.1f} s] {message}", file=sys.stderr, flush=True)
            self.phase, self.last = phase, now


def run(args: argparse.Namespace) -> int:
    out = None
    if args.out is not None:
        out = Path(args.out)
        if out.suffix != ".npz":
            out = out.with_name(out.name + ".npz")
    printer = None if args.no_progress else _Printer()
    with progress_to(printer):  # reading and validating a large table file takes seconds
        g = group_from_args(args, default="S4")
    start = time.perf_counter()
    with progress_to(printer if g.order >= PROGRESS_FROM_ORDER else None):
        reps = irreps(g)
        ct = character_table(g)
    elapsed = time.perf_counter() - start
    dims = [r.shape[1] for r in reps]
    print(f"group {g.name}: order {g.order}, {g.num_classes} conjugacy classes, "
          f"{'abelian' if g.is_abelian else 'non-abelian'}")
    print(f"irrep dimensions: {dims}  (sum of squares {sum(d * d for d in dims)} = order)")
    print(f"computed in {elapsed:.3f} s\n")
    print("character table (columns: |class size|:smallest label in the class)")
    print(ct.format())
    if out is not None:
        arrays = {f"rho_{i}": r for i, r in enumerate(reps)}
        save_npz_atomic(out, table=g.table, characters=ct.values, **arrays)
        print(f"\nsaved {len(reps)} irreps to {out}")
    return 0
