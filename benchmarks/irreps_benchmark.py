r"""Benchmark ``harmonics_jax.irreps`` and cross-check it against GAP.

Times ``hj.irreps(G)`` on (1) the GAP fixture ``tests/data/gap_groups.json.gz``, (2) named
groups of orders 6…1000, and (3) with ``--all-small`` and ``gap`` on PATH, every
SmallGroup of order ≤ ``--max-order`` (default 100: 1,048 groups), exported from GAP in
batches.  For each group: the first call in the process, then the median of ``--repeats``
cold calls (``irreps`` caches per table, so every repeat uses a fresh ``FiniteGroup`` and
cleared caches).  Every result is checked: unitary homomorphisms (residual ≤ 1e-9), one
irrep per conjugacy class, Σ d² = n, orthonormal (hence irreducible, pairwise
inequivalent) characters, and, for GAP groups, the characters equal GAP's.

Targets: every group of order ≤ 100 under 0.5 s; order 1,000 under 60 s.

    python benchmarks/irreps_benchmark.py                 # fixtures + named groups
    python benchmarks/irreps_benchmark.py --all-small     # + all 1,048 groups of order ≤ 100

BLAS threads: ``--blas-threads 1`` (the default) pins OpenBLAS/MKL/OpenMP to one thread
before NumPy loads.  On a shared 2-core machine a multithreaded LAPACK call thrashes as
soon as another process holds a core (seen: the same 98×98 ``eigh``-bound call taking
0.01 s or 1.3 s), so single-thread timings are the reproducible ones; ``--blas-threads 0``
keeps the library default.  The load average is recorded with the results.

Writes ``benchmarks/results/irreps.json`` and ``irreps.csv`` (one row per group).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path


def _pin_blas_threads() -> str:
    """Apply ``--blas-threads`` before NumPy is imported (it reads these at load time)."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--blas-threads", type=int, default=1)
    n = pre.parse_known_args()[0].blas_threads
    if n > 0:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(n)
    return str(n) if n > 0 else "library default"


BLAS_THREADS = _pin_blas_threads() if __name__ == "__main__" else "not set (imported)"

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import _gap  # noqa: E402  (tests/_gap.py: GAP fixture loader and the law checks)

import harmonics_jax as hj  # noqa: E402

gap_export = _gap.gap_export
SMALL_TARGET_S, SMALL_TARGET_ORDER = 0.5, 100
LARGE_TARGET_S = 60.0


def heisenberg(p: int) -> hj.FiniteGroup:
    """Heisenberg group mod p, (C_p × C_p) ⋊ C_p with b·(x, y) = (x + b y, y); order p³,
    irreps of degree p."""
    base = hj.direct_product(hj.cyclic(p), hj.cyclic(p))  # label x·p + y
    x, y = np.divmod(np.arange(p * p), p)
    action = [((x + b * y) % p) * p + y for b in range(p)]
    return hj.semidirect_product(base, hj.cyclic(p), action, name=f"Heis{p}")


NAMED: tuple[tuple[str, Callable[[], hj.FiniteGroup]], ...] = (
    ("C6", lambda: hj.cyclic(6)),
    ("S3", lambda: hj.symmetric(3)),
    ("D4 (order 8)", lambda: hj.dihedral(4)),
    ("Q8", hj.quaternion),
    ("A4", lambda: hj.alternating(4)),
    ("Dic3 (order 12)", lambda: hj.dicyclic(3)),
    ("S4", lambda: hj.symmetric(4)),
    ("A5", lambda: hj.alternating(5)),
    ("D50 (order 100)", lambda: hj.dihedral(50)),
    ("C10xC10", lambda: hj.named_group("C10xC10")),
    ("S5", lambda: hj.symmetric(5)),
    ("Heis5 (order 125)", lambda: heisenberg(5)),
    ("A6", lambda: hj.alternating(6)),
    ("S6", lambda: hj.symmetric(6)),
    ("C10xC10xC10", lambda: hj.named_group("C10xC10xC10")),
    ("D50xC10 (order 1000)", lambda: hj.direct_product(hj.dihedral(50), hj.cyclic(10))),
    ("Heis5xD4 (order 1000)", lambda: hj.direct_product(heisenberg(5), hj.dihedral(4))),
)


def _clear_caches() -> None:
    """Empty every functools cache in harmonics_jax, so a repeat measures a cold call."""
    for name, module in list(sys.modules.items()):
        if name == "harmonics_jax" or name.startswith("harmonics_jax."):
            for obj in vars(module).values():
                if callable(getattr(obj, "cache_clear", None)):
                    obj.cache_clear()


def _fresh(group: hj.FiniteGroup) -> hj.FiniteGroup:
    return dataclasses.replace(group)  # a new instance: no cached_property values


