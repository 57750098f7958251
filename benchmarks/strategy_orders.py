r"""Which group orders do the Hypothesis strategies draw?

Runs ``--runs`` independent Hypothesis tests of ``--examples`` examples each (random, no
example database, like the ``thorough`` profile; each test's first example is Hypothesis's
simplest one) for

* ``finite_groups(max_order=M)``, the generated-group strategy, and
* ``small_groups(max_order=M)``, uniform over the SmallGroups ids (order, i) with order ≤ M,

and reports, per strategy, the fraction of draws of order 1, of order 2, the fraction of
draws whose order has at least ``--large`` elements, the number of distinct orders and,
for ``small_groups``, the total-variation distance between the drawn and the uniform
distribution over the orders' shares of ids (0 = exactly proportional), next to what
sampling noise alone gives for that many draws.

    python benchmarks/strategy_orders.py                      # M = 60, 20 runs × 40 examples
    python benchmarks/strategy_orders.py --max-order 24 --runs 30 --examples 30

Writes ``benchmarks/results/strategy_orders.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import collections
import json
import time
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings

import harmonics_jax as hj
from harmonics_jax.testing import strategies

REPO = Path(__file__).resolve().parents[1]


def draw_orders(strategy, runs: int, examples: int) -> tuple[list[int], list[int]]:
    """Orders drawn by ``runs`` fresh Hypothesis tests (all draws, and each run's first)."""
    drawn: list[int] = []
    first: list[int] = []
    for _ in range(runs):
        seen: list[int] = []

        @settings(max_examples=examples, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def collect(group):
            seen.append(group.order)

        collect()
        first.append(seen[0])
        drawn += seen
    return drawn, first


def summarise(orders: list[int], first: list[int], large: int) -> dict:
    counts = collections.Counter(orders)
    total = len(orders)
    return {
        "draws": total,
        "fraction_order_1": counts[1] / total,
        "fraction_order_2": counts[2] / total,
        f"fraction_order_at_least_{large}": sum(c for n, c in counts.items() if n >= large) / total,
        "distinct_orders": len(counts),
        "first_examples": dict(collections.Counter(first)),
        "counts_by_order": dict(sorted(counts.items())),
    }


def uniformity(orders: list[int], max_order: int, rng: np.random.Generator) -> dict:
    """Total variation between the drawn orders and the ids' orders, and its sampling-noise
    level (median over 200 uniform samples of the same size)."""
    share = np.array([hj.num_small_groups(n) for n in range(1, max_order + 1)], dtype=float)
    share /= share.sum()
    observed = np.bincount(orders, minlength=max_order + 1)[1:] / len(orders)
    noise = [0.5 * np.abs(np.bincount(rng.choice(max_order, len(orders), p=share),
                                      minlength=max_order) / len(orders) - share).sum()
             for _ in range(200)]
    return {"total_variation": 0.5 * float(np.abs(observed - share).sum()),
            "total_variation_sampling_noise_median": float(np.median(noise))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-order", type=int, default=60)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument("--large", type=int, default=24,
                        help="report the fraction of draws of order ≥ this")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args()
    start = time.perf_counter()
    result = {"command": "python benchmarks/strategy_orders.py "
                         f"--max-order {args.max_order} --runs {args.runs} "
                         f"--examples {args.examples} --large {args.large}"}
    for name, strategy in (("finite_groups", strategies.finite_groups(max_order=args.max_order)),
                           ("small_groups", strategies.small_groups(max_order=args.max_order))):
        orders, first = draw_orders(strategy, args.runs, args.examples)
        summary = summarise(orders, first, args.large)
        if name == "small_groups":
            summary.update(uniformity(orders, args.max_order, np.random.default_rng(0)))
        result[name] = summary
        print(f"{name}(max_order={args.max_order}): {summary['draws']} draws, "
              f"order 1: {summary['fraction_order_1']:.1%}, order 2: "
              f"{summary['fraction_order_2']:.1%}, order ≥ {args.large}: "
              f"{summary[f'fraction_order_at_least_{args.large}']:.1%}, "
              f"{summary['distinct_orders']} distinct orders, first examples "
              f"{summary['first_examples']}")
        if "total_variation" in summary:
            print(f"  total variation from the ids' order shares: "
                  f"{summary['total_variation']:.3f} (sampling noise alone: median "
                  f"{summary['total_variation_sampling_noise_median']:.3f})")
    result["seconds"] = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "strategy_orders.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


if __name__ == "__main__":
    main()
