r"""Conclusions judged by what the theorem implies: the irreps estimated from every slice, and
a proven bound on each conclusion residual given the measured defects (CONVENTIONS.md,
"Stability bound", which has the proofs; the lemma letters below are its).

Estimate.  For block i stack B = (W_i[k])_k, an (n·d) × d matrix, and for each g let P_g B
be the stack (W_i[gk])_k.  Invariance means P_g B = B ρ_i(g)^† (Theorem 10's proof, Eq. 10),
so ρ_i(g) is estimated by orthogonal Procrustes over all pairs (k, gk):

    U_g = polar(Σ_k W_i[k]^† W_i[gk]) = argmin_{U unitary} ‖P_g B − B U‖_F,   ρ̃_i(g) = U_g^†,

with the measured Procrustes residual ε_i(g) = ‖P_g B − B U_g‖_F.  ρ̃_i(g) is unitary by
construction and does not involve W_i[e]⁻¹ (a singular or ill-conditioned W_i[e] is harmless).

Bounds (s_d ≤ … ≤ s_1 the singular values of B, ε = max_g ε_i(g), ε_rms its RMS over g):

* Lemma B (homomorphism): ‖ρ̃(h)ρ̃(g) − ρ̃(hg)‖_F ≤ (ε(g) + ε(h) + ε(hg)) / s_d, so the max over
  (g, h) is ≤ 3ε/s_d and the RMS ≤ 3ε_rms/s_d;
* Lemma C (equivalence, through the intertwiner T = (1/n)Σ_g ρ̃(g) X ρ(g)^† of the matched true
  irrep ρ, σ_min(T) = τ, κ = ‖T‖₂/τ): ‖ρ̃(g) − Uρ(g)U^†‖_F ≤ η(1 + κ)/τ with U = polar(T) and
  η the homomorphism bound;
* Lemma D (irreducibility): |(1/n)Σ_g|χ̃(g)|² − 1| ≤ 2 d^{3/2} × (RMS equivalence bound);
* Lemma E (span): sin θ_max ≤ √n (‖W_i[e]‖₂ ξ_rms + ε_rms) / σ_{d²}(W_i);
* unitarity of ρ̃: 0 by construction, valid while ε < s_d²/(2 s_1) (then Σ_k W[k]^†W[gk] is
  invertible and its polar factor is unique); beyond that no bound is claimed (inf).

Each bound carries a round-off allowance 8·n·d·eps (eps of the weights' dtype).  Lemma A
links ε to the reported invariance defect δ: ε_i(g) ≤ D/s_d + s_1 D²/s_d⁴ with
D = δ_g √den (den the denominator of the relative invariance defect); ``a_priori`` holds the
bounds with that in place of the measured ε.

Pure JAX, no LAPACK (see :mod:`harmonics_jax._core._linalg`): ``jit`` and ``vmap`` over a seed axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike
from jaxtyping import Array, Float, Shaped

from .._core._blocks import per_block
from .._core._hypotheses import operator_unitarity_defect
from .._core._layout import stack_blocks
from .._core._linalg import dag as _dag
from .._core._linalg import polar_unitary, singular_values
from .._group import FiniteGroup, identity_label
from ..models import SpectralWeights
from ._hypotheses import _safe_ratio, invariance_kernel
from ._recovery import best_intertwiner, match_kernel, products, span_kernel
from ._validate import as_irreps, as_weights, check_group

__all__ = ["ProcrustesIrreps", "Conclusions", "Conditioning", "StabilityReport",
           "procrustes_irreps", "conclusion_bounds", "unitarity_defect"]

_HI = jax.lax.Precision.HIGHEST
_POLAR_ITERS = 60  # Newton–Schulz: a singular value s < 1 grows ×1.5 per step, so 60 steps
# reach the quadratic phase from s ≥ 1.5⁻⁵⁰ ≈ 1.6e-9, i.e. for cond(Σ_k W^†W) up to ~1e8.


def _abs2(z: Array) -> Array:
    return z.real**2 + z.imag**2


def _over(num: Array, den: Array) -> Array:
    """num/den for a bound: +inf when den ≤ 0 (no guarantee), never NaN."""
    pos = den > 0
    return jnp.where(pos, num / jnp.where(pos, den, 1), jnp.inf)


class ProcrustesIrreps(NamedTuple):
    r"""ρ̃_i(g) = polar(Σ_k W_i[k]^† W_i[gk])^† per block, with the Procrustes residual
    ε_i(g) = ‖P_g B_i − B_i ρ̃_i(g)^†‖_F (raw weights, Frobenius over all slices)."""

    rho: tuple[Array, ...]  # (n, d_i, d_i) per block
    residual: Array  # (k, n): ε_i(g)


def procrustes_fit(w: Array, table: Array) -> tuple[Array, Array]:
    """(U_g, ε(g)) for one block B = w (n, d, d): U_g = polar(Σ_k W[k]^† W[gk]) and
    ε(g) = ‖P_g B − B U_g‖_F.  Shared with Theorem 17's ε (on the normalised weights)."""
    shifted = w[table]  # [g, k] -> W[gk]
    m = jnp.einsum("kab,gkac->gbc", jnp.conj(w), shifted, precision=_HI)
    u = jax.vmap(lambda a: polar_unitary(a, _POLAR_ITERS))(m)
    diff = shifted - jnp.einsum("kab,gbc->gkac", w, u, precision=_HI)
    return u, jnp.sqrt(jnp.sum(_abs2(diff), axis=(1, 2, 3)))


