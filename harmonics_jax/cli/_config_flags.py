"""Command-line flags generated from :class:`~harmonics_jax.training.TrainConfig`'s fields.

Every field becomes ``--field-name`` (underscores as dashes), typed from the field's
annotation, with the field's default shown in ``--help``; fields with a fixed set of values
(``TrainConfig.CHOICES``) become ``choices``, booleans ``--x/--no-x``, and fields that may be
``None`` (chosen automatically) also accept ``auto``.  A field the command already sets with
a flag of its own (``--steps``, ``--batch``, ``--constraint``, ``--blocks``) is skipped, so a
new TrainConfig field reaches ``harmonics sweep``/``verify`` without editing the commands.
The values are checked by ``TrainConfig`` itself, and its errors are reported with the flag.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing

from ..training import TrainConfig

__all__ = ["add_config_flags", "config_overrides", "config_from_flags"]

# Fields with a hand-written flag of their own in _sweep_cmd (block_dims is per group: --blocks).
_OWN_FLAGS = {"steps": "--steps", "batch_size": "--batch", "constraint": "--constraint",
              "block_dims": "--blocks"}
_DEST = "config_{}"


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _scalar(kind: type, optional: bool):
    """The argparse ``type`` of a scalar field (``auto`` is None where the field allows it)."""
    def parse(text: str):
        if optional and text.strip().lower() in ("auto", "none"):
            return None
        try:
            return kind(text)
        except ValueError:
            extra = " or 'auto'" if optional else ""
            raise argparse.ArgumentTypeError(
                f"expected {'an integer' if kind is int else 'a number'}{extra}, "
                f"got {text!r}") from None
    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def _fields() -> list[tuple[dataclasses.Field, type, bool]]:
    """(field, scalar type, may be None) of every field that gets a generated flag."""
    hints = typing.get_type_hints(TrainConfig)
    out = []
    for f in dataclasses.fields(TrainConfig):
        if f.name in _OWN_FLAGS:
            continue
        hint = hints[f.name]
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) != 1 or kinds[0] not in (bool, int, float, str):
            raise TypeError(f"TrainConfig.{f.name}: no command-line flag for type {hint}; "
                            f"add it to _OWN_FLAGS with a flag of its own")
        out.append((f, kinds[0], len(kinds) < len(args)))
    return out


def add_config_flags(p: argparse.ArgumentParser) -> None:
    """Add one flag per :class:`TrainConfig` field not set by a flag of its own."""
    group = p.add_argument_group(
        "training recipe (every TrainConfig field; see help(harmonics_jax.training.TrainConfig))")
    for f, kind, optional in _fields():
        flag, dest, default = _flag(f.name), _DEST.format(f.name), f.default
        # "%(default)" in the help keeps argparse.ArgumentDefaultsHelpFormatter from adding a
        # second "(default: None)"; ".0s" prints nothing, "auto" stands for None.
        shown = "auto%(default).0s" if default is None else "%(default)s"
        if kind is bool:
            group.add_argument(flag, dest=dest, action=argparse.BooleanOptionalAction,
                               default=default, help=f"TrainConfig.{f.name} (default: {shown})")
        elif f.name in TrainConfig.CHOICES:
            auto = "; unset, it is chosen from the group's order" if optional else ""
            group.add_argument(flag, dest=dest, choices=TrainConfig.CHOICES[f.name],
                               default=default,
                               help=f"TrainConfig.{f.name} (default: {shown}{auto})")
        else:
            auto = "; 'auto' chooses it from --steps" if optional else ""
            group.add_argument(flag, dest=dest, type=_scalar(kind, optional),
                               default=default, metavar=kind.__name__.upper(),
                               help=f"TrainConfig.{f.name} (default: {shown}{auto})")


def config_overrides(args: argparse.Namespace) -> dict:
    """The generated flags' values as ``TrainConfig`` keyword arguments."""
    return {f.name: getattr(args, _DEST.format(f.name)) for f, _, _ in _fields()}


def config_from_flags(**kwargs) -> TrainConfig:
    """``TrainConfig(**kwargs)``, its ValueErrors naming the flag rather than the field."""
    try:
        return TrainConfig(**kwargs)
    except ValueError as err:
        msg = str(err)
        for name in kwargs:
            flag = _OWN_FLAGS.get(name, _flag(name))
            msg = msg.replace(f"TrainConfig.{name} ", f"TrainConfig.{name} ({flag}) ")
        raise ValueError(msg) from None
