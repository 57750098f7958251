"""Unit tests for FiniteGroup, table validation and the family constructors."""

import itertools
import math

import numpy as np
import pytest

import harmonics_jax as hj

FAMILIES = {
    "C1": 1, "C6": 6, "D3": 6, "D4": 8, "S3": 6, "S4": 24, "A4": 12, "A5": 60, "Q8": 8,
    "Dic3": 12, "Dic1": 4, "C2xC4": 8, "C2xC2xC2": 8, "C2xC6": 12, "D5": 10,
}


def brute_force_is_group(table):
    n = len(table)
    e = [g for g in range(n) if all(table[g][h] == h and table[h][g] == h for h in range(n))]
    if len(e) != 1:
        return False
    assoc = all(table[table[a][b]][c] == table[a][table[b][c]]
                for a, b, c in itertools.product(range(n), repeat=3))
    inv = all(any(table[g][h] == e[0] for h in range(n)) for g in range(n))
    return assoc and inv


@pytest.mark.parametrize("spec,order", FAMILIES.items())
def test_family_orders_and_axioms(spec, order):
    g = hj.named_group(spec)
    assert g.order == order
    assert g.identity == 0
    assert brute_force_is_group(g.table.tolist()) or order > 24
    t = g.table
    assert np.array_equal(t[np.arange(order), g.inverse], np.zeros(order, int))
    assert hj.FiniteGroup.from_cayley_table(t) == g


def test_known_invariants():
    assert not hj.named_group("D4").is_abelian and hj.named_group("C2xC4").is_abelian
    assert hj.named_group("S4").num_classes == 5
    assert hj.named_group("A5").num_classes == 5
    assert hj.named_group("Q8").num_classes == 5
    assert sorted(hj.named_group("Q8").element_orders.tolist()) == [1, 2, 4, 4, 4, 4, 4, 4]
    assert sorted(hj.named_group("D4").element_orders.tolist()) == [1, 2, 2, 2, 2, 2, 4, 4]
    assert hj.dihedral(3) == hj.FiniteGroup.from_cayley_table(hj.dihedral(3).table)
    # D3 ≅ S3 but the labelled tables differ: equality is of labelled tables
    assert hj.dihedral(1).order == 2 and hj.dicyclic(1).is_abelian


def test_classes_partition_and_are_conjugation_closed():
    g = hj.named_group("S4")
    classes = g.conjugacy_classes
    assert sorted(np.concatenate(classes).tolist()) == list(range(24))
    assert [len(c) for c in classes] == [1, 6, 8, 3, 6]
    t, inv = g.table, g.inverse
    for c in classes:
        conj = t[t[:, c[0]], inv]
        assert set(conj.tolist()) == set(c.tolist())


def relabel(table, perm):
    """Table of the same group with element g renamed perm[g]."""
    inv = np.argsort(perm)
    return perm[table[inv][:, inv]]


def test_identity_found_anywhere():
    t = hj.named_group("D4").table
    perm = np.random.default_rng(1).permutation(8)
    g = hj.FiniteGroup.from_cayley_table(relabel(t, perm))
    assert g.identity == perm[0] != 0
    assert np.array_equal(g.table[np.arange(8), g.inverse], np.full(8, g.identity))
    assert sorted(g.element_orders.tolist()) == sorted(hj.named_group("D4").element_orders.tolist())


@pytest.mark.parametrize(
    "table,message",
    [
        ([[0, 1], [1, 0], [0, 1]], "square"),
        ([[0, 1], [1, 2]], "out of range"),
        ([[0, 1], [1, -1]], "out of range"),
        ([[0.0, 1.5], [1.0, 0.0]], "not an integer label"),
        ([["a", "b"], ["b", "a"]], "integer labels"),
        ([[0, 1, 2], [1, 1, 0], [2, 0, 1]], "row 1 holds the value 1 twice"),
        ([[0, 1, 2], [1, 2, 0], [1, 0, 2]], "column"),
        ([[0, 2, 1], [2, 1, 0], [1, 0, 2]], "no identity"),
        ([[True, False], [False, True]], "integer labels"),
    ],
)
def test_invalid_tables_are_refused_with_witness(table, message):
    with pytest.raises(ValueError, match=message):
        hj.FiniteGroup.from_cayley_table(table)


def test_non_associative_latin_square_with_identity():
    # A loop of order 5 that is not a group: Latin, has identity 0, not associative.
    t = [[0, 1, 2, 3, 4], [1, 0, 3, 4, 2], [2, 4, 0, 1, 3], [3, 2, 4, 0, 1], [4, 3, 1, 2, 0]]
    assert not brute_force_is_group(t)
    with pytest.raises(ValueError, match=r"not associative: for \(g, h, k\)"):
        hj.FiniteGroup.from_cayley_table(t)


def test_missing_two_sided_inverse():
    # A loop (Latin square with identity 0) in which 2·3 = 0 but 3·2 = 1.
    t = [[0, 1, 2, 3, 4], [1, 0, 3, 4, 2], [2, 3, 4, 0, 1], [3, 4, 1, 2, 0], [4, 2, 0, 1, 3]]
    assert not brute_force_is_group(t)
    with pytest.raises(ValueError, match=r"element 2 has no two-sided inverse"):
        hj.FiniteGroup.from_cayley_table(t)


def random_latin_square(rng, n):
    """A random Latin square of order n: cells filled in row-major order, each with a random
    value not yet in its row or column, restarting on a dead end.  Every Latin square has
    positive probability (not only the isotopes of C_n)."""
    while True:
        sq = -np.ones((n, n), int)
        for i, j in itertools.product(range(n), repeat=2):
            free = sorted(set(range(n)) - set(sq[i, :j]) - set(sq[:i, j]))
            if not free:
                break
            sq[i, j] = rng.choice(free)
        else:
            return sq


