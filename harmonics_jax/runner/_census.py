r"""The census: train and verify S networks on every group of the SmallGroups library up to
some order, one group at a time, resumably.

Layout of ``out_dir``::

    spec.json              what determines every number: seeds, key, TrainConfig, Tolerances,
                           package version (a re-run with another spec is refused)
    groups/096_070.json    one record per finished group (SmallGroup(96, 70)), written
                           atomically as soon as the group is verified
    census.json            {"spec", "summary", "groups": [records sorted by gap_id]}
    census.md              the summary block and one table row per group
    census.png             fraction of networks meeting the hypotheses against the order,
                           groups with a failure marked

``census.json``, ``census.md`` and ``census.png`` are rebuilt from the records at the end of
every run, also after Ctrl-C (a killed process loses at most the group it was training).
A re-run skips the groups whose record is in ``groups/`` and continues with the rest; the
selection (orders, ids) is not part of the spec, so a census can be extended to higher
orders in the same folder.

Groups run in order of (order, id); whenever the order changes the census calls
``jax.clear_caches()`` (no program of an earlier order runs again, and each cached program
holds memory mappings a process has only 65,530 of on Linux), and also within an order once
the process holds half its limit (order 96 has enough shapes to reach it), which drops the
caller's own compiled functions too.

Seed ``s`` of every group is trained from ``fold_in(key(spec.key), s)``
(:func:`harmonics_jax.training.sweep`): the numbers do not depend on the selection, on
resuming or on the number of processes.

Several processes (``jax.distributed.initialize`` called first, ``jax.process_count() = P``):
the i-th group of the selection belongs to process ``i mod P``; each process trains its
groups on its own devices (``jax.local_devices()``) and writes only their records, so the
folder must be shared (one machine, or a shared file system).  Process 0 checks and writes
``spec.json`` before anyone trains, and writes the aggregate files after a barrier that
every process reaches when its share is done.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import jax
import numpy as np

from .._core._interrupt import interruptible
from .._core._memory import near_mapping_limit
from .._irreps import irrep_dims
from .._small_groups import (SMALL_GROUPS_MAX_ORDER, num_small_groups, small_group,
                             structure_description)
from ..training import Hyperparams, TrainConfig, sweep, trace_counts as train_traces
from ..verify import Kind, Tolerances, VerificationReport, verify_batched
from ..verify import trace_counts as verify_traces
from ._processes import barrier, process_zero_first, rank_and_count
from ._store import read_json, write_bytes_atomic, write_json_atomic

__all__ = ["census", "census_spec", "census_groups", "read_census", "census_exit_status",
           "write_census_outputs",
           "RECORD_KEYS"]

# Every record holds at least these keys (checked when a record is read back).
RECORD_KEYS = ("gap_id", "name", "order", "irrep_dims", "seeds", "met", "all_conclusions",
               "table_recovered", "median_invariance_defect", "median_unitarity_defect",
               "failures", "seconds", "spec_digest")

# Verdicts of the conclusions and necessary conditions: a network meeting the hypotheses
# must pass all of them (their AND is VerificationReport.fourier_recovered).
_CONCLUSIONS = tuple(
    f.name for f in dataclasses.fields(VerificationReport)
    if f.metadata.get("kind") in (Kind.CONCLUSION, Kind.NECESSARY)
    and (f.metadata["role"] == "check" or f.metadata.get("verdict")))


def census_spec(*, seeds: int, key: int = 0, config: TrainConfig = TrainConfig(),
                hparams: Hyperparams = Hyperparams(),
                tolerances: Tolerances = Tolerances()) -> dict:
    """The census specification written to ``spec.json`` (JSON-ready).

    >>> from harmonics_jax.training import TrainConfig
    >>> spec = census_spec(seeds=4, config=TrainConfig(steps=200, rounds=1))
    >>> spec["seeds"], spec["key"], spec["config"]["steps"]
    (4, 0, 200)
    """
    if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)) or seeds < 1:
        raise ValueError(f"census: seeds must be a positive integer, got {seeds!r}")
    if isinstance(key, bool) or not isinstance(key, (int, np.integer)) or key < 0:
        raise ValueError(f"census: key must be a non-negative integer, got {key!r}")
    if not isinstance(config, TrainConfig):
        raise TypeError(f"census: config must be a TrainConfig, got {type(config).__name__}")
    if not isinstance(tolerances, Tolerances):
        raise TypeError(f"census: tolerances must be a harmonics_jax.verify.Tolerances, got "
                        f"{type(tolerances).__name__}")
    if not isinstance(hparams, Hyperparams):
        raise TypeError(f"census: hparams must be a Hyperparams, got {type(hparams).__name__}")
    hp = {}
    for name, v in hparams._asdict().items():
        a = np.asarray(v, dtype=float)
        if a.size != 1:
            raise ValueError(f"census: hparams.{name} must be one value (a census trains one "
                             f"setting; use run_sweep to sweep it), got {a.tolist()}")
        hp[name] = float(a.reshape(()))
    from .. import __version__

    return json.loads(json.dumps({
        "kind": "harmonics census", "seeds": int(seeds), "key": int(key),
        "config": dataclasses.asdict(config.resolved()), "hparams": hp,
        "tolerances": dataclasses.asdict(tolerances),
        "version": __version__}))


def _digest(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def census_groups(*, max_order: int | None = None, min_order: int = 1,
                  ids: Iterable[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The selected GAP ids ``(order, id)``, by order then id: every SmallGroup with
    ``min_order ≤ order ≤ max_order``, or exactly ``ids``.

    >>> census_groups(max_order=4, min_order=3)
    [(3, 1), (4, 1), (4, 2)]
    >>> census_groups(ids=[(8, 3), (6, 1)])
    [(6, 1), (8, 3)]
    """
    if ids is not None:
        out = []
        for gid in ids:
            order, index = (int(v) for v in gid)
            small_group(order, index)  # validates: a clear ValueError for a bad id
            out.append((order, index))
        if not out:
            raise ValueError("census: the list of group ids is empty")
        return sorted(set(out))
    if max_order is None:
        raise ValueError("census: give max_order (e.g. 32) or a list of group ids")
    for name, v in (("max_order", max_order), ("min_order", min_order)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) \
                or not 1 <= v <= SMALL_GROUPS_MAX_ORDER:
            raise ValueError(f"census: {name} must be an integer between 1 and "
                             f"{SMALL_GROUPS_MAX_ORDER} (the SmallGroups library shipped), "
                             f"got {v!r}")
    if min_order > max_order:
        raise ValueError(f"census: min_order = {min_order} is larger than max_order = "
                         f"{max_order}")
    return [(n, i) for n in range(min_order, max_order + 1)
            for i in range(1, num_small_groups(n) + 1)]


