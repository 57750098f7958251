"""Laws of ``irreps(G)`` on random groups, and negative controls showing the checkers in
:mod:`harmonics_jax._laws` catch a non-homomorphism, a non-unitary, a reducible and a
duplicated representation."""

import numpy as np
from hypothesis import assume, example, given
from hypothesis import strategies as st

import harmonics_jax as hj
from harmonics_jax.testing import relabel
from harmonics_jax import irrep_set_residuals, irreps, representation_residuals
from harmonics_jax.testing.strategies import finite_groups

TOL = 1e-9




D3_MOVED = relabel(hj.dihedral(3), [4, 2, 5, 0, 1, 3])  # identity at label 4
DIC3_MOVED = relabel(hj.dicyclic(3), list(range(11, -1, -1)))  # identity at label 11


@given(finite_groups())
@example(hj.cyclic(1))
@example(D3_MOVED)
@example(DIC3_MOVED)
@example(hj.symmetric(4))
def test_irreps_are_unitary_homomorphisms(G):
    for rho in irreps(G):
        assert rho.dtype == np.complex128 and rho.shape[0] == G.order
        r = representation_residuals(rho, G)
        assert r.homomorphism <= TOL, (rho.shape, r)
        assert r.unitarity <= TOL, (rho.shape, r)
        assert r.irreducibility <= TOL, (rho.shape, r)


@given(finite_groups())
@example(hj.cyclic(1))
@example(D3_MOVED)
@example(hj.quaternion())
def test_irreps_are_one_per_class(G):
    rhos = irreps(G)
    r = irrep_set_residuals(rhos, G)
    assert r.count == 0 and len(rhos) == G.num_classes
    assert r.dimension == 0  # Σ d² = n
    assert r.orthogonality <= TOL  # pairwise inequivalent
    assert r.sorted
    assert np.allclose(rhos[0], 1.0)  # the trivial representation first


# -- negative controls --------------------------------------------------------------------
def _nontrivial(G):
    """An irrep and an element b with ρ(b) ≠ I (exists whenever n > 1)."""
    for rho in irreps(G)[::-1]:
        dist = np.linalg.norm(rho - np.eye(rho.shape[1]), axis=(1, 2))
        if dist.max() > 0.5:
            return rho, int(np.argmax(dist))
    raise AssertionError(f"{G} has no non-trivial irrep")


@given(finite_groups(max_order=16))
@example(D3_MOVED)
def test_swapped_slices_are_not_a_homomorphism(G):
    assume(G.order > 1)  # C1 has no non-trivial irrep to break: not a pass, not counted
    rho, b = _nontrivial(G)
    e = G.identity
    broken = rho.copy()
    broken[[e, b]] = rho[[b, e]]  # now ρ'(e) = ρ(b) ≠ I, so ρ'(e·e) ≠ ρ'(e)²
    r = representation_residuals(broken, G)
    assert r.homomorphism > 0.1
    assert r.unitarity <= TOL  # still unitary: only the homomorphism law is broken


@given(finite_groups(max_order=16, abelian=False), st.integers(0, 2**32 - 1))
def test_non_unitary_conjugate_is_caught(G, seed):
    rho = irreps(G)[-1]  # d ≥ 2 for a non-abelian group
    d = rho.shape[1]
    rng = np.random.default_rng(seed)
    s = np.eye(d) + np.triu(rng.uniform(0.5, 1.0, (d, d)), k=1)  # invertible, not unitary
    conj = s @ rho @ np.linalg.inv(s)
    r = representation_residuals(conj, G)
    assert r.homomorphism <= 1e-8  # still a representation ...
    assert r.unitarity > 0.1  # ... but not a unitary one


@given(finite_groups(max_order=16))
def test_reducible_and_duplicated_sets_are_caught(G):
    rhos = irreps(G)
    assume(len(rhos) >= 2)  # C1: a single irrep, nothing to add or duplicate
    a, b = rhos[0], rhos[-1]
    da, db = a.shape[1], b.shape[1]
    block = np.zeros((G.order, da + db, da + db), dtype=complex)
    block[:, :da, :da], block[:, da:, da:] = a, b
    r = representation_residuals(block, G)
    assert r.homomorphism <= TOL and r.unitarity <= TOL
    assert abs(r.irreducibility - 1.0) <= 1e-9  # ⟨χ, χ⟩ = 2 for a sum of two irreps
    dup = irrep_set_residuals([*rhos, b], G)
    assert dup.count == 1 and dup.dimension == db * db
    assert dup.orthogonality > 0.99  # the repeated irrep is equivalent to itself
