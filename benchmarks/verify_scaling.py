r"""Compile and run time of ``verify_batched`` at large orders (the census calls it once per
group, up to order 100).

For each group: 8 networks (the exact Fourier weights W_i[g] = ρ_i(g)^† plus a complex
Gaussian perturbation of relative size 1e-4, one per network), complex64 as training
produces them.  ``first`` is the wall time of the first call (trace + compile + run),
``second`` of a second call on new values of the same shape (run only, no recompile);
``compile`` = first − second.  Each group runs in its own process under ``--timeout`` (a
group that does not finish is reported as such), so the numbers do not share caches.

    .venv/bin/python benchmarks/verify_scaling.py                # the default groups
    .venv/bin/python benchmarks/verify_scaling.py --groups C100 A5 --timeout 300

The timings only use public API, so the same script measures an older checkout:
``PYTHONPATH=/path/to/old/checkout python benchmarks/verify_scaling.py --label before``.
Writes ``--out``/verify_scaling_<label>.json and prints one line per group.

``--equations`` instead counts the equations of the traced program that ``verify_batched``
compiles (``jax.make_jaxpr`` of the vmapped ``_measure``, nested jaxprs included): a
load-independent measure of what XLA has to compile, quick to get (tracing only).  It reads
the private ``harmonics_jax.verify._report._measure``, present before and after the change.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GROUPS = ("A5", "S5", "C100", "SmallGroup(96,231)", "SmallGroup(96,200)", "SmallGroup(96,186)",
          "SmallGroup(96,3)")


def make_group(spec: str):
    import harmonics_jax as hj

    m = re.fullmatch(r"SmallGroup\((\d+),\s*(\d+)\)", spec)
    return hj.small_group(int(m[1]), int(m[2])) if m else hj.named_group(spec)


def networks(G, count: int, seed: int, scale: float = 1e-4):
    """``count`` perturbed Fourier networks, blocks of shape (count, n, d, d), complex64."""
    import numpy as np

    import harmonics_jax as hj

    rng = np.random.default_rng(seed)
    out = []
    for r in hj.irreps(G):
        w = np.conj(np.swapaxes(np.asarray(r), -1, -2))
        noise = rng.standard_normal((count, *w.shape)) + 1j * rng.standard_normal(
            (count, *w.shape))
        out.append((w[None] + scale * noise).astype(np.complex64))
    return tuple(out)


def one(spec: str, count: int) -> dict:
    """Measure one group in this process (the child side of :func:`main`)."""
    import jax

    from harmonics_jax.verify import verify_batched

    G = make_group(spec)
    dims = collections.Counter(w.shape[-1] for w in networks(G, 1, 0))
    first_nets, second_nets = networks(G, count, 1), networks(G, count, 2)
    start = time.perf_counter()
    r = verify_batched(first_nets, G)
    jax.block_until_ready(r.invariance_defect)
    first = time.perf_counter() - start
    start = time.perf_counter()
    r = verify_batched(second_nets, G)
    second = time.perf_counter() - start
    return dict(group=spec, order=G.order, blocks=sum(dims.values()),
                block_dims={str(d): c for d, c in sorted(dims.items())}, networks=count,
                first_s=round(first, 2), second_s=round(second, 2),
                compile_s=round(first - second, 2),
                hypotheses_met=int(r.hypotheses_met.sum()),
                fourier_recovered=int(r.fourier_recovered.sum()))


def _count(jaxpr) -> int:
    import jax.extend.core as jcore

    n = 0
    for eqn in jaxpr.eqns:
        n += 1
        for p in eqn.params.values():
            if isinstance(p, jcore.ClosedJaxpr):
                n += _count(p.jaxpr)
            elif isinstance(p, jcore.Jaxpr):
                n += _count(p)
    return n


def equations(spec: str) -> dict:
    """Equations of the traced verification program for ``spec`` (2 networks)."""
    import jax
    import jax.numpy as jnp

    import harmonics_jax as hj
    from harmonics_jax.verify import _report

    G = make_group(spec)
    nets = tuple(jnp.asarray(w) for w in networks(G, 2, 0))
    irreps = tuple(jnp.asarray(r, nets[0].dtype) for r in hj.irreps(G))
    start = time.perf_counter()
    jaxpr = jax.make_jaxpr(jax.vmap(_report._measure, in_axes=(0, None, None)))(
        nets, jnp.asarray(G.table), irreps)
    return dict(group=spec, order=G.order, blocks=len(nets),
                equations=_count(jaxpr.jaxpr), trace_s=round(time.perf_counter() - start, 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", nargs="+", default=list(GROUPS))
    parser.add_argument("--networks", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds per group (a group past it is reported unfinished)")
    parser.add_argument("--label", default="after",
                        help="names the output file (e.g. before / after)")
    parser.add_argument("--out", type=Path,
                        default=REPO / "benchmarks" / "results" / "verify_scaling")
    parser.add_argument("--equations", action="store_true",
                        help="count the traced program's equations instead of timing")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.equations:
        rows = [equations(spec) for spec in args.groups]
        for row in rows:
            print(json.dumps(row), flush=True)
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / f"verify_equations_{args.label}.json"
        path.write_text(json.dumps(dict(command="benchmarks/verify_scaling.py --equations "
                                        + " ".join(sys.argv[1:]), rows=rows), indent=1))
        print(f"wrote {path}")
        return
    if args.one:
        print(json.dumps(one(args.one, args.networks)))
        return
    rows = []
    for spec in args.groups:
        cmd = [sys.executable, __file__, "--one", spec, "--networks", str(args.networks)]
        start = time.perf_counter()
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout,
                                  env=os.environ.copy())
        except subprocess.TimeoutExpired:
            row = dict(group=spec, networks=args.networks, unfinished=True,
                       first_s=f"> {args.timeout:.0f}")
        else:
            if done.returncode != 0:
                raise SystemExit(f"{spec}: the measurement failed:\n{done.stderr[-3000:]}")
            row = json.loads(done.stdout.strip().splitlines()[-1])
        row["wall_s"] = round(time.perf_counter() - start, 1)
        rows.append(row)
        print(json.dumps(row), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    payload = dict(command="benchmarks/verify_scaling.py " + " ".join(sys.argv[1:]),
                   machine="shared, loaded 2-core CPU", rows=rows)
    path = args.out / f"verify_scaling_{args.label}.json"
    path.write_text(json.dumps(payload, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
