r"""``hj.are_isomorphic``, ``hj.identify`` and the invariants, against the SmallGroups library.

The truth is GAP's: two SmallGroups of one order with different ids are not isomorphic,
and a relabelled copy of ``SmallGroup(n, i)`` is isomorphic to it.  Every returned map is
checked here by :func:`_is_isomorphism`, written independently of the library's checker.
The ``ci`` profile checks every pair of equal order ≤ 32 and identifies every group of
order ≤ 32 plus a sample of larger ones; ``HARMONICS_PROFILE=thorough`` identifies all
1,048 groups of order ≤ 100.
"""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest

import harmonics_jax as hj

THOROUGH = os.environ.get("HARMONICS_PROFILE", "ci") == "thorough"
LIBRARY_IDS = [(n, i) for n in range(1, 101) for i in range(1, hj.num_small_groups(n) + 1)]
LARGE_SAMPLE = [(36, 9), (48, 29), (60, 5), (64, 74), (64, 80), (64, 138), (72, 41), (81, 3),
                (81, 13), (96, 70), (96, 204), (100, 11), (100, 12)]


def _is_isomorphism(phi, G, H) -> bool:
    """Independent check: phi is a permutation of 0..n-1 and phi(ab) = phi(a)phi(b)."""
    phi = np.asarray(phi)
    n = G.order
    if phi.shape != (n,) or sorted(phi.tolist()) != list(range(n)):
        return False
    tg, th = np.asarray(G.table), np.asarray(H.table)
    return all(phi[tg[a, b]] == th[phi[a], phi[b]] for a in range(n) for b in range(n))


def _relabelled(G, seed):
    return hj.relabel(G, np.random.default_rng(seed).permutation(G.order))


def _character_table_key(G):
    ct = hj.character_table(G)
    v = np.rint(ct.values * 1e6)
    return np.stack([v.real, v.imag], axis=-1).astype(np.int64), ct.class_sizes


def _same_character_table(G, H) -> bool:
    """Whether a bijection of the classes (keeping their sizes) and one of the irreducible
    characters make the two character tables equal entry for entry (a witness search)."""
    X, sx = _character_table_key(G)
    Y, sy = _character_table_key(H)
    k = len(sx)
    if len(sy) != k or sorted(sx) != sorted(sy):
        return False

    def rows(T, cols):  # the rows restricted to ``cols``, as a multiset
        return sorted(r.tobytes() for r in np.ascontiguousarray(T[:, cols]))

    def search(cx, cy):
        j = len(cx)
        if j == k:
            return True
        return any(search(cx + [j], cy + [c]) for c in range(k)
                   if c not in cy and sy[c] == sx[j] and rows(X, [j]) == rows(Y, [c])
                   and rows(X, cx + [j]) == rows(Y, cy + [c]))

    return search([], [])


# -- are_isomorphic -----------------------------------------------------------------------

@pytest.mark.parametrize("order", range(1, 33))
def test_are_isomorphic_on_every_pair_of_equal_order(order):
    """Every ordered pair (relabelled SmallGroup(n, i), SmallGroup(n, j)), n ≤ 32: a checked
    isomorphism when i = j, None otherwise (3,228 pairs)."""
    groups = list(hj.small_groups(min_order=order, max_order=order))
    copies = [_relabelled(G, seed=order * 1000 + i) for i, G in enumerate(groups)]
    for i, j in itertools.product(range(len(groups)), repeat=2):
        phi = hj.are_isomorphic(copies[i], groups[j])
        if i == j:
            assert phi is not None and _is_isomorphism(phi, copies[i], groups[j]), (order, i)
        else:
            assert phi is None, (order, i + 1, j + 1)