def time_irreps(group: hj.FiniteGroup,
                repeats: int) -> tuple[float, float, float, list[np.ndarray]]:
    """(first-call seconds, median and min cold seconds over ``repeats``, irreps)."""
    _clear_caches()
    g = _fresh(group)
    t0 = time.perf_counter()
    reps = hj.irreps(g)
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        _clear_caches()
        g = _fresh(group)
        t0 = time.perf_counter()
        hj.irreps(g)
        times.append(time.perf_counter() - t0)
    times = times or [first]
    return first, statistics.median(times), min(times), reps


def run_one(source: str, label: str, group: hj.FiniteGroup, repeats: int,
            record: dict | None = None) -> dict:
    row = {"source": source, "group": label, "order": group.order,
           "gap_id": None if record is None else list(record["id"]),
           "gap_name": None if record is None else record["name"]}
    try:
        first, median, fastest, reps = time_irreps(group, repeats)
    except Exception as err:  # report and go on: one failure must not hide the others
        row.update(first_s=None, median_s=None, min_s=None,
                   failures=[f"{type(err).__name__}: {err}"])
        return row
    gap = None if record is None else _gap.characters_on_elements(record)
    how = "all" if group.order <= 200 else "generators"
    rep = _gap.check_irreps(np.asarray(group.table), reps, num_classes=group.num_classes,
                            gap_characters=gap, homomorphism_on=how)
    row.update(
        first_s=first, median_s=median, min_s=fastest, num_irreps=rep.num_irreps, max_dim=max(rep.dims),
        homomorphism_residual=rep.max_homomorphism, homomorphism_checked_on=how,
        unitarity_residual=rep.max_unitarity, orthonormality_residual=rep.max_orthonormality,
        gap_character_match=None if rep.match is None else rep.match.ok,
        gap_character_error=None if rep.match is None else rep.match.max_error,
        failures=rep.failures(),
    )
    return row


def _from_record(record: dict) -> hj.FiniteGroup:
    return hj.FiniteGroup.from_cayley_table(record["table"], name=_gap.record_label(record))


