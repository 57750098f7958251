"""Networks trained *and* verified per second, against the authors' reference code.

The reference (measured on this 2-core CPU, see issue 3): about one verified C6 network per
30 s and one verified D3 network per 170 s.  We time ``sweep`` (default recipe) followed by
``verify_batched`` on the same number of seeds, twice: the first call includes compilation,
the second is warm.  Prints a table and writes benchmarks/results/verified_rate.json.

    python benchmarks/verified_rate_benchmark.py [--seeds 256] [--groups C6,D3]
        [--stop-when-verified]

``--stop-when-verified`` trains with ``TrainConfig(stop_when_verified=True)`` (a network stops
at the first round end where it meets the hypotheses; the sweep ends when all have) and also
prints the mean number of steps a network took (results in verified_rate_stop.json).
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
from harmonics_jax.training import TrainConfig, sweep
from harmonics_jax.verify import verify_batched

REFERENCE_SECONDS_PER_NETWORK = {"C6": 30.0, "D3": 170.0}


def one_pass(group, seeds: int, key: int, config: TrainConfig):
    t0 = time.perf_counter()
    r = sweep(jax.random.key(key), group, config, num_seeds=seeds)
    rep = verify_batched(r.weights[0], group)
    np.asarray(rep.fourier_recovered)
    return time.perf_counter() - t0, rep, float(np.mean(r.steps))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=256)
    ap.add_argument("--groups", default="C6,D3")
    ap.add_argument("--stop-when-verified", action="store_true",
                    help="TrainConfig(stop_when_verified=True)")
    args = ap.parse_args()
    config = TrainConfig(stop_when_verified=args.stop_when_verified)
    rows = []
    for name in args.groups.split(","):
        g = hj.named_group(name)
        cold, _, _ = one_pass(g, args.seeds, 0, config)
        warm, rep, mean_steps = one_pass(g, args.seeds, 1, config)
        ok = int(np.sum(rep.hypotheses_met & rep.fourier_recovered))
        rate_cold, rate_warm = args.seeds / cold, args.seeds / warm
        ref = REFERENCE_SECONDS_PER_NETWORK.get(name)
        rows.append(dict(group=name, seeds=args.seeds, seconds_cold=cold, seconds_warm=warm,
                         networks_per_s_cold=rate_cold, networks_per_s_warm=rate_warm,
                         fully_verified=ok, mean_steps=mean_steps,
                         stop_when_verified=args.stop_when_verified,
                         speedup_vs_reference_cold=rate_cold * ref if ref else None,
                         speedup_vs_reference_warm=rate_warm * ref if ref else None))
        print(f"{name}: {args.seeds} networks ({mean_steps:.0f} steps on average), {ok} meet "
              f"the hypotheses and every conclusion; "
              f"{cold:.1f} s with compilation ({rate_cold:.2f} nets/s"
              + (f", {rate_cold * ref:.0f}× the reference" if ref else "") + f"), "
              f"{warm:.1f} s warm ({rate_warm:.2f} nets/s"
              + (f", {rate_warm * ref:.0f}× the reference)" if ref else ")"))
    name = "verified_rate_stop.json" if args.stop_when_verified else "verified_rate.json"
    out = Path(__file__).parent / "results" / name
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rows": rows, "load_average": os.getloadavg(),
                               "jax": jax.__version__, "devices": str(jax.devices())},
                              indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
