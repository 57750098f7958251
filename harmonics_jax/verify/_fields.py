r"""How a verification field is declared: once, as a ``dataclasses.field`` of
:class:`~harmonics_jax.verify.VerificationReport` whose metadata says what it means, what
kind of claim it is, how it is computed or decided, and where it is shown.

Three sorts of field:

* :func:`measured`: a number (or array) computed by a jitted kernel from the network;
* :func:`check`: a verdict ``value <op> tolerance`` on measured fields, decided in NumPy
  after the kernel ran (so changing a tolerance never recompiles);
* :func:`aggregate`: the AND of every verdict of some kinds (``hypotheses_met``,
  ``fourier_recovered``);
* :func:`derived`: a boolean computed in NumPy from the verdicts and measured values by a
  rule (``counterexample``); not a verdict, so it enters no aggregate.

A check with ``given`` is judged by the stability bound (CONVENTIONS "Stability bound"):
each field ``x`` in ``of`` holds when ``x <= tolerance``, or when the verdict ``given``
(``hypotheses_met``) holds and ``x_beyond_bound <= tolerance`` (``x`` without its suffix
``_residual``), ``x_beyond_bound`` being the
largest residual among the blocks whose residual exceeds its proven bound.

Everything else (the :class:`~harmonics_jax.verify.Tolerances` class, the booleans, the
runner's per-network records in ``summary.json`` and the CLI columns) is read back from these
declarations through :func:`dataclasses.fields`.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["Kind", "Tolerance", "Column", "measured", "check", "aggregate", "derived",
           "declared", "make_tolerances"]


class Kind(str, enum.Enum):
    """What a field says about the theorem."""

    HYPOTHESIS = "hypothesis"  # Theorem 10 / Corollary 11 hypotheses; AND → hypotheses_met
    CONCLUSION = "conclusion"  # the conclusions; AND → fourier_recovered
    NECESSARY = "necessary condition"  # implied by the conclusions; AND → fourier_recovered
    THEOREM17 = "Theorem 17"  # the approximate-invariance margins (reported, not a verdict)
    DIAGNOSTIC = "diagnostic"  # numbers that explain a verdict


@dataclasses.dataclass(frozen=True)
class Tolerance:
    """One field of :class:`Tolerances`: its name, default value and meaning."""

    name: str
    default: float
    meaning: str


@dataclasses.dataclass(frozen=True)
class Column:
    """Where a field appears in a sweep's totals and the CLI table.

    ``total``: ``"count"`` (networks for which the verdict holds), ``"count_of_met"`` (the
    same, among the networks that meet the hypotheses) or ``"median"``; ``key``: its name in
    ``summary.json``'s ``totals``; ``position``: column order in the table."""

    header: str
    total: str
    key: str
    position: int
    fmt: str = "{:.1e}"


_OPS: dict[str, Callable[[Any, Any], Any]] = {"<=": operator.le, ">=": operator.ge,
                                              "==": operator.eq}


def _meta(meaning: str, kind: Kind, role: str, summary: bool, column: Column | None,
          **extra) -> dict:
    return dict(meaning=meaning, kind=Kind(kind), role=role, summary=summary, column=column,
                **extra)


def measured(meaning: str, *, kind: Kind, compute: Callable, summary: bool = False,
             column: Column | None = None, verdict: bool = False,
             host: Callable[[np.ndarray], Any] | None = None) -> Any:
    """A field computed in the jitted kernel by ``compute(ctx)`` (``ctx`` holds the network,
    the table, the true irreps and the shared intermediate results).  ``verdict=True`` for a
    boolean that is itself a verdict (it then enters its kind's aggregate); ``host``
    converts one network's value for :func:`~harmonics_jax.verify.verify` (default: a Python
    scalar)."""
    return dataclasses.field(metadata=_meta(meaning, kind, "measured", summary, column,
                                            compute=compute, verdict=verdict, host=host))


def check(meaning: str, *, kind: Kind, of: str | tuple[str, ...], op: str,
          tolerance: Tolerance | None = None, exact: int | float | None = None,
          given: str | None = None, summary: bool = False,
          column: Column | None = None) -> Any:
    """A verdict: every field in ``of`` satisfies ``value <op> threshold``, the threshold being
    the ``tolerance`` (a field of :class:`Tolerances`) or the ``exact`` value.  With ``given``
    (an aggregate's name; ``op`` must be ``"<="``), a field may instead be within its proven
    bound: ``value <= threshold or (given and value_beyond_bound <= threshold)``."""
    if op not in _OPS or (tolerance is None) == (exact is None) or (given and op != "<="):
        raise ValueError(f"check: op {op!r} must be one of {sorted(_OPS)} ('<=' with given), "
                         "and exactly one of tolerance and exact given")
    of = (of,) if isinstance(of, str) else tuple(of)
    return dataclasses.field(metadata=_meta(meaning, kind, "check", summary, column, of=of,
                                            op=op, tolerance=tolerance, exact=exact,
                                            given=given))


