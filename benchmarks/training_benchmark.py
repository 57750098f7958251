"""Training throughput and compile time of harmonics_jax.training.sweep.

Prints and saves ``benchmarks/results/training.json`` and the figure
``benchmarks/results/training_scaling.png``:

* seed-steps per second for D4 (order 8), batch 32, at 1 … 4096 seeds (median of repeats,
  compile excluded: the timed calls reuse the compiled program with new keys);
* compile time (lower + XLA compile, median of repeats) and throughput at 64 seeds for
  one group of each order 6, 8, …, 24 and, unless ``--quick``, A5 (60) and S5 (120).

Usage: ``python benchmarks/training_benchmark.py [--quick] [--repeats 3]``.
To use every core of a CPU, expose them as devices *before* JAX starts, e.g.
``XLA_FLAGS=--xla_force_host_platform_device_count=2``: ``sweep`` shards seeds over devices.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import jax

import harmonics_jax as hj
from harmonics_jax.training import TrainConfig, lower_sweep, sweep

RESULTS = Path(__file__).resolve().parent / "results"
SEED_COUNTS = (1, 16, 64, 256, 1024, 4096)
ORDER_GROUPS = ("S3", "D4", "D5", "A4", "D7", "D8", "D9", "D10", "D11", "S4")
LARGE_GROUPS = ("A5", "S5")
SEED_STEP_BUDGET = 300_000  # cap on seed-steps per timed call (keeps the run to minutes)


def _steps_for(seeds: int, cap: int = 2000) -> int:
    steps = int(min(cap, max(100, SEED_STEP_BUDGET // seeds)))
    return max(100, steps // 100 * 100)


def _timed_sweep(group, cfg, seeds, repeats):
    """Median wall time of ``repeats`` calls after a warm-up (compiling) call."""
    jax.block_until_ready(sweep(jax.random.key(0), group, cfg, seeds))
    times = []
    for r in range(repeats):
        t = time.perf_counter()
        jax.block_until_ready(sweep(jax.random.key(r + 1), group, cfg, seeds))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _compile_time(group, cfg, seeds, repeats):
    """Median time to trace, lower and compile the sweep program (caches cleared each time)."""
    times = []
    for _ in range(repeats):
        jax.clear_caches()  # otherwise the second compile() is an in-memory cache hit
        t = time.perf_counter()
        lower_sweep(jax.random.key(0), group, cfg, seeds).compile()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip orders 60 and 120, cap seeds")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    out: dict = {
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "cpu_count": os.cpu_count(), "devices": [str(d) for d in jax.devices()],
                    "jax": jax.__version__, "xla_flags": os.environ.get("XLA_FLAGS", ""),
                    "load_average_at_start": os.getloadavg()},
        "config": "TrainConfig(batch_size=32, rounds=1), float32; steps scaled with seeds",
        "repeats": args.repeats,
        "seeds": [], "orders": [],
    }
    D4 = hj.named_group("D4")
    counts = SEED_COUNTS[:-1] if args.quick else SEED_COUNTS
    for seeds in counts:
        steps = _steps_for(seeds)
        cfg = TrainConfig(steps=steps, log_every=100, rounds=1, warmup_steps=50)
        dt = _timed_sweep(D4, cfg, seeds, args.repeats)
        row = {"seeds": seeds, "steps": steps, "seconds": dt,
               "seed_steps_per_s": seeds * steps / dt}
        out["seeds"].append(row)
        print(f"D4 batch 32  seeds {seeds:5d}  steps {steps:5d}  {dt:7.2f} s  "
              f"{row['seed_steps_per_s']:10.0f} seed-steps/s", flush=True)
    groups = ORDER_GROUPS + (() if args.quick else LARGE_GROUPS)
    for name in groups:
        G = hj.named_group(name)
        steps = 500 if G.order < 60 else 100
        cfg = TrainConfig(steps=steps, log_every=100, rounds=1, warmup_steps=20)
        ct = _compile_time(G, cfg, 64, args.repeats)
        dt = _timed_sweep(G, cfg, 64, args.repeats)
        row = {"group": name, "order": G.order, "block_dims": list(hj.irrep_dims(G)),
               "compile_s": ct, "seed_steps_per_s_64": 64 * steps / dt}
        out["orders"].append(row)
        print(f"{name:4s} order {G.order:4d}  compile {ct:6.2f} s  "
              f"{row['seed_steps_per_s_64']:9.0f} seed-steps/s at 64 seeds", flush=True)
    out["machine"]["load_average_at_end"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "training.json").write_text(json.dumps(out, indent=2))
    _plot(out, RESULTS / "training_scaling.png")
    print(f"wrote {RESULTS / 'training.json'} and {RESULTS / 'training_scaling.png'}")
    return out


def _plot(out: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    s = out["seeds"]
    ax[0].loglog([r["seeds"] for r in s], [r["seed_steps_per_s"] for r in s], "o-")
    ax[0].set_xlabel("seeds (networks trained together)")
    ax[0].set_ylabel("seed-steps / s")
    ax[0].set_title("D4 (order 8), batch 32")
    ax[0].grid(True, which="both", alpha=0.3)
    o = out["orders"]
    orders = [r["order"] for r in o]
    ax[1].loglog(orders, [r["compile_s"] for r in o], "o-", label="compile time (s)")
    ax[1].loglog(orders, [r["seed_steps_per_s_64"] / 1000 for r in o], "s-",
                 label="k seed-steps / s (64 seeds)")
    ax[1].set_xlabel("group order n")
    ax[1].set_title("scaling with group order")
    ax[1].legend()
    ax[1].grid(True, which="both", alpha=0.3)
    load = out["machine"]["load_average_at_start"][0]
    fig.suptitle(f"harmonics_jax training on {out['machine']['cpu_count']} CPU cores, "
                 f"{len(out['machine']['devices'])} device(s), load average {load:.1f} at start")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
