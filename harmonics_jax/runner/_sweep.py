r"""Resumable, chunked seed sweeps written to a folder: train → verify → save, chunk by chunk.

Layout of ``out_dir``::

    spec.json                the sweep's full specification (group table, recipe, seeds)
    chunks/chunk_00000.npz   weights F and every verification number of one chunk of seeds
    summary.json             one record per network in ``runs`` plus per-sweep totals

Seeds are trained in chunks of ``chunk_size`` (every chunk has the same shape, so the
training program compiles once).  After each chunk the chunk file and ``summary.json`` are
written atomically; an interrupted sweep (Ctrl-C, a killed process) keeps every finished
chunk, and ``resume=True`` continues where it stopped.  Seed s of a sweep always uses the
key ``fold_in(key(seed), s)``, so the numbers do not depend on the chunk size, on
resuming, or on the number of devices (of the same kind).
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import jax
import numpy as np

from .._group import FiniteGroup
from ..training import Hyperparams, TrainConfig, resolve_block_dims, sweep
from ..verify import Tolerances, VerificationReport, verify_batched
from ._store import read_json, save_npz_atomic, write_json_atomic

__all__ = ["SweepSpec", "run_sweep", "RUN_FIELDS"]

# Per-network fields copied from the VerificationReport into summary.json (declared there).
RUN_FIELDS = VerificationReport.summary_fields()


@dataclasses.dataclass(frozen=True)
class SweepSpec:
    """Everything that determines a sweep's numbers (saved as ``spec.json``)."""

    group_name: str
    table: tuple[tuple[int, ...], ...]
    block_dims: tuple[int, ...]
    config: dict
    hparams: dict  # name -> list of H values (the hyper-parameter axis)
    num_seeds: int
    chunk_size: int
    seed: int

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> SweepSpec:
        d = dict(d)
        d["table"] = tuple(tuple(r) for r in d["table"])
        d["block_dims"] = tuple(d["block_dims"])
        return cls(**d)


def _hparam_axis(hparams: Hyperparams) -> dict[str, list[float]]:
    arrs = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in hparams._asdict().items()}
    size = max(a.shape[0] for a in arrs.values())
    for k, a in arrs.items():
        if a.ndim != 1 or a.shape[0] not in (1, size):
            raise ValueError(f"hparams.{k}: expected a scalar or {size} values, got shape "
                             f"{a.shape}")
    return {k: np.broadcast_to(a, (size,)).tolist() for k, a in arrs.items()}


def _chunk_name(index: int) -> str:
    """The chunk file, relative to the sweep folder (as recorded in summary.json)."""
    return f"chunks/chunk_{index:05d}.npz"


def _chunk_path(out: Path, index: int) -> Path:
    return out / _chunk_name(index)


def _train_and_verify(group, spec: SweepSpec, config: TrainConfig, seeds: np.ndarray,
                      tolerances: Tolerances) -> dict[str, np.ndarray]:
    hp = Hyperparams(**{k: np.asarray(v) for k, v in spec.hparams.items()})
    result = sweep(jax.random.key(spec.seed), group, config, hparams=hp, seed_ids=seeds)
    report = verify_batched(result.weights, group, tolerances=tolerances)  # (H, S) networks
    arrays = {k: np.asarray(getattr(report, k)) for k in RUN_FIELDS}
    arrays["final_loss"] = np.asarray(result.final_loss)
    arrays["F"] = np.asarray(result.weights.F)  # (H, S, n, n)
    arrays["seeds"] = seeds
    return arrays


def _records(arrays: dict[str, np.ndarray], spec: SweepSpec, chunk: int) -> list[dict]:
    missing = [k for k in (*RUN_FIELDS, "final_loss") if k not in arrays]
    if missing:
        raise ValueError(f"{_chunk_name(chunk)} lacks the fields {missing}: it was written by "
                         "an older harmonics_jax; continue in a new output folder")
    h, s = arrays["F"].shape[:2]
    out = []
    for i in range(h):
        for j in range(s):
            rec: dict[str, Any] = {"seed": int(arrays["seeds"][j]), "hparam_index": i}
            rec.update({k: spec.hparams[k][i] for k in spec.hparams})
            rec.update({k: arrays[k][i, j].item() for k in (*RUN_FIELDS, "final_loss")})
            rec["weights"] = _chunk_name(chunk)
            out.append(rec)
    return out


def _totals(rs: list[dict]) -> dict:
    """Per-setting totals of the declared columns (VerificationReport.columns())."""
    met = [r for r in rs if r["hypotheses_met"]]
    out: dict[str, Any] = {"networks": len(rs)}
    for name, col in VerificationReport.columns():
        if col.total == "count":
            out[col.key] = sum(bool(r[name]) for r in rs)
        elif col.total == "count_of_met":
            out[col.key] = sum(bool(r[name]) for r in met)
        else:
            out[col.key] = _median([r[name] for r in rs])
    return out


