r"""Hypothesis strategies for finite groups, their elements and signals on them.

Use them to property-test your own code on many groups::

    from hypothesis import given
    from harmonics_jax.testing.strategies import finite_groups, signals

    @given(finite_groups(max_order=12))
    def test_my_law(G): ...

    @given(small_groups(max_order=60))   # GAP's SmallGroups, uniform over (order, id)
    def test_on_the_library(G): ...

Order conventions (CONVENTIONS.md): ``C(n)`` order n, ``D(n)`` order 2n, ``Dic(n)`` order 4n.
Families are tried simplest first and parameters shrink towards small values, so a failing
example shrinks towards a small cyclic group with its identity at label 0.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
    from hypothesis.extra import numpy as hnp
except ImportError as err:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "harmonics_jax.testing.strategies needs Hypothesis, which the 'test' extra installs: "
        "pip install 'harmonics_jax[test]' (or pip install hypothesis)") from err

from .._constructors import (
    alternating,
    cyclic,
    dicyclic,
    dihedral,
    direct_product,
    from_permutations,
    quaternion,
    relabel,
    semidirect_product,
    symmetric,
)
from .._group import FiniteGroup
from .._small_groups import SMALL_GROUPS_MAX_ORDER, num_small_groups, small_group

__all__ = ["finite_groups", "group_elements", "signals", "small_groups"]

_MAX_POINTS = 7


# -- families: each takes (draw, max_order, abelian) and returns a group or None -----------
def _cyclic(draw, max_order: int, abelian: bool | None) -> FiniteGroup | None:
    if abelian is False:
        return None
    return cyclic(draw(st.integers(1, max_order)))


def _abelian_product(draw, max_order: int, abelian: bool | None) -> FiniteGroup | None:
    """C(a) × C(b) [× C(c)] with every factor of order at least 2."""
    if abelian is False or max_order < 4:
        return None
    g = cyclic(draw(st.integers(2, max_order // 2)))
    g = direct_product(g, cyclic(draw(st.integers(2, max_order // g.order))))
    if max_order // g.order >= 2 and draw(st.booleans()):
        g = direct_product(g, cyclic(draw(st.integers(2, max_order // g.order))))
    return g


def _dihedral(draw, max_order: int, abelian: bool | None) -> FiniteGroup | None:
    # D(2) ≅ C2×C2 is abelian, D(n ≥ 3) is not; D(1) ≅ C2 is left to the cyclic family.
    lo, hi = (3, max_order // 2) if abelian is False else (2, max_order // 2)
    if abelian is True:
        hi = min(hi, 2)
    return dihedral(draw(st.integers(lo, hi))) if lo <= hi else None


def _dicyclic(draw, max_order: int, abelian: bool | None) -> FiniteGroup | None:
    # Dic(1) ≅ C4 is abelian; Dic(2) = Q8, Dic(n ≥ 2) are not.
    if abelian is True:
        return dicyclic(1) if max_order >= 4 else None
    lo, hi = (2 if abelian is False else 1), max_order // 4
    if lo > hi:
        return None
    n = draw(st.integers(lo, hi))
    return quaternion() if n == 2 else dicyclic(n)


def _symmetric_or_alternating(draw, max_order: int, abelian: bool | None) -> FiniteGroup | None:
    def order(fk):
        return math.factorial(fk[1]) // (2 if fk[0] is alternating else 1)

    # S1, S2 and A1..A3 are cyclic (C1, C2, C3): the cyclic family draws those, so this
    # family does not pile extra weight on orders 1 and 2.  All of its groups are
    # non-abelian.
    if abelian is True:
        return None
    options = [(symmetric, k) for k in range(3, _MAX_POINTS + 1)]
    options += [(alternating, k) for k in range(4, _MAX_POINTS + 1)]
    options = sorted((fk for fk in options if order(fk) <= max_order), key=order)
    if not options:
        return None
    f, k = draw(st.sampled_from(options))
    return f(k)


def _units_of_order_dividing(m: int, k: int) -> list[int]:
    """Units u mod m with u^k ≡ 1, in increasing order (u = 1 first)."""
    return [u for u in range(1, m + 1) if math.gcd(u, m) == 1 and pow(u, k, m) == 1 % m]


@functools.lru_cache(maxsize=16)
def _semidirect_pairs(max_order: int, non_abelian: bool) -> list[tuple[int, int]]:
    """(m, k) with m·k ≤ max_order, m, k ≥ 2, and a unit u ≠ 1 of order dividing k if
    ``non_abelian``."""
    return [(m, k) for m in range(2, max_order // 2 + 1) for k in range(2, max_order // m + 1)
            if not non_abelian or len(_units_of_order_dividing(m, k)) > 1]


def _cyclic_semidirect(draw, max_order: int, abelian: bool | None) -> FiniteGroup | None:
    """C(m) ⋊ C(k), the generator of C(k) acting on C(m) as multiplication by a unit u with
    u^k ≡ 1 (mod m).  Label ``x·k + b`` is the pair (x, b)."""
    if abelian is True:
        return None  # with u = 1 this is C(m) × C(k), already covered
    pairs = _semidirect_pairs(max_order, abelian is False)
    if not pairs:
        return None
    m, k = draw(st.sampled_from(pairs))
    units = _units_of_order_dividing(m, k)
    if abelian is False:
        units = units[1:]
    u = draw(st.sampled_from(units))
    action = (np.array([pow(u, b, m) for b in range(k)])[:, None] * np.arange(m)) % m
    return semidirect_product(cyclic(m), cyclic(k), action, name=f"C{m}:C{k}(u={u})")


def _product(draw, max_order: int, abelian: bool | None) -> FiniteGroup | None:
    """A direct product G × H of two groups from the simple families (with G non-abelian
    when ``abelian`` is False, both abelian when it is True)."""
    if max_order < 12:  # the smallest product the other families miss is C2 × D(3)
        return None
    left = draw(_groups(max_order=max_order // 2, abelian=abelian, relabel=False,
                        families=_SIMPLE, min_order=2))
    right = draw(_groups(max_order=max_order // left.order, abelian=abelian or None,
                         relabel=False, families=_SIMPLE, min_order=2))
    return direct_product(left, right)


def _permutation_group(draw, max_order: int, abelian: bool | None) -> FiniteGroup | None:
    """The group generated by 1–3 random permutations of 3 to 7 points.  A generator that
    would take the group above ``max_order`` is dropped rather than rejecting the draw; a
    result of order 1 or 2 (which the cyclic family covers) is a dead end."""
    few = 1 if abelian is not False else 2  # one generator gives a cyclic group
    k = draw(st.integers(3, _MAX_POINTS))
    gens = draw(st.lists(st.permutations(range(k)), min_size=few, max_size=3))
    kept: list[list[int]] = []
    result = None
    for gen in gens:
        try:
            candidate = from_permutations([*kept, gen], max_order=max_order)
        except ValueError:
            continue
        kept.append(gen)
        result = candidate
    if result is None or result.order <= 2 or (abelian is not None
                                                and result.is_abelian != abelian):
        return None
    return FiniteGroup(result.table, result.inverse, f"Perm{result.order}({kept})")


_Family = Callable[..., "FiniteGroup | None"]
# Smallest order each family reaches, by the value of ``abelian`` (absent: never).
_MIN_ORDER: dict[_Family, dict[bool | None, int]] = {
    _cyclic: {None: 1, True: 1},
    _abelian_product: {None: 4, True: 4},
    _dihedral: {None: 4, True: 4, False: 6},
    _dicyclic: {None: 4, True: 4, False: 8},
    _symmetric_or_alternating: {None: 6, False: 6},
    _cyclic_semidirect: {None: 4, False: 6},
    _product: {None: 12, True: 12, False: 12},
    _permutation_group: {None: 3, True: 3, False: 6},
}
_SIMPLE = (_cyclic, _abelian_product, _dihedral, _dicyclic, _symmetric_or_alternating,
           _cyclic_semidirect)
_ALL = (*_SIMPLE, _product, _permutation_group)  # simplest first: shrinking goes left


def _relabelled(group: FiniteGroup, perm: list[int]) -> FiniteGroup:
    return relabel(group, perm, name=f"{group.name}~{perm}")


@st.composite
def _groups(draw, *, max_order: int, abelian: bool | None, relabel: bool | None,
            families: tuple[_Family, ...], min_order: int = 1) -> FiniteGroup:
    usable = [f for f in families if _MIN_ORDER[f].get(abelian, max_order + 1) <= max_order]
    g = draw(st.sampled_from(usable))(draw, max_order, abelian)
    if g is None or g.order < min_order:
        # A rare dead end (a product or permutation group of the wrong kind, or too small
        # a factor): fall back to a group of the right kind rather than filtering, so a
        # draw never fails.
        g = (dihedral(draw(st.integers(3, max_order // 2))) if abelian is False
             else cyclic(draw(st.integers(min(max(min_order, 2), max_order), max_order))))
    if relabel is None:
        relabel = draw(st.booleans())
    if relabel and g.order > 1:
        g = _relabelled(g, draw(st.permutations(range(g.order))))
    return g


def finite_groups(*, max_order: int = 24, abelian: bool | None = None,
                  relabel: bool | None = None) -> st.SearchStrategy[FiniteGroup]:
    r"""Strategy for finite groups of order at most ``max_order``.

    Draws, simplest first: cyclic groups, products of cyclic groups, dihedral groups
    (D(n) of order 2n), dicyclic groups (Dic(n) of order 4n, Q8 = Dic(2)), symmetric and
    alternating groups, semidirect products C(m) ⋊ C(k) (acting by multiplication by a unit
    u with u^k ≡ 1 mod m), direct products of two of these, and groups generated by 1–3
    random permutations of up to 7 points.

    Args:
        max_order: the largest order to draw (at least 1; at least 6 when
            ``abelian=False``).
        abelian: True for abelian groups only, False for non-abelian only, None for both.
        relabel: rename the elements by a random permutation, so the identity is at a random
            label (True), never (False), or drawn (None; shrinks towards no relabelling).

    Returns:
        A strategy of :class:`~harmonics_jax.FiniteGroup`.

    Example:
        >>> from hypothesis import given
        >>> @given(finite_groups(max_order=8, abelian=False))
        ... def test(G):
        ...     assert G.order <= 8 and not G.is_abelian
        >>> test()
    """
    if isinstance(max_order, bool) or not isinstance(max_order, (int, np.integer)):
        raise InvalidArgument(f"finite_groups: max_order must be an int, got {max_order!r}")
    if abelian not in (None, True, False) or relabel not in (None, True, False):
        raise InvalidArgument("finite_groups: abelian and relabel must be True, False or None")
    if max_order < 1 or (abelian is False and max_order < 6):
        smallest = "non-abelian group, D(3), has order 6" if abelian is False else "order is 1"
        raise InvalidArgument(f"finite_groups: max_order={max_order} admits no group; the "
                              f"smallest {smallest}")
    return _groups(max_order=int(max_order), abelian=abelian, relabel=relabel, families=_ALL)


@functools.lru_cache(maxsize=16)
def _small_group_ids(min_order: int, max_order: int) -> tuple[tuple[int, int], ...]:
    return tuple((n, i) for n in range(min_order, max_order + 1)
                 for i in range(1, num_small_groups(n) + 1))


@st.composite
def _small_groups(draw, *, min_order: int, max_order: int, relabel: bool) -> FiniteGroup:
    ids = _small_group_ids(min_order, max_order)
    n, i = ids[draw(st.integers(0, len(ids) - 1))]
    g = small_group(n, i)
    if relabel and n > 1:
        g = _relabelled(g, draw(st.permutations(range(n))))
    return g


def small_groups(*, max_order: int = 32, min_order: int = 1,
                 relabel: bool = True) -> st.SearchStrategy[FiniteGroup]:
    r"""Strategy for GAP's SmallGroups (:func:`harmonics_jax.small_group`), uniform over the
    ids (order, i) with ``min_order ≤ order ≤ max_order``: every isomorphism type equally
    likely, so orders with many groups (64: 267 of the 1,048 ids ≤ 100) are drawn often.

    Args:
        max_order: the largest order, at most 100 (the shipped library).
        min_order: the smallest order, at least 1.
        relabel: rename the elements by a random permutation (the identity then sits at a
            random label) when True; keep GAP's labels (identity 0) when False.

    Returns:
        A strategy of :class:`~harmonics_jax.FiniteGroup` named ``SmallGroup(n,i) = ...``
        (with a ``~[perm]`` suffix when relabelled).  Shrinks towards the smallest id and
        no relabelling.

    Example:
        >>> from hypothesis import given
        >>> @given(small_groups(max_order=16, min_order=8))
        ... def test(G):
        ...     assert 8 <= G.order <= 16
        >>> test()
    """
    for value, what in ((max_order, "max_order"), (min_order, "min_order")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise InvalidArgument(f"small_groups: {what} must be an int, got {value!r}")
    if not 1 <= min_order <= max_order <= SMALL_GROUPS_MAX_ORDER:
        raise InvalidArgument(f"small_groups: need 1 <= min_order <= max_order <= "
                              f"{SMALL_GROUPS_MAX_ORDER} (the shipped library), got "
                              f"min_order={min_order}, max_order={max_order}")
    if relabel not in (True, False):
        raise InvalidArgument(f"small_groups: relabel must be True or False, got {relabel!r}")
    return _small_groups(min_order=int(min_order), max_order=int(max_order), relabel=relabel)


def group_elements(group: FiniteGroup) -> st.SearchStrategy[int]:
    """Strategy for element labels ``0..n-1`` of ``group`` (shrinks towards label 0).

    Example:
        >>> from hypothesis import given
        >>> from harmonics_jax import dihedral
        >>> @given(group_elements(dihedral(3)))  # D(3), order 6
        ... def test(g):
        ...     assert 0 <= g < 6
        >>> test()
    """
    if not isinstance(group, FiniteGroup):
        raise InvalidArgument(f"group_elements: group must be a FiniteGroup, got "
                              f"{type(group).__name__}")
    return st.integers(0, group.order - 1)


def signals(group: FiniteGroup, *, dtype: object = np.complex128, max_magnitude: float = 1e3,
            batch_shape: tuple[int, ...] = ()) -> st.SearchStrategy[np.ndarray]:
    r"""Strategy for signals on ``group``: arrays of shape ``(*batch_shape, n)`` with finite
    entries of modulus at most ``max_magnitude`` (no NaN, infinity or subnormal numbers).

    Args:
        group: the group, of order n.
        dtype: a complex or real floating dtype (complex64, complex128, float32, float64).
        max_magnitude: bound on the modulus of every entry.
        batch_shape: leading batch axes.

    Returns:
        A strategy of NumPy arrays (shrinks towards the zero signal).

    Example:
        >>> from hypothesis import given
        >>> from harmonics_jax import cyclic
        >>> @given(signals(cyclic(5), dtype=np.complex64, batch_shape=(2,)))
        ... def test(x):
        ...     assert x.shape == (2, 5) and x.dtype == np.complex64
        >>> test()
    """
    if not isinstance(group, FiniteGroup):
        raise InvalidArgument(f"signals: group must be a FiniteGroup, got {type(group).__name__}")
    dt = np.dtype(dtype)
    if dt.kind == "c":
        elements = st.complex_numbers(max_magnitude=max_magnitude, allow_nan=False,
                                      allow_infinity=False, allow_subnormal=False,
                                      width=8 * dt.itemsize)
    elif dt.kind == "f":
        elements = st.floats(-max_magnitude, max_magnitude, allow_nan=False,
                             allow_infinity=False, allow_subnormal=False,
                             width=8 * dt.itemsize)
    else:
        raise InvalidArgument(f"signals: dtype must be a real or complex floating dtype, "
                              f"got {dt}")
    return hnp.arrays(dt, (*batch_shape, group.order), elements=elements)
