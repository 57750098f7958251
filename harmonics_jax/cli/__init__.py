"""The ``harmonics`` command line.

Sub-commands live in small modules of this package; each registers its parser with
``add_parser(subparsers)`` and runs through ``run(args) -> int``.  Every ``--help`` shows the
defaults and the exit status (:data:`EXIT_STATUS`).  Errors the user can act on (bad input,
files and folders, size guards, out of memory; see ``_errors``) become one line on stderr
and exit status 2, never a traceback.  Ctrl-C exits with 130 within a fraction of a second:
run as a program, the process then ends at once (``os._exit``) instead of waiting for a
computation still running in a worker thread; every file is written atomically, so nothing
is left torn.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys

from .._core._memory import size_guards_off
from . import _census_cmd, _irreps_cmd, _reproduce_cmd, _sweep_cmd, _verify_cmd
from ._errors import explain

_COMMANDS = [_verify_cmd, _sweep_cmd, _census_cmd, _reproduce_cmd, _irreps_cmd]

EXIT_STATUS = """\
exit status:
  0    success: every network that met the hypotheses met every conclusion
  1    some network met the hypotheses and missed a conclusion (a counterexample
       to the theorem, or a verification tolerance that is too tight)
  2    bad input: arguments, files, an output folder that fails its checks, or a
       computation too large for this machine (see --force)
  130  interrupted (Ctrl-C); finished chunks are kept, --resume continues"""


class _HelpFormatter(argparse.HelpFormatter):
    """Shows every default ("(default: 64)") except None and False (flags that are off),
    and keeps the layout of the exit-status epilog."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text == EXIT_STATUS:
            return text
        return super()._fill_text(text, width, indent)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "%(default)" in text or any(action.default is v
                                       for v in (None, False, argparse.SUPPRESS)):
            return text
        if action.option_strings or action.nargs in (argparse.OPTIONAL, argparse.ZERO_OR_MORE):
            return text + " (default: %(default)s)"
        return text


def _version() -> str:
    import jax
    import numpy

    from .. import __version__

    return (f"harmonics_jax {__version__} (jax {jax.__version__}, numpy {numpy.__version__}, "
            f"Python {sys.version.split()[0]})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harmonics", formatter_class=_HelpFormatter, epilog=EXIT_STATUS,
        description="Verify that invariant networks learn the Fourier transform of a finite "
        "group (Marchetti et al., Harmonics of Learning, COLT 2024).",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _COMMANDS:
        module.add_parser(sub)
    for p in sub.choices.values():
        p.formatter_class = _HelpFormatter
        p.epilog = EXIT_STATUS
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line (``argv`` defaults to ``sys.argv[1:]``); returns the exit status.
    Called without ``argv`` (as the ``harmonics`` program), an interrupt ends the process."""
    as_program = argv is None
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    args = build_parser().parse_args(argv)
    args.command_line = shlex.join(["harmonics", *argv])
    try:
        force = getattr(args, "force", False)
        with size_guards_off() if force else contextlib.nullcontext():
            return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print(f"harmonics {args.command}: interrupted", file=sys.stderr)
        if as_program:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
        return 130
    except Exception as err:
        message = explain(err)
        if message is None:
            raise
        print(f"harmonics {args.command}: error: {message}", file=sys.stderr)
        return 2
