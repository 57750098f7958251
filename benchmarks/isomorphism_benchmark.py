r"""Time ``hj.are_isomorphic`` and ``hj.identify`` on GAP's SmallGroups library.

Sections (every answer is checked: an isomorphism is verified on the whole table, and two
SmallGroups of one order with different ids must come out non-isomorphic):

1. ``all_pairs``: every ordered pair (relabelled SmallGroup(n, i), SmallGroup(n, j)) of equal
   order n ≤ ``--max-order`` (default 32: 3,228 pairs), as ``tests/test_isomorphism.py``
   runs it.  Each relabelled copy is a new table, so its colours are computed (cold) at its
   first pair.
2. ``large``: ``--sample`` random ids of each order in ``--large-orders`` (default 64 and
   96): a fresh relabelled copy against its own id (isomorphic) and against another random
   id of the same order (not isomorphic); plus the pairs the colour digest does not
   separate (five of order 64, one of order 100), both ways; and order 128 (beyond the
   library): every ordered pair of ``ORDER_128`` (named products such as ``C2xD4xQ8``),
   the first one relabelled.
3. ``identify``: ``hj.identify`` on a fresh relabelled copy of every group of order
   ≤ ``--max-order`` and of ``--identify-sample`` random groups of orders above it (≤ 100).
   The first call at each order also computes the colour digests of every library group
   of that order (cached afterwards); those calls are reported separately as ``first``.

BLAS is pinned to one thread before NumPy loads (``irrep_dims`` calls LAPACK, which
thrashes on a shared 2-core machine).

    python benchmarks/isomorphism_benchmark.py
    python benchmarks/isomorphism_benchmark.py --sample 10 --identify-sample 20

Writes ``benchmarks/results/isomorphism.json`` (``--out``).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import harmonics_jax as hj  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ORDER_128 = ("D64", "Dic32", "C2xD32", "C2xC2xC2xC2xC2xC2xC2", "C4xC4xC8", "C2xD4xD4",
             "C2xD4xQ8", "C2xQ8xQ8", "C4xC4xD4", "C2xC4xDic4", "D8xD4", "Dic4xQ8")
UNSEPARATED = (((64, 74), (64, 80)), ((64, 85), (64, 112)), ((64, 156), (64, 160)),
               ((64, 157), (64, 159)), ((64, 179), (64, 180)), ((100, 11), (100, 12)))


def relabelled(group: hj.FiniteGroup, rng: np.random.Generator) -> hj.FiniteGroup:
    return hj.relabel(group, rng.permutation(group.order))


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def stats(times: list[float], labels: list[str]) -> dict:
    if not times:
        return {"count": 0}
    worst = int(np.argmax(times))
    return {"count": len(times), "total_s": float(sum(times)),
            "median_s": statistics.median(times),
            "p90_s": float(np.percentile(times, 90)), "max_s": max(times),
            "slowest": labels[worst]}


def check_pair(phi, G, H, isomorphic: bool, what: str) -> None:
    if isomorphic and (phi is None or not hj.is_isomorphism(phi, G, H)):
        raise AssertionError(f"{what}: no valid isomorphism returned")
    if not isomorphic and phi is not None:
        raise AssertionError(f"{what}: an isomorphism between different ids")


class Timings:
    """Seconds (and labels) of checked ``are_isomorphic`` calls, isomorphic or not."""

    def __init__(self) -> None:
        self.calls: dict[bool, tuple[list[float], list[str]]] = {True: ([], []),
                                                                 False: ([], [])}

    def run(self, G, H, isomorphic: bool, label: str) -> None:
        phi, dt = timed(hj.are_isomorphic, G, H)
        check_pair(phi, G, H, isomorphic, label)
        self.calls[isomorphic][0].append(dt)
        self.calls[isomorphic][1].append(label)

    def every_pair(self, groups, names, rng: np.random.Generator) -> None:
        """(relabelled groups[i], groups[j]) for every i, j: isomorphic iff i = j."""
        for i, G in enumerate(groups):
            copy = relabelled(G, rng)
            for j, H in enumerate(groups):
                self.run(copy, H, i == j, f"{names[i]} vs {names[j]}")

    def summary(self) -> dict:
        return {"isomorphic": stats(*self.calls[True]),
                "not_isomorphic": stats(*self.calls[False])}


def all_pairs(max_order: int, rng: np.random.Generator) -> dict:
    timings = Timings()
    wall = time.perf_counter()
    for n in range(1, max_order + 1):
        count = hj.num_small_groups(n)
        timings.every_pair([hj.small_group(n, i) for i in range(1, count + 1)],
                           [f"({n},{i})" for i in range(1, count + 1)], rng)
    return {"wall_s": time.perf_counter() - wall, **timings.summary()}


def large(orders: list[int], sample: int, rng: np.random.Generator) -> dict:
    out: dict = {}
    for n in orders:
        count = hj.num_small_groups(n)
        timings = Timings()
        for i in rng.choice(np.arange(1, count + 1), size=min(sample, count), replace=False):
            G = hj.small_group(n, int(i))
            timings.run(relabelled(G, rng), G, True, f"({n},{i})")
            j = int(rng.choice([k for k in range(1, count + 1) if k != i]))
            timings.run(relabelled(G, rng), hj.small_group(n, j), False, f"({n},{i}) vs ({n},{j})")
        out[f"order_{n}"] = timings.summary()
    hard = Timings()
    for a, b in UNSEPARATED:
        for x, y in ((a, b), (b, a)):
            hard.run(relabelled(hj.small_group(*x), rng), hj.small_group(*y), False, f"{x} vs {y}")
    out["same_colour_digest_not_isomorphic"] = hard.summary()["not_isomorphic"]
    named = Timings()
    named.every_pair([hj.named_group(name) for name in ORDER_128], ORDER_128, rng)
    out["order_128_named"] = named.summary()
    return out


def identify(max_order: int, sample: int, rng: np.random.Generator) -> dict:
    ids = [(n, i) for n in range(1, 101) for i in range(1, hj.num_small_groups(n) + 1)]
    small = [g for g in ids if g[0] <= max_order]
    rest = [g for g in ids if g[0] > max_order]
    picked = [rest[k] for k in sorted(rng.choice(len(rest), size=min(sample, len(rest)),
                                                 replace=False))]
    first, warm, first_l, warm_l = [], [], [], []
    seen_orders: set[int] = set()
    for n, i in small + picked:
        G = hj.small_group(n, i)
        found, dt = timed(hj.identify, relabelled(G, rng))
        if found.gap_id != (n, i):
            raise AssertionError(f"identify({n},{i}) gave {found.gap_id}")
        label = f"({n},{i}) {found.gap_name}"
        if n in seen_orders:
            warm.append(dt)
            warm_l.append(label)
        else:
            first.append(dt)
            first_l.append(label)
            seen_orders.add(n)
    return {"groups": len(small) + len(picked), "orders_above": max_order,
            "sampled_above": len(picked), "first_call_per_order": stats(first, first_l),
            "later_calls": stats(warm, warm_l)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-order", type=int, default=32)
    parser.add_argument("--large-orders", type=int, nargs="*", default=[64, 96])
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--identify-sample", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    result = {
        "command": "python benchmarks/isomorphism_benchmark.py --max-order "
                   f"{args.max_order} --large-orders {' '.join(map(str, args.large_orders))} "
                   f"--sample {args.sample} --identify-sample {args.identify_sample} "
                   f"--seed {args.seed}",
        "machine": platform.platform(), "cpus": os.cpu_count(), "blas_threads": "1",
        "all_pairs": all_pairs(args.max_order, rng),
        "large": large(args.large_orders, args.sample, rng),
        "identify": identify(args.max_order, args.identify_sample, rng),
    }
    result["wall_s"] = time.perf_counter() - start
    result["loadavg_1min_start_end"] = [load, os.getloadavg()[0]]
    ap = result["all_pairs"]
    print(f"are_isomorphic, every pair of equal order <= {args.max_order}: "
          f"{ap['isomorphic']['count'] + ap['not_isomorphic']['count']} pairs in "
          f"{ap['wall_s']:.1f} s; isomorphic median {ap['isomorphic']['median_s'] * 1e3:.1f} ms "
          f"(max {ap['isomorphic']['max_s'] * 1e3:.0f} ms), not isomorphic median "
          f"{ap['not_isomorphic']['median_s'] * 1e3:.2f} ms "
          f"(max {ap['not_isomorphic']['max_s'] * 1e3:.0f} ms)")
    for key, block in result["large"].items():
        for kind, s in (block.items() if "count" not in block else [("", block)]):
            print(f"are_isomorphic {key} {kind}".rstrip() + f": {s['count']} calls, median "
                  f"{s['median_s'] * 1e3:.1f} ms, max {s['max_s'] * 1e3:.0f} ms ({s['slowest']})")
    idf = result["identify"]
    for kind in ("first_call_per_order", "later_calls"):
        s = idf[kind]
        print(f"identify {kind}: {s['count']} calls, median {s['median_s'] * 1e3:.1f} ms, "
              f"max {s['max_s'] * 1e3:.0f} ms ({s['slowest']})")
    print(f"total {result['wall_s']:.0f} s; load average {load:.1f} -> "
          f"{result['loadavg_1min_start_end'][1]:.1f} (shared machine)")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "isomorphism.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
