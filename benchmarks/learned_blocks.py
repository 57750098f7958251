r"""The README's picture: a trained network's blocks beside the true irreps.

Trains ``--seeds`` networks on ``--group`` with the default recipe (``TrainConfig()``),
verifies them, and draws the first network that meets the hypotheses with
:func:`harmonics_jax.plot.blocks_vs_irreps`: per block, the learned slices W_i[g], the irrep
read back from them after the recovered intertwiner (U_i^† ρ_i(g) U_i) and the matched true
irrep ρ(g).  Writes ``<out>/<group>_blocks.png`` and ``<out>/<group>_blocks.json`` (which
network, its verification verdicts and the per-block residuals), and prints the facts.

    python benchmarks/learned_blocks.py                      # A4, 8 seeds (~1 min on 2 cores)
    python benchmarks/learned_blocks.py --group S4 --seeds 4
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import jax
import numpy as np

import harmonics_jax as hj
from harmonics_jax import plot
from harmonics_jax.runner import write_json_atomic
from harmonics_jax.training import TrainConfig, sweep
from harmonics_jax.verify import verify_batched


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--group", default="A4", help="group name (default: %(default)s)")
    p.add_argument("--seeds", type=int, default=8, help="networks to train (default: 8)")
    p.add_argument("--seed", type=int, default=0, help="sweep key (default: 0)")
    p.add_argument("--out", default="benchmarks/results/learned_blocks",
                   help="output folder (default: %(default)s)")
    args = p.parse_args(argv)
    G = hj.named_group(args.group)
    start = time.perf_counter()
    result = sweep(jax.random.key(args.seed), G, TrainConfig(), num_seeds=args.seeds)
    report = verify_batched(result.weights, G)
    met = np.flatnonzero(report.hypotheses_met[0])
    if met.size == 0:
        raise SystemExit(f"no network of {args.seeds} met the hypotheses on {G.name}; "
                         "raise --seeds")
    j = int(met[0])
    weights = result.weights[0, j]
    aligned = plot.aligned_blocks(weights, G)
    out = Path(args.out)
    png = out / f"{G.name}_blocks.png"
    plot.blocks_vs_irreps(weights, G, path=png,
                          title=f"{G.name}: a trained network (seed {j} of {args.seeds}, "
                          "default recipe) beside the true irreps")
    facts = {
        "group": G.name, "order": G.order, "seeds": args.seeds, "sweep_key": args.seed,
        "network": j, "hypotheses_met": int(report.hypotheses_met.sum()),
        "fourier_recovered": bool(report.fourier_recovered[0, j]),
        "table_recovered": bool(report.table_recovered[0, j]),
        "invariance_defect": float(report.invariance_defect[0, j]),
        "matched_irreps": list(aligned.matched),
        "block_residuals": [float(r) for r in aligned.residual],
        "seconds": round(time.perf_counter() - start, 1),
    }
    write_json_atomic(out / f"{G.name}_blocks.json", facts)
    print(json.dumps(facts, indent=1))
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