def test_pairs_with_the_same_character_table():
    """Non-isomorphic groups the character table cannot tell apart, found by a witness
    search over every pair of order ≤ 32: D4/Q8 and the order-16 pairs among them."""
    pairs = []
    for n in range(8, 33):
        groups = list(hj.small_groups(min_order=n, max_order=n))
        for a, b in itertools.combinations(range(len(groups)), 2):
            G, H = groups[a], groups[b]
            if not G.is_abelian and not H.is_abelian and _same_character_table(G, H):
                pairs.append((n, a + 1, b + 1))
                assert hj.are_isomorphic(G, H) is None
                assert hj.are_isomorphic(_relabelled(H, seed=a), G) is None
    assert (8, 3, 4) in pairs  # D4 (GAP's D8) and Q8
    assert {(16, 3, 4), (16, 7, 9), (16, 11, 12)} <= set(pairs)
    assert len(pairs) >= 20
    # control: the witness search accepts a relabelled copy and rejects C4 x C2 vs D4
    assert _same_character_table(hj.small_group(16, 7), _relabelled(hj.small_group(16, 7), 1))
    assert not _same_character_table(hj.dihedral(4), hj.named_group("C2xC4"))


@pytest.mark.parametrize("gid", LARGE_SAMPLE, ids=str)
def test_are_isomorphic_on_larger_groups(gid):
    G = hj.small_group(*gid)
    copy = _relabelled(G, seed=gid[1])
    phi = hj.are_isomorphic(copy, G)
    assert phi is not None and _is_isomorphism(phi, copy, G)
    assert hj.is_isomorphism(phi, copy, G)


@pytest.mark.parametrize("a, b", [((64, 74), (64, 80)), ((64, 85), (64, 112)),
                                  ((64, 156), (64, 160)), ((64, 157), (64, 159)),
                                  ((64, 179), (64, 180)), ((100, 11), (100, 12)),
                                  ((81, 3), (81, 13))])
def test_non_isomorphic_pairs_the_invariants_do_not_separate(a, b):
    """Pairs whose element colours (and every invariant of GroupInvariants but the
    colour digest for (81, 3)/(81, 13)) agree: the search must refute them."""
    G, H = hj.small_group(*a), hj.small_group(*b)
    ga, gb = hj.group_invariants(G), hj.group_invariants(H)
    assert ga._replace(colour_digest="") == gb._replace(colour_digest="")
    assert hj.are_isomorphic(_relabelled(G, 0), H) is None
    assert hj.are_isomorphic(H, G) is None


def test_are_isomorphic_named_groups_and_orders(unchecked):
    assert hj.are_isomorphic(hj.dihedral(3), hj.symmetric(3)) is not None
    assert hj.are_isomorphic(hj.named_group("C2xC3"), hj.cyclic(6)) is not None
    assert hj.are_isomorphic(hj.named_group("C2xC2"), hj.cyclic(4)) is None
    assert hj.are_isomorphic(hj.cyclic(6), hj.cyclic(7)) is None  # different orders
    trivial = hj.are_isomorphic(hj.cyclic(1), hj.cyclic(1))
    assert trivial is not None and trivial.tolist() == [0]
    with pytest.raises(TypeError, match="are_isomorphic: H must be a FiniteGroup"):
        unchecked(hj.are_isomorphic)(hj.cyclic(2), [[0, 1], [1, 0]])


def test_control_wrong_maps_are_caught():
    """The checkers reject a map with two images swapped, a non-bijection and a map of the
    wrong length, and accept the map they were given when it is right."""
    G = hj.small_group(16, 7)
    H = _relabelled(G, 3)
    phi = hj.are_isomorphic(G, H)
    assert _is_isomorphism(phi, G, H) and hj.is_isomorphism(phi, G, H)
    bad = phi.copy()
    bad[[1, 2]] = bad[[2, 1]]
    assert not _is_isomorphism(bad, G, H) and not hj.is_isomorphism(bad, G, H)
    collapsed = phi.copy()
    collapsed[1] = collapsed[2]
    assert not _is_isomorphism(collapsed, G, H) and not hj.is_isomorphism(collapsed, G, H)
    assert not hj.is_isomorphism(phi[:-1], G, H)
    assert not hj.is_isomorphism(phi, hj.small_group(16, 9), H)  # Q16, not D16