def aggregate(meaning: str, *, kinds: tuple[Kind, ...], summary: bool = False,
              column: Column | None = None) -> Any:
    """The AND of every verdict (checks and verdict booleans) of the given kinds."""
    return dataclasses.field(metadata=_meta(meaning, Kind(kinds[0]), "aggregate", summary,
                                            column, kinds=tuple(Kind(k) for k in kinds)))


def derived(meaning: str, *, kind: Kind, rule: Callable[[dict], Any], summary: bool = False,
            column: Column | None = None) -> Any:
    """A boolean ``rule(v)`` of the verdicts and measured values ``v`` (by field name),
    decided after every check and aggregate; not itself a verdict."""
    return dataclasses.field(metadata=_meta(meaning, kind, "derived", summary, column,
                                            rule=rule))


def declared(cls) -> list[dataclasses.Field]:
    """The declared fields of a report class, in declaration order."""
    return [f for f in dataclasses.fields(cls) if "role" in f.metadata]


def is_verdict(f: dataclasses.Field) -> bool:
    m = f.metadata
    return m["role"] == "check" or (m["role"] == "measured" and m["verdict"])


def decide(fields: list[dataclasses.Field], values: dict, tolerances: object, xp=np) -> dict:
    """The checks, aggregates and derived fields, from the measured ``values`` (NumPy or
    jax.numpy arrays).  Order: plain checks; the aggregates they complete (e.g.
    ``hypotheses_met``); the checks ``given`` such an aggregate; the remaining aggregates;
    the derived fields."""
    out: dict = {}

    def judge(f: dataclasses.Field) -> None:
        m = f.metadata
        threshold = m["exact"] if m["tolerance"] is None else getattr(tolerances,
                                                                      m["tolerance"].name)
        ok = None
        for name in m["of"]:
            hit = _OPS[m["op"]](values[name], threshold)
            if m["given"]:
                beyond = values[name.removesuffix("_residual") + "_beyond_bound"]
                hit = hit | (out[m["given"]] & (beyond <= threshold))
            ok = hit if ok is None else ok & hit
        out[f.name] = ok

    def parts(f: dataclasses.Field) -> list:
        return [g for g in fields if is_verdict(g) and g.metadata["kind"] in f.metadata["kinds"]]

    def aggregate_ready() -> None:
        for f in fields:
            if f.metadata["role"] != "aggregate" or f.name in out:
                continue
            ps = parts(f)
            if any(g.metadata["role"] == "check" and g.name not in out for g in ps):
                continue
            vals = [out[g.name] if g.metadata["role"] == "check" else values[g.name] for g in ps]
            ok = vals[0]
            for v in vals[1:]:
                ok = ok & v
            out[f.name] = xp.asarray(ok)

    checks = [f for f in fields if f.metadata["role"] == "check"]
    for f in checks:
        if not f.metadata["given"]:
            judge(f)
    aggregate_ready()
    for f in checks:
        if f.metadata["given"]:
            judge(f)
    aggregate_ready()
    for f in fields:
        if f.metadata["role"] == "derived":
            out[f.name] = xp.asarray(f.metadata["rule"]({**values, **out}))
    return out


def make_tolerances(fields: list[dataclasses.Field], module: str) -> type:
    """The frozen ``Tolerances`` dataclass: one float field per tolerance named by a check."""
    seen: dict[str, Tolerance] = {}
    users: dict[str, list[str]] = {}
    for f in fields:
        t = f.metadata.get("tolerance")
        if t is None:
            continue
        if t.name in seen and seen[t.name] != t:
            raise TypeError(f"tolerance {t.name!r} is declared twice with different values")
        seen[t.name] = t
        op = f.metadata["op"]
        users.setdefault(t.name, []).append(f"{f.name} ({' and '.join(f.metadata['of'])} "
                                            f"{op} it)")
    lines = ["Thresholds of the verification suite, all on scale-free quantities.", "",
             "Generated from the field declarations of VerificationReport: each tolerance,",
             "its default, its meaning and the verdicts that use it.", ""]
    for t in seen.values():
        lines.append(f"  {t.name} = {t.default:g}: {t.meaning}")
        lines.append(f"      used by {', '.join(users[t.name])}.")

    def __post_init__(self):
        for name in seen:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.floating)) \
                    or not (math.isfinite(v) or v == math.inf) or v < 0:
                raise ValueError(f"Tolerances.{name} must be a non-negative number, got {v!r}")

    cls = dataclasses.make_dataclass(
        "Tolerances", [(t.name, float, dataclasses.field(default=t.default))
                       for t in seen.values()],
        frozen=True, namespace={"__post_init__": __post_init__, "__doc__": "\n".join(lines)})
    cls.__module__ = module
    return cls