def run_records(source: str, records: Iterable[dict], repeats: int, total: int) -> list[dict]:
    rows = []
    for k, record in enumerate(records, 1):
        rows.append(run_one(source, _gap.record_label(record), _from_record(record), repeats,
                            record))
        r = rows[-1]
        print(f"\r[{source}] {k}/{total} {r['group'][:40]:40s} "
              f"{(r['median_s'] or 0):.3f}s", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return rows


def _fmt(x: float | None, spec: str = ".3f") -> str:
    return "—" if x is None else format(x, spec)


def print_rows(title: str, rows: list[dict]) -> None:
    print(f"\n## {title}")
    print(f"{'group':44s} {'n':>5s} {'#irr':>5s} {'dmax':>4s} {'first s':>8s} "
          f"{'median s':>8s} {'hom res':>8s} {'GAP χ':>6s}  failures")
    for r in rows:
        match = {None: "—", True: "ok", False: "DIFF"}[r.get("gap_character_match")]
        print(f"{r['group'][:44]:44s} {r['order']:5d} {r.get('num_irreps', 0):5d} "
              f"{r.get('max_dim', 0):4d} {_fmt(r['first_s']):>8s} {_fmt(r['median_s']):>8s} "
              f"{_fmt(r.get('homomorphism_residual'), '.1e'):>8s} {match:>6s}  "
              f"{'; '.join(r['failures'])}")


def per_order(rows: list[dict]) -> list[dict]:
    out = []
    for n in sorted({r["order"] for r in rows}):
        sub = [r for r in rows if r["order"] == n]
        timed = [r for r in sub if r["median_s"] is not None]
        slow = max(timed, key=lambda r: r["median_s"]) if timed else None
        out.append({
            "order": n, "groups": len(sub),
            "max_median_s": None if slow is None else slow["median_s"],
            "max_first_s": max((r["first_s"] for r in timed), default=None),
            "slowest": None if slow is None else slow["group"],
            "failed": [r["group"] for r in sub if r["failures"]],
        })
    return out


def print_per_order(summary: list[dict]) -> None:
    print("\n## every SmallGroup, per order (max over the groups of that order)")
    print(f"{'n':>4s} {'#':>4s} {'max median s':>12s} {'max first s':>11s}  slowest / failures")
    for s in summary:
        fail = f"  FAILED: {', '.join(s['failed'])}" if s["failed"] else ""
        print(f"{s['order']:4d} {s['groups']:4d} {_fmt(s['max_median_s']):>12s} "
              f"{_fmt(s['max_first_s']):>11s}  {s['slowest']}{fail}")


def targets(rows: list[dict]) -> list[str]:
    lines = []
    small = [r for r in rows if r["order"] <= SMALL_TARGET_ORDER]
    large = [r for r in rows if r["order"] >= 1000]
    for what, sel, limit in ((f"order ≤ {SMALL_TARGET_ORDER}", small, SMALL_TARGET_S),
                             ("order 1000", large, LARGE_TARGET_S)):
        if not sel:
            continue
        timed = [r for r in sel if r["median_s"] is not None]
        worst = max(timed, key=lambda r: r["median_s"]) if timed else None
        slow = [r["group"] for r in timed if r["median_s"] > limit]
        ok = worst is not None and not slow and len(timed) == len(sel)
        lines.append(f"{'PASS' if ok else 'FAIL'} {what}: {len(sel)} groups, worst median "
                     f"{_fmt(worst and worst['median_s'])} s ({worst and worst['group']}), "
                     f"target < {limit} s" + (f"; over target: {slow}" if slow else ""))
    failed = [r for r in rows if r["failures"]]
    lines.append(f"{'PASS' if not failed else 'FAIL'} correctness: {len(rows) - len(failed)}"
                 f"/{len(rows)} groups pass every check")
    for r in failed:
        lines.append(f"  {r['group']}: {'; '.join(r['failures'])}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="cold repeats per group")
    parser.add_argument("--all-small", action="store_true",
                        help="also every SmallGroup of order ≤ --max-order, from GAP")
    parser.add_argument("--max-order", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=60, help="groups per GAP process")
    parser.add_argument("--no-fixtures", action="store_true")
    parser.add_argument("--no-named", action="store_true")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="BLAS/OpenMP threads (0: library default); see the docstring")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)

    rows: list[dict] = []
    start = time.perf_counter()
    load_start = os.getloadavg()
    print(f"BLAS threads: {BLAS_THREADS}; load average {load_start[0]:.2f} on "
          f"{os.cpu_count()} CPUs")
    if not args.no_fixtures:
        fixture = _gap.load_fixture()
        fx = run_records("fixture", fixture, args.repeats, len(fixture))
        print_rows("GAP fixture (tests/data/gap_groups.json.gz), slowest 15",
                   sorted(fx, key=lambda r: -(r["median_s"] or np.inf))[:15])
        bad = [r for r in fx if r["failures"]]
        if bad:
            print_rows("GAP fixture: failures", bad)
        rows += fx
    if not args.no_named:
        named = []
        for label, build in NAMED:
            named.append(run_one("named", label, build(), args.repeats))
            print(f"[named] {label}: {_fmt(named[-1]['median_s'])} s", file=sys.stderr)
        print_rows("named groups (D(n) has order 2n)", named)
        rows += named
    if args.all_small:
        if not gap_export.gap_available():
            parser.error("--all-small needs `gap` (with SmallGroups) on PATH")
        ids = gap_export.all_small_group_ids(args.max_order)
        t0 = time.perf_counter()
        small = run_records("smallgroups", gap_export.export_batches(
            ids, batch_size=args.batch_size), args.repeats, len(ids))
        print(f"\n{len(ids)} SmallGroups of order ≤ {args.max_order} exported and checked in "
              f"{time.perf_counter() - t0:.0f} s (GAP export included)")
        summary = per_order(small)
        print_per_order(summary)
        print_rows("every SmallGroup: slowest 15",
                   sorted(small, key=lambda r: -(r["median_s"] or np.inf))[:15])
        rows += small

    print("\n## targets")
    verdict = targets(rows)
    print("\n".join(verdict))
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {"command": " ".join(["python", "benchmarks/irreps_benchmark.py", *sys.argv[1:]]),
            "date": time.strftime("%Y-%m-%d %H:%M:%S"), "python": platform.python_version(),
            "numpy": np.__version__, "machine": platform.platform(),
            "processor": platform.processor(), "cpus": os.cpu_count(),
            "blas_threads": BLAS_THREADS, "repeats": args.repeats,
            "loadavg_1min_start_end": [load_start[0], os.getloadavg()[0]],
            "wall_s": time.perf_counter() - start, "targets": verdict}
    if args.all_small:
        meta["per_order"] = per_order([r for r in rows if r["source"] == "smallgroups"])
    (args.out / "irreps.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    fields = ["source", "group", "order", "gap_id", "gap_name", "num_irreps", "max_dim",
              "first_s", "median_s", "min_s", "homomorphism_residual", "homomorphism_checked_on",
              "unitarity_residual", "orthonormality_residual", "gap_character_match",
              "gap_character_error", "failures"]
    with open(args.out / "irreps.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({**r, "gap_id": "" if r["gap_id"] is None else "{},{}".format(*r["gap_id"]),
                        "failures": " | ".join(r["failures"])})
    print(f"\nwrote {args.out / 'irreps.json'} and irreps.csv")
    return 1 if any(r["failures"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
