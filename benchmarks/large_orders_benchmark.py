"""Seconds per 16 verified networks against the group order: main's old default (the sampled
objective at every order) against the new default (``TrainConfig()``: the expected
objective in the Fourier basis beyond order 24, docs/RECIPE.md phase 12) and the new default
with ``stop_when_verified=True`` (``stop``: the recipe the census to order 100 runs with),
in one run.

    python benchmarks/large_orders_benchmark.py [--seeds 8] [--groups S3,S4,A5,...]
        [--recipes old,new,stop]

Every group is relabelled as the census sees it (``benchmarks/_ladder.py``).  For each
group and recipe the time a census group costs is split into its parts:

* ``irreps``: computing the group's irreps (once per group; the new default needs them
  for training, verification needs them anyway);
* ``train_compile``: lowering and compiling the ``sweep`` program
  (``lower_sweep(...).compile()``; JAX's caches are cleared before each group, and no two
  recipes share a program);
* ``train``: the ``sweep`` call that follows, which finds that program compiled: the
  training itself, run once (a second, warm call would double the cost of the slowest
  rows, the sampled objective at order 96);
* ``verify_compile``: the first ``verify_batched`` call on the trained weights minus a
  second, identical one (once per group, for the first recipe; every recipe is charged
  with it);
* ``verify``: the warm ``verify_batched`` call.

Compilation is shared by every group with the same order and irrep dimensions (the table
and the irreps are traced), so a census pays it once per (order, dimensions) class, and the
report gives seconds per 16 verified networks both cold (everything) and warm (train +
verify).  "Verified": meets the hypotheses and passes every conclusion.  Writes
``benchmarks/results/large_orders/benchmark.json`` and ``benchmark.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import jax
import numpy as np

import harmonics_jax as hj
from _ladder import ladder_group
from harmonics_jax.training import TrainConfig, lower_sweep, sweep
from harmonics_jax.verify import verify_batched

LADDER = "S3,S4,48.29,A5,64.4,72.41,96.3,96.70,S5,SL(2,5)"
RECIPES = {"old": TrainConfig(objective="sampled"), "new": TrainConfig(),
           "stop": TrainConfig(stop_when_verified=True)}


def _seconds(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def census_pass(G: hj.FiniteGroup, config: TrainConfig, seeds: int, key: int) -> dict:
    """One group with one recipe, timed part by part (see the module docstring): the sweep
    program compiled ahead of time, then ``sweep`` once (it runs that compiled program);
    ``verify_batched`` called twice on the same arguments, the first call minus the second
    being its compilation (0 when an earlier recipe already compiled it)."""
    k = jax.random.key(key)
    compile_s, _ = _seconds(lambda: lower_sweep(k, G, config, seeds).compile())
    train_s, r = _seconds(lambda: jax.block_until_ready(sweep(k, G, config, seeds)))
    w = r.weights[0]
    v_cold, rep = _seconds(lambda: jax.block_until_ready(verify_batched(w, G)))
    v_warm, rep = _seconds(lambda: jax.block_until_ready(verify_batched(w, G)))
    met = np.asarray(rep.hypotheses_met)
    verified = int((met & np.asarray(rep.fourier_recovered)).sum())
    return dict(train_compile_s=compile_s, train_s=train_s,
                verify_compile_s=max(v_cold - v_warm, 0.0), verify_s=v_warm,
                met=int(met.sum()), verified=verified,
                steps_median=float(np.median(np.asarray(r.steps))),
                median_invariance_defect=float(np.median(rep.invariance_defect)))


def step_costs(G: hj.FiniteGroup, repeats: int = 15) -> dict:
    """Median warm seconds of one loss-and-gradient evaluation (one network, float32): the
    sampled loss at the default batch, the expected loss by the table and in the Fourier
    basis (``irreps=``)."""
    from harmonics_jax.models import (expected_invariance_loss, invariance_loss,
                                      sample_orbit_pairs)
    from harmonics_jax.training import default_batch_size

    n, dims, t = G.order, hj.irrep_dims(G), jax.numpy.asarray(G.table)
    irr = [jax.numpy.asarray(r, jax.numpy.complex64) for r in hj.irreps(G)]
    F = hj.models.random_unitary_matrix(jax.random.key(0), n)
    pairs = sample_orbit_pairs(jax.random.key(1), t, default_batch_size(n), 0.0,
                               jax.numpy.complex64)
    losses = {
        "sampled": lambda F: invariance_loss(hj.SpectralWeights(F, dims), *pairs),
        "expected_table": lambda F: expected_invariance_loss(hj.SpectralWeights(F, dims), t),
        "expected_fourier": lambda F: expected_invariance_loss(hj.SpectralWeights(F, dims), t,
                                                               irreps=irr)}
    out = {}
    for name, loss in losses.items():
        f = jax.jit(jax.value_and_grad(loss))
        jax.block_until_ready(f(F))
        out[name] = float(np.median([_seconds(lambda: jax.block_until_ready(f(F)))[0]
                                     for _ in range(repeats)]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--key", type=int, default=0)
    ap.add_argument("--groups", default=LADDER, help=f"comma-separated (default {LADDER})")
    ap.add_argument("--recipes", default="old,new,stop",
                    help="comma-separated, of old,new,stop (default: all three)")
    ap.add_argument("--out", default="benchmark", help="results/large_orders/OUT.json/.png")
    ap.add_argument("--step-cost", action="store_true",
                    help="only time one loss-and-gradient evaluation per objective "
                         "(step_cost.json)")
    ap.add_argument("--combine", metavar="OUT1,OUT2,...",
                    help="only merge the rows of earlier runs (e.g. groups run as separate "
                         "processes) into --out and plot them")
    args = ap.parse_args()
    out = Path(__file__).parent / "results" / "large_orders"
    out.mkdir(parents=True, exist_ok=True)
    if args.combine:
        parts = [json.loads((out / f"{name}.json").read_text()) for name in
                 args.combine.split(",")]
        rows = [r for p in parts for r in p["rows"]]
        meta = {k: v for k, v in parts[0].items() if k != "rows"}
        (out / f"{args.out}.json").write_text(json.dumps(
            {"rows": rows, **meta, "combined_from": args.combine}, indent=1) + "\n")
        plot(rows, out / f"{args.out}.png")
        return
    if args.step_cost:
        rows = []
        for spec in args.groups.split(","):
            G = ladder_group(spec)
            rows.append(dict(group=spec, order=G.order, load_before=os.getloadavg()[0],
                             **step_costs(G)))
            print("  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                            for k, v in rows[-1].items()), flush=True)
            (out / "step_cost.json").write_text(json.dumps({"rows": rows}, indent=1) + "\n")
        return
    rows = []
    for spec in args.groups.split(","):
        G = ladder_group(spec)
        irreps_s, _ = _seconds(lambda: hj.irreps(G))
        jax.clear_caches()  # every recipe compiles its own sweep; verify compiles once, below
        vc = None
        for name in args.recipes.split(","):
            load = os.getloadavg()[0]
            row = dict(group=spec, order=G.order, irrep_dims=list(hj.irrep_dims(G)),
                       recipe=name, objective=RECIPES[name].objective_for(G.order),
                       seeds=args.seeds, load_before=load, irreps_s=irreps_s,
                       **census_pass(G, RECIPES[name], args.seeds, args.key))
            # verify compiles once per group (its first recipe): charge every recipe with it.
            vc = row["verify_compile_s"] = row["verify_compile_s"] if vc is None else vc
            warm = row["train_s"] + row["verify_s"]
            cold = warm + row["train_compile_s"] + vc + irreps_s
            v = row["verified"]
            row["s_per_16_verified_warm"] = 16 * warm / v if v else float("inf")
            row["s_per_16_verified_cold"] = 16 * cold / v if v else float("inf")
            rows.append(row)
            print(f"{spec:>8} n={G.order:<3} {name:<4} ({row['objective']:<8}) verified "
                  f"{v}/{args.seeds}  irreps {irreps_s:5.1f}  train compile "
                  f"{row['train_compile_s']:6.1f}  train {row['train_s']:6.1f} "
                  f"({row['steps_median']:.0f} steps)  verify compile "
                  f"{vc:5.1f}  verify {row['verify_s']:5.1f} s → {row['s_per_16_verified_warm']:7.1f}"
                  f" s/16 verified warm, {row['s_per_16_verified_cold']:7.1f} cold  "
                  f"(load {load:.1f})", flush=True)
            (out / f"{args.out}.json").write_text(json.dumps(
                {"rows": rows, "seeds": args.seeds, "key": args.key, "jax": jax.__version__,
                 "devices": str(jax.devices()), "cpus": os.cpu_count()}, indent=1) + "\n")
    plot(rows, out / f"{args.out}.png")


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, colour in (("old", "tab:red"), ("new", "tab:blue"), ("stop", "tab:green")):
        for kind, style in (("warm", "-o"), ("cold", "--x")):
            pts = sorted((r["order"], r[f"s_per_16_verified_{kind}"], r["group"])
                         for r in rows if r["recipe"] == name)
            if not pts:
                continue
            xs, ys, _ = zip(*pts)
            ys = [y if np.isfinite(y) else np.nan for y in ys]
            ax.plot(xs, ys, style, color=colour, label=f"{name} ({kind})")
    for r in rows:
        if r["recipe"] == "new":
            ax.annotate(r["group"], (r["order"], r["s_per_16_verified_warm"]), fontsize=7,
                        textcoords="offset points", xytext=(3, 3))
    ax.set_xlabel("group order n")
    ax.set_ylabel("seconds per 16 verified networks")
    ax.set_yscale("log")
    ax.set_title("old: sampled objective; new: expected objective beyond order 24; stop: new,\n"
                 "stopping at verification (cold includes compilation; load in the JSON)",
                 fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
