r"""Isomorphism invariants of finite groups and explicit isomorphisms between Cayley tables.

Invariants.  Besides the classical ones (order, element orders, class sizes, centre,
derived subgroup, irrep dimensions) every element gets a *colour* by refinement on the
multiplication table: start from (order of g, size of its class, number of p-th roots
x^p = g for each prime p dividing n), then repeatedly replace the colour of a by c(a) and
the multisets {(c(b), c(w(a, b))) : b ∈ G} for the words w = a·b, b·a, b⁻¹ab and
a⁻¹b⁻¹ab, until the partition stops splitting.  A multiset is hashed as a sum of
scrambled 64-bit pair codes, and colours are named by the rank of their hash, so they are
canonical: an isomorphism φ has c_H(φ(g)) = c_G(g), and the colour *digest* (SHA-256 of
every round's hashes and multiplicities) is equal for isomorphic groups.  It separates all
SmallGroups of order ≤ 100 but six pairs (five of order 64, one of order 100).

Isomorphism (individualisation and refinement).  Map G to H one generator at a time: the
next generator g is an element outside the subgroup K mapped so far whose colour class is
smallest (a class of one element is a forced move); its candidate images are the elements
of H of the same colour, one per orbit of the inner automorphisms of H that fix the images
so far (conjugation by an element z centralising them turns a solution with g ↦ h into one
with g ↦ z⁻¹hz, so one subtree per orbit suffices).  For each candidate the map is
extended breadth first over the Cayley graph, φ(x·g_j) = φ(x)·h_j, and rejected at the
first contradiction (an element reached with two images, two elements with one image, or
a colour mismatch); then every x in the new K and φ(x) get a common fresh colour and both
colourings are refined together, and a colour with different multiplicities in G and H
prunes the branch.  A complete consistent map is a homomorphism (every edge x → x·g_j is
respected) and injective, hence an isomorphism; it is checked on the whole table before
it is returned.  ``None`` means every branch was refuted: the answer is exact.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from jaxtyping import Int

from ._group import FiniteGroup
from ._irreps import irrep_dims

__all__ = ["GroupInvariants", "are_isomorphic", "group_invariants", "is_isomorphism"]


class _Colours(NamedTuple):
    colours: np.ndarray  # (n,) canonical colour of every element
    digest: str


def _check_group(group: object, what: str) -> FiniteGroup:
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"{what} must be a FiniteGroup, got {type(group).__name__}; build one "
                        "with FiniteGroup.from_cayley_table(table) or hj.small_group(n, i)")
    return group


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a fixed bijective scrambling of uint64 values."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _rank(values: np.ndarray, h=None) -> np.ndarray:
    """Canonical colour names: the rank of each value among the distinct values (these are
    recorded in the digest ``h``)."""
    uniq, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    if h is not None:
        h.update(uniq.tobytes())
        h.update(counts.astype(np.int64).tobytes())
    return inverse.reshape(-1).astype(np.int64)


@lru_cache(maxsize=512)
def _relations(group: FiniteGroup) -> np.ndarray:
    """``rel[:, a, b]`` = (a·b, b·a, b⁻¹·a·b, a⁻¹·b⁻¹·a·b): the words the refinement reads."""
    t, inv = np.asarray(group.table), np.asarray(group.inverse)
    ar = np.arange(group.order)
    conj = t[t[inv[None, :], ar[:, None]], ar[None, :]]  # b⁻¹ a b
    comm = t[inv[:, None], conj]  # a⁻¹ (b⁻¹ a b)
    return np.stack([t, t.T, conj, comm])


def _signatures(rel: np.ndarray, c: np.ndarray, k: int) -> np.ndarray:
    """A 64-bit hash per element a of its colour c(a) and of the multisets
    {(c(b), c(w(a, b))) : b} for the words w of ``rel``: a sum of scrambled pair codes, so
    equal multisets give equal hashes (and distinct ones, in practice, distinct hashes)."""
    words = rel.shape[0]
    code = (c[None, None, :] * k + c[rel]) * words + np.arange(words)[:, None, None]
    pairs = _mix(code.astype(np.uint64)).sum(axis=(0, 2), dtype=np.uint64)
    return _mix(pairs ^ _mix(c.astype(np.uint64) + np.uint64(1 << 40)))


@lru_cache(maxsize=256)
def _primes(n: int) -> tuple[int, ...]:
    """The primes dividing n."""
    return tuple(p for p in range(2, n + 1) if n % p == 0 and all(p % q for q in range(2, p)))


@lru_cache(maxsize=512)
def _colours(group: FiniteGroup) -> _Colours:
    t = np.asarray(group.table)
    n = group.order
    ar = np.arange(n)
    start = [group.element_orders, np.bincount(group.class_index)[group.class_index]]
    power = ar.copy()  # power[x] = x^k
    for k in range(2, max(_primes(n), default=1) + 1):
        power = t[power, ar]
        if k in _primes(n):  # the number of p-th roots of each element
            start.append(np.bincount(power, minlength=n))
    h = hashlib.sha256(f"order {n}".encode())
    uniq, c, counts = np.unique(np.stack(start, axis=1), axis=0, return_inverse=True,
                                return_counts=True)
    h.update(uniq.astype(np.int64).tobytes())
    h.update(counts.astype(np.int64).tobytes())
    c = c.reshape(-1)
    rel = _relations(group)
    k = int(c.max()) + 1
    while True:
        c = _rank(_signatures(rel, c, k), h)
        k, old = int(c.max()) + 1, k
        if k == old:  # refinement only splits: the same number of colours is stable
            break
    return _Colours(c, h.hexdigest())


def _subgroup_generated(t: np.ndarray, e: int, elements: np.ndarray) -> np.ndarray:
    """Boolean mask of the subgroup generated by ``elements`` (closure under products)."""
    mask = np.zeros(t.shape[0], dtype=bool)
    mask[e] = True
    mask[elements] = True
    while True:
        members = np.flatnonzero(mask)
        grown = np.zeros_like(mask)
        grown[t[np.ix_(members, members)].ravel()] = True
        if grown.sum() == mask.sum():
            return mask
        mask = grown


class GroupInvariants(NamedTuple):
    """Isomorphism invariants of a finite group (equal for isomorphic groups).

    Fields:
        order: n.
        is_abelian: whether g·h = h·g for all g, h.
        exponent: the least common multiple of the element orders.
        element_orders: ``((k, number of elements of order k), ...)``, k increasing.
        class_sizes: the conjugacy class sizes, sorted.
        irrep_dims: the irrep dimensions, sorted (:func:`harmonics_jax.irrep_dims`).
        centre_order: |Z(G)|, the number of classes of size 1.
        derived_order: |[G, G]|, the subgroup generated by the commutators.
        colour_digest: SHA-256 of the colour refinement on the table (module docstring);
            equal for isomorphic groups and, in practice, different otherwise.
    """

    order: int
    is_abelian: bool
    exponent: int
    element_orders: tuple[tuple[int, int], ...]
    class_sizes: tuple[int, ...]
    irrep_dims: tuple[int, ...]
    centre_order: int
    derived_order: int
    colour_digest: str


@lru_cache(maxsize=512)
def _invariants(group: FiniteGroup) -> GroupInvariants:
    t, inv = np.asarray(group.table), np.asarray(group.inverse)
    orders = group.element_orders
    values, counts = np.unique(orders, return_counts=True)
    sizes = np.bincount(group.class_index)
    commutators = t[t[inv][:, inv], t]  # [a, b] = a⁻¹ b⁻¹ a b
    derived = _subgroup_generated(t, group.identity, np.unique(commutators))
    return GroupInvariants(
        order=group.order,
        is_abelian=group.is_abelian,
        exponent=int(np.lcm.reduce(orders)),
        element_orders=tuple(zip(values.tolist(), counts.tolist())),
        class_sizes=tuple(sorted(sizes.tolist())),
        irrep_dims=(1,) * group.order if group.is_abelian else irrep_dims(group),
        centre_order=int((sizes == 1).sum()),
        derived_order=int(derived.sum()),
        colour_digest=_colours(group).digest,
    )


def group_invariants(group: FiniteGroup) -> GroupInvariants:
    """The isomorphism invariants of ``group`` (see :class:`GroupInvariants`).  Cached.

    >>> import harmonics_jax as hj
    >>> inv = group_invariants(hj.quaternion())
    >>> inv.element_orders, inv.centre_order, inv.derived_order, inv.irrep_dims
    (((1, 1), (2, 1), (4, 6)), 2, 2, (1, 1, 1, 1, 2))
    """
    return _invariants(_check_group(group, "group_invariants: group"))


def is_isomorphism(phi: object, G: FiniteGroup, H: FiniteGroup) -> bool:
    r"""Whether ``phi`` (an integer array of length n) is an isomorphism G → H:
    a bijection of the labels with ``phi[G.table[a, b]] == H.table[phi[a], phi[b]]`` for
    all a, b.

    >>> import harmonics_jax as hj
    >>> G = hj.cyclic(4)
    >>> is_isomorphism([0, 3, 2, 1], G, G), is_isomorphism([0, 2, 1, 3], G, G)
    (True, False)
    """
    G = _check_group(G, "is_isomorphism: G")
    H = _check_group(H, "is_isomorphism: H")
    p = np.asarray(phi)
    n = G.order
    if H.order != n or p.shape != (n,) or not np.issubdtype(p.dtype, np.integer):
        return False
    if not np.array_equal(np.sort(p), np.arange(n)):
        return False
    tg, th = np.asarray(G.table), np.asarray(H.table)
    return bool(np.array_equal(p[tg], th[p[:, None], p[None, :]]))


def _refine_jointly(rel_g: np.ndarray, rel_h: np.ndarray, cg: np.ndarray,
                    ch: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Refine the colourings of G and H together (colours named over both); None as soon
    as a colour has different multiplicities in G and in H (no isomorphism respects them)."""
    n = len(cg)
    k = int(max(cg.max(), ch.max())) + 1
    while True:
        inverse = _rank(np.concatenate([_signatures(rel_g, cg, k), _signatures(rel_h, ch, k)]))
        cg, ch = inverse[:n], inverse[n:]
        new_k = int(inverse.max()) + 1
        if not np.array_equal(np.bincount(cg, minlength=new_k), np.bincount(ch, minlength=new_k)):
            return None
        if new_k == k:
            return cg, ch
        k = new_k