def record_name(gap_id: Sequence[int]) -> str:
    """The record file of a group, relative to the census folder."""
    return f"groups/{int(gap_id[0]):03d}_{int(gap_id[1]):03d}.json"


def _median(v: np.ndarray) -> float:
    return float(np.median(v)) if v.size else float("nan")


def _group_record(gap_id: tuple[int, int], report: VerificationReport, spec: dict,
                  timing: dict) -> dict:
    """One group's record from the verification of its S networks (arrays of shape (S,))."""
    met = np.asarray(report.hypotheses_met, bool)
    ok = np.asarray(report.fourier_recovered, bool)
    failures = []
    for s in np.flatnonzero(met & ~ok):
        missed = [c for c in _CONCLUSIONS if not bool(np.asarray(getattr(report, c))[s])]
        failures.append({"seed": int(s), "missed": missed or ["fourier_recovered"]})
    order, index = gap_id
    group = small_group(order, index)
    rec: dict[str, Any] = {
        "gap_id": [order, index], "name": structure_description(order, index),
        "order": order, "irrep_dims": list(irrep_dims(group)), "seeds": int(met.size),
        "met": int(met.sum()), "all_conclusions": int((met & ok).sum()),
        "table_recovered": int(np.asarray(report.table_recovered, bool).sum()),
        "counterexamples": int(np.asarray(report.counterexample, bool).sum()),
    }
    rec["median_invariance_defect"] = _median(np.asarray(report.invariance_defect))
    rec["median_unitarity_defect"] = _median(np.asarray(report.unitarity_defect))
    rec["median_invariance_defect_of_met"] = _median(np.asarray(report.invariance_defect)[met])
    rec["failures"] = failures
    rec.update(timing)
    rec["spec_digest"] = _digest(spec)
    return rec


