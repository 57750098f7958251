r"""One call that checks every hypothesis and conclusion of Theorem 10 / Corollary 11 /
Theorem 17 on a power-spectral network, for one network or a batch of them.

:class:`VerificationReport` is the single declaration of every verification field: each
field says what it means, what kind of claim it is, how it is computed (a kernel) or
decided (a tolerance and its direction), whether it goes into ``summary.json`` and which
CLI column shows it (see :mod:`._fields`).  :class:`Tolerances`, the verdicts, the runner's
records and the CLI table are derived from it.  Adding a check: a kernel, one declaration
here, a test.

The array work is one jitted function of (weights, table, irreps), vmapped over networks
in :func:`verify_batched`.  What may vary without recompiling: the values of the weights, of
the group table and of the irreps.  What recompiles: the group order, the block dimensions,
the number of networks, the irreps' dimensions and the dtype.  Tolerances are applied
afterwards in NumPy, so changing them never recompiles.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Sequence
from functools import cached_property, partial

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Array, Bool, Shaped

from .._group import FiniteGroup
from ..models import SpectralWeights
from ._fields import (Column, Kind, Tolerance, aggregate, check, decide, declared, derived,
                      make_tolerances, measured)
from ._hypotheses import gram_defect_kernel, surjectivity_kernel
from ._recovery import frobenius_schur_kernel, recover_with_products
from ._stability import operator_defect_kernel, stability_kernel
from ._table import margins_kernel, table_kernel
from ._theorem17 import theorem17_kernel
from ._validate import as_irreps, as_weights, check_group

__all__ = ["VerificationReport", "Tolerances", "verify", "verify_batched", "hypotheses_met",
           "trace_counts"]

H, C, N, T17, DIAG = (Kind.HYPOTHESIS, Kind.CONCLUSION, Kind.NECESSARY, Kind.THEOREM17,
                      Kind.DIAGNOSTIC)

# -- tolerances (each declared once; Tolerances is generated from the checks using them) --
INVARIANCE = Tolerance("invariance", 1e-3, "relative invariance defect ≤ it (trained networks "
                       "should aim for 1e-4)")
UNITARITY = Tolerance("unitarity", 1e-3, "‖F^†F/n − I‖₂ ≤ it (operator norm: every singular "
                      "value of F/√n within √(1 ± it), what the stability bound needs)")
SURJECTIVITY = Tolerance("surjectivity", 1e-6, "per-block margin ≥ it (numerical "
                         "invertibility of W_i[e] and rank d² of the map W_i; 1 for the exact "
                         "Fourier transform with unitary A_i)")
REPRESENTATION = Tolerance(
    "representation", 1e-2, "residuals of the estimated ρ̃_i (homomorphism, unitarity, both "
    "‖·‖_F/√d_i; irreducibility |(1/n)Σ|χ|² − 1|; Frobenius–Schur indicator) ≤ it, or, for a "
    "network meeting the hypotheses, within the proven stability bound (CONVENTIONS "
    "'Stability bound'): a residual the bound allows is no counterexample")
EQUIVALENCE = Tolerance("equivalence", 1e-2, "max_g ‖ρ_i(g) − U ρ(g) U^†‖_F/√d_i to the "
                        "matched true irrep ≤ it")
SPAN = Tolerance("span", 1e-2, "sine of the largest principal angle between the weights' "
                 "span and the isotypic subspace ≤ it")


def _scalar(v: np.ndarray | np.generic):
    if v.dtype == bool:
        return bool(v)
    return int(v) if np.issubdtype(v.dtype, np.integer) else float(v)


# the largest value each conclusion residual can take for a unitary estimate ρ̃ (per block of
# dimension d): a bound at or above it says nothing and does not count
_LARGEST = dict(homomorphism=lambda d: 2.0, unitarity=lambda d: 1.0,
                irreducibility=lambda d: d * d - 1.0, equivalence=lambda d: 2.0,
                span=lambda d: 1.0)


class _Context:
    """One network, its group and the true irreps, with the intermediate results that
    several fields share (computed at most once per trace)."""

    def __init__(self, weights: tuple[Array, ...], table: Array, irreps: tuple[Array, ...]):
        self.weights, self.table, self.irreps = weights, table, irreps
        self.n = table.shape[0]
        self.real = weights[0].real.dtype
        self.square = sum(w.shape[-1] ** 2 for w in weights) == self.n

    @cached_property
    def stability(self):
        return stability_kernel(self.weights, self.table, self.irreps)

    @cached_property
    def surjectivity(self):
        return surjectivity_kernel(self.weights, self.table)

    @cached_property
    def recovered(self):  # W_i[e]⁻¹ W_i: the normalised weights of Theorem 17 and the table
        return recover_with_products(self.weights, self.table)

    @property
    def rho(self):  # the all-slices estimate ρ̃ (every conclusion is judged on it)
        return self.stability.estimate.rho

    @property
    def matched(self):
        return self.stability.matched

    @cached_property
    def table_read(self):
        return table_kernel(self.recovered[0].rho, self.recovered[1])

    @cached_property
    def margins(self):
        return margins_kernel(self.recovered[0].rho, self.table, self.recovered[1])

    @cached_property
    def theorem17(self):
        return theorem17_kernel(self.weights, self.table)

    def unitarity_defect(self):
        if not self.square:
            return jnp.array(jnp.inf, self.real)  # F is not square: no unitarity to check
        return operator_defect_kernel(self.weights)

    def gram_entry_defect(self):
        if not self.square:
            return jnp.array(jnp.inf, self.real)
        return gram_defect_kernel(self.weights) / self.n

    def residual(self, name: str) -> Array:
        return jnp.max(getattr(self.stability.residuals, name))

    def _valid_bounds(self, name: str) -> Array:
        """Per block, the proven bound where it says something (finite and below the largest
        value the residual can take), else 0 (the residual must meet the tolerance)."""
        bound = getattr(self.stability.bounds, name)
        largest = jnp.asarray([_LARGEST[name](w.shape[-1]) for w in self.weights], self.real)
        return jnp.where(jnp.isfinite(bound) & (bound < largest), bound, 0.0)

    def bound(self, name: str) -> Array:
        """The valid bound of the block with the largest residual (inf when it has none)."""
        res = getattr(self.stability.residuals, name)
        b = self._valid_bounds(name)[jnp.argmax(res)]
        return jnp.where(b > 0, b, jnp.inf)

    def beyond_bound(self, name: str) -> Array:
        """The largest residual among the blocks whose residual exceeds its valid bound
        (0 when every block is within its bound)."""
        res = getattr(self.stability.residuals, name)
        return jnp.max(jnp.where(res <= self._valid_bounds(name), 0.0, res))  # NaN: beyond

    def each_irrep_once(self):
        big_k = len(self.irreps)
        if len(self.weights) != big_k:
            return jnp.array(False)
        return jnp.all(jnp.sort(self.matched) == jnp.arange(big_k))


def _counterexample(v: dict):
    """Met the hypotheses and missed a conclusion beyond max(tolerance, proven bound) (or an
    irrep matched twice), or met Theorem 17's hypothesis and read a wrong table."""
    conclusions = (v["representations_ok"] & v["irreps_equivalent"] & v["span_ok"]
                   & v["each_irrep_once"])
    return (v["hypotheses_met"] & ~conclusions) | (v["theorem17_hypothesis"]
                                                   & ~v["table_recovered"])


