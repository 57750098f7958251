"""Networks trained *and* verified per second, against the authors' reference code.

The reference (measured on this 2-core CPU, see issue 3): about one verified C6 network per
30 s and one verified D3 network per 170 s.  We time ``sweep`` (default recipe) followed by
``verify_batched`` on the same number of seeds, twice: the first call includes compilation,
the second is warm.  Prints a table and writes benchmarks/results/verified_rate.json.

    python benchmarks/verified_rate_benchmark.py [--seeds 256] [--groups C6,D3]
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


def one_pass(group, seeds: int, key: int):
    t0 = time.perf_counter()
    r = sweep(jax.random.key(key), group, TrainConfig(), num_seeds=seeds)
    rep = verify_batched(r.weights[0], group)
    np.asarray(rep.fourier_recovered)
    return time.perf_counter() - t0, rep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=256)
    ap.add_argument("--groups", default="C6,D3")
    args = ap.parse_args()
    rows = []
    for name in args.groups.split(","):
        g = hj.named_group(name)
        cold, _ = one_pass(g, args.seeds, 0)
        warm, rep = one_pass(g, args.seeds, 1)
        ok = int(np.sum(rep.hypotheses_met & rep.fourier_recovered))
        rate_cold, rate_warm = args.seeds / cold, args.seeds / warm
        ref = REFERENCE_SECONDS_PER_NETWORK.get(name)
        rows.append(dict(group=name, seeds=args.seeds, seconds_cold=cold, seconds_warm=warm,
                         networks_per_s_cold=rate_cold, networks_per_s_warm=rate_warm,
                         fully_verified=ok,
                         speedup_vs_reference_cold=rate_cold * ref if ref else None,
                         speedup_vs_reference_warm=rate_warm * ref if ref else None))
        print(f"{name}: {args.seeds} networks, {ok} meet the hypotheses and every conclusion; "
              f"{cold:.1f} s with compilation ({rate_cold:.2f} nets/s"
              + (f", {rate_cold * ref:.0f}× the reference" if ref else "") + f"), "
              f"{warm:.1f} s warm ({rate_warm:.2f} nets/s"
              + (f", {rate_warm * ref:.0f}× the reference)" if ref else ")"))
    out = Path(__file__).parent / "results" / "verified_rate.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rows": rows, "load_average": os.getloadavg(),
                               "jax": jax.__version__, "devices": str(jax.devices())},
                              indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