def _train_and_verify(gap_id: tuple[int, int], spec: dict, config: TrainConfig,
                      tolerances: Tolerances, devices) -> dict:
    start = time.perf_counter()
    group = small_group(*gap_id)
    t0, v0 = train_traces().get("sweep", 0), verify_traces().get("verify_batched", 0)
    # a census record keeps no training history (which never changes the trained weights)
    config = dataclasses.replace(config, history="none")
    result = sweep(jax.random.key(spec["key"]), group, config, num_seeds=spec["seeds"],
                   hparams=Hyperparams(**spec["hparams"]), devices=devices)
    weights = jax.block_until_ready(result.weights[0])
    t_train = time.perf_counter()
    report = verify_batched(weights, group, tolerances=tolerances)
    t_end = time.perf_counter()
    timing = {"seconds": round(t_end - start, 3), "train_seconds": round(t_train - start, 3),
              "verify_seconds": round(t_end - t_train, 3),
              "train_compiled": train_traces().get("sweep", 0) > t0,
              "verify_compiled": verify_traces().get("verify_batched", 0) > v0}
    return _group_record(gap_id, report, spec, timing)


def _read_record(path: Path, gap_id: tuple[int, int] | None, spec: dict) -> dict | None:
    """A record read back and checked; None when it belongs to another spec; ValueError
    naming the file when it is unreadable or inconsistent."""
    fix = "delete it to train that group again"
    try:
        rec = read_json(path)
    except (OSError, ValueError) as err:
        raise ValueError(f"census: corrupted record {path} ({err}); {fix}") from None
    if not isinstance(rec, dict):
        raise ValueError(f"census: corrupted record {path} (not a JSON object); {fix}")
    missing = [k for k in RECORD_KEYS if k not in rec]
    if missing:
        raise ValueError(f"census: corrupted record {path} (lacks {missing}); {fix}")
    if rec["spec_digest"] != _digest(spec):
        return None
    if gap_id is not None and list(rec["gap_id"]) != list(gap_id):
        raise ValueError(f"census: record {path} holds SmallGroup{tuple(rec['gap_id'])}, "
                         f"not SmallGroup{tuple(gap_id)}; {fix}")
    if rec["seeds"] != spec["seeds"] or not 0 <= rec["all_conclusions"] <= rec["met"] \
            <= rec["seeds"]:
        raise ValueError(f"census: corrupted record {path} (seeds {rec['seeds']}, met "
                         f"{rec['met']}, all conclusions {rec['all_conclusions']} do not fit "
                         f"the spec's {spec['seeds']} seeds); {fix}")
    return rec


def _check_spec(out: Path, spec: dict, force: bool) -> None:
    spec_file = out / "spec.json"
    if spec_file.exists():
        try:
            old = read_json(spec_file)
        except (OSError, ValueError) as err:
            old = {"unreadable": str(err)}
        if old != spec and not force:
            keys = sorted(set(old) | set(spec), key=str)
            diff = []
            for k in keys:
                a, b = old.get(k), spec.get(k)
                if isinstance(a, dict) and isinstance(b, dict):
                    diff += [f"{k}.{j}: {a.get(j)!r} there, {b.get(j)!r} now"
                             for j in sorted(set(a) | set(b)) if a.get(j) != b.get(j)]
                elif a != b:
                    diff.append(f"{k}: {a!r} there, {b!r} now")
            raise ValueError(f"{out} holds a census with another spec ({'; '.join(diff)}); "
                             "use another folder, or force (--force) to start this spec there "
                             "(records of the other spec are then ignored and overwritten)")
        if old == spec:
            return
    write_json_atomic(spec_file, spec)