class _Search:
    """Individualisation and refinement over images of generators (module docstring).

    At each node the elements of the subgroup K mapped so far are individualised (x and
    φ(x) get a common fresh colour) and the colourings refined jointly; the next generator
    is an element outside K whose refined colour class is smallest (a class of one element
    is a forced move), and its candidate images are the elements of H of that colour, one
    per orbit of the inner automorphisms of H fixing the images so far."""

    def __init__(self, G: FiniteGroup, H: FiniteGroup, cg: np.ndarray, ch: np.ndarray):
        self.tg, self.th = np.asarray(G.table), np.asarray(H.table)
        self.rel_g, self.rel_h = _relations(G), _relations(H)
        self.inv_h = np.asarray(H.inverse)
        self.eg, self.eh = G.identity, H.identity
        self.cg, self.ch = cg, ch
        self.orders = G.element_orders

    def extend(self, pairs: list[tuple[int, int]]) -> np.ndarray | None:
        """φ on the subgroup generated by the g of ``pairs`` with φ(g) = h, or None on a
        contradiction (φ(x·g) = φ(x)·h for every edge, injective, colours kept)."""
        n = len(self.cg)
        phi = np.full(n, -1, dtype=np.int64)
        used = np.zeros(n, dtype=bool)
        phi[self.eg] = self.eh
        used[self.eh] = True
        frontier = np.array([self.eg])
        while frontier.size:
            reached = []
            for g, h in pairs:
                y = self.tg[frontier, g]
                img = self.th[phi[frontier], h]
                if (self.cg[y] != self.ch[img]).any():
                    return None
                known = phi[y] >= 0
                if (phi[y[known]] != img[known]).any():
                    return None
                y, img = y[~known], img[~known]
                fresh, first, back = np.unique(y, return_index=True, return_inverse=True)
                targets = img[first]
                if (img != targets[back.reshape(-1)]).any() or used[targets].any():
                    return None
                if np.unique(targets).size != targets.size:
                    return None
                phi[fresh] = targets
                used[targets] = True
                reached.append(fresh)
            frontier = np.concatenate(reached)
        return phi

    def individualised(self, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Colours with every mapped x and φ(x) given a fresh common colour, refined."""
        k = int(max(self.cg.max(), self.ch.max())) + 1
        mapped = np.flatnonzero(phi >= 0)
        cg, ch = self.cg.copy(), self.ch.copy()
        cg[mapped] = k + np.arange(mapped.size)
        ch[phi[mapped]] = k + np.arange(mapped.size)
        return _refine_jointly(self.rel_g, self.rel_h, cg, ch)

    def orbit_representatives(self, candidates: np.ndarray,
                              pairs: list[tuple[int, int]]) -> list[int]:
        """One candidate per orbit of the inner automorphisms of H that fix the images so
        far: conjugation by z ∈ C_H(h_1, …) maps a solution with g ↦ h to one with
        g ↦ z⁻¹hz, so only one of them needs a subtree."""
        conj = self.rel_h[2]  # conj[a, b] = b⁻¹ a b
        fixing = np.ones(len(self.inv_h), dtype=bool)
        for _, h in pairs:
            fixing &= self.th[:, h] == self.th[h, :]
        z = np.flatnonzero(fixing)
        seen = np.zeros(len(self.inv_h), dtype=bool)
        reps = []
        for h in candidates.tolist():
            if not seen[h]:
                reps.append(h)
                seen[conj[h, z]] = True
        return reps

    def run(self, pairs: list[tuple[int, int]], phi: np.ndarray, cg: np.ndarray,
            ch: np.ndarray) -> np.ndarray | None:
        outside = np.flatnonzero(phi < 0)
        sizes = np.bincount(cg)
        g = int(outside[np.lexsort((outside, -self.orders[outside], sizes[cg[outside]]))[0]])
        for h in self.orbit_representatives(np.flatnonzero(ch == cg[g]), pairs):
            grown = self.extend([*pairs, (g, h)])
            if grown is None:
                continue
            if (grown >= 0).all():
                return grown
            refined = self.individualised(grown)
            if refined is None:
                continue
            found = self.run([*pairs, (g, h)], grown, *refined)
            if found is not None:
                return found
        return None


def are_isomorphic(G: FiniteGroup, H: FiniteGroup) -> Int[np.ndarray, " n"] | None:
    r"""An explicit isomorphism G → H as a relabelling, or ``None`` if G ≇ H.

    Returns ``phi`` (int64, length n), a bijection of the labels with
    ``phi[G.table[a, b]] == H.table[phi[a], phi[b]]`` for all a, b (so
    ``hj.relabel(G, phi) == H``).  Invariants (order, colour refinement of the table)
    reject most non-isomorphic pairs at once; otherwise generators of G are mapped to
    elements of H of the same colour and the map is extended breadth first, backtracking at
    the first contradiction, with refinement and inner-automorphism pruning (module
    docstring of ``harmonics_jax._isomorphism``).  Exact: ``None`` only after every
    assignment of the generators has been refuted.

    Args:
        G, H: finite groups; any labels, any identity.

    >>> import harmonics_jax as hj
    >>> phi = are_isomorphic(hj.dihedral(3), hj.symmetric(3))
    >>> is_isomorphism(phi, hj.dihedral(3), hj.symmetric(3))
    True
    >>> are_isomorphic(hj.dihedral(4), hj.quaternion()) is None  # same character table
    True
    """
    G = _check_group(G, "are_isomorphic: G")
    H = _check_group(H, "are_isomorphic: H")
    if G.order != H.order:
        return None
    colours_g, colours_h = _colours(G), _colours(H)
    if colours_g.digest != colours_h.digest:
        return None
    cg, ch = colours_g.colours, colours_h.colours
    if G.order == 1:
        return np.zeros(1, dtype=np.int64)
    search = _Search(G, H, cg, ch)
    start = np.full(G.order, -1, dtype=np.int64)
    start[G.identity] = H.identity
    phi = search.run([], start, cg, ch)
    if phi is not None and not is_isomorphism(phi, G, H):
        raise RuntimeError("are_isomorphic built a map that is not an isomorphism; "
                           "please report these two tables")
    return phi
