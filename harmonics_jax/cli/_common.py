"""Helpers shared by the sub-commands: reading a group from a name or a table file, and
strict parsers for numbers and lists on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from .. import FiniteGroup, named_group
from .._core._memory import require_memory
from .._core._progress import report_progress

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
            entries = int(np.prod(np.load(p, mmap_mode="r", allow_pickle=False).shape))
        else:
            entries = p.stat().st_size // 2  # at least one digit and one separator each
        # the table and the int64 temporaries of its validation (sorted copies, masks)
        require_memory(64 * entries, f"reading and validating the table in {path}")
        if p.suffix == ".npy":
            return np.load(p, allow_pickle=False)
        return np.loadtxt(p, dtype=float, ndmin=2)
    except MemoryError:
        raise
    except Exception as err:  # unreadable file: say which and why, no traceback
        raise ValueError(f"--cayley-table: could not read {path!r} as a table ({err})") from None


def group_from_args(args: argparse.Namespace, default: str | None = None) -> FiniteGroup:
    name = getattr(args, "group", None)
    if name and args.cayley_table:
        raise ValueError("give either a group name or --cayley-table, not both")
    if args.cayley_table:
        table = load_table(args.cayley_table)
        if table.shape[0] >= 500:
            report_progress(f"validating the {table.shape[0]} × {table.shape[0]} table in "
                            f"{args.cayley_table}")
        try:
            return FiniteGroup.from_cayley_table(table, name=Path(args.cayley_table).stem)
        except ValueError as err:
            raise ValueError(f"--cayley-table {args.cayley_table}: {err}") from None
    if name is not None and not name.strip():
        raise ValueError("the group name is empty; name a group (e.g. D4) or pass "
                         "--cayley-table FILE")
    name = name or default
    if not name:
        raise ValueError("name a group (e.g. D4) or pass --cayley-table FILE")
    return named_group(name)


def _items(text: str, what: str) -> list[str]:
    items = [v.strip() for v in text.split(",")]
    if not text.strip() or any(not v for v in items):
        raise argparse.ArgumentTypeError(f"expected comma-separated {what} with no empty "
                                         f"entries, got {text!r}")
    return items


def _parsed(text: str, convert, what: str) -> list:
    items = _items(text, what)
    try:
        return [convert(v) for v in items]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated {what}, got {text!r}")


def floats(text: str) -> list[float]:
    """``'0.1,0.3'`` → [0.1, 0.3]; an empty entry (``'0,,1'``) is an error, not skipped."""
    return _parsed(text, float, "numbers")


def ints(text: str) -> list[int]:
    return _parsed(text, int, "integers")


def names(text: str) -> list[str]:
    """A comma list of distinct, non-empty names."""
    items = _items(text, "names")
    seen = set()
    for v in items:
        if v in seen:
            raise argparse.ArgumentTypeError(f"{v!r} is listed twice in {text!r}")
        seen.add(v)
    return items


def bounded_int(low: int, high: int | None = None):
    """An argparse type: an integer in [low, high]."""
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if v < low or (high is not None and v > high):
            span = f"at least {low}" if high is None else f"between {low} and {high}"
            raise argparse.ArgumentTypeError(f"expected an integer {span}, got {v}")
        return v

    parse.__name__ = "integer"
    return parse


def out_path(text: str) -> str:
    """An output path that is not empty (an empty one would mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the path is empty; name an output folder or file")
    return text
