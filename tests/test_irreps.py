"""Unit tests for character tables and irreducible unitary representations."""

import numpy as np
import pytest

import harmonics_jax as hj

GROUPS = ["C1", "C6", "S3", "D4", "Q8", "A4", "Dic3", "C2xC6", "D5", "S4", "C2xC2xC2", "A5",
          "D6xC2", "S5"]


def law_residuals(rho, group):
    t = group.table
    hom = np.abs(rho[t] - np.einsum("gij,hjk->ghik", rho, rho)).max()
    uni = np.abs(np.einsum("gij,gkj->gik", rho, rho.conj()) - np.eye(rho.shape[1])).max()
    return hom, uni


@pytest.mark.parametrize("spec", GROUPS)
def test_irreps_are_a_complete_set_of_inequivalent_unitary_irreps(spec):
    g = hj.named_group(spec)
    reps = hj.irreps(g)
    dims = [r.shape[1] for r in reps]
    assert dims == sorted(dims) and tuple(dims) == hj.irrep_dims(g)
    assert sum(d * d for d in dims) == g.order
    assert len(reps) == g.num_classes
    for rho in reps:
        assert rho.dtype == np.complex128 and rho.shape == (g.order, rho.shape[1], rho.shape[1])
        hom, uni = law_residuals(rho, g)
        assert hom <= 1e-9 and uni <= 1e-9
    chars = np.array([np.trace(r, axis1=1, axis2=2) for r in reps])
    gram = chars.conj() @ chars.T / g.order  # orthonormal ⇔ irreducible and inequivalent
    assert np.abs(gram - np.eye(len(reps))).max() <= 1e-9
    assert np.allclose(chars[0], 1)  # trivial representation first


def test_law_check_catches_broken_representations():
    g = hj.named_group("S3")
    rho = np.array(hj.irreps(g)[2])
    rho[[1, 2]] = rho[[2, 1]]  # two slices swapped: no longer a homomorphism
    assert law_residuals(rho, g)[0] > 0.1
    scaled = 1.1 * np.array(hj.irreps(g)[2])
    assert law_residuals(scaled, g)[1] > 0.1


def test_character_table_matches_known_values():
    ct = hj.character_table(hj.named_group("S4"))
    expected = np.array([  # classes: e, transpositions, 3-cycles, (2,2), 4-cycles
        [1, 1, 1, 1, 1], [1, -1, 1, 1, -1], [2, 0, -1, 2, 0], [3, 1, 0, -1, -1],
        [3, -1, 0, -1, 1]])
    # Identify the classes by their element orders and sizes.
    orders = hj.named_group("S4").element_orders[[c[0] for c in ct.classes]]
    sizes = ct.class_sizes
    assert sorted(zip(sizes.tolist(), orders.tolist())) == [(1, 1), (3, 2), (6, 2), (6, 4), (8, 3)]
    col = {(1, 1): 0, (6, 2): 1, (8, 3): 2, (3, 2): 3, (6, 4): 4}
    perm = [col[(s, o)] for s, o in zip(sizes.tolist(), orders.tolist())]
    got = ct.values
    assert sorted(map(tuple, np.round(got.real).astype(int).tolist())) == sorted(
        map(tuple, expected[:, perm].tolist()))
    assert np.abs(got.imag).max() < 1e-12
    q8 = hj.character_table(hj.named_group("Q8"))
    assert q8.degrees.tolist() == [1, 1, 1, 1, 2]
    assert "χ4" in q8.format()


def test_cyclic_characters_are_exact_roots_of_unity():
    g = hj.cyclic(12)
    chars = hj.character_table(g).on_elements()
    expected = np.exp(-2j * np.pi * np.outer(np.arange(12), np.arange(12)) / 12)
    # the set of rows equals the set of characters k ↦ e^{2πi jk/12}
    for row in expected:
        assert np.abs(chars - row).max(axis=1).min() < 1e-13  # exp() of large angles rounds


def test_relabelled_table_gives_the_same_characters_up_to_relabelling():
    g = hj.named_group("Dic3")
    perm = np.random.default_rng(3).permutation(g.order)
    inv = np.argsort(perm)
    h = hj.FiniteGroup.from_cayley_table(perm[g.table[inv][:, inv]])
    assert h.identity != 0
    chars_g = hj.character_table(g).on_elements()
    chars_h = hj.character_table(h).on_elements()[:, perm]  # χ_h(perm[g]) = χ_g(g)
    for row in chars_g:
        assert np.abs(chars_h - row).max(axis=1).min() < 1e-12
    for rho in hj.irreps(h):
        hom, uni = law_residuals(rho, h)
        assert hom < 1e-9 and uni < 1e-9


def test_deterministic_and_read_only():
    g = hj.named_group("A4")
    a = hj.irreps(g)
    hj._irreps._irreps_cached.cache_clear()
    hj._characters._character_values.cache_clear()
    b = hj.irreps(hj.FiniteGroup.from_cayley_table(np.array(g.table)))
    for x, y in zip(a, b):
        assert np.array_equal(x, y)
    with pytest.raises(ValueError):
        a[0][0, 0, 0] = 2


def test_bad_input():
    with pytest.raises(TypeError, match="FiniteGroup"):
        hj.irreps([[0, 1], [1, 0]])
    with pytest.raises(TypeError, match="FiniteGroup"):
        hj.character_table("S3")
