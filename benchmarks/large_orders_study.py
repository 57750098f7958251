"""Recipe study for large orders (docs/RECIPE.md, phase 12): train and verify a ladder of
groups with several recipes, and print seconds per 16 verified networks.

    python benchmarks/large_orders_study.py --groups A5,72.41,96.70 --seeds 8 \\
        --recipe default --recipe objective=expected,steps=1000,rounds=4 --tag try1

Groups and recipe specs: see ``benchmarks/_ladder.py``.  Each (group, recipe) is one cold
``sweep`` of ``--seeds`` networks followed by ``verify_batched``; "verified" = meets the
hypotheses and passes every conclusion.  Rows are appended to
``benchmarks/results/large_orders/study_TAG.json`` (with the load average, since the timings
come from a shared CPU).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import jax

import harmonics_jax as hj
from _ladder import ladder_group, parse_recipe, train_and_verify, verify_compile_seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", required=True, help="comma-separated group specs")
    ap.add_argument("--recipe", action="append", required=True,
                    help="field=value,... of TrainConfig (and lr=); repeat for several")
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--key", type=int, default=0)
    ap.add_argument("--tag", required=True, help="results file: study_TAG.json")
    args = ap.parse_args()
    out = Path(__file__).parent / "results" / "large_orders" / f"study_{args.tag}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = json.loads(out.read_text())["rows"] if out.exists() else []
    for spec in args.groups.split(","):
        G = ladder_group(spec)
        verify_compile = verify_compile_seconds(G, args.seeds)
        for recipe in args.recipe:
            config, lr = parse_recipe(recipe)
            load = os.getloadavg()[0]
            row = dict(group=spec, order=G.order, irrep_dims=list(hj.irrep_dims(G)),
                       recipe=recipe, key=args.key, load_before=load,
                       verify_compile_s=verify_compile,
                       **train_and_verify(G, config, lr, args.seeds, args.key))
            rows.append(row)
            print(f"{spec:>8} n={G.order:<3} {recipe:<50} met {row['met']}/{args.seeds} "
                  f"verified {row['verified']}/{args.seeds}  train {row['train_s']:.1f} s "
                  f"verify {row['verify_s']:.1f} s  → {row['s_per_16_verified']:.1f} s/16 "
                  f"verified  (load {load:.1f})", flush=True)
            out.write_text(json.dumps({"rows": rows, "jax": jax.__version__,
                                       "devices": str(jax.devices())}, indent=1) + "\n")


if __name__ == "__main__":
    main()