class Conclusions(NamedTuple):
    """One number per block for each conclusion of Theorem 10 / Corollary 11, all of shape
    (k,): residuals of the estimate ρ̃ (in ``StabilityReport.residuals``) or their proven
    bounds (``StabilityReport.bounds`` / ``a_priori``).  Norms: ‖·‖_F/√d_i per element."""

    homomorphism: Array  # max_{g,h} ‖ρ̃(g)ρ̃(h) − ρ̃(gh)‖_F/√d
    homomorphism_rms: Array  # RMS over (g, h) of the same
    unitarity: Array  # max_g ‖ρ̃(g)ρ̃(g)^† − I‖_F/√d
    irreducibility: Array  # |(1/n)Σ_g |χ̃(g)|² − 1|
    equivalence: Array  # max_g ‖ρ̃(g) − Uρ(g)U^†‖_F/√d to the matched true irrep ρ
    equivalence_rms: Array  # RMS over g of the same
    span: Array  # sin of the largest principal angle, weights' span vs ρ's isotypic subspace


class Conditioning(NamedTuple):
    """The measured quantities the bounds depend on, per block (k,)."""

    procrustes: Array  # ε = max_g ε_i(g)
    procrustes_rms: Array  # RMS over g of ε_i(g)
    procrustes_from_invariance: Array  # Lemma A's bound on ε from the invariance defect δ
    stack_min: Array  # s_d = σ_min of the (n·d) × d stack B_i
    stack_max: Array  # s_1 = σ_max of B_i
    intertwiner_min: Array  # τ = σ_min(T) of the intertwiner with the matched irrep
    intertwiner_cond: Array  # κ = σ_max(T)/σ_min(T)
    identity_norm: Array  # ‖W_i[e]‖₂
    map_min: Array  # σ_{d²} of W_i as the n × d² map ℂⁿ → ℂ^{d×d}


class StabilityReport(NamedTuple):
    """:func:`conclusion_bounds`' result: the estimate, its residuals, the bounds from the
    measured Procrustes residuals (``bounds``) and from the invariance defect (``a_priori``,
    Lemma A), the conditioning they use, and the matched true irrep per block."""

    estimate: ProcrustesIrreps
    residuals: Conclusions
    bounds: Conclusions
    a_priori: Conclusions
    conditioning: Conditioning
    matched: Array  # (k,) index of the matched true irrep, −1 if none has the dimension
    character_distance: Array  # (k,) RMS distance of χ̃_i to the matched character
    invariance_defect: Array  # δ = max_g √(Σ_i D_{i,g}² / den), as invariance_defect()


