r"""Each hypothesis of Corollary 11 matters: drop one and invariant networks exist that are not
the Fourier transform.  Shown on random groups, with the bounds proven in the docstrings and
checked to round-off.

(a) Without unitarity (F^†F = n·I): constant or rank-collapsed weights are exactly invariant,
    yet read back nothing, and their unitarity defect is bounded away from zero.
(b) With the wrong block dimensions (n blocks of size 1×1 on a non-abelian group) invariance
    and unitarity cannot both hold: every invariant 1×1 block is a multiple of a linear
    character, so F has rank ≤ #linear characters < n and L/n ≥ 1/2, a bound attained.
(c) With a duplicated irrep each block still satisfies Theorem 10, but F^†F/n has the
    eigenvalues 0 and 2, so unitarity fails by a computable amount.

Notation as in CONVENTIONS.md: F[g, (i, j, k)] = √d_i W_i[g]_{jk}, L = max |F F^† − n·I|.
Verification is batched over ``SEEDS`` networks of one shape (see test_theorem_forward.py).
"""

import numpy as np
from hypothesis import example, given, settings

import harmonics_jax as hj
from harmonics_jax import verify as hv
from harmonics_jax.models import SpectralWeights
from harmonics_jax.testing.strategies import finite_groups

from .test_theorem_forward import (
    A4_MOVED,
    EXACT,
    HALF,
    HEAVY,
    Q8,
    S3_MOVED,
    SEEDS,
    complex_gaussian,
    fourier_like,
    groups,
    haar_unitary,
    seeds,
    stack,
    unitarity_lower_bound,
    with_singular_values,
)

