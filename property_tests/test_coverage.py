"""The property suite's groups are structurally varied: in the ``ci`` profile, the strategy
used by the suite draws at least 8 pairwise non-isomorphic groups, non-abelian ones among
them.  Groups are told apart by an isomorphism invariant (order, sorted class sizes, sorted
element orders, abelian or not), so this count is a lower bound on the isomorphism types."""

from hypothesis import given, settings

from harmonics_jax.testing.strategies import finite_groups

SEEN: dict[tuple, bool] = {}


def invariant(g):
    sizes = tuple(sorted(len(c) for c in g.conjugacy_classes))
    return (g.order, sizes, tuple(sorted(g.element_orders.tolist())), g.is_abelian)


@settings(max_examples=30, derandomize=True, database=None)
@given(finite_groups(max_order=24))
def _collect_drawn_groups(g):
    SEEN[invariant(g)] = g.is_abelian


def test_at_least_8_structurally_different_groups_non_abelian_among_them():
    _collect_drawn_groups()  # runs the 30 derandomised examples of the ci profile
    print(f"{len(SEEN)} structurally different groups drawn")
    assert len(SEEN) >= 8, sorted(SEEN)
    assert any(not ab for ab in SEEN.values()), "no non-abelian group drawn"
    # negative control: the invariant separates groups of equal order (C8, C2xC4, D4, Q8)
    import harmonics_jax as hj

    keys = {invariant(hj.named_group(s)) for s in ("C8", "C2xC4", "D4", "Q8", "C2xC2xC2")}
    assert len(keys) == 5
