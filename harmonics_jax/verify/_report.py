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
from ._fields import (Column, Kind, Tolerance, aggregate, check, decide, declared,
                      make_tolerances, measured)
from ._hypotheses import (_safe_ratio, gram_defect_kernel, invariance_kernel,
                          surjectivity_kernel)
from ._recovery import (frobenius_schur_kernel, match_kernel, recover_with_products,
                        span_kernel)
from ._table import margins_kernel, table_kernel
from ._validate import as_irreps, as_weights, check_group

__all__ = ["VerificationReport", "Tolerances", "verify", "verify_batched", "hypotheses_met",
           "trace_counts"]

H, C, N, T17, DIAG = (Kind.HYPOTHESIS, Kind.CONCLUSION, Kind.NECESSARY, Kind.THEOREM17,
                      Kind.DIAGNOSTIC)

# -- tolerances (each declared once; Tolerances is generated from the checks using them) --
INVARIANCE = Tolerance("invariance", 1e-3, "relative invariance defect ≤ it (trained networks "
                       "should aim for 1e-4)")
UNITARITY = Tolerance("unitarity", 1e-3, "L/n ≤ it, L = max |F F^† − n·I| (Theorem 17's L, "
                      "relative to n)")
SURJECTIVITY = Tolerance("surjectivity", 1e-6, "per-block margin ≥ it (numerical "
                         "invertibility of W_i[e] and rank d² of the map W_i; 1 for the exact "
                         "Fourier transform with unitary A_i)")
REPRESENTATION = Tolerance(
    "representation", 1e-2, "residuals of the recovered ρ_i (homomorphism, unitarity, both "
    "‖·‖_F/√d_i; irreducibility |(1/n)Σ|χ|² − 1|; Frobenius–Schur indicator) ≤ it.  The "
    "conclusion tolerances are 10× the hypothesis ones because the residuals of a network "
    "with invariance defect ε grow like a small multiple of ε (measured: ≤ ~5ε for the "
    "groups in the test suite with well-conditioned W_i[e])")
EQUIVALENCE = Tolerance("equivalence", 1e-2, "max_g ‖ρ_i(g) − U ρ(g) U^†‖_F/√d_i to the "
                        "matched true irrep ≤ it")
SPAN = Tolerance("span", 1e-2, "sine of the largest principal angle between the weights' "
                 "span and the isotypic subspace ≤ it")


def _scalar(v: np.ndarray | np.generic):
    if v.dtype == bool:
        return bool(v)
    return int(v) if np.issubdtype(v.dtype, np.integer) else float(v)


class _Context:
    """One network, its group and the true irreps, with the intermediate results that
    several fields share (computed at most once per trace)."""

    def __init__(self, weights: tuple[Array, ...], table: Array, irreps: tuple[Array, ...]):
        self.weights, self.table, self.irreps = weights, table, irreps
        self.n = table.shape[0]
        self.real = weights[0].real.dtype

    @cached_property
    def invariance(self):
        return invariance_kernel(self.weights, self.table)

    @cached_property
    def surjectivity(self):
        return surjectivity_kernel(self.weights, self.table)

    @cached_property
    def recovered(self):
        return recover_with_products(self.weights, self.table)

    @property
    def rho(self):
        return self.recovered[0].rho

    @cached_property
    def match(self):
        return match_kernel(self.rho, self.irreps)

    @cached_property
    def table_read(self):
        return table_kernel(self.rho, self.recovered[1])

    @cached_property
    def margins(self):
        return margins_kernel(self.rho, self.table, self.recovered[1])

    def unitarity_defect(self):
        if sum(w.shape[-1] ** 2 for w in self.weights) != self.n:
            return jnp.array(jnp.inf, self.real)  # F is not square: no unitarity to check
        return gram_defect_kernel(self.weights) / self.n

    def each_irrep_once(self):
        big_k = len(self.irreps)
        if len(self.weights) != big_k:
            return jnp.array(False)
        return jnp.all(jnp.sort(self.match.matched) == jnp.arange(big_k))