def _bounds(eps: Array, eps_rms: Array, c: dict, d: int, n: int, rnd: ArrayLike) -> dict:
    """Lemmas B–E for one block, from a bound (eps, eps_rms) on the Procrustes residuals."""
    s_d, s_1 = c["stack_min"], c["stack_max"]
    tau, kappa = c["intertwiner_min"], c["intertwiner_cond"]
    sqd = jnp.sqrt(jnp.asarray(d, eps.dtype))
    defined = eps < s_d**2 / (2 * s_1)  # the polar factor is unique: ρ̃ is a unitary estimate
    hom = _over(3 * eps, s_d)
    hom_rms = _over(3 * eps_rms, s_d)
    xi = _over(hom * (1 + kappa), tau)  # Frobenius, not yet divided by √d
    xi_rms = _over(hom_rms * (1 + kappa), tau)
    irr = 2 * d * sqd * xi_rms
    span = _over(jnp.sqrt(jnp.asarray(n, eps.dtype)) * (c["identity_norm"] * xi_rms + eps_rms),
                 c["map_min"])
    out = dict(homomorphism=hom / sqd, homomorphism_rms=hom_rms / sqd,
               unitarity=jnp.zeros_like(eps), irreducibility=irr,
               equivalence=xi / sqd, equivalence_rms=xi_rms / sqd, span=span)
    return {k: jnp.where(defined, v + rnd, jnp.inf) for k, v in out.items()}


def _block(w: Array, table: Array, irreps: tuple[Array, ...]) -> dict:
    """Everything for one block (vmapped over the blocks of one dimension)."""
    n, d = w.shape[0], w.shape[-1]
    real = w.real.dtype
    sqd = jnp.sqrt(jnp.asarray(d, real))
    u, eps_g = procrustes_fit(w, table)
    rho = _dag(u)
    sv = singular_values(w.reshape(n * d, d))
    num, den = invariance_kernel((w,), table)
    hom = jnp.linalg.norm(products(rho) - rho[table], axis=(-2, -1)) / sqd
    uni = jnp.linalg.norm(jnp.matmul(rho, _dag(rho), precision=_HI)
                          - jnp.eye(d, dtype=rho.dtype), axis=(-2, -1)) / sqd
    chi = jnp.trace(rho, axis1=-2, axis2=-1)
    match = match_kernel((rho,), irreps)
    matched = match.matched[0]
    res = dict(homomorphism=jnp.max(hom), homomorphism_rms=jnp.sqrt(jnp.mean(hom**2)),
               unitarity=jnp.max(uni), irreducibility=jnp.abs(jnp.sum(_abs2(chi)) / n - 1),
               equivalence=match.residual[0],
               span=span_kernel((w,), irreps, match.matched)[0])
    cond = dict(procrustes=jnp.max(eps_g), procrustes_rms=jnp.sqrt(jnp.mean(eps_g**2)),
                stack_min=sv[-1], stack_max=sv[0],
                identity_norm=singular_values(w[identity_label(table)])[0],
                map_min=singular_values(w.reshape(n, d * d))[-1])
    cands = [c for c, r in enumerate(irreps) if r.shape[-1] == d]
    if cands:
        true = jnp.stack([irreps[c] for c in cands])[jnp.argmax(jnp.array(cands) == matched)]
        t_sv = singular_values(best_intertwiner(rho, true))
        # κ only multiplies 1/τ: when τ = 0 the bound is +inf whatever κ is
        tau = t_sv[-1]
        kappa = jnp.where(tau > 0, t_sv[0] / jnp.where(tau > 0, tau, 1), 1.0)
        v = match.intertwiner[0]
        diff = rho - jnp.matmul(jnp.matmul(v, true, precision=_HI), _dag(v), precision=_HI)
        eq = jnp.linalg.norm(diff, axis=(-2, -1)) / sqd
        res["equivalence_rms"] = jnp.sqrt(jnp.mean(eq**2))
    else:  # no true irrep of this dimension: nothing to be equivalent to
        tau, kappa = jnp.array(0.0, real), jnp.array(1.0, real)
        res["equivalence_rms"] = match.residual[0]
    cond.update(intertwiner_min=tau, intertwiner_cond=kappa)
    return dict(rho=rho, eps=eps_g, num=num, den=den, matched=matched,
                chi_dist=match.character_distance[0], res=res, cond=cond)


