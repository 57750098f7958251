r"""Symmetry discovery from data alone: :func:`discover`.

Given only pairs (x_k, y_k) of signals on n coordinates with y_k = σ_k·x_k (+ noise) for
permutations σ_k from an unknown group acting regularly on the coordinates:

1. **Candidates.** Every irrep-dimension multiset a group of order n can have
   (:func:`candidate_dims`, theorems only).
2. **Training.** ``num_seeds`` power-spectral networks per candidate, all in one program, on
   the pairs alone (:func:`train_on_pairs`).  By Corollary 11, a network that is invariant,
   unitary and surjective has blocks of exactly the irrep dimensions, each irrep once, so
   only the true multiset can meet the hypotheses; the others stay non-invariant.
3. **Read-back.** The networks are tried in order of their held-out defect: the table is
   read off the weights with a chosen coordinate as identity
   (:func:`harmonics_jax.verify.read_table`; nothing singles one out, and every choice
   gives an isomorphic group with the same left translations).
4. **Certificate.** A network certifies a table only if (a) the table is a group's
   (:func:`harmonics_jax.validate_cayley_table`), (b) every pair is explained by one of its
   left translations (:func:`data_consistency`), and (c) the network meets the hypotheses
   and every conclusion of Theorem 10 / Corollary 11 measured with the *discovered* table
   (:func:`harmonics_jax.verify.verify`: invariance, unitarity, surjectivity, irreps each
   once, span, table, Frobenius–Schur indicators; Theorem 17's margins reported).  Then,
   and only then, ``found`` is True; the group is named by :func:`harmonics_jax.identify`.

Otherwise the answer is "no group structure found", with every candidate's evidence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import jax
import numpy as np
from jax.typing import ArrayLike
from jaxtyping import PRNGKeyArray, Shaped

from .._group import FiniteGroup
from .._identify import Identification, identify
from ..models import SpectralWeights
from ..training import TrainConfig
from ..verify import Tolerances, VerificationReport, read_table, verify
from ._candidates import candidate_dims
from ._consistency import DataConsistency, data_consistency
from ._train import PairTraining, check_pairs, train_on_pairs

__all__ = ["Discovery", "CandidateVerdict", "discover"]


@dataclasses.dataclass(frozen=True)
class CandidateVerdict:
    """What the data said about one candidate multiset of block dimensions.

    Attributes:
        block_dims: the candidate.
        selected: whether its network certified the discovered group.
        heldout_defect: the smallest held-out invariance defect over its seeds.
        seed: the seed of that network.
        block_defects: that network's per-block data defects δ_i.
        reason: why it was selected or refuted, in words, with the numbers.
    """

    block_dims: tuple[int, ...]
    selected: bool
    heldout_defect: float
    seed: int
    block_defects: tuple[float, ...]
    reason: str


@dataclasses.dataclass(frozen=True)
class Discovery:
    r"""The result of :func:`discover`.

    Attributes:
        found: a group structure was found and certified (module docstring, step 4).
        n: the number of coordinates.
        table: the discovered Cayley table on the coordinate labels (``table[a, b]`` is the
            label of a·b; the data's σ are its left translations), or None.
        identity: the coordinate read as the identity (chosen, see
            :func:`harmonics_jax.verify.read_table`), or None.
        group: the discovered :class:`~harmonics_jax.FiniteGroup`, or None.
        irrep_dims: the block dimensions of the certifying network (= the group's irrep
            dimensions, Corollary 11), or None.
        identification: :func:`harmonics_jax.identify` of the group (GAP id and name, family
            name, invariants), or None.
        certificate: ``"exact"`` or ``"theorem17"``: the certificate the network met (see
            :func:`discover`), or None.
        report: the certifying network's :class:`~harmonics_jax.verify.VerificationReport`
            against the discovered table (hypotheses, conclusions, Theorem 17's margins).
        consistency: the data's :class:`DataConsistency` with the discovered table.
        weights: the certifying network, or None.
        candidates: one :class:`CandidateVerdict` per candidate, in the candidates' order.
        training: every trained network (:class:`PairTraining`).
        reason: one line: what was found, or why nothing was.
    """

    found: bool
    n: int
    table: np.ndarray | None
    identity: int | None
    group: FiniteGroup | None
    irrep_dims: tuple[int, ...] | None
    identification: Identification | None
    certificate: str | None
    report: VerificationReport | None
    consistency: DataConsistency | None
    weights: SpectralWeights | None
    candidates: tuple[CandidateVerdict, ...]
    training: PairTraining = dataclasses.field(repr=False)
    reason: str = ""

    @property
    def order(self) -> int | None:
        """The order of the discovered group (n), or None when nothing was found."""
        return self.n if self.found else None

    def to_dict(self) -> dict:
        """The JSON record written to ``discovery.json`` (:func:`write_discovery`): ``found``,
        ``order``, ``irrep_dims``, ``table`` (n×n list or None), the identity, the group's
        names, the certificate (verification fields, data consistency) and every
        candidate's evidence."""
        ident = self.identification
        group = None if ident is None else {
            "gap_id": None if ident.gap_id is None else list(ident.gap_id),
            "gap_name": ident.gap_name, "family": ident.family,
            "abelian": ident.invariants.is_abelian, "exponent": ident.invariants.exponent,
            "centre_order": ident.invariants.centre_order,
            "derived_order": ident.invariants.derived_order,
            "class_sizes": list(ident.invariants.class_sizes)}
        cert = None
        if self.found:
            rep = self.report
            cons = self.consistency
            cert = {
                "level": self.certificate,
                "verification": {k: getattr(rep, k)
                                 for k in VerificationReport.summary_fields()},
                "data": {k: getattr(cons, k) for k in cons._fields if k != "elements"}}
        return {
            "found": self.found, "order": self.order, "n": self.n,
            "irrep_dims": None if self.irrep_dims is None else list(self.irrep_dims),
            "table": None if self.table is None else self.table.tolist(),
            "identity": self.identity,
            "identity_note": "any coordinate can be the identity (the weights single out "
                             "none); the table read with identity e is a*b = a e^-1 b of the "
                             "table with the true identity",
            "group": group, "certificate": cert, "reason": self.reason,
            "pairs": self.training.pairs, "heldout_pairs": self.training.heldout_pairs,
            "seeds": int(self.training.F.shape[1]),
            "candidates": [dataclasses.asdict(c) for c in self.candidates],
        }

    def summary(self) -> str:
        """A few lines for people: the verdict, the group, the candidates' evidence."""
        lines = [self.reason]
        for c in self.candidates:
            mark = "selected" if c.selected else "refuted "
            lines.append(f"  {mark} {c.block_dims}: held-out defect {c.heldout_defect:.2e}; "
                         f"{c.reason}")
        return "\n".join(lines)


CERTIFICATES = ("exact", "theorem17")


def _attempt(weights: SpectralWeights, identity: int, x, y, tolerances: Tolerances):
    """Steps 3–4 for one network: (certificate level met or None, (group, consistency,
    report) or None, the reason in words)."""
    table = np.asarray(read_table(weights, identity))
    try:
        group = FiniteGroup.from_cayley_table(table, name="discovered")
    except ValueError as err:
        return None, None, f"its read-back table is not a group's ({err})"
    consistency = data_consistency(x, y, group)
    if not consistency.consistent:
        if consistency.contrast > 0.5:
            return None, None, (f"its read-back table is a group's but its translations "
                                f"explain the pairs no better than chance (contrast "
                                f"{consistency.contrast:.2f} > 0.5)")
        return None, None, (f"its read-back table is a group's but {consistency.unexplained} "
                            f"of {consistency.pairs} pairs are no left translation of it "
                            f"(worst: pair {consistency.worst_pair})")
    report = verify(weights, group, tolerances=tolerances)
    found = (group, consistency, report)
    if report.hypotheses_met and report.fourier_recovered:
        return "exact", found, ("it meets the hypotheses and every conclusion with the "
                                "discovered table, which explains every pair")
    t17 = (report.unitary and report.surjective and report.theorem17_condition
           and report.each_irrep_once)
    misses = (f"invariance defect {report.invariance_defect:.2e}, unitarity "
              f"{report.unitarity_defect:.2e}, surjectivity {report.surjectivity:.2e}, "
              f"homomorphism residual {report.homomorphism_residual:.2e}, each irrep once "
              f"{report.each_irrep_once}")
    if t17:
        return "theorem17", found, (
            f"its table explains every pair (noise σ̂ = {consistency.noise_std:.3f}) and "
            f"Theorem 17's condition holds (worst product distance "
            f"{report.worst_product_distance:.3f} < separation/2 = "
            f"{report.separation / 2:.3f}), but not every hypothesis or conclusion is within "
            f"tolerance ({misses})")
    return None, None, (f"its table explains every pair but measured with it the network "
                        f"misses the hypotheses or conclusions ({misses}) and Theorem 17's "
                        f"condition")


def discover(x: Shaped[ArrayLike, "m n"], y: Shaped[ArrayLike, "m n"], *,
             key: PRNGKeyArray | None = None, num_seeds: int = 4,
             candidates: Sequence[Sequence[int]] | None = None, identity: int = 0,
             config: TrainConfig = TrainConfig(), learning_rate: float = 0.3,
             tolerances: Tolerances | None = None, certificate: str = "exact") -> Discovery:
    r"""Find the group behind pairs ``y[k] = σ_k·x[k]`` (+ noise), σ_k permutations of the n
    coordinates from an unknown group acting regularly, with nothing else given (module
    docstring): its order, irrep dimensions, Cayley table on the coordinate labels, a
    certificate and its name.

    Args:
        x, y: ``(m, n)`` real or complex arrays, one pair of signals per row (m ≥ 64;
            thousands recommended).
        key: PRNG key for the held-out split, minibatches, initialisations and re-draws
            (default ``jax.random.key(0)``).
        num_seeds: networks per candidate.
        candidates: block-dimension multisets to try (default :func:`candidate_dims` (n)).
        identity: the coordinate read as the identity (any coordinate is valid).
        config, learning_rate: the training recipe (:func:`train_on_pairs`).
        tolerances: the verification tolerances (default
            :class:`~harmonics_jax.verify.Tolerances` ()).
        certificate: what ``found`` requires besides a group table that explains every pair
            (:func:`data_consistency`): ``"exact"`` (default), the network meets every
            hypothesis and conclusion of Corollary 11 within ``tolerances``, measured with
            the discovered table; or ``"theorem17"``, for noisy data, where the trained
            network is only approximately invariant: unitary, surjective, each irrep once
            and Theorem 17's read-back condition (every product slice within half the
            proven separation of its product's slice).

    Example:
        >>> import jax, jax.numpy as jnp, harmonics_jax as hj
        >>> from harmonics_jax.models import sample_orbit_pairs
        >>> hidden = hj.relabel(hj.named_group("S3"), [3, 1, 4, 0, 5, 2])
        >>> x, y = sample_orbit_pairs(jax.random.key(1), hidden.table, 2000, 0.0,
        ...                           jnp.complex64)
        >>> found = discover(x, y, identity=hidden.identity, num_seeds=2,
        ...                  config=hj.TrainConfig(steps=1600, rounds=4))
        >>> found.found, found.irrep_dims, found.identification.family
        (True, (1, 1, 2), 'S3')
        >>> bool((found.table == hidden.table).all())
        True
    """
    x_np, y_np = check_pairs(x, y, "discover")
    n = x_np.shape[1]
    if candidates is None:
        cands = candidate_dims(n)
    else:
        if isinstance(candidates, (str, bytes)) or not isinstance(candidates, Sequence) \
                or not candidates:
            raise TypeError("discover: candidates must be a non-empty list of block-dimension "
                            "tuples, e.g. [(1, 1, 2)], or None for candidate_dims(n)")
        cands = [tuple(c) for c in candidates]
    if isinstance(identity, bool) or not isinstance(identity, (int, np.integer)) \
            or not 0 <= identity < n:
        raise ValueError(f"discover: identity must be a coordinate label in 0 … {n - 1}, got "
                         f"{identity!r}")
    if certificate not in CERTIFICATES:
        raise ValueError(f"discover: certificate = {certificate!r}; choose one of "
                         f"{CERTIFICATES}")
    if tolerances is None:
        tolerances = Tolerances()
    elif not isinstance(tolerances, Tolerances):
        raise TypeError(f"discover: tolerances must be a harmonics_jax.verify.Tolerances, got "
                        f"{type(tolerances).__name__}")
    key = jax.random.key(0) if key is None else key
    trained = train_on_pairs(key, x_np, y_np, cands, num_seeds=num_seeds, config=config,
                             learning_rate=learning_rate)
    defects = np.asarray(trained.heldout_defect)
    F = np.asarray(trained.F)
    layouts = trained.block_dims
    reasons: dict[tuple[int, int], str] = {}
    success = near = None
    for flat in np.argsort(defects, axis=None, kind="stable"):
        c, s = (int(v) for v in np.unravel_index(flat, defects.shape))
        weights = SpectralWeights(F[c, s], layouts[c])
        level, outcome, reasons[c, s] = _attempt(weights, int(identity), x_np, y_np,
                                                 tolerances)
        if level == "exact" or level == certificate:
            success = (c, s, weights, level, *outcome)
            break
        if level is not None and near is None:
            near = (c, s)
    verdicts = []
    block = np.asarray(trained.block_defects)
    for c, dims in enumerate(layouts):
        s = int(np.argmin(defects[c]))
        if success is not None and c == success[0]:
            s = success[1]
            why = reasons[c, s]
        else:
            why = reasons.get((c, s))
            if why is None:  # never tried: a network with a smaller defect certified first
                why = (f"its best held-out defect {defects[c, s]:.2e} exceeds the certified "
                       f"network's {defects[success[0], success[1]]:.2e}")
            if success is not None:
                why = ("Corollary 11: only the irrep dimensions admit an invariant unitary "
                       f"surjective network; {why}")
        verdicts.append(CandidateVerdict(dims, success is not None and c == success[0],
                                         float(defects[c, s]), s,
                                         tuple(float(v) for v in block[c, s, :len(dims)]),
                                         why))
    if success is None:
        best = int(np.argmin(defects.min(axis=1)))
        hint = ""
        if near is not None:
            hint = (f"; a network of {layouts[near[0]]} meets Theorem 17's certificate "
                    f"(noisy data: pass certificate='theorem17')")
        return Discovery(False, n, None, None, None, None, None, None, None, None, None,
                         tuple(verdicts), trained,
                         f"no group structure found: none of the {len(layouts)} candidate "
                         f"block structures certifies a group (smallest held-out defect "
                         f"{defects.min():.2e}, for {layouts[best]}){hint}")
    c, s, weights, level, group, consistency, report = success
    ident = identify(group)
    name = ident.family or ident.gap_name or "a group"
    group = dataclasses.replace(group, name=f"discovered {name}")
    gap = (f" = SmallGroup({ident.gap_id[0]},{ident.gap_id[1]})" if ident.gap_id is not None
           else "")
    return Discovery(True, n, np.asarray(group.table), int(identity), group, layouts[c], ident,
                     level, report, consistency, weights, tuple(verdicts), trained,
                     f"found {name}{gap} of order {n}, irrep dimensions {layouts[c]}, with "
                     f"coordinate {identity} as the identity ({level} certificate)")
