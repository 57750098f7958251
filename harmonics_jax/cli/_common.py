"""Helpers shared by the sub-commands: reading a group from a name or a table file."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from .. import FiniteGroup, named_group

GROUP_HELP = ("group name: C<n> (cyclic, order n), D<n> (dihedral, order 2n), S<n>, A<n>, "
              "Q8, Dic<n> (dicyclic, order 4n), products like C2xC4")


def add_group_arguments(parser: argparse.ArgumentParser, *, positional: bool) -> None:
    if positional:
        parser.add_argument("group", nargs="?", help=GROUP_HELP)
    else:
        parser.add_argument("--group", help=GROUP_HELP)
    parser.add_argument("--cayley-table", metavar="FILE",
                        help="a .npy (or whitespace-separated .txt) file holding an (n, n) "
                        "Cayley table; table[g, h] is the label of g·h")


def load_table(path: str) -> np.ndarray:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"--cayley-table: no such file {path!r}")
    try:
        if p.suffix == ".npy":
            return np.load(p, allow_pickle=False)
        return np.loadtxt(p, dtype=float, ndmin=2)
    except Exception as err:  # unreadable file: say which and why, no traceback
        raise ValueError(f"--cayley-table: could not read {path!r} as a table ({err})") from None


def group_from_args(args: argparse.Namespace, default: str | None = None) -> FiniteGroup:
    name = getattr(args, "group", None)
    if name and args.cayley_table:
        raise ValueError("give either a group name or --cayley-table, not both")
    if args.cayley_table:
        table = load_table(args.cayley_table)
        try:
            return FiniteGroup.from_cayley_table(table, name=Path(args.cayley_table).stem)
        except ValueError as err:
            raise ValueError(f"--cayley-table {args.cayley_table}: {err}") from None
    name = name or default
    if not name:
        raise ValueError("name a group (e.g. D4) or pass --cayley-table FILE")
    return named_group(name)
