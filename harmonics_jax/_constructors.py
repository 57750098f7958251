r"""Constructors for the standard families of finite groups, and a name parser.

Order conventions (CONVENTIONS.md): ``C(n)`` cyclic of order n; ``D(n)`` dihedral of
order **2n**; ``S(n)`` symmetric of order n!; ``A(n)`` alternating of order n!/2; ``Q8``
quaternion; ``Dic(n)`` dicyclic of order **4n**; ``GxH`` direct products.  Every
constructor puts the identity at label 0.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

import numpy as np

from ._group import FiniteGroup
from ._core._memory import require_memory

__all__ = [
    "cyclic",
    "dihedral",
    "symmetric",
    "alternating",
    "quaternion",
    "dicyclic",
    "direct_product",
    "semidirect_product",
    "from_permutations",
    "named_group",
    "relabel",
]

_MAX_PERMUTATION_ORDER = 10_000


def _positive_int(value: object, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum}, got {value}")
    return int(value)


def _require_table_memory(order: int, what: str) -> None:
    """Refuse before building a table this machine cannot hold: the constructors below
    make a few int64 (n, n) temporaries (at most 6 at once, dihedral)."""
    require_memory(48 * order * order, f"the Cayley table of {what} (order {order})")


def _trusted(table: np.ndarray, name: str) -> FiniteGroup:
    """Wrap a table built by a constructor of this module (identity at label 0)."""
    table = np.ascontiguousarray(table, dtype=np.int64)
    inverse = np.argmax(table == 0, axis=1).astype(np.int64)
    table.setflags(write=False)
    inverse.setflags(write=False)
    return FiniteGroup(table, inverse, name)


def cyclic(n: int) -> FiniteGroup:
    """Cyclic group ``C(n)`` of order n; label k is the k-th power of the generator.

    >>> cyclic(4).table[3].tolist()
    [3, 0, 1, 2]
    """
    n = _positive_int(n, "cyclic(n): n")
    _require_table_memory(n, f"C{n}")
    ar = np.arange(n)
    return _trusted(np.add.outer(ar, ar) % n, f"C{n}")


def dihedral(n: int) -> FiniteGroup:
    """Dihedral group ``D(n)`` of order **2n**: the symmetries of the regular n-gon.

    Label ``k + n·f`` is r^k s^f (rotation r, reflection s, s r s = r⁻¹).  D(3) ≅ S3.

    >>> dihedral(3).order
    6
    """
    n = _positive_int(n, "dihedral(n): n (the group has order 2n)")
    _require_table_memory(2 * n, f"D{n}")
    k, f = np.divmod(np.arange(2 * n), n)[::-1]  # label = k + n f
    a, fa = k[:, None], f[:, None]
    b, fb = k[None, :], f[None, :]
    rot = (a + np.where(fa == 1, -b, b)) % n
    return _trusted(rot + n * ((fa + fb) % 2), f"D{n}")


def dicyclic(n: int) -> FiniteGroup:
    """Dicyclic group ``Dic(n)`` of order **4n**: ⟨a, x | a^{2n} = 1, x² = aⁿ, x⁻¹ax = a⁻¹⟩.

    Label ``k + 2n·f`` is a^k x^f.  Dic(2) is the quaternion group Q8; Dic(1) ≅ C4.

    >>> dicyclic(3).order
    12
    """
    n = _positive_int(n, "dicyclic(n): n (the group has order 4n)")
    _require_table_memory(4 * n, f"Dic{n}")
    m = 2 * n
    k, f = np.arange(2 * m) % m, np.arange(2 * m) // m
    a, fa = k[:, None], f[:, None]
    b, fb = k[None, :], f[None, :]
    # a^a x^fa · a^b x^fb = a^(a ± b) x^fa x^fb, with x a^b = a^-b x and x² = a^n.
    power = a + np.where(fa == 1, -b, b) + np.where((fa == 1) & (fb == 1), n, 0)
    return _trusted(power % m + m * ((fa + fb) % 2), f"Dic{n}")


def quaternion() -> FiniteGroup:
    """Quaternion group ``Q8`` (order 8), built as Dic(2): label k + 4f is a^k x^f."""
    g = dicyclic(2)
    return FiniteGroup(g.table, g.inverse, "Q8")


def _permutation_table(perms: np.ndarray) -> np.ndarray:
    """Cayley table of a closed set of permutations (rows), (g·h)(i) = g(h(i))."""
    m, k = perms.shape
    codes = _encode(perms)
    order = np.argsort(codes)
    table = np.empty((m, m), dtype=np.int64)
    step = max(1, 2_000_000 // (m * k))  # bound the memory of the composed block
    for start in range(0, m, step):
        rows = perms[start:start + step]
        composed = rows[:, perms]  # composed[a, b, i] = g_a(g_b(i))
        pos = np.searchsorted(codes[order], _encode(composed.reshape(-1, k)))
        table[start:start + step] = order[pos].reshape(-1, m)
    return table


def _encode(perms: np.ndarray) -> np.ndarray:
    k = perms.shape[-1]
    weights = np.array([k**i for i in range(k)], dtype=object if k > 15 else np.int64)
    if k > 15:
        return np.array([sum(int(v) * int(w) for v, w in zip(p, weights)) for p in perms])
    return perms.astype(np.int64) @ weights


def symmetric(n: int) -> FiniteGroup:
    """Symmetric group ``S(n)`` of order n!, permutations of n points in lexicographic
    order (label 0 is the identity); ``(g·h)(i) = g(h(i))``.

    >>> symmetric(3).order
    6
    """
    n = _positive_int(n, "symmetric(n): n")
    if math.factorial(n) > _MAX_PERMUTATION_ORDER:
        raise ValueError(f"symmetric({n}) has order {math.factorial(n)}; the limit is "
                         f"{_MAX_PERMUTATION_ORDER} elements (n ≤ 7)")
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64).reshape(-1, n)
    return _trusted(_permutation_table(perms), f"S{n}")


def _is_even(perms: np.ndarray) -> np.ndarray:
    k = perms.shape[1]
    inversions = sum((perms[:, i, None] > perms[:, i + 1:]).sum(axis=1) for i in range(k))
    return inversions % 2 == 0


def alternating(n: int) -> FiniteGroup:
    """Alternating group ``A(n)`` of order n!/2 (even permutations, lexicographic order).

    >>> alternating(4).order
    12
    """
    n = _positive_int(n, "alternating(n): n")
    if math.factorial(n) // 2 > _MAX_PERMUTATION_ORDER:
        raise ValueError(f"alternating({n}) has order {math.factorial(n) // 2}; the limit is "
                         f"{_MAX_PERMUTATION_ORDER} elements (n ≤ 7)")
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64).reshape(-1, n)
    perms = perms[_is_even(perms)]
    return _trusted(_permutation_table(perms), f"A{n}")


def direct_product(g: FiniteGroup, h: FiniteGroup) -> FiniteGroup:
    """Direct product G×H; label ``a·|H| + b`` is the pair (a, b).

    >>> direct_product(cyclic(2), cyclic(3)).order
    6
    """
    for what, x in (("g", g), ("h", h)):
        if not isinstance(x, FiniteGroup):
            raise TypeError(f"direct_product: {what} must be a FiniteGroup, got {type(x).__name__}")
    _require_table_memory(g.order * h.order, f"{g.name}x{h.name}")
    tg, th = np.asarray(g.table), np.asarray(h.table)
    m = h.order
    table = (tg[:, None, :, None] * m + th[None, :, None, :]).reshape(g.order * m, g.order * m)
    name = f"{g.name}x{h.name}"
    if g.identity == 0 and h.identity == 0:
        return _trusted(table, name)
    return FiniteGroup.from_cayley_table(table, name=name)


def semidirect_product(n: FiniteGroup, h: FiniteGroup, action: object, *,
                       name: str | None = None) -> FiniteGroup:
    r"""Semidirect product N ⋊ H.

    ``action[b]`` is the automorphism φ_b of N as a permutation of N's labels
    (shape ``(|H|, |N|)``).  It must be a homomorphism H → Aut(N): each φ_b a bijection
    with φ_b(xy) = φ_b(x)φ_b(y), and φ_{bc} = φ_b ∘ φ_c.  The product is
    (x, b)(y, c) = (x φ_b(y), bc); label ``x·|H| + b`` is the pair (x, b).

    >>> C3, C2 = cyclic(3), cyclic(2)
    >>> semidirect_product(C3, C2, [[0, 1, 2], [0, 2, 1]]).is_abelian  # ≅ S3
    False
    """
    for what, x in (("n", n), ("h", h)):
        if not isinstance(x, FiniteGroup):
            raise TypeError(f"semidirect_product: {what} must be a FiniteGroup, got "
                            f"{type(x).__name__}")
    act = np.asarray(action)
    if act.shape != (h.order, n.order):
        raise ValueError(f"semidirect_product: action must have shape (|H|, |N|) = "
                         f"({h.order}, {n.order}), got {act.shape}; row b is φ_b as a "
                         "permutation of N's labels")
    if act.dtype == bool or not np.issubdtype(act.dtype, np.integer):
        raise ValueError("semidirect_product: action entries must be integer labels of N")
    _require_table_memory(n.order * h.order, name or f"{n.name}:{h.name}")
    tn, th = np.asarray(n.table), np.asarray(h.table)
    for b in range(h.order):
        phi = act[b]
        if sorted(phi.tolist()) != list(range(n.order)):
            raise ValueError(f"semidirect_product: action[{b}] is not a permutation of "
                             f"0..{n.order - 1}")
        bad = np.argwhere(phi[tn] != tn[phi[:, None], phi[None, :]])
        if bad.size:
            x, y = bad[0]
            raise ValueError(f"semidirect_product: action[{b}] is not an automorphism of N: "
                             f"φ({x}·{y}) = {phi[tn[x, y]]} but φ({x})·φ({y}) = "
                             f"{tn[phi[x], phi[y]]}")
    composed = act[np.arange(h.order)[:, None, None], act[None, :, :]]  # φ_b ∘ φ_c
    bad = np.argwhere((composed != act[th]).any(axis=2))
    if bad.size:
        b, c = bad[0]
        raise ValueError(f"semidirect_product: action is not a homomorphism H → Aut(N): "
                         f"φ_{b} ∘ φ_{c} differs from φ_{th[b, c]} (= φ of {b}·{c})")
    m = h.order
    x, b = np.divmod(np.arange(n.order * m), m)
    first = tn[x[:, None], act[b[:, None], x[None, :]]]
    table = first * m + th[b[:, None], b[None, :]]
    label = name or f"{n.name}:{h.name}"
    if n.identity == 0 and h.identity == 0:
        return _trusted(table, label)
    return FiniteGroup.from_cayley_table(table, name=label)


def from_permutations(generators: Sequence[Sequence[int]], *,
                      max_order: int = _MAX_PERMUTATION_ORDER,
                      name: str | None = None) -> FiniteGroup:
    """The group generated by permutations of ``k`` points (each a sequence of images).

    Elements are labelled in breadth-first order from the identity (label 0);
    ``(g·h)(i) = g(h(i))``.  Raises ``ValueError`` if the closure exceeds ``max_order``.

    >>> from_permutations([[1, 2, 0], [1, 0, 2]]).order
    6
    """
    gens = [np.asarray(g) for g in generators]
    if not gens:
        raise ValueError("from_permutations: give at least one generator")
    k = gens[0].shape[-1] if gens[0].ndim == 1 else -1
    for i, g in enumerate(gens):
        if g.ndim != 1 or g.shape[0] != k or not np.issubdtype(g.dtype, np.integer):
            raise ValueError(f"from_permutations: generator {i} must be a 1-D integer sequence "
                             f"of length {k} (the images of 0..{k - 1})")
        if sorted(g.tolist()) != list(range(k)):
            raise ValueError(f"from_permutations: generator {i} = {g.tolist()} is not a "
                             f"permutation of 0..{k - 1}")
    gen = np.stack(gens).astype(np.int64)
    elements = [np.arange(k)[None, :]]
    seen = {int(c) for c in _encode(elements[0])}
    frontier = elements[0]
    total = 1
    while frontier.size:
        # left-multiply the frontier by every generator: (s·f)(i) = s(f(i))
        cand = gen[:, frontier].reshape(-1, k)
        codes = _encode(cand)
        _, first = np.unique(codes, return_index=True)
        keep = [i for i in np.sort(first) if int(codes[i]) not in seen]
        frontier = cand[keep]
        seen.update(int(codes[i]) for i in keep)
        total += len(keep)
        if total > max_order:
            raise ValueError(f"from_permutations: the generated group has more than "
                             f"{max_order} elements; raise max_order if you mean it")
        if len(keep):
            elements.append(frontier)
    perms = np.concatenate(elements)
    return _trusted(_permutation_table(perms), name or f"Perm{perms.shape[0]}")


_FAMILIES = {
    "C": cyclic,
    "D": dihedral,
    "S": symmetric,
    "A": alternating,
    "Dic": dicyclic,
}
_TOKEN = re.compile(r"^(Dic|C|D|S|A|Q)(\d+)$")
_NAMES = ("Use C<n> (cyclic, order n), D<n> (dihedral, order 2n), S<n> (symmetric), A<n> "
          "(alternating), Q8, Dic<n> (dicyclic, order 4n), joined by 'x' for direct products, "
          "e.g. 'C2xC4'")


def named_group(spec: str) -> FiniteGroup:
    """Parse a group name: ``C6``, ``D4`` (order 8), ``S4``, ``A5``, ``Q8``, ``Dic3``
    (order 12), and direct products such as ``C2xC4`` or ``C2xC2xC2``.

    >>> named_group("C2xC4").order, named_group("D4").order
    (8, 8)
    """
    if not isinstance(spec, str):
        raise TypeError(f"named_group(spec): spec must be a string such as 'D4', got {type(spec).__name__}")
    if not spec.strip():
        raise ValueError(f"the group name is empty. {_NAMES}")
    parts = [p.strip() for p in spec.strip().split("x")]
    factors = []
    for part in parts:
        m = _TOKEN.match(part)
        if m is None or (m.group(1) == "Q" and m.group(2) != "8"):
            raise ValueError(f"unknown group {spec!r}: could not read {part!r}. {_NAMES}")
        fam, num = m.group(1), int(m.group(2))
        factors.append(quaternion() if fam == "Q" else _FAMILIES[fam](num))
    result = factors[0]
    for g in factors[1:]:
        result = direct_product(result, g)
    return result


def relabel(group: FiniteGroup, perm: Sequence[int] | np.ndarray, *, name: str | None = None) -> FiniteGroup:
    """The same group with element g renamed ``perm[g]``:
    ``table'[perm[g], perm[h]] = perm[table[g, h]]`` (validated from the new table).

    >>> relabel(cyclic(3), [2, 0, 1]).identity
    2
    """
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"relabel: group must be a FiniteGroup, got {type(group).__name__}")
    p = np.asarray(perm)
    n = group.order
    if p.shape != (n,) or not np.array_equal(np.sort(p), np.arange(n)):
        raise ValueError(f"relabel: perm must be a permutation of 0 … {n - 1} (one new label "
                         f"per element of {group.name}), got {np.asarray(perm).tolist()}")
    table = np.empty_like(np.asarray(group.table))
    table[p[:, None], p[None, :]] = p[np.asarray(group.table)]
    return FiniteGroup.from_cayley_table(table, name=name or f"{group.name}~")