def _bound(name: str, lemma: str):
    """The bound diagnostic of the conclusion residual ``name``."""
    return measured(f"the proven bound on the {name} residual ({lemma}) of the block with the "
                    "largest residual; inf when that block has none (estimate undefined, or a "
                    "bound above the largest possible value)", kind=DIAG,
                    compute=lambda c: c.bound(name))


def _beyond(name: str):
    """The largest residual ``name`` not covered by its block's bound."""
    return measured(f"the largest {name} residual among the blocks whose residual exceeds its "
                    "bound (0 when every block is within its bound)", kind=DIAG,
                    compute=lambda c: c.beyond_bound(name))


@dataclasses.dataclass(frozen=True)
class VerificationReport:
    r"""Everything :func:`verify` measures and decides, one declared field each (hypotheses,
    conclusions, necessary conditions, Theorem 17's margins, diagnostics); see
    :func:`VerificationReport.describe` for the table.  From :func:`verify_batched`, every
    field except ``tolerances`` is a NumPy array with the networks' batch axes in front.

    ``hypotheses_met`` is the AND of the hypothesis verdicts (``invariant``, ``unitary`` in
    operator norm, ``surjective``); ``fourier_recovered`` is the AND of every conclusion and
    necessary condition (representations, equivalence, each irrep once, table, span,
    Frobenius–Schur indicators).  A conclusion residual (of the all-slices estimate ρ̃) passes
    when it meets its tolerance or, for a network meeting the hypotheses, stays within the
    proven stability bound (``*_bound``; CONVENTIONS "Stability bound");
    ``counterexample`` flags what the theorem forbids.  Theorem 17: its hypothesis
    (``theorem17_epsilon`` < ``theorem17_bound``) apart from the read-back certificate
    (``readback_certified``, ``readback_margin``; weights normalised to W_i[e] = I).
    """

    # -- hypotheses (Theorem 10 / Corollary 11) ------------------------------------------
    hypotheses_met: bool | np.ndarray = aggregate(
        "every hypothesis holds", kinds=(H,), summary=True,
        column=Column("hypotheses met", "count", "hypotheses_met", 0))
    invariant: bool | np.ndarray = check(
        "the network is invariant", kind=H, of="invariance_defect", op="<=",
        tolerance=INVARIANCE)
    unitary: bool | np.ndarray = check(
        "F^†F = n·I (Corollary 11), in operator norm", kind=H, of="unitarity_defect",
        op="<=", tolerance=UNITARITY)
    surjective: bool | np.ndarray = check(
        "every W_i[e] and W_i onto", kind=H, of="surjectivity", op=">=",
        tolerance=SURJECTIVITY)
    invariance_defect: float | np.ndarray = measured(
        "relative invariance defect, exact expectation over complex Gaussian signals, max "
        "over g", kind=H, summary=True,
        column=Column("median inv. defect", "median", "median_invariance_defect", 3),
        compute=lambda c: c.stability.invariance_defect)
    unitarity_defect: float | np.ndarray = measured(
        "‖F^†F/n − I‖₂ on the raw weights, F[g, (i,j,k)] = √d_i W_i[g]_jk (inf when F is not "
        "square)", kind=H, summary=True,
        column=Column("median unit. defect", "median", "median_unitarity_defect", 4),
        compute=lambda c: c.unitarity_defect())
    gram_entry_defect: float | np.ndarray = measured(
        "L/n, L = max |F F^† − n·I| entrywise (Theorem 17's L; reported, not judged: it lets a "
        "12% operator-norm error through at n = 120; inf when F is not square)", kind=DIAG,
        summary=True, compute=lambda c: c.gram_entry_defect())
    min_singular_value: float | np.ndarray = measured(
        "min_i σ_min(W_i[e])", kind=DIAG, summary=True,
        compute=lambda c: jnp.min(c.surjectivity[0]))
    surjectivity: float | np.ndarray = measured(
        "min over blocks of the scale-free surjectivity margin (see surjectivity())", kind=H,
        compute=lambda c: jnp.min(jnp.minimum(c.surjectivity[1], c.surjectivity[2])))
    # -- conclusions, on the all-slices estimate ρ̃_i(g) = polar(Σ_k W_i[k]^†W_i[gk])^† ----
    homomorphism_residual: float | np.ndarray = measured(
        "max_{i,g,h} ‖ρ̃_i(g)ρ̃_i(h) − ρ̃_i(gh)‖_F/√d_i", kind=C, summary=True,
        compute=lambda c: c.residual("homomorphism"))
    homomorphism_rms: float | np.ndarray = measured(
        "max_i of the RMS over (g, h) of the same", kind=DIAG,
        compute=lambda c: c.residual("homomorphism_rms"))
    homomorphism_bound: float | np.ndarray = _bound("homomorphism", "Lemma B")
    homomorphism_beyond_bound: float | np.ndarray = _beyond("homomorphism")
    representation_unitarity_residual: float | np.ndarray = measured(
        "max_{i,g} ‖ρ̃_i(g)ρ̃_i(g)^† − I‖_F/√d_i (ρ̃ is a polar factor: this checks its "
        "convergence)", kind=C, compute=lambda c: c.residual("unitarity"))
    representation_unitarity_bound: float | np.ndarray = _bound(
        "unitarity", "0 while the polar factor is unique")
    representation_unitarity_beyond_bound: float | np.ndarray = _beyond("unitarity")
    irreducibility_residual: float | np.ndarray = measured(
        "max_i |(1/n)Σ_g|χ̃_i(g)|² − 1|", kind=C,
        compute=lambda c: c.residual("irreducibility"))
    irreducibility_bound: float | np.ndarray = _bound("irreducibility", "Lemma D")
    irreducibility_beyond_bound: float | np.ndarray = _beyond("irreducibility")
    irreducible: bool | np.ndarray = check(
        "every ρ̃_i is irreducible (within tolerance, or within its bound given the "
        "hypotheses)", kind=C, of="irreducibility_residual", op="<=",
        tolerance=REPRESENTATION, given="hypotheses_met")
    representations_ok: bool | np.ndarray = check(
        "every ρ̃_i is an irreducible unitary representation", kind=C,
        of=("irreducibility_residual", "homomorphism_residual",
            "representation_unitarity_residual"), op="<=", tolerance=REPRESENTATION,
        given="hypotheses_met")
    matched_irreps: tuple[int, ...] | np.ndarray = measured(
        "per block, the true irrep with the nearest character (−1 if none has its "
        "dimension)", kind=DIAG, compute=lambda c: c.matched,
        host=lambda v: tuple(int(x) for x in v))
    character_distance: float | np.ndarray = measured(
        "max over blocks of the RMS distance to the matched character", kind=DIAG,
        compute=lambda c: jnp.max(c.stability.character_distance))
    equivalence_residual: float | np.ndarray = measured(
        "max_{i,g} ‖ρ̃_i(g) − U ρ(g) U^†‖_F/√d_i to the matched irrep (inf if unmatched)",
        kind=C, summary=True, compute=lambda c: c.residual("equivalence"))
    equivalence_rms: float | np.ndarray = measured(
        "max_i of the RMS over g of the same", kind=DIAG,
        compute=lambda c: c.residual("equivalence_rms"))
    equivalence_bound: float | np.ndarray = _bound("equivalence", "Lemma C")
    equivalence_beyond_bound: float | np.ndarray = _beyond("equivalence")
    irreps_equivalent: bool | np.ndarray = check(
        "every block is unitarily equivalent to a true irrep", kind=C,
        of="equivalence_residual", op="<=", tolerance=EQUIVALENCE, given="hypotheses_met",
        summary=True)
    each_irrep_once: bool | np.ndarray = measured(
        "every irrep of G is matched by exactly one block", kind=C, verdict=True,
        summary=True, compute=lambda c: c.each_irrep_once())
    recovered_table: np.ndarray = measured(
        "recovered[g, h] = argmin_l Σ_i d_i ‖ρ_i(g)ρ_i(h) − ρ_i(l)‖²_F, ρ_i = (W_i[e]⁻¹W_i)^† "
        "(Theorem 17's normalised weights)", kind=DIAG,
        compute=lambda c: c.table_read, host=lambda v: v.astype(np.int64))
    table_errors: int | np.ndarray = measured(
        "number of wrong entries of the recovered table", kind=C, summary=True,
        compute=lambda c: jnp.sum(c.table_read != c.table))
    table_recovered: bool | np.ndarray = check(
        "the Cayley table is read back exactly, label for label", kind=C, of="table_errors",
        op="==", exact=0, summary=True,
        column=Column("table recovered", "count", "table_recovered", 2))
    # -- necessary conditions (implied by the conclusions, not sufficient) ----------------
    span_residual: float | np.ndarray = measured(
        "max over blocks of sin of the largest principal angle between the weights' span and "
        "the isotypic subspace", kind=N, summary=True, compute=lambda c: c.residual("span"))
    span_bound: float | np.ndarray = _bound("span", "Lemma E")
    span_beyond_bound: float | np.ndarray = _beyond("span")
    span_ok: bool | np.ndarray = check(
        "the weights span the Fourier coefficients (necessary: conj(ρ) spans them too but is "
        "not invariant)", kind=N, of="span_residual", op="<=", tolerance=SPAN,
        given="hypotheses_met", summary=True)
    frobenius_schur_residual: float | np.ndarray = measured(
        "max over blocks of |ν(ρ̃_i) − ν(ρ)|, ν = (1/n)Σ_g χ(g²) the Frobenius–Schur "
        "indicator, ρ the matched irrep (inf if unmatched)", kind=N, summary=True,
        compute=lambda c: jnp.max(frobenius_schur_kernel(c.rho, c.irreps, c.matched)))
    indicators_match: bool | np.ndarray = check(
        "each block is real / complex / quaternionic like its matched irrep", kind=N,
        of="frobenius_schur_residual", op="<=", tolerance=REPRESENTATION, summary=True)
    # -- Theorem 17 ----------------------------------------------------------------------
    theorem17_epsilon: float | np.ndarray = measured(
        "ε = max_g max_i min_U ‖g⁻¹·Ŵ_i − Ŵ_i U‖ (Eq. 25, normalised weights and norm)",
        kind=T17, summary=True, compute=lambda c: c.theorem17.epsilon_max)
    theorem17_bound: float | np.ndarray = measured(
        "β = √(1/2 − L̂/n)/(√(n + L̂) + 1) (0 when L̂ > n/2)", kind=T17, summary=True,
        compute=lambda c: c.theorem17.bound)
    theorem17_hypothesis: bool | np.ndarray = measured(
        "Theorem 17's hypothesis: L̂ ≤ n/2 and ε < β (then the read-back table is exact)",
        kind=T17, summary=True, compute=lambda c: c.theorem17.holds)
    normalised_L: float | np.ndarray = measured(
        "L̂ = max |F̂F̂^† − n·I| with W_i[e] normalised to I", kind=T17, summary=True,
        compute=lambda c: c.margins.normalised_L)
    separation: float | np.ndarray = measured(
        "√(max(2n − 4L̂, 0)), the proven lower bound on slice distances", kind=T17,
        summary=True, compute=lambda c: c.margins.separation)
    min_slice_distance: float | np.ndarray = measured(
        "the actual min_{p≠q} ‖Ŵ(p) − Ŵ(q)‖", kind=T17,
        compute=lambda c: c.margins.min_slice_distance)
    worst_product_distance: float | np.ndarray = measured(
        "max_{g,h} ‖ρ(g)ρ(h) − ρ(gh)‖ in the normalised norm", kind=T17, summary=True,
        compute=lambda c: c.margins.worst_product_distance)
    readback_margin: float | np.ndarray = measured(
        "separation/2 − worst product distance (> 0 with L̂ ≤ n/2: the read-back is certified)",
        kind=T17, summary=True,
        compute=lambda c: c.margins.separation / 2 - c.margins.worst_product_distance)
    readback_certified: bool | np.ndarray = measured(
        "L̂ ≤ n/2 and worst product distance < separation/2: the read-back table equals the "
        "true one (a certificate that needs the true table, not Theorem 17's hypothesis)",
        kind=T17, summary=True, compute=lambda c: c.margins.condition)
    # -- the verdict ---------------------------------------------------------------------
    fourier_recovered: bool | np.ndarray = aggregate(
        "every conclusion and necessary condition holds", kinds=(C, N), summary=True,
        column=Column("all conclusions (of met)", "count_of_met",
                      "all_conclusions_given_hypotheses", 1))
    counterexample: bool | np.ndarray = derived(
        "a genuine counterexample: met the hypotheses and missed a conclusion beyond "
        "max(tolerance, proven bound) or matched an irrep twice, or met Theorem 17's "
        "hypothesis and read a wrong table", kind=DIAG, rule=_counterexample, summary=True,
        column=Column("counterexamples", "count", "counterexamples", 5))
    tolerances: Tolerances | None = None

    def __str__(self) -> str:
        lines = [f"{f.name} = {getattr(self, f.name)!r}" for f in dataclasses.fields(self)
                 if f.name not in ("recovered_table", "tolerances")]
        return "VerificationReport(\n  " + "\n  ".join(lines) + "\n)"

    @classmethod
    def describe(cls) -> str:
        """The declaration as a plain-text table: field, kind, rule, meaning.

        Example:
            >>> print(VerificationReport.describe().splitlines()[1])
            invariant  hypothesis  invariance_defect <= Tolerances.invariance  the network is invariant
        """
        rows = []
        for f in declared(cls):
            m = f.metadata
            if m["role"] == "check":
                bound = (f"Tolerances.{m['tolerance'].name}" if m["tolerance"] is not None
                         else repr(m["exact"]))
                rule = " and ".join(f"{o} {m['op']} {bound}" for o in m["of"])
                if m["given"]:
                    rule += f" (or within its proven bound, given {m['given']})"
            elif m["role"] == "derived":
                rule = "derived from the verdicts"
            elif m["role"] == "aggregate":
                rule = "AND of the " + " / ".join(k.value for k in m["kinds"]) + " verdicts"
            else:
                rule = "measured"
            rows.append((f.name, m["kind"].value, rule, m["meaning"]))
        return "\n".join("  ".join(r) for r in rows)

    @classmethod
    def summary_fields(cls) -> tuple[str, ...]:
        """The fields recorded per network in a sweep's ``summary.json``."""
        return tuple(f.name for f in declared(cls) if f.metadata["summary"])

    @classmethod
    def columns(cls) -> list[tuple[str, Column]]:
        """(field, column) for the fields shown in sweep totals and the CLI table, in
        column order."""
        cols = [(f.name, f.metadata["column"]) for f in declared(cls)
                if f.metadata["column"] is not None]
        return sorted(cols, key=lambda fc: fc[1].position)


