r"""The specification of a sweep: everything that determines its numbers, saved as
``spec.json`` and compared field by field when a sweep is resumed.

Canonical form.  A :class:`SweepSpec` holds exactly what its JSON file holds, read back:
every list is a tuple, every float the float that JSON round-trips (Python writes floats
with ``repr``, which reads back exactly), ``None`` stays ``None`` and nested dicts stay
dicts.  So ``SweepSpec.from_json(json.loads(json.dumps(s.to_json()))) == s`` for every
spec, and a spec rebuilt from the same arguments compares equal to the saved one.

``spec.json`` = ``{"format": …, "digest": "sha256:…", "spec": {…}, "environment": {…}}``;
the digest (SHA-256 of the spec's canonical JSON) is what every chunk file carries to say
which sweep it belongs to.  ``environment`` (versions, devices, date, command line) is a
record, not part of the identity.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np

from ._store import _jsonable, read_json

__all__ = ["SweepSpec", "SPEC_FORMAT", "read_spec_file", "describe_differences",
           "table_digest"]

SPEC_FORMAT = "harmonics_jax sweep spec 2"


def _freeze(obj):
    """JSON value → canonical Python value (lists become tuples, recursively)."""
    if isinstance(obj, dict):
        return {k: _freeze(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return tuple(_freeze(v) for v in obj)
    return obj


def canonical(obj):
    """What ``obj`` reads back as after a trip through strict JSON (lists → tuples)."""
    return _freeze(json.loads(json.dumps(_jsonable(obj), allow_nan=False)))


def canonical_json(obj) -> str:
    return json.dumps(_jsonable(obj), sort_keys=True, separators=(",", ":"), allow_nan=False)


def table_digest(table) -> str:
    """SHA-256 of a Cayley table's shape and int64 entries."""
    t = np.ascontiguousarray(np.asarray(table, dtype="<i8"))
    return "sha256:" + hashlib.sha256(repr(t.shape).encode() + t.tobytes()).hexdigest()


@dataclasses.dataclass(frozen=True, eq=True)
class SweepSpec:
    """Everything that determines a sweep's numbers (saved as ``spec.json``).

    ``config`` is ``dataclasses.asdict(TrainConfig)``, ``hparams`` maps each
    hyper-parameter to its values along the sweep's hyper-parameter axis, ``tolerances`` is
    ``dataclasses.asdict(Tolerances)`` (the verdicts in every chunk were judged with them).
    Build with :meth:`create` (which canonicalises) or :meth:`from_json`.
    """

    group_name: str
    table: tuple[tuple[int, ...], ...]
    block_dims: tuple[int, ...]
    config: dict
    hparams: dict
    num_seeds: int
    chunk_size: int
    seed: int
    tolerances: dict

    @classmethod
    def create(cls, **fields) -> SweepSpec:
        return cls(**{k: canonical(v) for k, v in fields.items()})

    def to_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def from_json(cls, d: object) -> SweepSpec:
        """Rebuild a spec from parsed JSON; ``ValueError`` naming any missing, unknown or
        ill-typed field."""
        if not isinstance(d, dict):
            raise ValueError(f"expected a JSON object of spec fields, got {type(d).__name__}")
        names = [f.name for f in dataclasses.fields(cls)]
        missing = [k for k in names if k not in d]
        unknown = [k for k in d if k not in names]
        if missing or unknown:
            raise ValueError("spec fields do not match this version of harmonics_jax ("
                             + "; ".join(([f"missing {missing}"] if missing else [])
                                         + ([f"unknown {unknown}"] if unknown else [])) + ")")
        spec = cls(**{k: _freeze(d[k]) for k in names})
        spec._check_types()
        return spec

    def _check_types(self) -> None:
        def ints(x):
            return isinstance(x, tuple) and all(type(v) is int for v in x)

        problems = []
        if not isinstance(self.group_name, str):
            problems.append("group_name is not a string")
        n = len(self.table) if isinstance(self.table, tuple) else -1
        if n < 1 or not all(ints(r) and len(r) == n for r in self.table):
            problems.append("table is not a square table of integers")
        if not ints(self.block_dims) or sum(d * d for d in self.block_dims) != n:
            problems.append("block_dims are not integers whose squares sum to the order")
        for name in ("config", "hparams", "tolerances"):
            if not isinstance(getattr(self, name), dict):
                problems.append(f"{name} is not an object")
        if isinstance(self.hparams, dict):
            lengths = {len(v) if isinstance(v, tuple) else -1 for v in self.hparams.values()}
            if not self.hparams or len(lengths) != 1 or -1 in lengths or 0 in lengths:
                problems.append("hparams are not lists of one common length")
        for name in ("num_seeds", "chunk_size", "seed"):
            if type(getattr(self, name)) is not int:
                problems.append(f"{name} is not an integer")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def order(self) -> int:
        return len(self.table)

    @property
    def num_settings(self) -> int:
        """Length H of the hyper-parameter axis."""
        return len(next(iter(self.hparams.values())))

    @property
    def num_chunks(self) -> int:
        return -(-self.num_seeds // self.chunk_size)

    def chunk_seeds(self, index: int) -> tuple[int, int]:
        """Seeds ``[start, stop)`` of chunk ``index`` (the last chunk may be short)."""
        start = index * self.chunk_size
        return start, min(start + self.chunk_size, self.num_seeds)

    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(canonical_json(self.to_json()).encode()).hexdigest()

    def file_contents(self, environment: dict) -> dict:
        return {"format": SPEC_FORMAT, "digest": self.digest(), "spec": self.to_json(),
                "environment": environment}


def read_spec_file(path: Path) -> SweepSpec:
    """Read ``spec.json``; anything that is not a spec of this format is a ``ValueError``
    naming the file and what is wrong with it."""
    try:
        data = read_json(path)
    except ValueError as err:
        raise ValueError(f"{err}; it is not a sweep spec. Move it away (or choose another "
                         "output folder)") from None
    if not isinstance(data, dict) or data.get("format") != SPEC_FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise ValueError(
            f"{path}: not a sweep spec of format {SPEC_FORMAT!r} (found "
            f"{found!r}); a folder made by an older harmonics_jax has chunks that carry no "
            "identification and cannot be checked: run the sweep into a new folder")
    try:
        spec = SweepSpec.from_json(data.get("spec"))
    except ValueError as err:
        raise ValueError(f"{path}: not a valid sweep spec ({err})") from None
    if data.get("digest") != spec.digest():
        raise ValueError(f"{path}: its digest {data.get('digest')!r} does not match its "
                         f"contents ({spec.digest()}): the file was edited by hand or damaged")
    return spec


def _flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _short(key: str, value) -> str:
    if key == "table" and isinstance(value, tuple):
        return f"a {len(value)}×{len(value)} table ({table_digest(value)[7:19]}…)"
    text = repr(list(value) if isinstance(value, tuple) else value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_differences(old: SweepSpec, new: SweepSpec) -> list[str]:
    """``'field: old → new'`` for every field (dotted for nested ones) that differs."""
    a, b = _flatten(old.to_json()), _flatten(new.to_json())
    lines = []
    for key in [*a, *(k for k in b if k not in a)]:
        if a.get(key, "<absent>") != b.get(key, "<absent>"):
            lines.append(f"{key}: {_short(key, a.get(key, '<absent>'))} → "
                         f"{_short(key, b.get(key, '<absent>'))}")
    return lines
