r"""Symmetry discovery from data alone, on every group of order ≤ 24 (issue 12's Done-when).

Every isomorphism class of order ≤ ``--max-order`` (default 24: all 74 SmallGroups) is hidden
in data ``--trials`` times: its table is relabelled by a random permutation (the library never
sees it), ``--pairs`` noiseless pairs (x, g·x) are drawn (x standard complex Gaussian, g
uniform), and ``hj.discover`` gets only the pairs.  A trial is *correct* when discovery
reports ``found`` with the exact certificate and

* the table equals the hidden table label for label (identity coordinate = the hidden
  identity, passed as ``identity=``),
* the table read with another coordinate e as identity equals a·e⁻¹·b of the hidden table,
* the irrep dimensions and the SmallGroups id are the hidden group's.

The classes are split into *named* ones (some name of this package's families — C<n>, D<n>,
Dic<n>, Q8, S<n>, A<n> and their direct products up to the order — is isomorphic to it; all
its names are listed) and *unseen* ones (no family name: built from GAP's SmallGroups table
only).  Wall time per discovery is measured on this machine; the first discovery at each
order includes XLA's compilation and is reported as ``first_s``.

    python benchmarks/discovery_benchmark.py                      # all of order ≤ 24
    python benchmarks/discovery_benchmark.py --max-order 8 --trials 2
    python benchmarks/discovery_benchmark.py --resume             # continue a run
    python benchmarks/discovery_benchmark.py --noise 0,0.5,1,2 --trials 4 --pairs 2000

The last is the noise sweep (C6, D4, A4 by default: ``--noise-groups``): noise of the given
stds is added to y (signals have E|x_h|² = 1), discovery asks for Theorem 17's certificate,
and a trial is correct when the table, the irrep dimensions and the SmallGroups id are the
hidden group's.  Writes ``noise.json``, ``noise.csv`` and ``noise.png``.

Writes ``benchmarks/results/discovery/discovery.json`` and ``discovery.md`` (``--out``),
after every class.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import statistics
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import harmonics_jax as hj
from harmonics_jax.discovery import discover
from harmonics_jax.models import sample_orbit_pairs
from harmonics_jax.runner import read_json, write_bytes_atomic, write_json_atomic
from harmonics_jax.verify import read_table

REPO = Path(__file__).resolve().parents[1]
MACHINE = (f"{platform.machine()}, {len(jax.devices())} JAX CPU device(s), shared 2-core "
           "machine with other jobs running")


def family_names(max_order: int) -> list[str]:
    """Every name the package's families give to groups of order ≤ max_order (factors of
    order ≥ 2; products of up to four factors, factors in a fixed order)."""
    base = ([f"C{k}" for k in range(2, max_order + 1)]
            + [f"D{k}" for k in range(2, max_order // 2 + 1)]
            + [f"Dic{k}" for k in range(2, max_order // 4 + 1)] + ["Q8"]
            + [f"S{k}" for k in (3, 4) if [6, 24][k - 3] <= max_order]
            + [f"A{k}" for k in (4,) if 12 <= max_order])
    order = {name: hj.named_group(name).order for name in base}
    names = ["C1", *base]
    for r in (2, 3, 4):
        for combo in itertools.combinations_with_replacement(base, r):
            if np.prod([order[c] for c in combo]) <= max_order:
                names.append("x".join(combo))
    return names


def classes(max_order: int, orders: list[int] | None = None) -> list[dict]:
    """One entry per isomorphism class of order ≤ max_order (or of the given orders, in that
    order): its SmallGroups id, GAP name, the package's names for it (empty: unseen) and the
    table to hide."""
    named: dict[tuple[int, int], list[str]] = {}
    for name in family_names(max_order):
        ident = hj.identify(hj.named_group(name))
        named.setdefault(ident.gap_id, []).append(name)
    out = []
    for n in (range(1, max_order + 1) if orders is None else orders):
        for i in range(1, hj.num_small_groups(n) + 1):
            names = named.get((n, i), [])
            group = hj.named_group(names[0]) if names else hj.small_group(n, i)
            out.append({"gap_id": [n, i], "gap_name": hj.small_group(n, i).name.split(" = ")[1],
                        "names": names, "kind": "named" if names else "unseen",
                        "group": group})
    return out


def trial(group: hj.FiniteGroup, gap_id: tuple[int, int], t: int, pairs: int, seeds: int,
          noise: float = 0.0) -> dict:
    """Hide ``group`` (random relabelling), discover it from pairs with additive noise of std
    ``noise`` on y (exact certificate when noiseless, Theorem 17's otherwise), check it."""
    n = group.order
    seed = 1000 * gap_id[0] + 10 * gap_id[1] + t
    hidden = hj.relabel(group, np.random.default_rng(seed).permutation(n), name="hidden")
    x, y = sample_orbit_pairs(jax.random.key(seed), hidden.table, pairs, noise, jnp.complex64)
    level = "exact" if noise == 0 else "theorem17"
    start = time.perf_counter()
    result = discover(x, y, identity=hidden.identity, key=jax.random.key(t),
                      num_seeds=seeds, certificate=level)
    seconds = time.perf_counter() - start
    rec = {"trial": t, "noise": noise, "seconds": seconds, "found": result.found,
           "reason": result.reason}
    if not result.found:
        return rec | {"correct": False}
    true_table = np.asarray(hidden.table)
    same = bool(np.array_equal(result.table, true_table))
    e = (hidden.identity + 1) % n  # another coordinate as the identity: a·e⁻¹·b
    shifted = true_table[true_table[:, hidden.inverse[e]]]
    other = bool(np.array_equal(np.asarray(read_table(result.weights, e)), shifted))
    dims = tuple(result.irrep_dims) == hj.irrep_dims(group)
    ident = result.identification.gap_id == tuple(gap_id)
    return rec | {"certificate": result.certificate, "table_equal": same,
                  "other_identity_equal": other, "irrep_dims_equal": dims,
                  "gap_id_equal": ident,
                  "correct": bool(same and other and dims and ident
                                  and (noise > 0 or result.certificate == "exact"))}


def noise_sweep(args: argparse.Namespace) -> None:
    """The fraction of correct discoveries against the noise std (PNG + CSV + JSON)."""
    out = Path(args.out)
    stds = [float(v) for v in args.noise.split(",")]
    rows = []
    for name in args.noise_groups.split(","):
        group = hj.named_group(name)
        gap_id = hj.identify(group).gap_id
        for std in stds:
            runs = [trial(group, gap_id, t, args.pairs, args.seeds, std)
                    for t in range(args.trials)]
            rows.append({"group": name, "noise_std": std, "trials": len(runs),
                         "correct": sum(r["correct"] for r in runs),
                         "found": sum(r["found"] for r in runs),
                         "median_s": statistics.median(r["seconds"] for r in runs),
                         "runs": runs})
            print(f"{name:>4} σ = {std:<5}: {rows[-1]['correct']}/{len(runs)} correct, "
                  f"{rows[-1]['found']}/{len(runs)} found, {rows[-1]['median_s']:.1f} s "
                  f"median", flush=True)
    meta = {"pairs": args.pairs, "seeds": args.seeds, "trials": args.trials,
            "jax": jax.__version__, "machine": MACHINE}
    write_json_atomic(out / "noise.json", meta | {"rows": rows})
    csv = "group,noise_std,trials,correct,found,median_s\n" + "".join(
        f"{r['group']},{r['noise_std']},{r['trials']},{r['correct']},{r['found']},"
        f"{r['median_s']:.2f}\n" for r in rows)
    write_bytes_atomic(out / "noise.csv", csv.encode())
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for name in args.noise_groups.split(","):
        mine = [r for r in rows if r["group"] == name]
        ax.plot([r["noise_std"] for r in mine], [r["correct"] / r["trials"] for r in mine],
                "o-", label=name)
    ax.set_xlabel("noise std on y (signal E|x_h|² = 1)")
    ax.set_ylabel("fraction of correct discoveries")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(f"discovery under noise ({args.pairs} pairs, {args.trials} trials per point)",
                 fontsize=10)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "noise.png", dpi=120)
    print(csv)