@dataclasses.dataclass(frozen=True)
class VerificationReport:
    r"""Everything :func:`verify` measures and decides, one declared field each (hypotheses,
    conclusions, necessary conditions, Theorem 17's margins, diagnostics); see
    :func:`VerificationReport.describe` for the table.  From :func:`verify_batched`, every
    field except ``tolerances`` is a NumPy array with the networks' batch axes in front.

    ``hypotheses_met`` is the AND of the hypothesis verdicts (``invariant``, ``unitary``,
    ``surjective``); ``fourier_recovered`` is the AND of every conclusion and necessary
    condition (representations, equivalence, each irrep once, span, table, Frobenius–Schur
    indicators).  Theorem 17 (weights normalised to W_i[e] = I): ``normalised_L``,
    ``separation`` (√(2n − 4L̂)), ``min_slice_distance``, ``worst_product_distance``,
    ``theorem17_condition``.
    """

    # -- hypotheses (Theorem 10 / Corollary 11) ------------------------------------------
    hypotheses_met: bool | np.ndarray = aggregate(
        "every hypothesis holds", kinds=(H,), summary=True,
        column=Column("hypotheses met", "count", "hypotheses_met", 0))
    invariant: bool | np.ndarray = check(
        "the network is invariant", kind=H, of="invariance_defect", op="<=",
        tolerance=INVARIANCE)
    unitary: bool | np.ndarray = check(
        "F^†F = n·I (Corollary 11)", kind=H, of="unitarity_defect", op="<=",
        tolerance=UNITARITY)
    surjective: bool | np.ndarray = check(
        "every W_i[e] and W_i onto", kind=H, of="surjectivity", op=">=",
        tolerance=SURJECTIVITY)
    invariance_defect: float | np.ndarray = measured(
        "relative invariance defect, exact expectation over complex Gaussian signals, max "
        "over g", kind=H, summary=True,
        column=Column("median inv. defect", "median", "median_invariance_defect", 3),
        compute=lambda c: jnp.max(_safe_ratio(jnp.sqrt(c.invariance[0]),
                                              jnp.sqrt(c.invariance[1]))))
    unitarity_defect: float | np.ndarray = measured(
        "L/n on the raw weights (inf when F is not square)", kind=H, summary=True,
        column=Column("median unit. defect", "median", "median_unitarity_defect", 4),
        compute=lambda c: c.unitarity_defect())
    min_singular_value: float | np.ndarray = measured(
        "min_i σ_min(W_i[e])", kind=DIAG, summary=True,
        compute=lambda c: jnp.min(c.surjectivity[0]))
    surjectivity: float | np.ndarray = measured(
        "min over blocks of the scale-free surjectivity margin (see surjectivity())", kind=H,
        compute=lambda c: jnp.min(jnp.minimum(c.surjectivity[1], c.surjectivity[2])))
    # -- conclusions ---------------------------------------------------------------------
    homomorphism_residual: float | np.ndarray = measured(
        "max_{i,g,h} ‖ρ_i(g)ρ_i(h) − ρ_i(gh)‖_F/√d_i of the recovered ρ_i", kind=C,
        summary=True, compute=lambda c: jnp.max(c.recovered[0].homomorphism_residual))
    representation_unitarity_residual: float | np.ndarray = measured(
        "max_{i,g} ‖ρ_i(g)ρ_i(g)^† − I‖_F/√d_i", kind=C,
        compute=lambda c: jnp.max(c.recovered[0].unitarity_residual))
    irreducibility_residual: float | np.ndarray = measured(
        "max_i |(1/n)Σ_g|χ_i(g)|² − 1|", kind=C,
        compute=lambda c: jnp.max(jnp.abs(c.recovered[0].irreducibility_residual)))
    irreducible: bool | np.ndarray = check(
        "every recovered ρ_i is irreducible", kind=C, of="irreducibility_residual", op="<=",
        tolerance=REPRESENTATION)
    representations_ok: bool | np.ndarray = check(
        "every recovered ρ_i is an irreducible unitary representation", kind=C,
        of=("irreducibility_residual", "homomorphism_residual",
            "representation_unitarity_residual"), op="<=", tolerance=REPRESENTATION)
    matched_irreps: tuple[int, ...] | np.ndarray = measured(
        "per block, the true irrep with the nearest character (−1 if none has its "
        "dimension)", kind=DIAG, compute=lambda c: c.match.matched,
        host=lambda v: tuple(int(x) for x in v))
    character_distance: float | np.ndarray = measured(
        "max over blocks of the RMS distance to the matched character", kind=DIAG,
        compute=lambda c: jnp.max(c.match.character_distance))
    equivalence_residual: float | np.ndarray = measured(
        "max_{i,g} ‖ρ_i(g) − U ρ(g) U^†‖_F/√d_i to the matched irrep (inf if unmatched)",
        kind=C, summary=True, compute=lambda c: jnp.max(c.match.residual))
    irreps_equivalent: bool | np.ndarray = check(
        "every block is unitarily equivalent to a true irrep", kind=C,
        of="equivalence_residual", op="<=", tolerance=EQUIVALENCE, summary=True)
    each_irrep_once: bool | np.ndarray = measured(
        "every irrep of G is matched by exactly one block", kind=C, verdict=True,
        summary=True, compute=lambda c: c.each_irrep_once())
    span_residual: float | np.ndarray = measured(
        "max over blocks of sin of the largest principal angle between the weights' span and "
        "the isotypic subspace", kind=C, summary=True,
        compute=lambda c: jnp.max(span_kernel(c.weights, c.irreps, c.match.matched)))
    span_ok: bool | np.ndarray = check(
        "the weights span the Fourier coefficients", kind=C, of="span_residual", op="<=",
        tolerance=SPAN, summary=True)
    recovered_table: np.ndarray = measured(
        "recovered[g, h] = argmin_l Σ_i d_i ‖ρ_i(g)ρ_i(h) − ρ_i(l)‖²_F", kind=DIAG,
        compute=lambda c: c.table_read, host=lambda v: v.astype(np.int64))
    table_errors: int | np.ndarray = measured(
        "number of wrong entries of the recovered table", kind=C, summary=True,
        compute=lambda c: jnp.sum(c.table_read != c.table))
    table_recovered: bool | np.ndarray = check(
        "the Cayley table is read back exactly, label for label", kind=C, of="table_errors",
        op="==", exact=0, summary=True,
        column=Column("table recovered", "count", "table_recovered", 2))
    # -- necessary conditions ------------------------------------------------------------
    frobenius_schur_residual: float | np.ndarray = measured(
        "max over blocks of |ν(ρ_i) − ν(ρ)|, ν = (1/n)Σ_g χ(g²) the Frobenius–Schur "
        "indicator, ρ the matched irrep (inf if unmatched)", kind=N, summary=True,
        compute=lambda c: jnp.max(frobenius_schur_kernel(c.rho, c.irreps, c.match.matched)))
    indicators_match: bool | np.ndarray = check(
        "each block is real / complex / quaternionic like its matched irrep", kind=N,
        of="frobenius_schur_residual", op="<=", tolerance=REPRESENTATION, summary=True)
    # -- Theorem 17 ----------------------------------------------------------------------
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
    theorem17_condition: bool | np.ndarray = measured(
        "L̂ ≤ n/2 and worst product distance < separation/2 (then the table is exact)",
        kind=T17, summary=True, compute=lambda c: c.margins.condition)
    # -- the verdict ---------------------------------------------------------------------
    fourier_recovered: bool | np.ndarray = aggregate(
        "every conclusion and necessary condition holds", kinds=(C, N), summary=True,
        column=Column("all conclusions (of met)", "count_of_met",
                      "all_conclusions_given_hypotheses", 1))
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
    L/n — False when F is not square — and the surjectivity margin of every block,
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
