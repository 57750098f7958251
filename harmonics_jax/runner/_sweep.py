r"""Resumable, chunked seed sweeps written to a folder: train → verify → save, chunk by chunk.

Layout of ``out_dir``::

    spec.json                the sweep's full specification (group table, recipe,
                             hyper-parameters, seeds, chunking, tolerances) and its digest
    chunks/chunk_00000.npz   weights F, every verification number and the per-network
                             training curves (``curve_<name>``, one value per log window)
                             of one chunk of seeds, with a record saying which sweep and
                             seeds it holds
    summary.json             one record per network in ``runs`` plus per-setting totals
    rejected/                chunk files moved aside by ``repair=True``, and why (log.txt)

Seeds are trained in chunks of ``chunk_size`` (every chunk has the same shape, so the
training program compiles once).  After each chunk the chunk file and ``summary.json`` are
written atomically; an interrupted sweep (Ctrl-C, a killed process) keeps every finished
chunk, and ``resume=True`` continues where it stopped.

What is checked (nothing is believed unchecked):

* ``spec.json`` is written only after every argument has been validated; on resume it must
  equal the new spec field by field (the error names each differing field, old → new);
  a folder with chunks or a summary but no ``spec.json`` is refused.
* every chunk file is read in full and checked against the spec (see ``_integrity``): a
  corrupt file, a file from another sweep, a file moved to another index or edited after
  writing is named with the reason.  By default the sweep then refuses and changes
  nothing; ``repair=True`` moves those files to ``rejected/`` and recomputes them.
* one run writes a folder at a time (an advisory lock on the folder); temporaries that
  a killed run left behind are deleted on the next run.

Several processes (``jax.distributed.initialize`` called first, ``jax.process_count() = P``,
the same ``run_sweep`` call on every process, ``out_dir`` one folder they all see): chunk
``c`` belongs to process ``c mod P``, which trains it on its own devices
(``jax.local_devices()``) and writes its file; chunk files never collide.  Process 0 takes the
lock, checks (or writes) ``spec.json`` and the chunks already there before anyone trains, and
writes ``summary.json`` (while it works: of the chunks it knows; at the end, after a barrier:
of every chunk file, each checked again).  A refusal on any process stops every process.
Seed ``s`` trains from the same key whatever the number of processes, so the numbers equal a
one-process run's (``tests/test_distributed.py``); a resumed run continues whatever finished.

Seed s of a sweep always uses the key ``fold_in(key(seed), s)``, and verification runs in
blocks of a fixed number of networks (:data:`VERIFY_BLOCK`, padded), so neither the weights
nor any verification number depends on the chunk size or on resuming: bitwise, as
``tests/test_runner.py`` checks for chunks of 4 and 3 (XLA does not promise it in general:
before verification ran in fixed blocks, the verification numbers of the same weights
moved at float32 round-off between chunk sizes, because XLA's vectorised code depends on
the batch size; the test would catch a change).
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import time
from pathlib import Path
from typing import Any

import jax
import numpy as np

from .._group import FiniteGroup
from .._core._interrupt import interruptible
from .._core._memory import size_guards_off
from ..models import SpectralWeights
from ..training import Hyperparams, TrainConfig, check_hyperparams, resolve_block_dims, sweep
from ..verify import Tolerances, VerificationReport, verify_batched
from ._folder import check_chunk_files, check_out_dir, list_chunk_files, move_aside, \
    writer_lock
from ._guards import VERIFY_BLOCK, check_feasible
from ._integrity import CHUNK_FILE, chunk_file_name, chunk_record, write_chunk
from ._meta import environment, software
from ._processes import barrier, process_zero_first, rank_and_count
from ._spec import SweepSpec, describe_differences, read_spec_file
from ._store import remove_stale_temporaries, write_json_atomic

__all__ = ["SweepSpec", "run_sweep", "RUN_FIELDS", "VERIFY_BLOCK", "CURVE_PREFIX", "CURVE_NAMES"]

# Per-network fields copied from the VerificationReport into summary.json (declared there).
RUN_FIELDS = VerificationReport.summary_fields()

# Chunk arrays named CURVE_PREFIX + name are per-network curves of shape (H, S, T), one value
# per log window (window k ends at step (k+1)·log_every); figures draw whichever are present.
CURVE_PREFIX = "curve_"
#: The training history's curves a chunk keeps (``TrainHistory`` fields; the snapshots of F
#: are not kept: (rounds + 1)·n² numbers per network).
CURVE_NAMES = ("loss", "invariance_defect", "unitarity_defect", "learning_rate")

_OWN_FILES = re.compile(r"spec\.json|summary\.json")


def _hparam_axis(hparams: Hyperparams) -> dict[str, list[float]]:
    if not isinstance(hparams, Hyperparams):
        raise TypeError(f"run_sweep: hparams must be a Hyperparams, got "
                        f"{type(hparams).__name__}")
    try:
        arrs = {k: np.atleast_1d(np.asarray(v, dtype=float))
                for k, v in hparams._asdict().items()}
    except (TypeError, ValueError) as err:
        raise ValueError(f"run_sweep: hparams must hold numbers ({err})") from None
    size = max(a.shape[0] for a in arrs.values())
    for k, a in arrs.items():
        if a.ndim != 1 or a.shape[0] not in (1, size):
            raise ValueError(f"hparams.{k}: expected a scalar or {size} values, got shape "
                             f"{a.shape}")
    axis = {k: np.broadcast_to(a, (size,)) for k, a in arrs.items()}
    check_hyperparams(Hyperparams(**axis), batched=True)  # finite, positive lr, ...
    return {k: a.tolist() for k, a in axis.items()}


def _chunk_name(index: int) -> str:
    """The chunk file, relative to the sweep folder (as recorded in summary.json)."""
    return f"chunks/{chunk_file_name(index)}"


def _chunk_path(out: Path, index: int) -> Path:
    return out / _chunk_name(index)


def _verify_in_blocks(weights: SpectralWeights, group: FiniteGroup,
                      tolerances: Tolerances) -> dict[str, np.ndarray]:
    """The RUN_FIELDS of networks with batch axes (H, S), verified in blocks of VERIFY_BLOCK
    networks (padded; one compilation, numbers independent of the chunk size)."""
    F = np.asarray(weights.F)
    batch = F.shape[:-2]
    F = F.reshape(-1, *F.shape[-2:])
    m = F.shape[0]
    pad = -m % VERIFY_BLOCK
    F = np.concatenate([F, np.repeat(F[:1], pad, axis=0)]) if pad else F
    parts = []
    for start in range(0, F.shape[0], VERIFY_BLOCK):
        block = SpectralWeights(F[start:start + VERIFY_BLOCK], block_shapes=weights.block_shapes)
        report = verify_batched(block, group, tolerances=tolerances)
        parts.append({k: np.asarray(getattr(report, k)) for k in RUN_FIELDS})
    return {k: np.concatenate([p[k] for p in parts])[:m].reshape(batch) for k in RUN_FIELDS}


def _train_and_verify(group, spec: SweepSpec, config: TrainConfig, seeds: np.ndarray,
                      tolerances: Tolerances, devices) -> dict[str, np.ndarray]:
    hp = Hyperparams(**{k: np.asarray(v) for k, v in spec.hparams.items()})
    # the chunks keep the history's curves, never its snapshots of F: do not compute them
    # (the history never changes the trained weights)
    if config.history == "full":
        config = dataclasses.replace(config, history="curves")
    result = sweep(jax.random.key(spec.seed), group, config, hparams=hp, seed_ids=seeds,
                   devices=devices)
    report = _verify_in_blocks(result.weights, group, tolerances)  # (H, S) networks
    arrays = dict(report)
    arrays["final_loss"] = np.asarray(result.final_loss)
    if result.history is not None:  # the curves, (H, S, T); the snapshots of F stay out
        for name in CURVE_NAMES:
            arrays[CURVE_PREFIX + name] = np.asarray(getattr(result.history, name))
    arrays["F"] = np.asarray(result.weights.F)  # (H, S, n, n)
    arrays["seeds"] = seeds
    return arrays


def _expected_arrays(spec: SweepSpec, index: int) -> dict:
    """Name → (shape, dtype kinds) of every array in chunk ``index``."""
    start, stop = spec.chunk_seeds(index)
    hs = (spec.num_settings, stop - start)
    n = spec.order
    out: dict[str, tuple] = {k: (hs, "biuf") for k in RUN_FIELDS}
    out["final_loss"] = (hs, "f")
    if spec.config.get("history", "full") != "none":
        out.update({CURVE_PREFIX + name: ((*hs, spec.num_windows), "f")
                    for name in CURVE_NAMES})
    out["F"] = ((*hs, n, n), "c")
    out["seeds"] = ((stop - start,), "iu")
    return out


def _records(arrays: dict[str, np.ndarray], spec: SweepSpec, chunk: int) -> list[dict]:
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


def _non_finite(r: dict) -> bool:
    return not all(np.isfinite(r[k]) for k in ("invariance_defect", "unitarity_defect"))


def _totals(rs: list[dict]) -> dict:
    """Per-setting totals of the declared columns (VerificationReport.columns()), and how
    many networks have non-finite defects (diverged)."""
    met = [r for r in rs if r["hypotheses_met"]]
    out: dict[str, Any] = {"networks": len(rs)}
    for name, col in VerificationReport.columns():
        if col.total == "count":
            out[col.key] = sum(bool(r[name]) for r in rs)
        elif col.total == "count_of_met":
            out[col.key] = sum(bool(r[name]) for r in met)
        else:
            out[col.key] = _median([r[name] for r in rs])
    out["non_finite"] = sum(_non_finite(r) for r in rs)
    return out


def _summarise(spec: SweepSpec, runs: list[dict], seconds: float, complete: bool,
               env: dict, chunk_software: list[dict]) -> dict:
    by_h = []
    for i in range(spec.num_settings):
        rs = [r for r in runs if r["hparam_index"] == i]
        by_h.append({**{k: spec.hparams[k][i] for k in spec.hparams}, **_totals(rs)})
    return {
        "group": spec.group_name, "order": spec.order, "block_dims": spec.block_dims,
        "num_seeds": spec.num_seeds, "complete": complete, "seconds": round(seconds, 3),
        "config": spec.config, "tolerances": spec.tolerances, "environment": env,
        "chunk_software": chunk_software, "totals": by_h, "runs": runs,
    }


def _check_arguments(group, config, num_seeds, chunk_size, seed, tolerances) -> None:
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"run_sweep: group must be a FiniteGroup, got {type(group).__name__}")
    if not isinstance(config, TrainConfig):
        raise TypeError(f"run_sweep: config must be a TrainConfig, got "
                        f"{type(config).__name__}")
    if not isinstance(tolerances, Tolerances):
        raise TypeError(f"run_sweep: tolerances must be a Tolerances, got "
                        f"{type(tolerances).__name__}")
    for name, v in (("num_seeds", num_seeds), ("chunk_size", chunk_size)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"run_sweep: {name} must be a positive integer, got {v!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or \
            not 0 <= seed < 2**32:
        raise ValueError(f"run_sweep: seed must be an integer in [0, 2**32), got {seed!r}")


def _open_folder(out: Path, spec: SweepSpec, resume: bool, env: dict) -> None:
    """Compare with (or create) spec.json; refuse files that no spec accounts for."""
    spec_file = out / "spec.json"
    if spec_file.exists():
        old = read_spec_file(spec_file)
        if old != spec:
            diff = describe_differences(old, spec)
            raise ValueError(f"{out} already holds a different sweep ({spec_file}); it "
                             f"differs in: {'; '.join(diff)}. Choose another output folder, "
                             "or delete this one")
        if not resume:
            raise ValueError(f"{out} already holds this sweep; pass --resume (resume=True) "
                             "to continue it, or choose another output folder")
        return
    strays = sorted(list_chunk_files(out / "chunks"))
    strays += ["summary.json"] if (out / "summary.json").exists() else []
    if strays:
        raise ValueError(f"{out} holds {', '.join(strays[:3])}{', …' if len(strays) > 3 else ''}"
                         " but no spec.json, so nothing says which sweep they belong to; "
                         "they are not used. Move them away, or choose another output folder")
    write_json_atomic(spec_file, spec.file_contents(env))


def _scan_chunks(out: Path, spec: SweepSpec, repair: bool) -> dict[int, tuple[dict, dict]]:
    """Read and check every chunk file present; refuse (or, with repair, move aside)
    every file that fails."""
    good, bad = check_chunk_files(out, spec, lambda i: _expected_arrays(spec, i))
    if bad and not repair:
        raise ValueError(
            f"{out}: {len(bad)} chunk file(s) failed their check and were not used:\n  "
            + "\n  ".join(str(e) for e in bad)
            + "\nNothing was changed. Pass --repair (repair=True) to move them to "
            f"{out / 'rejected'} and recompute them.")
    for err in bad:
        move_aside(out, err.path, err.reason)
    return good


def run_sweep(group: FiniteGroup, out_dir: str | Path, *, config: TrainConfig = TrainConfig(),
              hparams: Hyperparams = Hyperparams(), num_seeds: int = 64, chunk_size: int = 16,
              seed: int = 0, resume: bool = False, repair: bool = False,
              tolerances: Tolerances = Tolerances(), progress: bool = True,
              force: bool = False, command: str | None = None) -> dict:
    """Train and verify ``num_seeds`` networks per hyper-parameter value, in chunks, into
    ``out_dir`` (see the module docstring).  Returns the summary (also ``summary.json``).

    ``resume`` continues a sweep already in ``out_dir``; ``repair`` does the same and also
    moves chunk files that fail their check to ``out_dir/rejected/`` and recomputes them
    (without it such files stop the sweep, naming each one and why).  ``force`` skips the
    size guards (memory for the training, the verification and the summary; disk for the
    chunks).  ``command`` is recorded as the command line that made the run (the CLI passes
    its own; ``None`` for library calls).

    Each chunk is computed in a worker thread so that Ctrl-C reaches the caller at once
    (see ``harmonics_jax._core._interrupt``: JAX options must be set with ``jax.config.update``,
    not with thread-local context managers).

    Raises ``ValueError`` (before writing anything) on bad arguments, if ``out_dir`` holds
    a different sweep, files without a ``spec.json``, or this sweep and ``resume`` is False.
    """
    _check_arguments(group, config, num_seeds, chunk_size, seed, tolerances)
    resume = resume or repair
    hp_axis = _hparam_axis(hparams)
    chunk_size = min(int(chunk_size), int(num_seeds))
    spec = SweepSpec.create(
        group_name=group.name, table=np.asarray(group.table),
        block_dims=resolve_block_dims(group, config),
        config=dataclasses.asdict(config.resolved()),
        hparams=hp_axis, num_seeds=int(num_seeds), chunk_size=chunk_size, seed=int(seed),
        tolerances=dataclasses.asdict(tolerances))
    out = check_out_dir(out_dir)
    rank, nproc = rank_and_count()
    guards = size_guards_off() if force else contextlib.nullcontext()
    with guards:
        check_feasible(spec, config, out)
        env = environment(command)
        out.mkdir(parents=True, exist_ok=True)
        with writer_lock(out) if rank == 0 else contextlib.nullcontext():
            def prepare():  # process 0, before anyone trains
                remove_stale_temporaries(out, _OWN_FILES)
                remove_stale_temporaries(out / "chunks", CHUNK_FILE)
                _open_folder(out, spec, resume, env)
                return _scan_chunks(out, spec, repair)

            def read_accepted():  # the other processes, after process 0 accepted the folder
                if read_spec_file(out / "spec.json") != spec:
                    raise ValueError(f"{out}/spec.json differs from this process's sweep: "
                                     "is the folder shared by every process?")
                return _scan_chunks(out, spec, repair=False)

            loaded = process_zero_first(prepare, read_accepted, "run_sweep")
            summary = _run_chunks(group, spec, config, tolerances, out, loaded, env,
                                  progress, rank, nproc)
            if nproc == 1:
                return summary
            barrier("harmonics sweep: done")
            # every chunk is on disk now: the summary of them all, each checked on reading
            summary = _summary_of(_scan_chunks(out, spec, repair=False), spec, env)
            if rank == 0:
                write_json_atomic(out / "summary.json", summary)
            return summary


def _collect(loaded: dict, spec: SweepSpec) -> tuple[list[dict], float, list[dict]]:
    """The run records, total seconds and chunk software of chunks read from disk."""
    runs: list[dict] = []
    seconds = 0.0
    envs: list[dict] = []
    for c, (arrays, record) in sorted(loaded.items()):
        runs.extend(_records(arrays, spec, c))
        seconds += float(record.get("seconds") or 0.0)
        envs.append(software(record.get("environment") or {}))
    return runs, seconds, envs


def _summary_of(loaded: dict, spec: SweepSpec, env: dict) -> dict:
    runs, seconds, envs = _collect(loaded, spec)
    _check_complete(runs, spec)
    return _summarise(spec, _sorted(runs), seconds, True, env, _distinct(envs))


def _check_complete(runs: list[dict], spec: SweepSpec) -> None:
    if len(runs) != spec.num_seeds * spec.num_settings:  # cannot happen: every chunk checked
        raise RuntimeError(f"{len(runs)} records for {spec.num_seeds} seeds × "
                           f"{spec.num_settings} settings; please report this")


def _run_chunks(group, spec: SweepSpec, config: TrainConfig, tolerances: Tolerances,
                out: Path, loaded: dict, env: dict, progress: bool, rank: int = 0,
                nproc: int = 1) -> dict:
    """Train, verify and write this process's chunks that are not in ``loaded``; returns
    the summary of ``loaded`` and them (complete when there is one process)."""
    runs, seconds, envs = _collect(loaded, spec)
    # this process's chunks, lazily: a sweep may have 5e8 of them (tests/test_runstore.py)
    owned = range(rank, spec.num_chunks, nproc)
    last = spec.chunk_seeds(spec.num_chunks - 1)
    short = spec.chunk_size - (last[1] - last[0])  # seeds missing from the last chunk
    total = len(owned) * spec.chunk_size - (short if spec.num_chunks - 1 in owned else 0)
    initial = sum(stop - start for start, stop in
                  (spec.chunk_seeds(c) for c in loaded if c % nproc == rank))
    who = f" process {rank}/{nproc}" if nproc > 1 else ""
    bar = _progress(progress, total=total * spec.num_settings,
                    initial=initial * spec.num_settings,
                    desc=f"{spec.group_name} (order {spec.order}){who}", postfix=_met(runs))
    devices = jax.local_devices()
    try:
        for c in owned:
            if c in loaded:
                continue
            start, stop = spec.chunk_seeds(c)
            # every chunk trains chunk_size seeds (the last one padded) -> one compilation
            seeds = np.arange(start, start + spec.chunk_size)
            began = time.perf_counter()
            arrays = interruptible(_train_and_verify, group, spec, config, seeds, tolerances,
                                   devices)
            keep = seeds < stop
            arrays = {k: v[keep] if k == "seeds" else v[:, keep] for k, v in arrays.items()}
            elapsed = time.perf_counter() - began
            chunk_env = environment(env["command"])
            write_chunk(_chunk_path(out, c), arrays,
                        chunk_record(spec, c, arrays, chunk_env, elapsed))
            runs.extend(_records(arrays, spec, c))
            seconds += elapsed
            envs.append(software(chunk_env))
            if rank == 0:  # the others' chunks appear in it at the end
                write_json_atomic(out / "summary.json",
                                  _summarise(spec, _sorted(runs), seconds, False, env,
                                             _distinct(envs)))
            if bar is not None:
                bar.set_postfix_str(_met(runs), refresh=False)
                bar.update(int(keep.sum()) * spec.num_settings)
    finally:
        if bar is not None:
            bar.close()
    if nproc > 1:
        return _summarise(spec, _sorted(runs), seconds, False, env, _distinct(envs))
    _check_complete(runs, spec)
    summary = _summarise(spec, _sorted(runs), seconds, True, env, _distinct(envs))
    write_json_atomic(out / "summary.json", summary)
    return summary


def _distinct(envs: list[dict]) -> list[dict]:
    """The distinct software environments among the chunks, with how many chunks each."""
    out: list[dict] = []
    for e in envs:
        for d in out:
            if d["software"] == e:
                d["chunks"] += 1
                break
        else:
            out.append({"software": e, "chunks": 1})
    return out


def _median(values: list) -> float:
    """Median with non-finite values ranked last: a minority of diverged networks leaves a
    finite median; if the middle value is non-finite, so is the median (NaN)."""
    if not values:
        return float("nan")
    v = np.asarray(values, dtype=float)
    v = np.sort(np.where(np.isfinite(v), v, np.inf))
    m = len(v)
    mid = v[(m - 1) // 2: m // 2 + 1]
    return float(np.mean(mid)) if np.all(np.isfinite(mid)) else float("nan")


def _sorted(runs: list[dict]) -> list[dict]:
    return sorted(runs, key=lambda r: (r["hparam_index"], r["seed"]))


def _met(runs: list[dict]) -> str:
    """The running count of networks meeting the hypotheses (the progress bar's postfix)."""
    return f"met {sum(bool(r['hypotheses_met']) for r in runs)}/{len(runs)}"


def _progress(enabled: bool, **kw):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(unit="net", **kw)