def read_census(out_dir: str | Path) -> dict:
    """The census in ``out_dir`` rebuilt from its records (what ``census.json`` holds):
    ``{"spec", "summary", "groups"}``, records sorted by ``gap_id``.  Records of another spec
    are left out; a corrupted one raises ValueError naming it."""
    out = Path(out_dir)
    if not (out / "spec.json").is_file():
        raise FileNotFoundError(f"{out} holds no census (no spec.json)")
    spec = read_json(out / "spec.json")
    records = []
    for path in sorted((out / "groups").glob("*.json")):
        rec = _read_record(path, None, spec)
        if rec is not None:
            if path.name != Path(record_name(rec["gap_id"])).name:
                raise ValueError(f"census: record {path} holds SmallGroup"
                                 f"{tuple(rec['gap_id'])}; delete it to train that group "
                                 "again")
            records.append(rec)
    records.sort(key=lambda r: tuple(r["gap_id"]))
    return {"spec": spec, "summary": _summary(records), "groups": records}


def _summary(records: list[dict]) -> dict:
    return {
        "groups": len(records), "networks": sum(r["seeds"] for r in records),
        "met": sum(r["met"] for r in records),
        "all_conclusions": sum(r["all_conclusions"] for r in records),
        "table_recovered": sum(r["table_recovered"] for r in records),
        "groups_with_failures": [r["gap_id"] for r in records if r["failures"]],
        "groups_none_met": [r["gap_id"] for r in records if r["met"] == 0],
        "max_order": max((r["order"] for r in records), default=0),
        "seconds": round(sum(r["seconds"] for r in records), 3),
    }


def census_exit_status(result: dict) -> int:
    """1 if some network met the hypotheses and missed a conclusion, else 0."""
    return 1 if any(r["all_conclusions"] < r["met"] for r in result["groups"]) else 0


_STOP_NOTE = (" at most (stop_when_verified: a network stops at the first round end where it "
              "meets the hypotheses with margin)")


