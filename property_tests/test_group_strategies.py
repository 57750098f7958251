"""The group strategies draw what they promise: ``small_groups`` is GAP's library, relabelled
and uniform over the ids (so the orders with many groups dominate), and ``finite_groups``
does not pile its draws on the trivial group and C2.  The distribution checks run a fixed,
derandomised set of examples, so their bounds are deterministic; the measurement over random
runs is ``benchmarks/strategy_orders.py``."""

import collections
import inspect
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import harmonics_jax as hj
from harmonics_jax.testing.strategies import finite_groups, small_groups


def _gap_id(group):
    n, i = re.match(r"SmallGroup\((\d+),(\d+)\)", group.name).groups()
    return int(n), int(i)


@given(small_groups(max_order=32))
def test_small_groups_are_relabelled_library_groups(G):
    n, i = _gap_id(G)
    assert G.order == n <= 32
    assert hj.FiniteGroup.from_cayley_table(G.table) == G
    assert hj.are_isomorphic(G, hj.small_group(n, i)) is not None


@given(small_groups(max_order=12, min_order=8, relabel=False))
def test_small_groups_without_relabelling_are_the_library_tables(G):
    assert 8 <= G.order <= 12
    assert G == hj.small_group(*_gap_id(G)) and G.identity == 0


def _orders(strategy, examples=200):
    drawn = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(group):
        drawn.append(group.order)

    collect()
    return collections.Counter(drawn), len(drawn)


def test_small_groups_is_uniform_over_ids_not_orders():
    counts, total = _orders(small_groups(max_order=16))
    # 42 ids of order ≤ 16, 14 of them of order 16: a third of the draws, not a sixteenth
    assert 0.2 <= counts[16] / total <= 0.5, counts
    assert counts[1] / total <= 0.05, counts


def test_finite_groups_rarely_draws_orders_1_and_2():
    """Before this bound, 13% of random draws at max_order 60 had order 1 and 9% order 2
    (permutation groups on 1–2 points, S1, S2, C1 factors of products)."""
    counts, total = _orders(finite_groups(max_order=60))
    assert counts[1] / total <= 0.03, counts
    assert (counts[1] + counts[2]) / total <= 0.08, counts


def test_control_the_bound_catches_a_trivial_heavy_strategy():
    counts, total = _orders(st.sampled_from([hj.cyclic(1), hj.cyclic(2), hj.cyclic(6)]), 60)
    assert (counts[1] + counts[2]) / total > 0.08


@pytest.mark.parametrize("kwargs", [{"max_order": 101}, {"max_order": 0},
                                    {"min_order": 20, "max_order": 10},
                                    {"max_order": 8.0}, {"relabel": None}])
def test_small_groups_rejects_bad_arguments(kwargs):
    with pytest.raises(InvalidArgument, match="small_groups"):
        inspect.unwrap(small_groups)(**kwargs)