@jax.jit
def stability_kernel(weights: tuple[Array, ...], table: Array,
                     irreps: tuple[Array, ...]) -> StabilityReport:
    n = table.shape[0]
    real = weights[0].real.dtype
    eps_mach = jnp.finfo(real).eps
    # Blocks of one dimension are stacked and vmapped, and the bounds are computed on those
    # stacks: the trace grows with the number of distinct dimensions, not of blocks (C128
    # has 128 blocks of dimension 1).
    groups = []
    for d in sorted({w.shape[-1] for w in weights}):
        idx = [i for i, w in enumerate(weights) if w.shape[-1] == d]
        out = jax.vmap(_block, in_axes=(0, None, None))(
            jnp.stack([weights[i] for i in idx]), table, irreps)
        groups.append((d, idx, out))
    num = sum(jnp.sum(out["num"], axis=0) for _, _, out in groups)  # Σ_i D_{i,g}², per g
    den = sum(jnp.sum(out["den"]) for _, _, out in groups)
    delta = jnp.max(_safe_ratio(jnp.sqrt(num), jnp.sqrt(den)))  # NaN stays NaN
    d_bound = jnp.sqrt(num)  # ≥ D_{i,g} for every block: Lemma A from the measured δ
    for d, _, out in groups:
        c = out["cond"]
        s_d, s_1 = c["stack_min"][:, None], c["stack_max"][:, None]
        c["procrustes_from_invariance"] = jnp.max(
            _over(d_bound[None], s_d) + _over(s_1 * d_bound[None] ** 2, s_d**4), axis=1)
        rnd = 8 * n * d * eps_mach
        out["bounds"] = _bounds(c["procrustes"], c["procrustes_rms"], c, d, n, rnd)
        a = c["procrustes_from_invariance"]
        out["a_priori"] = _bounds(a, a, c, d, n, rnd)
    order = jnp.asarray([i for _, idx, _ in groups for i in idx])
    back = jnp.argsort(order)  # concatenated group order → block order

    def gather(get) -> Array:
        return jnp.concatenate([get(out) for _, _, out in groups])[back]

    def fields(cls: type, key: str):
        return cls(**{f: gather(lambda o: o[key][f]).astype(real) for f in cls._fields})

    rhos: list[Array] = [None] * len(weights)  # type: ignore[list-item]
    for _, idx, out in groups:
        for j, i in enumerate(idx):
            rhos[i] = out["rho"][j]
    return StabilityReport(
        estimate=ProcrustesIrreps(tuple(rhos), gather(lambda o: o["eps"])),
        residuals=fields(Conclusions, "res"), bounds=fields(Conclusions, "bounds"),
        a_priori=fields(Conclusions, "a_priori"), conditioning=fields(Conditioning, "cond"),
        matched=gather(lambda o: o["matched"]),
        character_distance=gather(lambda o: o["chi_dist"]).astype(real), invariance_defect=delta)