Tolerances = make_tolerances(declared(VerificationReport), __name__)
_FIELDS = declared(VerificationReport)
_MEASURED = tuple(f.name for f in _FIELDS if f.metadata["role"] == "measured")
_TRACES: Counter = Counter()


def trace_counts() -> dict[str, int]:
    """Number of traces (≈ compilations) of the verification program, by entry point."""
    return dict(_TRACES)


def _measure(weights: tuple[Array, ...], table: Array, irreps: tuple[Array, ...],
             names: tuple[str, ...] = _MEASURED) -> dict:
    ctx = _Context(weights, table, irreps)
    by_name = {f.name: f for f in _FIELDS}
    return {k: by_name[k].metadata["compute"](ctx) for k in names}


def _counted(name, fn):
    def inner(*args):
        _TRACES[name] += 1
        return fn(*args)
    return inner


_measure_one = jax.jit(_counted("verify", _measure))
_measure_many = jax.jit(_counted("verify_batched",
                                 jax.vmap(partial(_measure, names=_MEASURED),
                                          in_axes=(0, None, None))))


def _report(m: dict, tol, batch_shape: tuple[int, ...] | None) -> VerificationReport:
    values = {k: np.asarray(v) for k, v in m.items()}
    if batch_shape is not None:
        values = {k: v.reshape(*batch_shape, *v.shape[1:]) for k, v in values.items()}
    out = dict(values)
    out.update(decide(_FIELDS, values, tol))
    if batch_shape is None:
        for f in _FIELDS:
            host = f.metadata.get("host")
            out[f.name] = host(out[f.name]) if host is not None else _scalar(out[f.name])
    return VerificationReport(tolerances=tol, **out)