def random_loop(rng, n, *, inverses=False):
    """A normalised Latin square (first row and column 0..n-1, so 0 is a two-sided
    identity: a loop); with ``inverses``, drawn until every element has a two-sided inverse,
    so that the validator reaches its associativity check."""
    while True:
        sq = random_latin_square(rng, n)
        sq = sq[:, np.argsort(sq[0])]
        sq = sq[np.argsort(sq[:, 0])]
        right = np.argmax(sq == 0, axis=1)
        if not inverses or np.all(sq[right, np.arange(n)] == 0):
            return sq


def test_light_test_agrees_with_brute_force_on_random_loops():
    """Random loops of order 2…7 (any loop, and loops with two-sided inverses): accepted iff
    brute force says group.  Loops of order ≤ 4 are groups; from order 5 on most are not, and
    the ones with inverses are refused by the associativity check itself (its message), so
    Light's test is what decides them.  (Isotopes of C_n, used before, never reach it: 146 of
    200 lacked an identity and the rest were groups.)"""
    rng = np.random.default_rng(0)
    reached = drawn = 0
    for k in range(200):
        with_inverses = k % 2 == 1
        n = int(rng.integers(5 if with_inverses else 2, 8))
        cand = random_loop(rng, n, inverses=with_inverses)
        assert np.array_equal(cand[0], np.arange(n)) and np.array_equal(cand[:, 0], np.arange(n))
        try:
            hj.FiniteGroup.from_cayley_table(cand)
            accepted, message = True, ""
        except ValueError as err:
            accepted, message = False, str(err)
        assert accepted == brute_force_is_group(cand.tolist()), cand
        if with_inverses:
            drawn += 1
            reached += "not associative" in message
    assert drawn == 100 and reached >= 60, reached  # measured: 69


def test_from_permutations_and_limit():
    g = hj.from_permutations([[1, 2, 3, 0], [1, 0, 2, 3]])
    assert g.order == 24 and g.identity == 0 and not g.is_abelian
    assert hj.from_permutations([[1, 2, 0, 3]]).order == 3
    with pytest.raises(ValueError, match="more than 10 elements"):
        hj.from_permutations([[1, 2, 3, 0], [1, 0, 2, 3]], max_order=10)
    with pytest.raises(ValueError, match="not a permutation"):
        hj.from_permutations([[0, 0, 1]])
    with pytest.raises(ValueError, match="at least one"):
        hj.from_permutations([])


def test_symmetric_composition_convention():
    # (g·h)(i) = g(h(i)) on the lexicographic list of permutations
    perms = list(itertools.permutations(range(3)))
    g = hj.symmetric(3)
    for a, b in itertools.product(range(6), repeat=2):
        comp = tuple(perms[a][perms[b][i]] for i in range(3))
        assert perms[g.table[a, b]] == comp


def test_semidirect_products():
    c3, c2, c4 = hj.cyclic(3), hj.cyclic(2), hj.cyclic(4)
    s3 = hj.semidirect_product(c3, c2, [[0, 1, 2], [0, 2, 1]])
    assert s3.order == 6 and not s3.is_abelian and s3.num_classes == 3
    assert hj.semidirect_product(c3, c2, [[0, 1, 2], [0, 1, 2]]).is_abelian
    with pytest.raises(ValueError, match="not an automorphism"):
        hj.semidirect_product(c4, c2, [[0, 1, 2, 3], [0, 2, 1, 3]])
    with pytest.raises(ValueError, match="not a homomorphism"):
        hj.semidirect_product(hj.cyclic(5), c2, [[0, 1, 2, 3, 4], [0, 2, 4, 1, 3]])
    with pytest.raises(ValueError, match="shape"):
        hj.semidirect_product(c3, c2, [[0, 1, 2]])
    with pytest.raises(ValueError, match="not a permutation"):
        hj.semidirect_product(c3, c2, [[0, 1, 2], [0, 1, 1]])


def test_group_parser_errors_and_orders():
    assert hj.named_group("Dic3").order == 12 and hj.named_group("D4").order == 8
    assert hj.named_group("C2xC2xC2").order == 8 and hj.named_group("S4").order == math.factorial(4)
    for bad in ["D", "Q7", "X5", "C2*C3", ""]:
        with pytest.raises(ValueError, match="dihedral, order 2n"):
            hj.named_group(bad)
    with pytest.raises(TypeError):
        hj.named_group(4)
    with pytest.raises(ValueError, match="limit"):
        hj.symmetric(9)


def test_direct_product_of_user_tables_with_identity_elsewhere():
    t = relabel(hj.cyclic(3).table, np.array([2, 0, 1]))
    g = hj.FiniteGroup.from_cayley_table(t)
    p = hj.direct_product(g, hj.cyclic(2))
    assert p.order == 6 and p.is_abelian and p.identity == 4


def test_relabel_renames_elements_and_rejects_a_non_permutation(unchecked):
    G = hj.relabel(hj.named_group("S3"), [3, 1, 4, 0, 5, 2], name="S3'")
    assert G.identity == 3 and G.name == "S3'"
    assert hj.irrep_dims(G) == hj.irrep_dims(hj.named_group("S3"))
    for bad in ([0, 1, 2, 3, 4, 4], [0, 1, 2], [1, 2, 3, 4, 5, 6]):
        with pytest.raises(ValueError, match="perm must be a permutation of 0 … 5"):
            hj.relabel(hj.named_group("S3"), bad)
    with pytest.raises(TypeError, match="group must be a FiniteGroup"):
        unchecked(hj.relabel)(np.zeros((3, 3), int), [0, 1, 2])
