"""GPU benchmark: training throughput against the number of seeds, and the census ≤ 32 wall time.

What it measures, in one run that limits itself to ``--budget-s`` seconds:

1. **Seed-steps per second** of the engine's training program (``training.sweep``, the
   default recipe with a fixed, short number of steps: ``--steps``, one round) on D4 and S4
   against the number of seeds trained together: 1, 16, 256, 4096, 16384, 65536 (up to
   ``--max-seeds``).  For each point: the first call (compilation + one run) is timed on its
   own, then the median of ``--repeats`` timed runs of the compiled program;
   ``compile_s`` = first call − median run.  Seed-steps/s = seeds × steps / median run.
   The seed count stops growing for a group when a point exceeds ``--point-budget-s``, when
   the next point is predicted (linearly in the seeds) not to fit in the training share of
   the budget (split equally between the groups), or when the device runs out of memory;
   the reason is recorded.
2. **Census wall time**: ``harmonics census --max-order 32 --seeds 16`` in a subprocess with a
   deadline (what is left of the budget, less 30 s); if the deadline comes first the census
   is interrupted (SIGINT, so it writes its aggregate of the finished groups; killed 20 s
   later if it has not stopped) and the number of finished groups is recorded.  Measured on
   the CPU: the whole run ends within the budget plus a few seconds.

Results go to ``--out`` (default ``benchmarks/results/gpu/``): ``gpu_benchmark.json`` is
rewritten atomically after every point (a timeout keeps what finished), with the device
(``jax.devices()``, device kind, memory stats, ``nvidia-smi`` if present), the JAX version,
the settings, the throughput points and the census outcome; the census folder is
``--out/census_max32``.

How it is run (the coordinator, once, on one H200 with a hard 8-minute budget; that
machine's image already holds jax with its CUDA plugin, flax, optax and matplotlib and
reaches no package registry, so the package is run from the checkout)::

    PYTHONPATH=. python3 benchmarks/gpu_benchmark.py --budget-s 420 --out "$OUT"

Elsewhere: ``pip install -U "jax[cuda12]" && pip install -e .`` first.

Tested on the 2-core CPU at tiny sizes::

    python benchmarks/gpu_benchmark.py --max-seeds 16 --census-max-order 4 --budget-s 300 \\
        --out runs/gpu_bench_cpu
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

SEED_COUNTS = (1, 16, 256, 4096, 16384, 65536)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--budget-s", type=float, default=420.0,
                   help="wall-clock budget of the whole run (default %(default)s)")
    p.add_argument("--train-share", type=float, default=0.45,
                   help="fraction of the budget for the throughput points (default "
                   "%(default)s); the census gets the rest")
    p.add_argument("--point-budget-s", type=float, default=90.0,
                   help="stop growing the seeds when one point takes longer (default "
                   "%(default)s)")
    p.add_argument("--groups", default="D4,S4", help="groups of the throughput points")
    p.add_argument("--max-seeds", type=int, default=SEED_COUNTS[-1])
    p.add_argument("--steps", type=int, default=200, help="steps per timed run (one round)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per point")
    p.add_argument("--census-max-order", type=int, default=32)
    p.add_argument("--census-seeds", type=int, default=16)
    p.add_argument("--no-census", action="store_true")
    p.add_argument("--out", default="benchmarks/results/gpu", help="output folder")
    return p.parse_args(argv)


def device_info() -> dict:
    import jax

    devs = jax.devices()
    info = {"jax": jax.__version__, "backend": jax.default_backend(),
            "devices": [str(d) for d in devs], "device_kind": devs[0].device_kind,
            "process_count": jax.process_count()}
    try:
        info["memory_stats"] = {k: int(v) for k, v in (devs[0].memory_stats() or {}).items()}
    except Exception as err:  # not every backend reports memory
        info["memory_stats"] = f"unavailable ({type(err).__name__})"
    if shutil.which("nvidia-smi"):
        try:
            info["nvidia_smi"] = subprocess.run(
                ["nvidia-smi", "--query-gpu=name,memory.total,driver_version",
                 "--format=csv,noheader"], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError) as err:
            info["nvidia_smi"] = f"failed ({err})"
    return info


def is_out_of_memory(err: BaseException) -> bool:
    text = f"{type(err).__name__} {err}".lower()
    return any(s in text for s in ("resource_exhausted", "out of memory", "oom", "memory"))


def throughput_points(args, results: dict, save, deadline: float) -> None:
    import jax

    import harmonics_jax as hj
    from harmonics_jax.training import TrainConfig, sweep

    config = TrainConfig(steps=args.steps, rounds=1, log_every=args.steps,
                         warmup_steps=min(10, args.steps - 1))
    results["train_config"] = {"steps": config.steps, "rounds": 1, "recipe": "default"}
    counts = [s for s in SEED_COUNTS if s <= args.max_seeds]
    last_compile = 0.0  # compile time of the last point: the next compile takes about as long
    names = [s.strip() for s in args.groups.split(",") if s.strip()]
    t_start = time.perf_counter()
    for gi, name in enumerate(names):  # each group gets an equal part of the training share
        group_deadline = t_start + (deadline - t_start) * (gi + 1) / len(names)
        group = hj.named_group(name)
        points = results["throughput"].setdefault(name, [])
        per_seed = 0.0  # seconds per seed of a run, from the last point of this group
        for seeds in counts:
            left = group_deadline - time.perf_counter()
            need = last_compile + per_seed * seeds * (args.repeats + 1)
            if need > left:
                points.append({"seeds": seeds, "stopped": f"predicted {need:.0f} s (compile "
                               f"{last_compile:.0f} s + runs) > {max(left, 0):.0f} s left of "
                               "the training share"})
                save()
                break
            point: dict = {"seeds": seeds, "steps": config.steps}
            try:
                t0 = time.perf_counter()
                jax.block_until_ready(sweep(jax.random.key(0), group, config, seeds))
                first = time.perf_counter() - t0
                runs = []
                for r in range(args.repeats):
                    t0 = time.perf_counter()
                    jax.block_until_ready(sweep(jax.random.key(r + 1), group, config, seeds))
                    runs.append(time.perf_counter() - t0)
                    if time.perf_counter() - t0 > args.point_budget_s:
                        break
            except Exception as err:  # out of memory or a runtime failure: record, stop
                point["stopped"] = ("out of memory: " if is_out_of_memory(err) else "error: ") \
                    + f"{type(err).__name__}: {str(err)[:300]}"
                points.append(point)
                save()
                break
            run = statistics.median(runs)
            point.update(first_call_s=round(first, 4), run_s=[round(r, 5) for r in runs],
                         median_run_s=round(run, 5), compile_s=round(max(first - run, 0), 4),
                         seed_steps_per_s=round(seeds * config.steps / run, 1))
            points.append(point)
            save()
            print(f"{name}: {seeds} seeds: compile {point['compile_s']:.2f} s, run "
                  f"{run:.4f} s, {point['seed_steps_per_s']:.3g} seed-steps/s", flush=True)
            per_seed, last_compile = run / seeds, point["compile_s"]
            if first + sum(runs) > args.point_budget_s:
                points.append({"seeds": None, "stopped": f"point of {seeds} seeds took "
                               f"{first + sum(runs):.0f} s > --point-budget-s"})
                save()
                break


def census_run(args, results: dict, save, deadline: float, out: Path) -> None:
    folder = out / f"census_max{args.census_max_order}"
    if folder.exists():
        shutil.rmtree(folder)  # a fresh census: this measures the wall time from nothing
    cmd = [sys.executable, "-m", "harmonics_jax", "census", "--max-order",
           str(args.census_max_order), "--seeds", str(args.census_seeds), "--out", str(folder)]
    timeout = deadline - time.perf_counter()
    entry = {"command": " ".join(["harmonics", *cmd[3:]]), "deadline_s": round(timeout, 1)}
    results["census"] = entry
    save()
    if timeout < 10:
        entry["stopped"] = "no time left"
        save()
        return
    # This process already holds JAX's default preallocation (75% of a GPU's memory); the
    # census child would fail to preallocate another 75%, so it takes a fifth (still ~28 GB on
    # an H200, far more than a census group needs) unless the user set the fraction.
    env = dict(os.environ)
    env.setdefault("XLA_PYTHON_CLIENT_MEM_FRACTION", "0.2")
    entry["child_mem_fraction"] = env["XLA_PYTHON_CLIENT_MEM_FRACTION"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env)
    try:
        stdout, _ = proc.communicate(timeout=timeout)
        entry["finished"] = True
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)  # the census writes its aggregate on Ctrl-C
        try:
            stdout, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, _ = proc.communicate()
        entry["finished"] = False
    entry["wall_s"] = round(time.perf_counter() - t0, 1)
    entry["returncode"] = proc.returncode
    entry["log_tail"] = stdout[-4000:]
    groups = sorted((folder / "groups").glob("*.json")) if (folder / "groups").exists() else []
    entry["groups_finished"] = len(groups)
    recs = [json.loads(p.read_text()) for p in groups]
    entry["group_seconds"] = {"train": round(sum(r["train_seconds"] for r in recs), 1),
                              "verify": round(sum(r["verify_seconds"] for r in recs), 1),
                              "groups_that_compiled_training":
                                  sum(bool(r["train_compiled"]) for r in recs)}
    entry["met"] = sum(r["met"] for r in recs)
    entry["all_conclusions"] = sum(r["all_conclusions"] for r in recs)
    entry["networks"] = sum(r["seeds"] for r in recs)
    save()
    print(f"census: {len(groups)} groups in {entry['wall_s']} s "
          f"({'finished' if entry['finished'] else 'deadline reached'})", flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    deadline = start + args.budget_s
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from harmonics_jax.runner import write_json_atomic

    results: dict = {"argv": sys.argv[1:], "budget_s": args.budget_s,
                     "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                     "device": device_info(), "throughput": {}}

    def save():
        results["elapsed_s"] = round(time.perf_counter() - start, 1)
        write_json_atomic(out / "gpu_benchmark.json", results)

    save()
    print(f"device: {results['device']['device_kind']} ({results['device']['backend']}), "
          f"budget {args.budget_s:.0f} s", flush=True)
    train_deadline = start + args.train_share * args.budget_s
    try:
        throughput_points(args, results, save, train_deadline)
    except Exception as err:  # keep going to the census: record what broke
        results["throughput_error"] = f"{type(err).__name__}: {str(err)[:500]}"
        save()
    if not args.no_census:
        # leave room for the census's Ctrl-C (up to 20 s while it compiles) and the last save
        census_run(args, results, save, deadline - 30, out)
    results["finished"] = True
    save()
    print(f"wrote {out / 'gpu_benchmark.json'}", flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