def _check_tolerances(tolerances: object, fn: str):
    if not isinstance(tolerances, Tolerances):
        raise TypeError(f"{fn}: tolerances must be a harmonics_jax.verify.Tolerances, got "
                        f"{type(tolerances).__name__}; e.g. Tolerances(invariance=1e-4)")
    return tolerances


def verify(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup,
    irreps: Sequence[Shaped[ArrayLike, "n _ _"]] | None = None,
    tolerances: Tolerances | None = None,
) -> VerificationReport:
    r"""Check Theorem 10 / Corollary 11 / Theorem 17 on one power-spectral network.

    ``weights`` is a :class:`~harmonics_jax.models.SpectralWeights` or a tuple of complex
    arrays W_i of shape (n, d_i, d_i) (block i, element g → W_i[g]); ``irreps`` defaults to
    :func:`harmonics_jax.irreps`; ``tolerances`` to ``Tolerances()``.  See
    :class:`VerificationReport` and :class:`Tolerances`.

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("D4")
    >>> r = verify(fourier_weights(G), G)
    >>> r.hypotheses_met, r.fourier_recovered, r.matched_irreps
    (True, True, (0, 1, 2, 3, 4))
    """
    group = check_group(group, "verify")
    tolerances = _check_tolerances(Tolerances() if tolerances is None else tolerances, "verify")
    weights = as_weights(weights, "verify", order=group.order)
    true = as_irreps(irreps, group, "verify", weights[0].dtype)
    m = _measure_one(weights, jnp.asarray(group.table), true)
    return _report(m, tolerances, None)


