r"""Name a finite group given by its Cayley table: SmallGroups id, GAP name, family name.

``identify(G)`` computes the invariants of G (:class:`GroupInvariants`), then

* for order ≤ 100, filters GAP's SmallGroups library (:func:`harmonics_jax.small_group`) of
  that order by the colour digest and confirms a candidate with an explicit isomorphism
  (:func:`harmonics_jax.are_isomorphic`), so the id is proven, not guessed;
* names the group in this package's families when one matches (CONVENTIONS.md: ``C<n>``
  of order n, ``D<n>`` of order 2n, ``Dic<n>`` of order 4n, ``Q8``, ``S<n>``, ``A<n>``,
  products joined by ``x``): an abelian group by its invariant factors (``C2xC6``, each
  dividing the next), a non-abelian one as the first isomorphic candidate among ``S<k>``,
  ``A<k>``, ``D<m>``, ``Q8``, ``Dic<m>``, then products of an abelian group and one or two
  of those (``C2xD4``, ``S3xS3``), abelian factors first.  Every name parses with
  :func:`harmonics_jax.group`.
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache

import numpy as np

from . import _constructors
from ._group import FiniteGroup
from ._isomorphism import (
    GroupInvariants,
    _check_group,
    _colours,
    _primes,
    are_isomorphic,
    group_invariants,
)
from ._small_groups import (
    SMALL_GROUPS_MAX_ORDER,
    num_small_groups,
    small_group,
    structure_description,
)

__all__ = ["Identification", "identify"]


@dataclasses.dataclass(frozen=True)
class Identification:
    """What :func:`identify` found out about a group.

    Fields:
        gap_id: ``(order, i)`` such that the group is isomorphic to GAP's
            ``SmallGroup(order, i)`` (:func:`harmonics_jax.small_group`); None above
            order 100.
        gap_name: GAP's ``StructureDescription`` of that group (GAP writes the dihedral
            group of order 2m as ``D<2m>``); None above order 100.
        family: this package's name (``"D4"`` has order 8, ``"Dic3"`` order 12, ``"C2xC6"``)
            when one of the families matches, else None; ``hj.named_group(family)`` rebuilds it.
        invariants: the isomorphism invariants (:class:`GroupInvariants`), always.
        isomorphism: ``phi`` with ``phi[G.table[a, b]] == S.table[phi[a], phi[b]]`` for
            ``S = small_group(*gap_id)``: the proof of ``gap_id``; None when there is none.
    """

    gap_id: tuple[int, int] | None
    gap_name: str | None
    family: str | None
    invariants: GroupInvariants
    isomorphism: np.ndarray | None = dataclasses.field(default=None, compare=False,
                                                       repr=False)


def _invariant_factors(group: FiniteGroup) -> list[int]:
    """Invariant factors d_1 | d_2 | … of an abelian group, from its element orders: the
    number of x with x^(p^j) = e is p^(Σ_i min(λ_i, j)) for the p-part of type λ."""
    orders = group.element_orders
    by_prime: list[list[int]] = []
    for p in _primes(group.order):
        exps, j, prev = [], 1, 0
        while True:
            count = int(np.sum(np.gcd(orders, p**j) == orders))  # ord(x) | p^j
            e = round(math.log(count, p))
            if e == prev:
                break
            exps.append(e - prev)  # the number of parts λ_i ≥ j
            prev, j = e, j + 1
        # parts: λ_i ≥ j for the first exps[j-1] of them
        parts = [sum(1 for m in exps if m > i) for i in range(exps[0])] if exps else []
        by_prime.append([p**a for a in parts])  # descending prime powers
    width = max((len(x) for x in by_prime), default=0)
    factors = []
    for i in range(width):  # the i-th largest invariant factor combines the i-th parts
        factors.append(math.prod(x[i] for x in by_prime if i < len(x)))
    return sorted(factors) or [1]


def _factor_chains(n: int, bound: int) -> list[list[int]]:
    """Chains d_1 | d_2 | … | d_k of divisors of ``bound``, each > 1, with product n."""
    if n == 1:
        return [[]]
    return [[*chain, d] for d in range(2, n + 1) if n % d == 0 and bound % d == 0
            for chain in _factor_chains(n // d, d)]


def _abelian_names(order: int) -> list[str]:
    """Every abelian group of ``order`` by its invariant-factor name (``C1`` if trivial)."""
    return ["x".join(f"C{d}" for d in chain) or "C1" for chain in _factor_chains(order, order)]


def _nonabelian_families(order: int) -> list[str]:
    """The names of the single non-abelian families of ``order``, in naming priority."""
    out = [f"S{k}" for k in range(3, 8) if math.factorial(k) == order]
    out += [f"A{k}" for k in range(4, 8) if math.factorial(k) // 2 == order]
    if order % 2 == 0 and order // 2 >= 4:  # D3 ≅ S3 is named S3
        out.append(f"D{order // 2}")
    if order == 8:
        out.append("Q8")
    if order % 4 == 0 and order // 4 >= 3:
        out.append(f"Dic{order // 4}")
    return out


@lru_cache(maxsize=256)
def _named(name: str) -> FiniteGroup:
    """The group of a family name, parsed like ``hj.named_group`` (the names are its grammar)."""
    return _constructors.named_group(name)


@lru_cache(maxsize=32)
def _family_candidates(order: int) -> tuple[tuple[str, str], ...]:
    """(name, colour digest) of the non-abelian family names of ``order``, in priority."""
    names = _nonabelian_families(order)
    singles = [(fam, a) for a in range(6, order) if order % a == 0
               for fam in _nonabelian_families(a)]
    for fam, a in singles:  # abelian × one family
        names += [f"{ab}x{fam}" for ab in _abelian_names(order // a) if ab != "C1"]
    for i, (f1, a1) in enumerate(singles):  # (abelian ×) two families
        for f2, a2 in singles[i:]:
            if order % (a1 * a2) == 0:
                rest = order // (a1 * a2)
                names += [f"{f1}x{f2}" if ab == "C1" else f"{ab}x{f1}x{f2}"
                          for ab in _abelian_names(rest)]
    return tuple((name, _colours(_named(name)).digest) for name in names)


def _family_name(group: FiniteGroup, digest: str) -> str | None:
    if group.is_abelian:
        return "x".join(f"C{d}" for d in _invariant_factors(group))
    for name, cand_digest in _family_candidates(group.order):
        if cand_digest == digest and are_isomorphic(group, _named(name)) is not None:
            return name
    return None


@lru_cache(maxsize=SMALL_GROUPS_MAX_ORDER)
def _library_digests(order: int) -> tuple[str, ...]:
    return tuple(_colours(small_group(order, i)).digest
                 for i in range(1, num_small_groups(order) + 1))


def identify(group: FiniteGroup) -> Identification:
    r"""Identify ``group`` up to isomorphism (module docstring): its SmallGroups id and GAP
    name for order ≤ 100 (with the isomorphism that proves it), this package's family name
    when one matches, and its invariants.

    Args:
        group: any finite group, any labels.

    Returns:
        An :class:`Identification`.

    >>> import harmonics_jax as hj
    >>> found = identify(hj.relabel(hj.dicyclic(3), [5, 3, 0, 1, 2, 4, 6, 7, 8, 9, 10, 11]))
    >>> found.gap_id, found.gap_name, found.family
    ((12, 1), 'C3 : C4', 'Dic3')
    >>> identify(hj.named_group("C2xC6")).family, identify(hj.dihedral(4)).gap_name
    ('C2xC6', 'D8')
    """
    group = _check_group(group, "identify: group")
    invariants = group_invariants(group)
    gap_id = gap_name = phi = None
    n = group.order
    if n <= SMALL_GROUPS_MAX_ORDER:
        for i, digest in enumerate(_library_digests(n), start=1):
            if digest != invariants.colour_digest:
                continue
            phi = are_isomorphic(group, small_group(n, i))
            if phi is not None:
                gap_id = (n, i)
                gap_name = structure_description(n, i)
                break
        if gap_id is None:
            raise RuntimeError(f"identify: no SmallGroup of order {n} is isomorphic to "
                               f"{group.name}; the library is complete, please report this")
    family = _family_name(group, invariants.colour_digest)
    return Identification(gap_id, gap_name, family, invariants, phi)
