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

Per network: the hypotheses as judged today (δ ≤ 1e-3, L/n ≤ 1e-3, surjectivity ≥ 1e-6) and
with operator-norm unitarity (u ≤ 1e-3); the old verdict (``verify_batched``'s
``fourier_recovered``); every residual of ``conclusion_bounds`` against its bound
(a *violation* is residual > bound: impossible unless the code or the proof is wrong); the new
verdict (each conclusion ≤ max(1e-2, bound) when the hypotheses are met); Theorem 17's
``holds`` ⇒ table read back.  Counts:
  false_old  hypotheses met (today's judgement) and ``fourier_recovered`` False;
  false_new  hypotheses met (operator norm) and a conclusion above max(1e-2, bound), or a
             discrete conclusion (each irrep once, table) missed;
  false_new_entrywise  the same with today's entrywise unitarity judgement (L/n ≤ 1e-3):
             what the new estimate and bound alone change;
  violations residual > bound (any network);
  t17_wrong  Theorem 17's hypothesis holds but the table is wrong (must be 0).

Writes ``--out``/stability_sweep.json (per group, kind and ε: the counts, the medians of δ and
of each residual/bound) and prints one line per (group, kind).  The CI test runs a small
subset (tests/test_stability.py); the whole sweep:

    .venv/bin/python benchmarks/stability_sweep.py                 # S3, S4, S5
    .venv/bin/python benchmarks/stability_sweep.py --groups C128 \
        --out benchmarks/results/stability/c128
    .venv/bin/python benchmarks/stability_sweep.py --groups S3 S4 --directions 2

Last run (shared, loaded 2-core CPU): S3, S4, S5 about 46 min, C128 about 40 min, mostly
compilation (``verify_batched`` traces one copy of each kernel per block; on C128 today's
verdict is rebuilt from its kernels vmapped over the blocks of one dimension instead).
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
from harmonics_jax.verify._hypotheses import gram_defect_kernel, surjectivity_kernel  # noqa: E402
from harmonics_jax.verify._recovery import match_kernel, recover_kernel, span_kernel  # noqa: E402
from harmonics_jax.verify._stability import operator_defect_kernel, stability_kernel  # noqa: E402
from harmonics_jax.verify._table import table_kernel  # noqa: E402
from harmonics_jax.verify._theorem17 import theorem17_kernel  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
KINDS = ("all_blocks", "one_block", "identity_slice", "one_slice")
CONTROLS = ("repeated_irrep", "conjugate_block", "reducible_block")
HYP_TOL, CONCLUSION_TOL = 1e-3, 1e-2
# the residuals' largest possible values: a bound at least this large grants nothing
TRIVIAL = {"equivalence": 2.0, "equivalence_rms": 2.0, "span": 1.0}

_stability_many = jax.jit(jax.vmap(stability_kernel, in_axes=(0, None, None)))
MANY_BLOCKS = 40  # above this, today's verdict is rebuilt per block (see _old_verdict)
_t17_many = jax.jit(jax.vmap(theorem17_kernel, in_axes=(0, None)))
_op_many = jax.jit(jax.vmap(operator_defect_kernel))


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


def _old_block(w, table, irreps):
    rec = recover_kernel((w,), table)
    match = match_kernel(rec.rho, irreps)
    _, rel_e, rel_map = surjectivity_kernel((w,), table)
    return dict(rho=rec.rho[0], hom=rec.homomorphism_residual[0],
                uni=rec.unitarity_residual[0], irr=jnp.abs(rec.irreducibility_residual[0]),
                eq=match.residual[0], matched=match.matched[0],
                span=span_kernel((w,), irreps, match.matched)[0],
                surj=jnp.minimum(rel_e, rel_map)[0])


@jax.jit
def _old_verdict(weights, table, irreps):
    """``verify_batched``'s numbers for one network, with its kernels applied to the blocks
    of one dimension at a time under ``vmap``: ``verify_batched`` traces one copy of every
    kernel per block, and on C128 (128 blocks) its compilation did not finish in 20 minutes
    on the shared 2-core machine."""
    n = table.shape[0]
    dims = sorted({w.shape[-1] for w in weights})
    per = [None] * len(weights)
    for d in dims:
        idx = [i for i, w in enumerate(weights) if w.shape[-1] == d]
        out = jax.vmap(_old_block, in_axes=(0, None, None))(
            jnp.stack([weights[i] for i in idx]), table, irreps)
        for j, i in enumerate(idx):
            per[i] = jax.tree_util.tree_map(lambda x, j=j: x[j], out)
    tol = hv.Tolerances()
    stack = {k: jnp.stack([p[k] for p in per]) for k in per[0] if k != "rho"}
    table_ok = jnp.all(table_kernel(tuple(p["rho"] for p in per)) == table)
    once = jnp.all(jnp.sort(stack["matched"]) == jnp.arange(len(irreps)))
    recovered = ((jnp.max(stack["hom"]) <= tol.representation)
                 & (jnp.max(stack["uni"]) <= tol.representation)
                 & (jnp.max(stack["irr"]) <= tol.representation)
                 & (jnp.max(stack["eq"]) <= tol.equivalence) & jnp.all(stack["matched"] >= 0)
                 & once & (jnp.max(stack["span"]) <= tol.span) & table_ok)
    return dict(unitarity_L=gram_defect_kernel(weights) / n, surjectivity=jnp.min(stack["surj"]),
                fourier_recovered_old=recovered, each_irrep_once=once, table_recovered=table_ok)


_old_many = jax.jit(jax.vmap(_old_verdict, in_axes=(0, None, None)))


def measure(G: hj.FiniteGroup, nets: list[list[np.ndarray]], chunk: int = 16) -> dict:
    """Every number the judgement needs, per network (chunks of one shape: one compile)."""
    table = jnp.asarray(G.table)
    irreps = tuple(jnp.asarray(r) for r in hj.irreps(G))
    out: dict[str, list] = {}
    pad = (-len(nets)) % chunk
    nets = nets + nets[:1] * pad
    for start in range(0, len(nets), chunk):
        part = nets[start:start + chunk]
        batch = tuple(jnp.asarray(np.stack([net[b] for net in part])) for b in range(len(part[0])))
        st = _stability_many(batch, table, irreps)
        t17 = _t17_many(batch, table)
        if len(batch) > MANY_BLOCKS:
            old = {k: np.asarray(v) for k, v in _old_many(batch, table, irreps).items()}
        else:
            r = hv.verify_batched(batch, G)
            old = dict(unitarity_L=r.unitarity_defect, surjectivity=r.surjectivity,
                       fourier_recovered_old=r.fourier_recovered,
                       each_irrep_once=r.each_irrep_once, table_recovered=r.table_recovered)
        rows = dict(
            invariance=np.asarray(st.invariance_defect), **old,
            unitarity_op=np.asarray(_op_many(batch)), t17_holds=np.asarray(t17.holds),
            t17_epsilon=np.asarray(t17.epsilon_max), t17_bound=np.asarray(t17.bound),
            matched=np.asarray(st.matched))
        for f in hv.Conclusions._fields:
            rows[f"res_{f}"] = np.asarray(getattr(st.residuals, f))
            rows[f"bnd_{f}"] = np.asarray(getattr(st.bounds, f))
            rows[f"apr_{f}"] = np.asarray(getattr(st.a_priori, f))
        rows["procrustes"] = np.asarray(st.conditioning.procrustes)
        rows["lemma_a"] = np.asarray(st.conditioning.procrustes_from_invariance)
        for key, v in rows.items():
            out.setdefault(key, []).append(np.asarray(v))
    keep = len(nets) - pad
    return {key: np.concatenate(v)[:keep] for key, v in out.items()}


def recovered(m: dict, met: np.ndarray, n_irreps: int) -> np.ndarray:
    """The new verdict: every conclusion ≤ max(1e-2, its bound) where ``met`` (a bound that
    is inf or at least the residual's largest value grants nothing), ≤ 1e-2 elsewhere; each
    irrep once; the exact table."""
    ok = np.ones(len(met), bool)
    for f in hv.Conclusions._fields:
        res, bnd = m[f"res_{f}"], m[f"bnd_{f}"]
        granted = np.where(np.isfinite(bnd) & (bnd < TRIVIAL.get(f, np.inf)), bnd, 0.0)
        allowed = np.where(met[:, None], np.maximum(CONCLUSION_TOL, granted), CONCLUSION_TOL)
        ok &= np.all(res <= allowed, axis=1)
    once = np.all(np.sort(m["matched"], axis=1) == np.arange(n_irreps), axis=1)
    return ok & once & m["table_recovered"]


def judge(m: dict, n_irreps: int) -> dict:
    """Per-network verdicts (module docstring): boolean arrays."""
    surj = m["surjectivity"] >= 1e-6
    met_old = (m["invariance"] <= HYP_TOL) & (m["unitarity_L"] <= HYP_TOL) & surj
    met_op = (m["invariance"] <= HYP_TOL) & (m["unitarity_op"] <= HYP_TOL) & surj
    violation = np.zeros(len(met_old), bool)
    for f in hv.Conclusions._fields:
        violation |= np.any(m[f"res_{f}"] > m[f"bnd_{f}"], axis=1)
    recovered_new = recovered(m, met_op, n_irreps)
    return dict(met_old=met_old, met_op=met_op, violation=violation,
                recovered_new=recovered_new,
                false_old=met_old & ~m["fourier_recovered_old"],
                false_new=met_op & ~recovered_new,
                # the new estimate and bound with today's (entrywise) unitarity judgement
                false_new_entrywise=met_old & ~recovered(m, met_old, n_irreps),
                t17_wrong=m["t17_holds"] & ~m["table_recovered"],
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
    verdict = judge(m, len(base))
    return dict(measured=m, verdict=verdict, eps=np.concatenate(eps), kind=np.asarray(kind_of))


def _summary(G: hj.FiniteGroup, result: dict, control: str | None) -> list[dict]:
    rows = []
    m, v = result["measured"], result["verdict"]
    for kind in np.unique(result["kind"]):
        for s in np.unique(result["eps"]):
            sel = (result["kind"] == kind) & (result["eps"] == s)
            row = dict(group=G.name, order=G.order, control=control, kind=str(kind),
                       eps=float(s), networks=int(sel.sum()),
                       median_invariance=float(np.median(m["invariance"][sel])),
                       median_unitarity_op=float(np.median(m["unitarity_op"][sel])))
            for key in ("met_old", "met_op", "violation", "false_old", "false_new",
                        "false_new_entrywise", "t17_wrong", "lemma_a_violation",
                        "recovered_new"):
                row[key] = int(v[key][sel].sum())
            row["t17_holds"] = int(m["t17_holds"][sel].sum())
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
            counts = {k: int(v[k].sum()) for k in ("met_old", "met_op", "false_old",
                                                   "false_new", "false_new_entrywise",
                                                   "violation", "t17_wrong",
                                                   "lemma_a_violation")}
            if control is not None:  # a wrong network must never be judged recovered
                counts["control_passed"] = int((v["met_op"] & v["recovered_new"]).sum())
            for k, c in counts.items():
                totals[f"{label}:{k}"] = totals.get(f"{label}:{k}", 0) + c
            print(f"{spec:5s} {label:16s} {len(v['met_old']):4d} networks  " + "  ".join(
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