def procrustes_irreps(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup
) -> ProcrustesIrreps:
    r"""Estimate every ρ_i from all slices: ρ̃_i(g) = polar(Σ_k W_i[k]^† W_i[gk])^†, the
    orthogonal-Procrustes solution of W_i[gk] ≈ W_i[k] ρ_i(g)^† over all k, and the residual
    ε_i(g) = (Σ_k ‖W_i[gk] − W_i[k] ρ̃_i(g)^†‖²_F)^{1/2}.  Exact (ρ̃ = ρ, ε = 0) for
    W_i[g] = A_i ρ_i(g)^† with any A_i ≠ 0.  Pure JAX (vmappable).

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("S3")
    >>> est = procrustes_irreps(fourier_weights(G), G)
    >>> [r.shape for r in est.rho], float(est.residual.max()) < 1e-5
    ([(6, 1, 1), (6, 1, 1), (6, 2, 2)], True)
    """
    group = check_group(group, "procrustes_irreps")
    weights = as_weights(weights, "procrustes_irreps", order=group.order)
    table = jnp.asarray(group.table)
    fits = per_block(procrustes_fit, weights, table)
    return ProcrustesIrreps(fits.scattered(lambda o: _dag(o[0])), fits.gathered(lambda o: o[1]))


def conclusion_bounds(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup,
    irreps: Sequence[Shaped[ArrayLike, "n _ _"]] | None = None,
) -> StabilityReport:
    r"""Residual of every conclusion of Theorem 10 / Corollary 11 for the all-slices estimate
    ρ̃ (:func:`procrustes_irreps`), beside the largest value the theorem allows given the
    measured defects (CONVENTIONS.md, "Stability bound"; per block, shape (k,)).

    ``bounds`` uses the measured Procrustes residuals ε_i(g); ``a_priori`` replaces them by
    Lemma A's bound from the relative invariance defect δ_g, so it is a function of δ, the
    stack's singular values and the intertwiner's conditioning only.  Every residual is at
    most its bound for every network (a proven inequality, plus round-off): a residual above
    its bound is a bug or a counterexample.  ``irreps`` defaults to
    :func:`harmonics_jax.irreps`.

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("S4")
    >>> w = list(fourier_weights(G))
    >>> w[0] = w[0].at[0].add(0.0099)  # the issue's S4 reproduction (trivial block, slice e)
    >>> r = conclusion_bounds(tuple(w), G)
    >>> float(r.residuals.homomorphism.max()) < 1e-5  # ρ̃ reads every slice, not W[e]⁻¹
    True
    >>> bool((r.residuals.span <= r.bounds.span).all())
    True
    """
    group = check_group(group, "conclusion_bounds")
    weights = as_weights(weights, "conclusion_bounds", order=group.order)
    true = as_irreps(irreps, group, "conclusion_bounds", weights[0].dtype)
    return stability_kernel(weights, jnp.asarray(group.table), true)


@jax.jit
def operator_defect_kernel(weights: tuple[Array, ...]) -> Array:
    """‖F^†F/n − I‖₂ = max_j |σ_j(F)²/n − 1| over all m singular values of the n × m F."""
    return operator_unitarity_defect(stack_blocks(weights))


def unitarity_defect(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]]
) -> Float[Array, ""]:
    r"""Unitarity defect in operator norm, ‖F^†F/n − I‖₂, F[g, (i,j,k)] = √d_i W_i[g]_{jk}:
    the largest |σ_j(F)²/n − 1| (one-sided Jacobi, no LAPACK).  Every singular value of
    F/√n lies in [√(1 − u), √(1 + u)], which is what the stability bound needs; the entrywise
    L/n of :func:`gram_entry_defect` can be n times smaller.  Any block shapes (F is n × Σd_i²).

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> w = list(fourier_weights(hj.named_group("S3")))
    >>> round(float(unitarity_defect(tuple(w))), 4)
    0.0
    >>> w[0] = w[0] * 1.1 ** 0.5  # the trivial column scaled: eigenvalue 1.1 of F^†F/n
    >>> round(float(unitarity_defect(tuple(w))), 4)
    0.1
    """
    weights = as_weights(weights, "unitarity_defect")
    return operator_defect_kernel(weights)