def _markdown(result: dict) -> str:
    s, spec = result["summary"], result["spec"]
    net, met = s["networks"], s["met"]
    none = ", ".join(f"SmallGroup({a},{b})" for a, b in s["groups_none_met"]) or "none"
    bad = ", ".join(f"SmallGroup({a},{b})" for a, b in s["groups_with_failures"]) or "none"
    cfg = spec["config"]
    lines = [
        f"# Census: SmallGroups up to order {s['max_order']}", "",
        f"{spec['seeds']} networks per group, key {spec['key']}, {cfg['steps']} steps"
        f"{_STOP_NOTE if cfg.get('stop_when_verified') else ''} "
        f"(objective {cfg['objective'] or 'by order: sampled up to 24, expected beyond'}), "
        f"harmonics_jax {spec['version']}.", "",
        f"- groups: {s['groups']}",
        f"- networks: {net}",
        f"- met the hypotheses: {met} ({100 * met / net if net else 0:.1f}%)",
        f"- of those, passed every conclusion: {s['all_conclusions']}"
        f" ({100 * s['all_conclusions'] / met if met else 0:.1f}%)",
        f"- groups with a network that met the hypotheses and missed a conclusion: {bad}",
        f"- groups where no network met the hypotheses: {none}",
        f"- training + verification time: {s['seconds']:.0f} s", "",
        "| GAP id | group | irrep dims | met | all conclusions (of met) | table recovered "
        "| median inv. defect | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["groups"]:
        dims = _dims_text(r["irrep_dims"])
        lines.append(f"| ({r['gap_id'][0]},{r['gap_id'][1]}) | {r['name']} | {dims} | "
                     f"{r['met']}/{r['seeds']} | {r['all_conclusions']}/{r['met']} | "
                     f"{r['table_recovered']}/{r['seeds']} | "
                     f"{r['median_invariance_defect']:.1e} | {r['seconds']:.1f} |")
    return "\n".join(lines) + "\n"


def _dims_text(dims: list[int]) -> str:
    """``[1, 1, 2, 2]`` → ``1²·2, 2²`` style multiplicities: ``1×2, 2×2``."""
    out, prev, count = [], None, 0
    for d in [*dims, None]:
        if d == prev:
            count += 1
            continue
        if prev is not None:
            out.append(f"{prev}×{count}" if count > 1 else f"{prev}")
        prev, count = d, 1
    return ", ".join(out)


def _figure(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    recs = result["groups"]
    fig, ax = plt.subplots(figsize=(8, 4))
    if recs:
        order = np.array([r["order"] for r in recs], float)
        jitter = np.array([(r["gap_id"][1] - 0.5) / num_small_groups(r["order"]) - 0.5
                           for r in recs]) * 0.6  # centred on the order
        frac = np.array([r["met"] / r["seeds"] for r in recs])
        bad = np.array([bool(r["failures"]) for r in recs])
        ax.scatter(order[~bad] + jitter[~bad], frac[~bad], s=12, alpha=0.7,
                   label="every network meeting the hypotheses passed every conclusion")
        if bad.any():
            ax.scatter(order[bad] + jitter[bad], frac[bad], s=60, marker="x", color="red",
                       label="some network met the hypotheses and missed a conclusion")
    ax.set_xlabel("group order (groups of one order spread horizontally by GAP id)")
    ax.set_ylabel("fraction of networks meeting the hypotheses")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(f"Census: {result['summary']['groups']} SmallGroups, "
                 f"{result['spec']['seeds']} networks each")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    buf = __import__("io").BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    write_bytes_atomic(path, buf.getvalue())


def write_census_outputs(out_dir: str | Path, *, figure: bool = True) -> dict:
    """Rebuild ``census.json``, ``census.md`` (and ``census.png``) from the records."""
    out = Path(out_dir)
    result = read_census(out)
    write_json_atomic(out / "census.json", result)
    write_bytes_atomic(out / "census.md", _markdown(result).encode())
    if figure:
        _figure(result, out / "census.png")
    return result


def census(out_dir: str | Path, *, max_order: int | None = None, min_order: int = 1,
           ids: Iterable[tuple[int, int]] | None = None, seeds: int = 16, key: int = 0,
           config: TrainConfig = TrainConfig(), hparams: Hyperparams = Hyperparams(),
           tolerances: Tolerances = Tolerances(), force: bool = False, figure: bool = True,
           progress: bool | Callable[[str], None] = True) -> dict:
    r"""Train ``seeds`` networks on every selected SmallGroup and verify them, writing the
    census folder described in the module docstring; returns what ``census.json`` holds
    (for process 0; the other processes return their own records only).

    Each record: ``gap_id`` ([order, id]), ``name`` (GAP's StructureDescription), ``order``,
    ``irrep_dims``, ``seeds``, ``met`` (networks meeting the hypotheses), ``all_conclusions``
    (of those, how many pass every conclusion and necessary condition), ``table_recovered``
    (networks whose Cayley table reads back exactly), median defects, ``failures`` (the seeds that met the hypotheses and missed a
    conclusion, with what they missed), and timings (``seconds``, ``train_seconds``,
    ``verify_seconds``, whether training / verification compiled for this group).

    Raises ValueError when ``out_dir`` holds a census with another spec (``force=True``
    starts this spec there) or a corrupted record (named).

    Example:
        >>> import tempfile
        >>> from harmonics_jax.training import TrainConfig
        >>> cfg = TrainConfig(steps=200, rounds=1, warmup_steps=10)
        >>> with tempfile.TemporaryDirectory() as d:
        ...     res = census(d, ids=[(3, 1)], seeds=2, config=cfg, figure=False,
        ...                  progress=False)
        >>> [(r["gap_id"], r["name"], r["met"], r["all_conclusions"]) for r in res["groups"]]
        [([3, 1], 'C3', 2, 2)]
    """
    selection = census_groups(max_order=max_order, min_order=min_order, ids=ids)
    spec = census_spec(seeds=seeds, key=key, config=config, hparams=hparams,
                       tolerances=tolerances)
    out = Path(out_dir)
    say = (progress if callable(progress) else
           (lambda line: print(line, flush=True)) if progress else (lambda line: None))
    rank, nproc = rank_and_count()
    def same_spec():
        if read_json(out / "spec.json") != spec:
            raise ValueError(f"{out}/spec.json differs from this process's spec: is the "
                             "folder shared by every process?")

    # process 0 checks (or writes) spec.json, then the others read it
    process_zero_first(lambda: _check_spec(out, spec, force), same_spec, "harmonics census")
    mine = [gid for i, gid in enumerate(selection) if i % nproc == rank]
    todo, done = [], []
    for gid in mine:
        path = out / record_name(gid)
        rec = None
        if path.exists():
            try:
                rec = _read_record(path, gid, spec)
            except ValueError:
                if not force:
                    raise
        (done if rec is not None else todo).append(rec if rec is not None else gid)
    who = f"process {rank}/{nproc}: " if nproc > 1 else ""
    say(f"census: {who}{len(mine)} groups of order {selection[0][0]}…{selection[-1][0]}, "
        f"{len(done)} already done, {len(todo)} to train ({seeds} networks each, "
        f"{config.steps} steps) in {out}/")
    devices = jax.local_devices()
    seconds = 0.0
    records = list(done)
    interrupted = True
    try:
        for k, gid in enumerate(todo):
            if k and (gid[0] != todo[k - 1][0] or near_mapping_limit()):
                # XLA keeps each compiled program, with its memory mappings, while JAX's
                # caches hold it; a process may hold vm.max_map_count (65,530 on Linux)
                # mappings, and past that LLVM fails to compile and the process dies (seen at
                # the 79th group of the census <= 32, and within order 96 after 65 groups,
                # 18 of them a new shape).  A new order: no program compiled so far runs
                # again (every shape holds the order).  Within an order, once half the limit
                # is held: a shape that comes back compiles again.
                jax.clear_caches()
            # in a worker thread: Ctrl-C reaches us at once, even during a compilation
            rec = interruptible(_train_and_verify, gid, spec, config, tolerances, devices)
            write_json_atomic(out / record_name(gid), rec)
            records.append(rec)
            seconds += rec["seconds"]
            # at the mean time per group so far: an underestimate while orders grow
            eta = seconds / (k + 1) * (len(todo) - k - 1)
            flag = "" if not rec["failures"] else \
                f"  FAILED: {len(rec['failures'])} met the hypotheses and missed a conclusion"
            say(f"{who}[{k + 1}/{len(todo)}] SmallGroup({gid[0]},{gid[1]}) = {rec['name']}: "
                f"met {rec['met']}/{rec['seeds']}, all conclusions "
                f"{rec['all_conclusions']}/{rec['met']}, {rec['seconds']:.1f} s"
                f"{' (compiled)' if rec['train_compiled'] else ''}, ETA ~"
                f"{_duration(eta)}{flag}")
        interrupted = False
    finally:
        if interrupted:
            if rank == 0:  # Ctrl-C or an error: keep the aggregate true to the finished groups
                try:
                    write_census_outputs(out, figure=figure)
                except (OSError, ValueError) as err:  # the original error matters more
                    say(f"census: could not rebuild {out / 'census.json'}: {err}")
    barrier("harmonics census: done")
    if rank != 0:
        return {"spec": spec, "summary": _summary(records),
                "groups": sorted(records, key=lambda r: tuple(r["gap_id"]))}
    result = write_census_outputs(out, figure=figure)
    s = result["summary"]
    say(f"census: {s['groups']} groups, {s['networks']} networks, {s['met']} met the "
        f"hypotheses, {s['all_conclusions']} of them every conclusion; groups where none met: "
        f"{len(s['groups_none_met'])}; wrote {out / 'census.json'}, census.md"
        + (", census.png" if figure else ""))
    return result


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    seconds = int(round(seconds))
    h, rem = divmod(seconds, 3600)
    return f"{h}h{rem // 60:02d}m" if h else f"{rem // 60}m{rem % 60:02d}s"
