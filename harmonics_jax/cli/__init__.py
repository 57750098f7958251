"""The ``harmonics`` command line.

Sub-commands live in small modules of this package; each registers its parser with
``add_parser(subparsers)`` and runs through ``run(args) -> int``.  Library errors
(``ValueError``/``TypeError`` raised on bad input) become one clear line on stderr and
exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from . import _census_cmd, _irreps_cmd, _reproduce_cmd, _sweep_cmd, _verify_cmd

_COMMANDS = [_verify_cmd, _sweep_cmd, _census_cmd, _reproduce_cmd, _irreps_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harmonics",
        description="Verify that invariant networks learn the Fourier transform of a finite "
        "group (Marchetti et al., Harmonics of Learning, COLT 2024).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (ValueError, TypeError, FileNotFoundError) as err:
        print(f"harmonics {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"harmonics {args.command}: interrupted", file=sys.stderr)
        return 130
