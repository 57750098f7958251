r"""No false counterexample: perturb the exact Fourier weights of S3, S4, S5 and C128 along
random directions of growing size, and check every conclusion residual against its proven
bound (docs/CONVENTIONS.md, "Stability bound") and Theorem 17's hypothesis against the
read-back table.

Perturbations W + ε(‖W‖/‖D‖)D of the exact weights W_i[g] = ρ_i(g)^†, with ε the relative
size in the normalised norm ‖W‖² = Σ_i d_i‖W_i‖²_F = n² and D a complex Gaussian direction:
  all_blocks      D on every block;
  one_block       D on one random block only;
  identity_slice  the issue's reproduction: D on the identity slice of the trivial block only
                  (so c = ε·n is added there: the issue's c = 0.0099 on S4 is ε ≈ 4e-4);
  one_slice       D on one random slice of one random block.
Negative controls (``--controls``): the same perturbations of three wrong networks — a
repeated irrep, a block W[g] = conj(ρ(g)) of a d ≥ 2 irrep (skipped on abelian groups,
where conj(ρ) = ρ^† is the right block), a reducible block (linear characters on the
diagonal; on an abelian group a repeated trivial irrep) — must never meet the
hypotheses with every conclusion judged true.

Per network, through ``verify_batched`` (the verdict the library reports): the hypotheses
(δ ≤ 1e-3, ‖F^†F/n − I‖₂ ≤ 1e-3, surjectivity ≥ 1e-6), ``fourier_recovered`` and
``counterexample``; and every residual of ``conclusion_bounds`` against its bound, block by
block (a *violation* is residual > bound: impossible unless the code or the proof is wrong).
Counts:
  met         hypotheses met;
  false_new   ``counterexample``: hypotheses met and a conclusion above max(1e-2, bound) or an
              irrep matched twice, or Theorem 17's hypothesis met with a wrong table (must be
              0 on the perturbed exact weights: they are Fourier transforms);
  false_entrywise  hypotheses met when unitarity is judged entrywise (L/n ≤ 1e-3, the old
              judgement) and ``fourier_recovered`` False: what operator-norm unitarity removes;
  violations  residual > bound (any network);
  t17_wrong   Theorem 17's hypothesis holds but the table is wrong (must be 0);
  control_passed  (controls) a wrong network judged to meet the hypotheses and recover G.

Writes ``--out``/stability_sweep.json (per group, kind and ε: the counts, the medians of δ and
of each residual/bound) and prints one line per (group, kind).  The CI test runs a small
subset (tests/test_stability.py); the whole sweep:

    .venv/bin/python benchmarks/stability_sweep.py                 # S3, S4, S5
    .venv/bin/python benchmarks/stability_sweep.py --groups C128 \
        --out benchmarks/results/stability/c128
    .venv/bin/python benchmarks/stability_sweep.py --groups S3 S4 --directions 2

Compilation of ``verify_batched`` does not grow with the number of blocks (blocks of one
dimension are stacked and vmapped), so C128 runs through it like the others.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import harmonics_jax as hj  # noqa: E402
from harmonics_jax import verify as hv  # noqa: E402
from harmonics_jax.verify._stability import stability_kernel  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
KINDS = ("all_blocks", "one_block", "identity_slice", "one_slice")
CONTROLS = ("repeated_irrep", "conjugate_block", "reducible_block")
HYP_TOL = 1e-3

_stability_many = jax.jit(jax.vmap(stability_kernel, in_axes=(0, None, None)))


def _gaussian(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)


def base_network(G: hj.FiniteGroup, control: str | None = None) -> list[np.ndarray]:
    """The exact Fourier weights, or one of the wrong networks of ``CONTROLS``."""
    rhos = [np.asarray(r) for r in hj.irreps(G)]
    w = [np.conj(np.swapaxes(r, -1, -2)) for r in rhos]
    if control == "repeated_irrep":  # block 1 ← block 0's irrep (the trivial one twice)
        w[1] = np.broadcast_to(w[0], w[0].shape).copy() if rhos[1].shape[1] == 1 else w[1]
    elif control == "conjugate_block":  # W[g] = conj(ρ(g)) for the last (largest) irrep
        w[-1] = np.conj(rhos[-1])
    elif control == "reducible_block":  # the last block: ρ_0 ⊕ ρ_1 ⊕ … (linear characters)
        d = rhos[-1].shape[1]
        lin = [r[:, 0, 0] for r in rhos if r.shape[1] == 1]
        red = np.zeros_like(rhos[-1])
        for t in range(d):
            red[:, t, t] = lin[t % len(lin)]
        w[-1] = np.conj(np.swapaxes(red, -1, -2))
    elif control is not None:
        raise ValueError(f"control must be one of {CONTROLS}, got {control!r}")
    return w


def perturbed(G: hj.FiniteGroup, base: list[np.ndarray], kind: str, sizes: np.ndarray,
              directions: int, seed: int) -> tuple[list[list[np.ndarray]], np.ndarray]:
    """``len(sizes) × directions`` networks, the same directions at every size."""
    n, k = G.order, len(base)
    rng = np.random.default_rng(seed)
    norm = np.sqrt(sum(w.shape[-1] * np.sum(np.abs(w) ** 2) for w in base))
    e, triv = G.identity, 0
    dirs = []
    for _ in range(directions):
        D = [np.zeros_like(w) for w in base]
        if kind == "all_blocks":
            D = [_gaussian(rng, w.shape) for w in base]
        elif kind == "one_block":
            i = int(rng.integers(k))
            D[i] = _gaussian(rng, base[i].shape)
        elif kind == "identity_slice":
            D[triv][e] = _gaussian(rng, base[triv].shape[1:])
        elif kind == "one_slice":
            i, g = int(rng.integers(k)), int(rng.integers(n))
            D[i][g] = _gaussian(rng, base[i].shape[1:])
        else:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        scale = norm / np.sqrt(sum(x.shape[-1] * np.sum(np.abs(x) ** 2) for x in D))
        dirs.append([scale * x for x in D])
    nets, eps = [], []
    for s in sizes:
        for D in dirs:
            nets.append([w + s * x for w, x in zip(base, D)])
            eps.append(s)
    return nets, np.asarray(eps)


def measure(G: hj.FiniteGroup, nets: list[list[np.ndarray]], chunk: int = 16) -> dict:
    """Per network: ``verify_batched``'s verdicts and every block's residual and bound
    (chunks of one shape: one compile)."""
    table = jnp.asarray(G.table)
    irreps = tuple(jnp.asarray(r) for r in hj.irreps(G))
    out: dict[str, list] = {}
    pad = (-len(nets)) % chunk
    nets = nets + nets[:1] * pad
    for start in range(0, len(nets), chunk):
        part = nets[start:start + chunk]
        batch = tuple(jnp.asarray(np.stack([net[b] for net in part])) for b in range(len(part[0])))
        r = hv.verify_batched(batch, G)
        st = _stability_many(batch, table, irreps)
        rows = {k: np.asarray(getattr(r, k)) for k in (
            "hypotheses_met", "invariant", "surjective", "fourier_recovered", "counterexample",
            "table_recovered", "invariance_defect", "unitarity_defect", "gram_entry_defect",
            "theorem17_hypothesis", "theorem17_epsilon", "theorem17_bound")}
        for f in hv.Conclusions._fields:
            rows[f"res_{f}"] = np.asarray(getattr(st.residuals, f))
            rows[f"bnd_{f}"] = np.asarray(getattr(st.bounds, f))
        rows["procrustes"] = np.asarray(st.conditioning.procrustes)
        rows["lemma_a"] = np.asarray(st.conditioning.procrustes_from_invariance)
        for key, v in rows.items():
            out.setdefault(key, []).append(v)
    keep = len(nets) - pad
    return {key: np.concatenate(v)[:keep] for key, v in out.items()}


def judge(m: dict) -> dict:
    """Per-network counts (module docstring): boolean arrays."""
    met_entrywise = m["invariant"] & m["surjective"] & (m["gram_entry_defect"] <= HYP_TOL)
    violation = np.zeros(len(m["hypotheses_met"]), bool)
    for f in hv.Conclusions._fields:
        violation |= np.any(m[f"res_{f}"] > m[f"bnd_{f}"], axis=1)
    return dict(met=m["hypotheses_met"], recovered=m["fourier_recovered"], violation=violation,
                false_new=m["counterexample"],
                false_entrywise=met_entrywise & ~m["fourier_recovered"],
                t17_wrong=m["theorem17_hypothesis"] & ~m["table_recovered"],
                lemma_a_violation=m["procrustes"].max(axis=1) > m["lemma_a"].max(axis=1))


def run(G: hj.FiniteGroup, sizes: np.ndarray, directions: int, seed: int = 0,
        kinds: tuple[str, ...] = KINDS, control: str | None = None) -> dict:
    """Measure and judge every (kind, size, direction) network of one group."""
    base = base_network(G, control)
    nets, eps, kind_of = [], [], []
    for j, kind in enumerate(kinds):
        part, e = perturbed(G, base, kind, sizes, directions, seed + 1000 * j)
        nets += part
        eps.append(e)
        kind_of += [kind] * len(part)
    m = measure(G, nets)
    verdict = judge(m)
    return dict(measured=m, verdict=verdict, eps=np.concatenate(eps), kind=np.asarray(kind_of))


def _summary(G: hj.FiniteGroup, result: dict, control: str | None) -> list[dict]:
    rows = []
    m, v = result["measured"], result["verdict"]
    for kind in np.unique(result["kind"]):
        for s in np.unique(result["eps"]):
            sel = (result["kind"] == kind) & (result["eps"] == s)
            row = dict(group=G.name, order=G.order, control=control, kind=str(kind),
                       eps=float(s), networks=int(sel.sum()),
                       median_invariance=float(np.median(m["invariance_defect"][sel])),
                       median_unitarity_op=float(np.median(m["unitarity_defect"][sel])))
            for key in ("met", "recovered", "violation", "false_new", "false_entrywise",
                        "t17_wrong", "lemma_a_violation"):
                row[key] = int(v[key][sel].sum())
            row["t17_holds"] = int(m["theorem17_hypothesis"][sel].sum())
            row["table_recovered"] = int(m["table_recovered"][sel].sum())
            for f in hv.Conclusions._fields:
                row[f"max_{f}_over_bound"] = float(np.max(m[f"res_{f}"][sel]
                                                          / m[f"bnd_{f}"][sel]))
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", nargs="+", default=["S3", "S4", "S5"])
    parser.add_argument("--eps-min", type=float, default=1e-6)
    parser.add_argument("--eps-max", type=float, default=0.3)
    parser.add_argument("--eps-count", type=int, default=10)
    parser.add_argument("--directions", type=int, default=3)
    parser.add_argument("--no-controls", dest="controls", action="store_false")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "stability")
    args = parser.parse_args()
    sizes = np.geomspace(args.eps_min, args.eps_max, args.eps_count)
    rows = []
    totals: dict[str, int] = {}
    for spec in args.groups:
        G = hj.named_group(spec)
        controls = [c for c in CONTROLS if c != "conjugate_block" or not G.is_abelian]
        for control in (None, *controls) if args.controls else (None,):
            start = time.perf_counter()
            result = run(G, sizes, args.directions, control=control)
            part = _summary(G, result, control)
            rows += part
            v = result["verdict"]
            label = control or "exact"
            counts = {k: int(v[k].sum()) for k in ("met", "false_new", "false_entrywise",
                                                   "violation", "t17_wrong",
                                                   "lemma_a_violation")}
            if control is not None:  # a wrong network must never be judged recovered
                counts["control_passed"] = int((v["met"] & v["recovered"]).sum())
            for k, c in counts.items():
                totals[f"{label}:{k}"] = totals.get(f"{label}:{k}", 0) + c
            print(f"{spec:5s} {label:16s} {len(v['met']):4d} networks  " + "  ".join(
                f"{k}={c}" for k, c in counts.items())
                + f"  ({time.perf_counter() - start:.0f} s)", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    flags = [f"--groups {' '.join(args.groups)}"] + [
        f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()
        if k not in ("groups", "out", "controls")] + ([] if args.controls else ["--no-controls"])
    payload = dict(command="benchmarks/stability_sweep.py " + " ".join(flags),
                   totals=totals, rows=rows)
    path = args.out / "stability_sweep.json"
    path.write_text(json.dumps(payload, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