def markdown(records: list[dict], meta: dict) -> str:
    lines = ["| kind | SmallGroup | GAP name | package names | correct | median s | max s "
             "| first s (incl. compile) |", "|---|---|---|---|---|---|---|---|"]
    for r in records:
        names = ", ".join(r["names"][:4]) + (" …" if len(r["names"]) > 4 else "")
        lines.append(f"| {r['kind']} | ({r['gap_id'][0]},{r['gap_id'][1]}) | {r['gap_name']} "
                     f"| {names or '—'} | {r['correct']}/{r['trials']} | {r['median_s']:.1f} "
                     f"| {r['max_s']:.1f} | {r['first_s']:.1f} |")
    tot = meta["totals"]
    lines += ["", f"Correct: {tot['correct']}/{tot['trials']} trials "
              f"({100 * tot['correct'] / max(tot['trials'], 1):.1f}%) over {tot['classes']} "
              f"classes (named {tot['named_correct']}/{tot['named_trials']}, unseen "
              f"{tot['unseen_correct']}/{tot['unseen_trials']}); slowest discovery "
              f"{tot['max_s']:.0f} s (incl. compilation), median {tot['median_s']:.1f} s. "
              f"{meta['pairs']} noiseless pairs, {meta['seeds']} seeds per candidate, "
              f"{meta['machine']}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-order", type=int, default=24)
    ap.add_argument("--trials", type=int, default=3, help="hidings per class")
    ap.add_argument("--pairs", type=int, default=10_000)
    ap.add_argument("--seeds", type=int, default=4, help="networks per candidate")
    ap.add_argument("--out", default=str(REPO / "benchmarks/results/discovery"))
    ap.add_argument("--resume", action="store_true", help="keep the classes already done")
    ap.add_argument("--orders", default=None, metavar="N,N,...",
                    help="only these orders, in this order (each ≤ --max-order)")
    ap.add_argument("--noise", default=None, metavar="STDS",
                    help="instead: the noise sweep, e.g. 0,0.25,0.5,1,1.5,2 (writes noise.*)")
    ap.add_argument("--noise-groups", default="C6,D4,A4")
    args = ap.parse_args()
    if args.noise is not None:
        noise_sweep(args)
        return
    out = Path(args.out)
    done = {}
    if args.resume and (out / "discovery.json").exists():
        done = {tuple(r["gap_id"]): r for r in read_json(out / "discovery.json")["classes"]}
    meta = {"pairs": args.pairs, "seeds": args.seeds, "trials_per_class": args.trials,
            "max_order": args.max_order, "jax": jax.__version__,
            "machine": MACHINE}
    records = []
    orders = None if args.orders is None else [int(v) for v in args.orders.split(",")]
    for cls in classes(args.max_order, orders):
        key = tuple(cls["gap_id"])
        if key in done and len(done[key]["runs"]) >= args.trials:
            records.append(done.pop(key))
            continue
        runs = [trial(cls["group"], key, t, args.pairs, args.seeds) for t in range(args.trials)]
        secs = [r["seconds"] for r in runs]
        rec = {k: cls[k] for k in ("gap_id", "gap_name", "names", "kind")} | {
            "order": key[0], "trials": args.trials,
            "correct": sum(r["correct"] for r in runs),
            "first_s": secs[0], "median_s": statistics.median(secs), "max_s": max(secs),
            "runs": runs}
        records.append(rec)
        print(f"{key} {cls['gap_name']:>14} {cls['kind']:>6}: {rec['correct']}/{args.trials} "
              f"correct, {rec['median_s']:.1f} s median, {rec['max_s']:.1f} s max", flush=True)
        _save(out, records + list(done.values()), meta)
    records = sorted(records + list(done.values()), key=lambda r: r["gap_id"])
    print(markdown(records, _save(out, records, meta)))


def _save(out: Path, records: list[dict], meta: dict) -> dict:
    allsecs = [r["seconds"] for rec in records for r in rec["runs"]]
    tot = {"classes": len(records), "trials": sum(r["trials"] for r in records),
           "correct": sum(r["correct"] for r in records),
           "median_s": statistics.median(allsecs), "max_s": max(allsecs)}
    for kind in ("named", "unseen"):
        tot[f"{kind}_trials"] = sum(r["trials"] for r in records if r["kind"] == kind)
        tot[f"{kind}_correct"] = sum(r["correct"] for r in records if r["kind"] == kind)
    meta = meta | {"totals": tot}
    write_json_atomic(out / "discovery.json", meta | {"classes": records})
    write_bytes_atomic(out / "discovery.md", markdown(records, meta).encode())
    return meta


if __name__ == "__main__":
    main()
