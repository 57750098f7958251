r"""Helpers that check irreducible representations against GAP's character tables.

The ground truth is ``tests/data/gap_groups.json.gz``, written by ``tools/gap_export.py``
(SmallGroups library, exact cyclotomic character values).  Nothing here trusts
``harmonics_jax``: the checks use the Cayley table and GAP's characters only, so the same
helpers serve the test suite and ``benchmarks/irreps_benchmark.py``.

Conventions (CONVENTIONS.md): ``table[g, h]`` is the label of g·h; an irrep is an array
``rho`` of shape (n, d, d) with ``rho[table[g, h]] = rho[g] @ rho[h]`` and unitary slices.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

_REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_REPO / "tools"))
import gap_export  # noqa: E402  (tools/ is a script folder, not a package)
import small_groups_data  # noqa: E402

FIXTURE = _REPO / "tests" / "data" / "gap_groups.json.gz"
CHARACTER_TOL = 1e-8
RESIDUAL_TOL = 1e-9

decode_cyclotomic = gap_export.decode_cyclotomic
characters_on_elements = gap_export.characters_on_elements
generating_set = gap_export.generating_set


@lru_cache(maxsize=1)
def load_fixture() -> tuple[dict, ...]:
    """The committed GAP records, in SmallGroup-id order."""
    return tuple(gap_export.load(FIXTURE))


@lru_cache(maxsize=1)
def load_library_characters() -> dict[tuple[int, int], dict]:
    """GAP's classes and characters of every group of order ≤ 100
    (``tests/data/gap_characters_100.json.xz``, by ``tools/small_groups_data.py``), keyed by
    SmallGroup id; the labels are those of ``harmonics_jax.small_group``."""
    return {tuple(r["id"]): r for r in small_groups_data.load_characters()["groups"]}


def record_label(record: dict) -> str:
    """``SmallGroup(8,4)=Q8``: names a parametrised case after the group."""
    n, i = record["id"]
    return f"SmallGroup({n},{i})={record['name'].replace(' ', '')}"


class CharacterMatch(NamedTuple):
    """Outcome of :func:`match_characters`.

    ``pairs`` maps our index → GAP index for the matched characters; ``max_error`` is the
    largest |χ_ours(g) − χ_gap(g)| over matched pairs; the ``unmatched_*`` lists hold the
    indices with no partner within the tolerance.
    """

    ok: bool
    pairs: tuple[tuple[int, int], ...]
    max_error: float
    unmatched_ours: tuple[int, ...]
    unmatched_gap: tuple[int, ...]

    def describe(self) -> str:
        return (f"max |Δχ| over matched pairs = {self.max_error:.3g}; our characters without "
                f"a GAP partner: {list(self.unmatched_ours)}; GAP characters without one of "
                f"ours: {list(self.unmatched_gap)}")


def _max_abs_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``out[i, j] = max_g |a[i, g] − b[j, g]|``, in row chunks (k² n can be 10⁹ entries)."""
    out = np.empty((len(a), len(b)))
    step = max(1, 4_000_000 // max(1, b.size))
    for s in range(0, len(a), step):
        out[s:s + step] = np.abs(a[s:s + step, None, :] - b[None, :, :]).max(axis=2)
    return out


def _maximum_matching(allowed: np.ndarray) -> list[int]:
    """Kuhn's augmenting paths: ``partner[i]`` = column matched to row i, or −1."""
    owner = [-1] * allowed.shape[1]
    options = [np.flatnonzero(row).tolist() for row in allowed]

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j not in seen:
                seen.add(j)
                if owner[j] < 0 or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(allowed.shape[0]):
        augment(i, set())
    partner = [-1] * allowed.shape[0]
    for j, i in enumerate(owner):
        if i >= 0:
            partner[i] = j
    return partner


def match_characters(ours: np.ndarray, gap: np.ndarray, *,
                     tol: float = CHARACTER_TOL) -> CharacterMatch:
    r"""Compare two sets of characters, each ``(k, n)`` (row = χ over element labels), as
    multisets up to a permutation of the rows.

    Two rows may be paired when max_g |χ_i(g) − ψ_j(g)| ≤ ``tol``; a maximum matching of
    that bipartite graph is taken (so repeated rows are not all paired with one partner).
    ``ok`` iff both sets have the same size and every row is matched.  Distinct
    irreducible characters are orthonormal, so they differ by far more than 1e-8 somewhere
    and the tolerance cannot pair up two different characters.
    """
    ours = np.atleast_2d(np.asarray(ours, dtype=np.complex128))
    gap = np.atleast_2d(np.asarray(gap, dtype=np.complex128))
    if ours.shape[1] != gap.shape[1]:
        raise ValueError(f"characters live on {ours.shape[1]} vs {gap.shape[1]} elements")
    cost = _max_abs_distances(ours, gap)
    partner = _maximum_matching(cost <= tol)
    pairs = tuple((i, j) for i, j in enumerate(partner) if j >= 0)
    max_error = max((float(cost[i, j]) for i, j in pairs), default=float("inf"))
    unmatched_ours = tuple(sorted(set(range(len(ours))) - {p[0] for p in pairs}))
    unmatched_gap = tuple(sorted(set(range(len(gap))) - {p[1] for p in pairs}))
    ok = not unmatched_ours and not unmatched_gap
    return CharacterMatch(ok, pairs, max_error, unmatched_ours, unmatched_gap)


def homomorphism_residual(table: np.ndarray, rho: np.ndarray, *,
                          right: np.ndarray | None = None) -> float:
    r"""max over g and h ∈ ``right`` of ‖ρ(g·h) − ρ(g)ρ(h)‖_max.

    ``right=None`` checks every h (O(n² d³)).  Checking h over a generating set is enough:
    ρ(g·s) = ρ(g)ρ(s) for all g and generators s gives ρ(g·w) = ρ(g)ρ(w) for every word w.
    """
    table = np.asarray(table)
    n = table.shape[0]
    hs = np.arange(n) if right is None else np.asarray(right)
    d = rho.shape[1]
    step = max(1, 2_000_000 // max(1, n * d * d))
    worst = 0.0
    for s in range(0, len(hs), step):
        h = hs[s:s + step]
        prod = np.einsum("gij,hjk->ghik", rho, rho[h])
        worst = max(worst, float(np.abs(rho[table[:, h]] - prod).max()))
    return worst


def unitarity_residual(rho: np.ndarray) -> float:
    r"""max over g of ‖ρ(g)^† ρ(g) − I‖_max."""
    d = rho.shape[1]
    gram = np.einsum("gji,gjk->gik", rho.conj(), rho)
    return float(np.abs(gram - np.eye(d)).max())


def traces(reps: list[np.ndarray]) -> np.ndarray:
    """Characters of a list of representations, ``(k, n)``."""
    return np.stack([np.trace(np.asarray(r), axis1=1, axis2=2) for r in reps])


class IrrepReport(NamedTuple):
    """Every quantity the GAP cross-check looks at, for one group (see :func:`check_irreps`)."""

    order: int
    num_irreps: int
    num_classes: int
    sum_d2: int
    dims: tuple[int, ...]
    max_homomorphism: float
    max_unitarity: float
    min_character_distance: float  # smallest max-abs gap between two of our characters
    max_orthonormality: float  # max |⟨χ_i, χ_j⟩ − δ_ij|, ⟨χ, ψ⟩ = (1/n) Σ_g χ(g) conj ψ(g)
    shapes_ok: bool
    match: CharacterMatch | None

    def failures(self, *, residual_tol: float = RESIDUAL_TOL,
                 character_tol: float = CHARACTER_TOL) -> list[str]:
        """Human-readable list of violated properties (empty when everything holds)."""
        out = []
        if not self.shapes_ok:
            out.append("an irrep is not a complex (n, d, d) array")
        if self.max_homomorphism > residual_tol:
            out.append(f"homomorphism residual {self.max_homomorphism:.3g} > {residual_tol}")
        if self.max_unitarity > residual_tol:
            out.append(f"unitarity residual {self.max_unitarity:.3g} > {residual_tol}")
        if self.num_irreps != self.num_classes:
            out.append(f"{self.num_irreps} irreps but {self.num_classes} conjugacy classes")
        if self.sum_d2 != self.order:
            out.append(f"Σ d² = {self.sum_d2} ≠ n = {self.order} (dims {self.dims})")
        if list(self.dims) != sorted(self.dims):
            out.append(f"dims not sorted: {self.dims}")
        if self.min_character_distance <= character_tol:
            out.append("two irreps have the same character (not pairwise inequivalent)")
        if self.max_orthonormality > character_tol:
            out.append(f"characters not orthonormal (max |⟨χ_i, χ_j⟩ − δ_ij| = "
                       f"{self.max_orthonormality:.3g}): an irrep is reducible or two coincide")
        if self.match is not None and not self.match.ok:
            out.append("characters differ from GAP: " + self.match.describe())
        return out


def check_irreps(table: np.ndarray, reps: list[np.ndarray], *, num_classes: int,
                 gap_characters: np.ndarray | None = None,
                 homomorphism_on: str = "all") -> IrrepReport:
    """Measure ``reps`` against the laws of CONVENTIONS.md and, if given, GAP's characters.

    ``homomorphism_on``: ``"all"`` checks every pair (g, h); ``"generators"`` checks h over a
    generating set only (equivalent, cheaper for n in the thousands).
    """
    table = np.asarray(table)
    n = table.shape[0]
    right = generating_set(table) if homomorphism_on == "generators" else None
    shapes_ok = all(isinstance(r, np.ndarray) and r.dtype == np.complex128 and r.ndim == 3
                    and r.shape[0] == n and r.shape[1] == r.shape[2] for r in reps)
    reps = [np.asarray(r) for r in reps]
    dims = tuple(int(r.shape[1]) for r in reps)
    chars = traces(reps)
    diff = _max_abs_distances(chars, chars)
    np.fill_diagonal(diff, np.inf)
    return IrrepReport(
        order=n,
        num_irreps=len(reps),
        num_classes=num_classes,
        sum_d2=sum(d * d for d in dims),
        dims=dims,
        max_homomorphism=max(homomorphism_residual(table, r, right=right) for r in reps),
        max_unitarity=max(unitarity_residual(r) for r in reps),
        min_character_distance=float(diff.min()) if len(reps) > 1 else float("inf"),
        max_orthonormality=float(np.abs(chars @ chars.conj().T / n - np.eye(len(reps))).max()),
        shapes_ok=shapes_ok,
        match=None if gap_characters is None else match_characters(chars, gap_characters),
    )