# -- invariants ---------------------------------------------------------------------------

def test_invariants_of_known_groups():
    s3 = hj.group_invariants(hj.symmetric(3))
    assert (s3.order, s3.is_abelian, s3.exponent, s3.centre_order, s3.derived_order) == \
        (6, False, 6, 1, 3)
    assert s3.element_orders == ((1, 1), (2, 3), (3, 2)) and s3.class_sizes == (1, 2, 3)
    assert s3.irrep_dims == (1, 1, 2)
    a5 = hj.group_invariants(hj.alternating(5))
    assert (a5.centre_order, a5.derived_order, a5.irrep_dims) == (1, 60, (1, 3, 3, 4, 5))
    c6 = hj.group_invariants(hj.cyclic(6))
    assert (c6.derived_order, c6.centre_order, c6.irrep_dims) == (1, 6, (1,) * 6)


def test_invariants_are_invariant_and_separate():
    G = hj.small_group(72, 41)
    assert hj.group_invariants(_relabelled(G, 5)) == hj.group_invariants(G)
    digests = {hj.group_invariants(H).colour_digest for H in hj.small_groups(max_order=32)}
    assert len(digests) == 144  # the colour digest alone separates every group ≤ 32


# -- identify -----------------------------------------------------------------------------

@pytest.mark.parametrize("gid", [g for g in LIBRARY_IDS if g[0] <= 32]
                         + ([g for g in LIBRARY_IDS if g[0] > 32] if THOROUGH else
                            LARGE_SAMPLE), ids=str)
def test_identify_recovers_the_small_group_id(gid):
    G = hj.small_group(*gid)
    copy = _relabelled(G, seed=gid[0] + gid[1])
    found = hj.identify(copy)
    assert found.gap_id == gid
    assert G.name == f"SmallGroup({gid[0]},{gid[1]}) = {found.gap_name}"
    assert _is_isomorphism(found.isomorphism, copy, G)
    assert found.invariants == hj.group_invariants(G)
    if found.family is not None:
        assert hj.are_isomorphic(hj.named_group(found.family), G) is not None


@pytest.mark.parametrize("group, family, gap_id", [
    ("C1", "C1", (1, 1)), ("C6", "C6", (6, 2)), ("S3", "S3", (6, 1)), ("D4", "D4", (8, 3)),
    ("Q8", "Q8", (8, 4)), ("C2xC4", "C2xC4", (8, 2)), ("Dic3", "Dic3", (12, 1)),
    ("A4", "A4", (12, 3)), ("C2xC6", "C2xC6", (12, 5)), ("C3xC2xC2", "C2xC6", (12, 5)),
    ("D6", "D6", (12, 4)), ("S4", "S4", (24, 12)), ("C2xD4", "C2xD4", (16, 11)),
    ("C2xQ8", "C2xQ8", (16, 12)), ("D3xD3", "S3xS3", (36, 10)), ("A5", "A5", (60, 5)),
    ("C2xA4", "C2xA4", (24, 13)), ("Dic6", "Dic6", (24, 4)),
])
def test_family_names(group, family, gap_id):
    """Family names follow CONVENTIONS.md (D4 has order 8, Dic3 order 12; abelian groups by
    invariant factors) and parse back with hj.named_group."""
    found = hj.identify(_relabelled(hj.named_group(group), 7))
    assert (found.family, found.gap_id) == (family, gap_id)


def test_identify_above_the_library(unchecked):
    found = hj.identify(_relabelled(hj.symmetric(5), 0))
    assert found.gap_id is None and found.gap_name is None and found.isomorphism is None
    assert found.family == "S5" and found.invariants.order == 120
    two_cycles = hj.from_permutations([[1, 2, 0, 3, 4, 5], [0, 1, 2, 4, 5, 3]])
    found = hj.identify(two_cycles)
    assert (found.family, found.gap_id) == ("C3xC3", (9, 2))
    with pytest.raises(TypeError, match="identify: group must be a FiniteGroup"):
        unchecked(hj.identify)("S4")
