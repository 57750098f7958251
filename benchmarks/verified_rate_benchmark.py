"""Networks trained *and* verified per second, against the authors' algorithm in the same run.

For each group we time ``training.sweep`` (default recipe, ``--seeds`` networks in one
program) followed by ``verify_batched``, twice: the first call includes compilation (cold),
the second is warm.  A network counts as verified when it meets the hypotheses and passes
every conclusion (``hypotheses_met & fourier_recovered``).

With ``--reference-dir`` (a local clone of https://github.com/sophiaas/spectral-universality;
torch must be installed, their utils.py imports it) the same run trains
``--reference-networks`` networks per group with the authors' algorithm at its fastest
(``benchmarks/reference_algorithm.py``: their model, loss, regulariser and Adam settings,
compiled, without their torch data loader; stopped at the first exact recovery of the Cayley
table, as their loop checks it once per epoch), and reports verified networks per second of
both and their ratio.  The reference's time includes its compilation (its first network).
If no reference network recovers the table, its rate is below 1 / (its total seconds), and
the ratio printed is that lower bound ("≥").

    python benchmarks/verified_rate_benchmark.py [--seeds 256] [--groups C6,D3]
        [--stop-when-verified] [--reference-dir PATH [--reference-networks 8]]

``--stop-when-verified`` trains with ``TrainConfig(stop_when_verified=True)`` (a network stops
at the first round end where it meets the hypotheses; the sweep ends when all have) and also
prints the mean number of steps a network took.  Results: ``--out`` (default
``benchmarks/results/verified_rate[_stop].json``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import jax
import numpy as np

import harmonics_jax as hj
from harmonics_jax.training import TrainConfig, sweep
from harmonics_jax.verify import verify_batched


def one_pass(group, seeds: int, key: int, config: TrainConfig):
    t0 = time.perf_counter()
    r = sweep(jax.random.key(key), group, config, num_seeds=seeds)
    rep = verify_batched(r.weights[0], group)
    ok = int(np.sum(np.asarray(rep.hypotheses_met) & np.asarray(rep.fourier_recovered)))
    return time.perf_counter() - t0, ok, float(np.mean(r.steps))


def reference_row(modules, name: str, networks: int, max_epochs: int) -> dict:
    from reference_algorithm import Reference

    t0 = time.perf_counter()
    ref = Reference(modules, name)
    runs = [ref.train(i, max_epochs) for i in range(networks)]
    seconds = time.perf_counter() - t0
    recovered = sum(r.recovered for r in runs)
    return {"networks": networks, "recovered": recovered, "seconds": seconds,
            "max_epochs": max_epochs,
            "median_steps_of_recovered": statistics.median(
                [r.steps for r in runs if r.recovered]) if recovered else None,
            "verified_per_s": recovered / seconds,
            # no recovery: the rate is below one network per the time spent
            "verified_per_s_upper_bound": max(recovered, 1) / seconds,
            "runs": [vars(r) for r in runs]}


def ratio(ours: float, ref: dict) -> tuple[float, bool]:
    """(ours / reference, whether it is only a lower bound)."""
    if ref["recovered"]:
        return ours / ref["verified_per_s"], False
    return ours / ref["verified_per_s_upper_bound"], True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=256)
    ap.add_argument("--groups", default="C6,D3")
    ap.add_argument("--stop-when-verified", action="store_true",
                    help="TrainConfig(stop_when_verified=True)")
    ap.add_argument("--reference-dir", default=None,
                    help="a local clone of sophiaas/spectral-universality")
    ap.add_argument("--reference-networks", type=int, default=8)
    ap.add_argument("--reference-max-epochs", type=int, default=100,
                    help="their num_ep in train_JAX.py (default %(default)s)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    modules = None
    if args.reference_dir:  # fail before any training if the clone or torch is missing
        import reference_algorithm

        modules = reference_algorithm.load(args.reference_dir)
    config = TrainConfig(stop_when_verified=args.stop_when_verified)
    rows = []
    for name in args.groups.split(","):
        g = hj.named_group(name)
        cold, _, _ = one_pass(g, args.seeds, 0, config)
        warm, ok, mean_steps = one_pass(g, args.seeds, 1, config)
        row = dict(group=name, seeds=args.seeds, seconds_cold=cold, seconds_warm=warm,
                   fully_verified=ok, verified_per_s_cold=ok / cold,
                   verified_per_s_warm=ok / warm, mean_steps=mean_steps,
                   stop_when_verified=args.stop_when_verified)
        line = (f"{name}: {args.seeds} networks ({mean_steps:.0f} steps on average), {ok} "
                f"verified; {cold:.1f} s with compilation ({ok / cold:.2f} verified/s), "
                f"{warm:.1f} s warm ({ok / warm:.2f}/s)")
        if modules is not None:
            ref = reference_row(modules, name, args.reference_networks,
                                args.reference_max_epochs)
            (rc, bound), (rw, _) = ratio(ok / cold, ref), ratio(ok / warm, ref)
            row.update(reference=ref, speedup_cold=rc, speedup_warm=rw,
                       speedup_is_lower_bound=bound)
            ge = "≥ " if bound else ""
            line += (f"\n    reference: {ref['recovered']}/{ref['networks']} recovered the "
                     f"table in {ref['seconds']:.1f} s ({ref['verified_per_s']:.3f}/s); "
                     f"speed-up {ge}{rc:.0f}× cold, {ge}{rw:.0f}× warm")
        rows.append(row)
        print(line, flush=True)
    default = "verified_rate_stop.json" if args.stop_when_verified else "verified_rate.json"
    out = Path(args.out) if args.out else Path(__file__).parent / "results" / default
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"rows": rows, "argv": vars(args),
                               "load_average": os.getloadavg(), "jax": jax.__version__,
                               "devices": str(jax.devices())}, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
