"""Group axioms of everything the strategies build, and the axiom checker's negative
controls (a broken table is reported, and the validator agrees with the checker)."""

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import harmonics_jax as hj
from harmonics_jax.testing import relabel
from harmonics_jax import group_axiom_residuals
from harmonics_jax.testing.strategies import finite_groups

# The smallest loop that is not a group: Latin, identity 0, inverses, not associative.
LOOP5 = np.array([[0, 1, 2, 3, 4],
                  [1, 0, 3, 4, 2],
                  [2, 4, 0, 1, 3],
                  [3, 2, 4, 0, 1],
                  [4, 3, 1, 2, 0]])




D4_MOVED = relabel(hj.dihedral(4), [5, 3, 0, 7, 1, 2, 6, 4])  # identity at label 5


@given(finite_groups())
@example(hj.cyclic(1))
@example(D4_MOVED)
def test_strategy_groups_are_groups(G):
    r = group_axiom_residuals(G.table)
    assert r.ok, r.witness
    assert r.identity_label == G.identity
    n = G.order
    assert 1 <= n <= 24
    assert np.array_equal(G.table[np.arange(n), G.inverse], np.full(n, G.identity))
    assert np.array_equal(G.table[G.inverse, np.arange(n)], np.full(n, G.identity))


@given(finite_groups(max_order=12, abelian=True))
def test_abelian_filter(G):
    assert G.is_abelian and G.order <= 12


@given(finite_groups(max_order=12, abelian=False))
def test_non_abelian_filter(G):
    assert not G.is_abelian and G.order <= 12


@given(finite_groups(relabel=True))
def test_relabelled_groups_find_their_identity(G):
    e = G.identity
    assert np.array_equal(G.table[e], np.arange(G.order))
    assert np.array_equal(G.table[:, e], np.arange(G.order))


def test_strategy_rejects_impossible_requests():
    from hypothesis.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="order 6"):
        finite_groups(max_order=5, abelian=False)
    with pytest.raises(InvalidArgument):
        finite_groups(max_order=0)


# -- negative controls --------------------------------------------------------------------
@st.composite
def broken_tables(draw):
    """A group table with one entry overwritten by a different label or an out-of-range
    value: never a group."""
    G = draw(finite_groups(max_order=16))
    n = G.order
    table = np.array(G.table)
    g, h = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
    choices = [v for v in range(-1, n + 1) if v != table[g, h]]
    table[g, h] = draw(st.sampled_from(choices))
    return table


@given(broken_tables())
@example(np.array([[0, 1], [1, 1]]))
def test_broken_table_is_reported(table):
    r = group_axiom_residuals(table)
    assert not r.ok
    assert r.witness
    with pytest.raises(ValueError):
        hj.validate_cayley_table(table)


@given(finite_groups(max_order=16), st.data())
def test_swapped_row_entries_break_latin(G, data):
    """Swapping two entries of a row keeps the row Latin but repeats a value in two columns."""
    n = G.order
    assume(n >= 2)  # a 1×1 table has no two entries to swap: not a pass, not counted
    table = np.array(G.table)
    g = data.draw(st.integers(0, n - 1))
    a, b = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    table[g, [a, b]] = table[g, [b, a]]
    r = group_axiom_residuals(table)
    assert r.latin == 2 and r.closure == 0  # one repeat in each of columns a, b


def test_non_associative_loop_is_caught():
    r = group_axiom_residuals(LOOP5)
    assert (r.closure, r.latin, r.identity, r.inverse) == (0, 0, 0, 0)
    assert r.associativity > 0 and "associativity" in r.witness
    with pytest.raises(ValueError, match="not associative"):
        hj.validate_cayley_table(LOOP5)


def test_quasigroup_without_identity_is_caught():
    n = 5
    table = (np.arange(n)[:, None] - np.arange(n)[None, :]) % n  # g·h = g − h
    r = group_axiom_residuals(table)
    assert r.latin == 0 and r.identity > 0 and not r.ok


def test_large_table_uses_generators():
    """Above n = 256 associativity is checked through a generating set: still exact."""
    G = hj.cyclic(300)
    assert group_axiom_residuals(G.table).ok
    table = np.array(G.table)
    table[[1, 2]] = table[[2, 1]]  # a Latin square with no identity, not associative
    r = group_axiom_residuals(table)
    assert r.associativity > 0 and r.identity > 0