def verify_batched(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "*batch n _ _"]],
    group: FiniteGroup,
    irreps: Sequence[Shaped[ArrayLike, "n _ _"]] | None = None,
    tolerances: Tolerances | None = None,
) -> VerificationReport:
    r""":func:`verify` for a batch of networks: a :class:`~harmonics_jax.models.SpectralWeights`
    with batch axes (e.g. ``sweep(...).weights``, axes (H, S)) or blocks W_i of shape
    ``(*batch, n, d_i, d_i)`` with at least one batch axis.  One jitted ``vmap`` over the
    networks; every report field gets the batch axes in front.

    >>> import harmonics_jax as hj
    >>> import jax.numpy as jnp
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("C6")
    >>> ws = tuple(jnp.stack([w, 2 * w]) for w in fourier_weights(G))
    >>> r = verify_batched(ws, G)
    >>> r.invariant.tolist(), r.unitary.tolist(), r.table_recovered.tolist()
    ([True, True], [True, False], [True, True])
    """
    group = check_group(group, "verify_batched")
    tolerances = _check_tolerances(Tolerances() if tolerances is None else tolerances,
                                   "verify_batched")
    weights = as_weights(weights, "verify_batched", batched=True, order=group.order)
    batch_shape = weights[0].shape[:-3]
    flat = tuple(w.reshape(math.prod(batch_shape), *w.shape[-3:]) for w in weights)
    true = as_irreps(irreps, group, "verify_batched", weights[0].dtype)
    m = _measure_many(flat, jnp.asarray(group.table), true)
    return _report(m, tolerances, batch_shape)


def hypotheses_met(
    weights: SpectralWeights | Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup,
    tolerances: Tolerances | None = None,
) -> Bool[Array, ""]:
    r"""Whether the network meets Corollary 11's hypotheses within ``tolerances``: the AND of
    the hypothesis checks of :class:`VerificationReport` (relative invariance defect,
    ‖F^†F/n − I‖₂ — False when F is not square — and the surjectivity margin of every block,
    Theorem 10).  Pure JAX (vmappable); :func:`verify` reports each part.

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("D4")
    >>> bool(hypotheses_met(fourier_weights(G), G))
    True
    """
    group = check_group(group, "hypotheses_met")
    tolerances = _check_tolerances(Tolerances() if tolerances is None else tolerances,
                                   "hypotheses_met")
    weights = as_weights(weights, "hypotheses_met", order=group.order)
    fields = [f for f in _FIELDS if f.metadata["kind"] is H]
    names = tuple(f.name for f in fields if f.metadata["role"] == "measured")
    values = _measure(weights, jnp.asarray(group.table), (), names)
    return decide(fields, values, tolerances, xp=jnp)["hypotheses_met"]
