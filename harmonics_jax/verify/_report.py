r"""One call that checks every hypothesis and conclusion of Theorem 10 / Corollary 11 /
Theorem 17 on a power-spectral network, for one network or a batch over a seed axis.

The array work is one jitted function of (weights, table, irreps), vmapped over seeds in
:func:`verify_batched`.  What may vary without recompiling: the values of the weights, of the
group table and of the irreps.  What recompiles: the group order, the block dimensions, the
number of seeds, the irreps' dimensions and the dtype.  Tolerances are applied afterwards in
NumPy, so changing them never recompiles.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Complex

from .._group import FiniteGroup
from ._hypotheses import (_safe_ratio, gram_defect_kernel, invariance_kernel,
                          surjectivity_kernel)
from ._recovery import match_kernel, recover_with_products, span_kernel
from ._table import margins_kernel, table_kernel
from ._tolerances import Tolerances
from ._validate import as_irreps, as_weights, check_group

__all__ = ["VerificationReport", "verify", "verify_batched"]


@dataclasses.dataclass(frozen=True)
class VerificationReport:
    r"""Everything :func:`verify` measures.  From :func:`verify_batched`, every field except
    ``tolerances`` is a NumPy array with a leading seed axis.

    Hypotheses: ``invariance_defect`` (relative, exact expectation over complex Gaussian
    signals, max over g), ``unitarity_defect`` (L/n on the raw weights; inf when F is not
    square), ``min_singular_value`` (min_i σ_min(W_i[e])), ``surjectivity`` (min over blocks
    of the scale-free margin, see :func:`surjectivity`); booleans ``invariant``, ``unitary``,
    ``surjective`` and ``hypotheses_met`` (all three).

    Conclusions: residuals of the recovered ρ_i (maxima over blocks), ``irreducible``,
    ``representations_ok``; ``matched_irreps`` (per block, −1 if unmatched),
    ``character_distance``, ``equivalence_residual``, ``irreps_equivalent``,
    ``each_irrep_once``; ``span_residual`` and ``span_ok``; ``recovered_table``,
    ``table_errors`` (number of wrong entries) and ``table_recovered``.

    Theorem 17 (weights normalised to W_i[e] = I): ``normalised_L``, ``separation``
    (√(2n − 4L̂)), ``min_slice_distance``, ``worst_product_distance``, ``theorem17_condition``.

    ``fourier_recovered``: every conclusion holds (representations, equivalence, each irrep
    once, span, table).
    """

    hypotheses_met: bool
    invariant: bool
    unitary: bool
    surjective: bool
    invariance_defect: float
    unitarity_defect: float
    min_singular_value: float
    surjectivity: float
    homomorphism_residual: float
    representation_unitarity_residual: float
    irreducibility_residual: float
    irreducible: bool
    representations_ok: bool
    matched_irreps: tuple[int, ...]
    character_distance: float
    equivalence_residual: float
    irreps_equivalent: bool
    each_irrep_once: bool
    span_residual: float
    span_ok: bool
    recovered_table: np.ndarray
    table_errors: int
    table_recovered: bool
    normalised_L: float
    separation: float
    min_slice_distance: float
    worst_product_distance: float
    theorem17_condition: bool
    fourier_recovered: bool
    tolerances: Tolerances

    def __str__(self) -> str:
        lines = [f"{f.name} = {getattr(self, f.name)!r}" for f in dataclasses.fields(self)
                 if f.name not in ("recovered_table", "tolerances")]
        return "VerificationReport(\n  " + "\n  ".join(lines) + "\n)"


def _measure(weights: tuple[Array, ...], table: Array, irreps: tuple[Array, ...]) -> dict:
    n = table.shape[0]
    real = weights[0].real.dtype
    num, den = invariance_kernel(weights, table)
    inv = jnp.max(_safe_ratio(jnp.sqrt(num), jnp.sqrt(den)))
    if sum(w.shape[-1] ** 2 for w in weights) == n:
        unit = gram_defect_kernel(weights) / n
    else:
        unit = jnp.array(jnp.inf, real)
    smin, rel_e, rel_map = surjectivity_kernel(weights, table)
    rec, prods = recover_with_products(weights, table)
    match = match_kernel(rec.rho, irreps)
    span = span_kernel(weights, irreps, match.matched)
    recovered = table_kernel(rec.rho, prods)
    margins = margins_kernel(rec.rho, table, prods)
    big_k = len(irreps)
    if len(weights) == big_k:
        once = jnp.all(jnp.sort(match.matched) == jnp.arange(big_k))
    else:
        once = jnp.array(False)
    return dict(
        invariance_defect=inv, unitarity_defect=unit, min_singular_value=jnp.min(smin),
        surjectivity=jnp.min(jnp.minimum(rel_e, rel_map)),
        homomorphism_residual=jnp.max(rec.homomorphism_residual),
        representation_unitarity_residual=jnp.max(rec.unitarity_residual),
        irreducibility_residual=jnp.max(jnp.abs(rec.irreducibility_residual)),
        matched_irreps=match.matched, character_distance=jnp.max(match.character_distance),
        equivalence_residual=jnp.max(match.residual), each_irrep_once=once,
        span_residual=jnp.max(span), recovered_table=recovered,
        table_errors=jnp.sum(recovered != table),
        normalised_L=margins.normalised_L, separation=margins.separation,
        min_slice_distance=margins.min_slice_distance,
        worst_product_distance=margins.worst_product_distance,
        theorem17_condition=margins.condition,
    )


_measure_one = jax.jit(_measure)
_measure_many = jax.jit(jax.vmap(_measure, in_axes=(0, None, None)))


def _report(m: dict, tol: Tolerances, single: bool) -> VerificationReport:
    m = {k: np.asarray(v) for k, v in m.items()}
    out = dict(m)
    out["invariant"] = m["invariance_defect"] <= tol.invariance
    out["unitary"] = m["unitarity_defect"] <= tol.unitarity
    out["surjective"] = m["surjectivity"] >= tol.surjectivity
    out["hypotheses_met"] = out["invariant"] & out["unitary"] & out["surjective"]
    out["irreducible"] = m["irreducibility_residual"] <= tol.representation
    out["representations_ok"] = (out["irreducible"]
                                 & (m["homomorphism_residual"] <= tol.representation)
                                 & (m["representation_unitarity_residual"] <= tol.representation))
    out["irreps_equivalent"] = ((m["equivalence_residual"] <= tol.equivalence)
                                & np.all(m["matched_irreps"] >= 0, axis=-1))
    out["span_ok"] = m["span_residual"] <= tol.span
    out["table_recovered"] = m["table_errors"] == 0
    out["fourier_recovered"] = (out["representations_ok"] & out["irreps_equivalent"]
                                & m["each_irrep_once"] & out["span_ok"]
                                & out["table_recovered"])
    if single:
        for k, v in out.items():
            if k == "matched_irreps":
                out[k] = tuple(int(x) for x in v)
            elif k == "recovered_table":
                out[k] = v.astype(np.int64)
            elif v.dtype == bool:
                out[k] = bool(v)
            elif np.issubdtype(v.dtype, np.integer):
                out[k] = int(v)
            else:
                out[k] = float(v)
    return VerificationReport(tolerances=tol, **out)


def _check_tolerances(tolerances: object, fn: str) -> Tolerances:
    if not isinstance(tolerances, Tolerances):
        raise TypeError(f"{fn}: tolerances must be a harmonics_jax.verify.Tolerances, got "
                        f"{type(tolerances).__name__}; e.g. Tolerances(invariance=1e-4)")
    return tolerances


def verify(
    weights: tuple[Complex[Array, "n _ _"], ...], group: FiniteGroup,
    irreps: list[Complex[Array, "n _ _"]] | None = None, tolerances: Tolerances = Tolerances(),
) -> VerificationReport:
    r"""Check Theorem 10 / Corollary 11 / Theorem 17 on one power-spectral network.

    ``weights`` is a tuple of complex arrays W_i of shape (n, d_i, d_i) (block i, element g →
    W_i[g]); ``irreps`` defaults to :func:`harmonics_jax.irreps`; see
    :class:`VerificationReport` and :class:`Tolerances`.

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.group("D4")
    >>> r = verify(fourier_weights(G), G)
    >>> r.hypotheses_met, r.fourier_recovered, r.matched_irreps
    (True, True, (0, 1, 2, 3, 4))
    """
    group = check_group(group, "verify")
    tolerances = _check_tolerances(tolerances, "verify")
    weights = as_weights(weights, "verify", order=group.order)
    true = as_irreps(irreps, group, "verify", weights[0].dtype)
    m = _measure_one(weights, jnp.asarray(group.table), true)
    return _report(m, tolerances, single=True)


def verify_batched(
    weights: tuple[Complex[Array, "s n _ _"], ...], group: FiniteGroup,
    irreps: list[Complex[Array, "n _ _"]] | None = None, tolerances: Tolerances = Tolerances(),
) -> VerificationReport:
    r""":func:`verify` for a batch of networks: each W_i has shape (seeds, n, d_i, d_i).  One
    jitted ``vmap`` over the seed axis; every report field gets a leading seed axis.

    >>> import harmonics_jax as hj
    >>> import jax.numpy as jnp
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.group("C6")
    >>> ws = tuple(jnp.stack([w, 2 * w]) for w in fourier_weights(G))
    >>> r = verify_batched(ws, G)
    >>> r.invariant.tolist(), r.unitary.tolist(), r.table_recovered.tolist()
    ([True, True], [True, False], [True, True])
    """
    group = check_group(group, "verify_batched")
    tolerances = _check_tolerances(tolerances, "verify_batched")
    weights = as_weights(weights, "verify_batched", batch_axes=1, order=group.order)
    true = as_irreps(irreps, group, "verify_batched", weights[0].dtype)
    m = _measure_many(weights, jnp.asarray(group.table), true)
    return _report(m, tolerances, single=False)
