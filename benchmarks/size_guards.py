"""Are the size guards' memory estimates upper bounds?  Measured peaks against the estimates.

* characters and irreps (NumPy): the peak of traced allocations (``tracemalloc``, which
  NumPy reports to) against ``_characters._memory_estimate`` and ``_irreps.memory_estimate``;
* a sweep's verification block and training chunk (XLA): the growth of the process's peak
  resident memory (``ru_maxrss``, compiler included) in a fresh subprocess, against
  ``runner._guards.estimate`` plus its runtime allowance.

Usage: ``python benchmarks/size_guards.py [--quick]``; prints a table and writes
``benchmarks/results/size_guards/size_guards.json``.  Timings are not the point (they are
printed for orientation only).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

OUT = Path(__file__).parent / "results" / "size_guards"

_CHILD = r"""
import json, resource, sys
import jax, numpy as np, harmonics_jax as hj
from harmonics_jax.models import SpectralWeights, random_unitary_matrix
from harmonics_jax.runner._guards import VERIFY_BLOCK, _RUNTIME, estimate
from harmonics_jax.runner._spec import SweepSpec
from harmonics_jax.training import TrainConfig, sweep
from harmonics_jax.verify import verify_batched
name, what, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3])
g = hj.named_group(name)
n = g.order
cfg = TrainConfig(steps=200, rounds=1, warmup_steps=10)
hj.irreps(g)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if what == "training":
    np.asarray(sweep(jax.random.key(0), g, cfg, chunk).weights.F)
else:
    keys = jax.random.split(jax.random.key(0), VERIFY_BLOCK)
    F = jax.vmap(lambda k: random_unitary_matrix(k, n, jax.numpy.complex64))(keys)
    r = verify_batched(SpectralWeights(F, block_dims=hj.irrep_dims(g)), g)
    np.asarray(r.invariance_defect)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
spec = SweepSpec.create(group_name=name, table=g.table, block_dims=hj.irrep_dims(g),
                        config={}, hparams={"learning_rate": [0.3]}, num_seeds=chunk,
                        chunk_size=chunk, seed=0, tolerances={})
print(json.dumps({"measured": peak - base, "estimate": _RUNTIME + estimate(spec, cfg)[what]}))
"""


def numpy_case(name: str) -> dict:
    import harmonics_jax as hj
    from harmonics_jax import _characters, _irreps

    g = hj.named_group(name)
    g = hj.FiniteGroup(g.table, g.inverse, name)  # fresh caches
    n = g.order
    tracemalloc.start()
    t0 = time.perf_counter()
    r = g.num_classes
    _characters._character_values(g)
    chars = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    t1 = time.perf_counter()
    hj.irreps(g)
    reps = tracemalloc.get_traced_memory()[1]
    t2 = time.perf_counter()
    tracemalloc.stop()
    return {"group": name, "order": n, "classes": r,
            "characters": {"measured": chars, "estimate": 16 * n * n
                           + _characters._memory_estimate(n, r), "seconds": t1 - t0},
            "irreps": {"measured": reps, "estimate": _irreps.memory_estimate(n),
                       "seconds": t2 - t1}}


def xla_case(name: str, what: str, chunk: int) -> dict:
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", _CHILD, name, what, str(chunk)],
                         capture_output=True, text=True, check=True)
    out = json.loads(res.stdout.strip().splitlines()[-1])
    return {"group": name, "what": what, "networks": chunk, **out,
            "seconds": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller groups only")
    args = ap.parse_args()
    numpy_groups = ["C500", "D250"] if args.quick else ["C500", "D250", "C1000", "D500"]
    xla = [("S4", "verification", 16), ("C60", "verification", 16), ("S4", "training", 16)]
    if not args.quick:
        xla.append(("S5", "verification", 16))
    rows = []
    print(f"{'case':<34}{'measured MiB':>14}{'estimate MiB':>14}{'ratio':>8}")
    for name in numpy_groups:
        case = numpy_case(name)
        rows.append(case)
        for part in ("characters", "irreps"):
            m, e = case[part]["measured"], case[part]["estimate"]
            print(f"{name + ' ' + part:<34}{m / 2**20:>14.1f}{e / 2**20:>14.1f}{e / m:>8.2f}")
    for name, what, chunk in xla:
        case = xla_case(name, what, chunk)
        rows.append(case)
        m, e = case["measured"], case["estimate"]
        label = f"{name} {what} ({chunk} networks)"
        print(f"{label:<34}{m / 2**20:>14.1f}{e / 2**20:>14.1f}{e / m:>8.2f}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "size_guards.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(f"wrote {OUT / 'size_guards.json'}")


if __name__ == "__main__":
    main()