LIGHT = settings(max_examples=max(4, settings.default.max_examples // 4))


# -- (a) unitarity --------------------------------------------------------------------------
@HEAVY
@given(groups, seeds)
@example(Q8, 0)
@example(A4_MOVED, 1)
@example(S3_MOVED, 2)
def test_without_unitarity_invariant_networks_recover_nothing(G, seed):
    r"""Networks 0–7 (and 8–15 on abelian groups): every block built from the trivial
    representation, W_i[g] = B_i for all g (B_i complex Gaussian, the irreps' dimensions).
    Exactly invariant, since W_i(g·x) = Σ_k x(k) B_i = W_i(x).  They recover nothing: all
    slices are equal, so every read-back ρ_i is constant and the read-back table is constant
    (n² − n wrong entries, n ≥ 2); Theorem 17 does not certify them.  The unitarity defect
    is L/n ≥ 1/2: every entry of F F^† equals c = Σ_i d_i ‖B_i‖²_F, so L = max(|c − n|, |c|)
    ≥ n/2.  On an abelian group every other hypothesis of Theorem 10 holds (1×1 blocks ≠ 0
    are onto ℂ) and so does its conclusion (every block is the trivial irrep): only unitarity
    separates these networks from the Fourier transform.  On a non-abelian group the blocks
    with d ≥ 2 are trivial ⊕ … ⊕ trivial, reducible, hence not surjective.

    Networks 8–15 on non-abelian groups: W_i[g] = A_i ρ_i(g)^† with rank(A_i) = 1 for every
    block of dimension ≥ 2 (1-dim blocks Haar phases): invariant, not surjective, unitarity
    defect at least the Schur bound of test_theorem_forward, not recovered."""
    rng = np.random.default_rng(seed)
    rhos = [np.asarray(x) for x in hj.irreps(G)]
    dims = [r.shape[1] for r in rhos]
    n = G.order
    nets, collapsed = [], []
    for s in range(SEEDS):
        if s < HALF or G.is_abelian:
            nets.append([np.broadcast_to(complex_gaussian(rng, d, d), (n, d, d)) for d in dims])
            collapsed.append(None)
        else:
            A = [with_singular_values(rng, np.r_[np.exp(rng.uniform(-0.7, 0.7)), np.zeros(d - 1)])
                 if d >= 2 else haar_unitary(rng, 1) for d in dims]
            nets.append(fourier_like(rhos, A))
            collapsed.append(A)
    r = hv.verify_batched(stack(nets), G)

    for s, A in enumerate(collapsed):
        assert r.invariance_defect[s] <= EXACT, s
        assert not r.unitary[s] and not r.fourier_recovered[s]
        if A is not None:
            assert not r.surjective[s] and r.surjectivity[s] <= 1e-12
            assert r.unitarity_defect[s] >= unitarity_lower_bound(A, n) * (1 - 1e-9)
            continue
        assert r.unitarity_defect[s] >= 0.5 * (1 - 1e-12), r.unitarity_defect[s]
        assert np.unique(r.recovered_table[s]).size == 1
        assert r.table_errors[s] == n * n - n
        assert not r.each_irrep_once[s] and not r.readback_certified[s]
        if G.is_abelian:
            assert r.invariant[s] and r.surjective[s] and r.representations_ok[s]
            assert np.all(r.matched_irreps[s] == 0)  # every block is the trivial irrep
        else:
            assert not r.surjective[s] and not r.irreducible[s]


# -- (b) block dimensions -------------------------------------------------------------------
def commutator_subgroup(G):
    """G' = ⟨ghg⁻¹h⁻¹⟩ as a sorted array of labels, from the table alone."""
    t, inv = np.asarray(G.table), np.asarray(G.inverse)
    gens = {int(t[t[g, h], t[inv[g], inv[h]]]) for g in range(G.order) for h in range(G.order)}
    sub = set(gens)
    while True:
        grown = sub | {int(t[a, b]) for a in sub for b in gens}
        if grown == sub:
            return np.array(sorted(sub))
        sub = grown


def scalar_invariant_blocks(G, rng):
    r"""Every invariant 1×1 block, up to scale, found from the table alone.

    A 1×1 block w ∈ ℂⁿ gives φ(x) = |Σ_k x(k) w(k)|², and φ(g·x) = |Σ_k x(k) w(gk)|²; so φ
    is invariant iff P_g w = c(g) w with |c(g)| = 1 for all g, where (P_g w)(k) = w(gk): w is a
    common eigenvector of the translations.  A common eigenvector is an eigenvector of
    M = Σ_g a_g P_g for any a, and for generic a the eigenvalues of M on the 1-dim invariant
    subspaces are simple, so the eigenvectors of one generic M that are common eigenvectors
    are all of them.  Returns (vectors with ‖w‖² = n as rows, their eigenvalues c(g))."""
    n = G.order
    P = np.eye(n)[np.asarray(G.table)]  # P[g] @ w = w[table[g]]
    M = np.einsum("g,gkl->kl", complex_gaussian(rng, n), P)
    _, vecs = np.linalg.eig(M)
    found, chars = [], []
    for v in vecs.T:
        v = v / np.linalg.norm(v) * np.sqrt(n)
        c = np.einsum("k,gkl,l->g", v.conj(), P, v) / n
        if np.max(np.abs(P @ v - c[:, None] * v)) <= 1e-8 * np.sqrt(n):
            found.append(v)
            chars.append(c)
    return np.array(found), np.array(chars)


def scalar_network(vectors, coeffs, assign):
    """n blocks of size 1×1: block i is coeffs[i] · vectors[assign[i]]."""
    return tuple((c * vectors[a])[:, None, None] for c, a in zip(coeffs, assign))


@LIGHT
@given(finite_groups(max_order=24, abelian=False), seeds)
@example(hj.dihedral(3), 0)
@example(S3_MOVED, 1)
def test_scalar_blocks_of_a_nonabelian_group_cannot_be_unitary(G, seed):
    r"""With n blocks of size 1×1 (Σ d_i² = n, F square) on a non-abelian group, invariance
    and unitarity cannot both hold; the best unitarity defect is exactly L/n = 1/2.

    Proof, each step checked below.  (1) An invariant 1×1 block satisfies w(gk) = c(g) w(k),
    so w = w(e)·c with c a homomorphism G → U(1), a linear character (see
    :func:`scalar_invariant_blocks`); (2) c is 1 on the commutator subgroup G', so every
    invariant block lies in the space of G'-invariant functions, of dimension r = n/|G'|,
    the number of linear characters, and r < n because G' ≠ {e}; (3) hence rank F ≤ r < n
    and F^†F ≠ n·I; quantitatively, with w_i = a_i c_i and B = Σ_i |a_i|², the entry of
    F F^† at (z, e) for z ∈ G' \ {e} is Σ_i |a_i|² c_i(z) = B and the diagonal is B, so
    L ≥ max(B, |B − n|) ≥ n/2; (4) equality: |a_i|² = 1/2 with every linear character used by
    n/r blocks gives F F^† = (n/2)·1[pq⁻¹ ∈ G'] (orthogonality on G/G'), so L = n/2.  That
    network meets Theorem 10's hypotheses (invariant, each block onto ℂ) but not
    Corollary 11's."""
    rng = np.random.default_rng(seed)
    n = G.order
    comm = commutator_subgroup(G)
    r_expected = n // comm.size
    n_linear = sum(1 for x in hj.irreps(G) if x.shape[1] == 1)
    assert comm.size > 1 and r_expected == n_linear < n

    vectors, chars = scalar_invariant_blocks(G, rng)
    assert len(vectors) == r_expected  # (1): exactly r invariant lines
    t = np.asarray(G.table)
    for c in chars:
        assert np.max(np.abs(np.abs(c) - 1)) <= 1e-10  # unimodular ...
        assert np.max(np.abs(c[:, None] * c[None, :] - c[t])) <= 1e-10  # ... homomorphism
        assert np.max(np.abs(c[comm] - 1)) <= 1e-10  # (2) trivial on G'
    fixed = np.mean(np.eye(n)[t[comm]], axis=0)  # projector onto the G'-invariant functions
    assert np.isclose(np.trace(fixed), r_expected)
    assert np.max(np.abs(vectors @ fixed.T - vectors)) <= 1e-10

    # (3) a random invariant network with n scalar blocks: rank F ≤ r, L/n ≥ 1/2
    coeffs = complex_gaussian(rng, n) * np.exp(rng.uniform(-1, 1, n))
    net = scalar_network(vectors, coeffs, rng.integers(len(vectors), size=n))
    assert float(hv.invariance_defect(net, G)) <= EXACT
    sv = np.linalg.svd(np.asarray(SpectralWeights.from_blocks(net).F), compute_uv=False)
    assert np.sum(sv > 1e-10 * sv[0]) <= r_expected
    assert float(hv.gram_entry_defect(net)) >= 0.5 * (1 - 1e-12)

    # (4) the bound is attained
    phases = np.exp(2j * np.pi * rng.random(n))
    best = scalar_network(vectors, phases / np.sqrt(2), np.arange(n) % r_expected)
    assert float(hv.invariance_defect(best, G)) <= EXACT
    assert abs(float(hv.gram_entry_defect(best)) - 0.5) <= 1e-12
    assert np.min(np.asarray(hv.surjectivity(best, G))) >= 1 - 1e-12


@LIGHT
@given(finite_groups(max_order=24, abelian=True), seeds)
def test_scalar_block_bound_needs_a_nonabelian_group(G, seed):
    """Negative control for (b): on an abelian group the same construction finds n invariant
    1×1 blocks (the characters), and the network of all of them with unit weights is
    unitary (L = 0), so the lower bound L/n ≥ 1/2 above is a property of non-abelian groups,
    not of the construction."""
    rng = np.random.default_rng(seed)
    n = G.order
    vectors, _ = scalar_invariant_blocks(G, rng)
    assert len(vectors) == n and commutator_subgroup(G).size == 1
    net = scalar_network(vectors, np.exp(2j * np.pi * rng.random(n)), np.arange(n))
    assert float(hv.gram_entry_defect(net)) <= EXACT


# -- (c) a duplicated irrep -----------------------------------------------------------------
def gram_spectrum(net):
    """Eigenvalues of F^†F / n, ascending."""
    F = np.asarray(SpectralWeights.from_blocks(net).F)
    return np.linalg.eigvalsh(F.conj().T @ F / F.shape[0])


@HEAVY
@given(groups, seeds)
@example(Q8, 2)
@example(A4_MOVED, 3)
@example(S3_MOVED, 4)
def test_duplicated_irrep_breaks_unitarity(G, seed):
    r"""Blocks ρ_1, …, ρ_k with ρ_j replaced by a copy of ρ_i (d_i = d_j = d, i ≠ j), A_i
    Haar-unitary.  Theorem 10 holds block by block (invariant, surjective, each recovered ρ
    an irrep), but Corollary 11's unitarity fails, and by exactly this much: by Schur
    orthogonality the Gram block of the two copies is n·(U ⊗ I) with U unitary, so F^†F / n
    has eigenvalues 0 and 2 (d² each) and 1 (n − 2d²): ‖F^†F/n − I‖₂ = 1, rank F = n − d²,
    ‖F F^† − n·I‖_F = √2·d·n and hence L/n ≥ √2·d / n.  Verification reports unitarity
    failing, ρ_j missing and ρ_i matched twice.  Negative control: the spectrum of the
    undamaged network is exactly {1}."""
    rng = np.random.default_rng(seed)
    rhos = [np.asarray(x) for x in hj.irreps(G)]
    dims = np.array([r.shape[1] for r in rhos])
    n = G.order
    shared = [d for d in np.unique(dims) if np.sum(dims == d) >= 2]
    assert shared  # the trivial irrep and the characters of G/G' (G ≠ G' up to order 59)
    good = fourier_like(rhos, [haar_unitary(rng, d) for d in dims])
    spec = gram_spectrum(good)
    assert np.max(np.abs(spec - 1)) <= 1e-12  # the control: unitary, nothing duplicated

    nets, dups = [], []
    for _ in range(SEEDS):
        d = int(rng.choice(shared))
        i, j = (int(x) for x in rng.choice(np.flatnonzero(dims == d), size=2, replace=False))
        blocks = list(rhos)
        blocks[j] = rhos[i]
        nets.append(fourier_like(blocks, [haar_unitary(rng, int(e)) for e in dims]))
        dups.append((i, j, d))
    r = hv.verify_batched(stack(nets), G)

    for s, (i, j, d) in enumerate(dups):
        expected = np.repeat([0.0, 1.0, 2.0], [d * d, n - 2 * d * d, d * d])
        np.testing.assert_allclose(gram_spectrum(nets[s]), expected, rtol=0, atol=1e-10)
        assert r.invariance_defect[s] <= EXACT and r.surjective[s] and r.representations_ok[s]
        assert not r.unitary[s] and not r.hypotheses_met[s]
        assert r.unitarity_defect[s] >= np.sqrt(2) * d / n * (1 - 1e-9)
        assert r.matched_irreps[s][j] == i and j not in r.matched_irreps[s]
        assert not r.each_irrep_once[s] and not r.fourier_recovered[s]