def _summarise(spec: SweepSpec, runs: list[dict], elapsed: float, complete: bool) -> dict:
    by_h = []
    for i in range(len(next(iter(spec.hparams.values())))):
        rs = [r for r in runs if r["hparam_index"] == i]
        by_h.append({**{k: spec.hparams[k][i] for k in spec.hparams}, **_totals(rs)})
    return {
        "group": spec.group_name, "order": len(spec.table), "block_dims": spec.block_dims,
        "num_seeds": spec.num_seeds, "complete": complete, "seconds": round(elapsed, 3),
        "config": spec.config, "totals": by_h, "runs": runs,
    }


def run_sweep(group: FiniteGroup, out_dir: str | Path, *, config: TrainConfig = TrainConfig(),
              hparams: Hyperparams = Hyperparams(), num_seeds: int = 64, chunk_size: int = 16,
              seed: int = 0, resume: bool = False, tolerances: Tolerances = Tolerances(),
              progress: bool = True) -> dict:
    """Train and verify ``num_seeds`` networks per hyper-parameter value, in chunks, into
    ``out_dir`` (see the module docstring).  Returns the summary (also ``summary.json``).

    Raises ``ValueError`` if ``out_dir`` already holds a different sweep, or holds this one
    and ``resume`` is False.
    """
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"run_sweep: group must be a FiniteGroup, got {type(group).__name__}")
    for name, v in (("num_seeds", num_seeds), ("chunk_size", chunk_size)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"run_sweep: {name} must be a positive integer, got {v!r}")
    chunk_size = min(chunk_size, num_seeds)
    out = Path(out_dir)
    spec = SweepSpec(
        group_name=group.name, table=tuple(map(tuple, np.asarray(group.table).tolist())),
        block_dims=resolve_block_dims(group, config),
        config=dataclasses.asdict(config.resolved()), hparams=_hparam_axis(hparams),
        num_seeds=int(num_seeds), chunk_size=int(chunk_size), seed=int(seed),
    )
    spec_file = out / "spec.json"
    if spec_file.exists():
        old = SweepSpec.from_json(read_json(spec_file))
        if old != spec:
            raise ValueError(f"{out} already holds a different sweep (see {spec_file}); "
                             "choose another output folder or delete it")
        if not resume:
            raise ValueError(f"{out} already holds this sweep; pass --resume (resume=True) "
                             "to continue it, or choose another output folder")
    else:
        write_json_atomic(spec_file, spec.to_json())

    num_chunks = -(-num_seeds // chunk_size)
    runs: list[dict] = []
    done = []
    for c in range(num_chunks):
        path = _chunk_path(out, c)
        if path.exists():
            with np.load(path) as z:
                arrays = {k: z[k] for k in z.files}
            runs.extend(_records(arrays, spec, c))
            done.append(c)
    todo = [c for c in range(num_chunks) if c not in done]
    bar = _progress(progress, total=num_seeds, initial=min(num_seeds, len(done) * chunk_size),
                    desc=f"{group.name} (order {group.order})")
    start = time.perf_counter()
    previous = 0.0
    if (out / "summary.json").exists():
        previous = float(read_json(out / "summary.json").get("seconds", 0.0))
    try:
        for c in todo:
            # every chunk has chunk_size seeds (the last one padded) -> one compilation
            seeds = np.arange(c * chunk_size, (c + 1) * chunk_size)
            arrays = _train_and_verify(group, spec, config, seeds, tolerances)
            keep = seeds < num_seeds
            arrays = {k: v[keep] if k == "seeds" else v[:, keep] for k, v in arrays.items()}
            save_npz_atomic(_chunk_path(out, c), **arrays)
            runs.extend(_records(arrays, spec, c))
            elapsed = previous + time.perf_counter() - start
            write_json_atomic(out / "summary.json",
                              _summarise(spec, _sorted(runs), elapsed, complete=False))
            if bar is not None:
                bar.update(int(keep.sum()))
    finally:
        if bar is not None:
            bar.close()
    summary = _summarise(spec, _sorted(runs), previous + time.perf_counter() - start,
                         complete=True)
    write_json_atomic(out / "summary.json", summary)
    return summary


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else float("nan")


def _sorted(runs: list[dict]) -> list[dict]:
    return sorted(runs, key=lambda r: (r["hparam_index"], r["seed"]))


def _progress(enabled: bool, **kw):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(unit="net", **kw)
