"""Tests of harmonics_jax.verify: every check passes on the exact Fourier weights and every check
fails on a network built to break it (negative controls).  Conventions: CONVENTIONS.md."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax.testing import relabel
from harmonics_jax import verify as hv
from harmonics_jax.verify import _report

GROUPS = ["C6", "S3", "D4", "Q8", "A4"]


# -- helpers --------------------------------------------------------------------------------


def noise(key, weights, eps):
    keys = jax.random.split(key, len(weights))
    return tuple(w + eps * (jax.random.normal(k, w.shape) + 1j * jax.random.normal(
        jax.random.fold_in(k, 1), w.shape)) / np.sqrt(2) for k, w in zip(keys, weights))


def random_matrix(key, d):
    k1, k2 = jax.random.split(key)
    return (jax.random.normal(k1, (d, d)) + 1j * jax.random.normal(k2, (d, d))) / np.sqrt(2)


def random_unitary(key, d):
    q, r = np.linalg.qr(np.asarray(random_matrix(key, d)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def d3_hand_irreps():
    """Hand-made irreps of D(3) (label k + 3f = r^k s^f): trivial, sign, and the 2-dim one
    r ↦ rotation by 2π/3, s ↦ diag(1, −1)."""
    c, s = np.cos(2 * np.pi / 3), np.sin(2 * np.pi / 3)
    rot, refl = np.array([[c, -s], [s, c]]), np.diag([1.0, -1.0])
    two = np.array([np.linalg.matrix_power(rot, k) @ np.linalg.matrix_power(refl, f)
                    for f in range(2) for k in range(3)], dtype=complex)
    sign = np.array([1, 1, 1, -1, -1, -1], dtype=complex).reshape(6, 1, 1)
    return [np.ones((6, 1, 1), complex), sign, two]


BOOLS = ["hypotheses_met", "invariant", "unitary", "surjective", "irreducible",
         "representations_ok", "irreps_equivalent", "each_irrep_once", "span_ok",
         "table_recovered", "indicators_match", "readback_certified", "theorem17_hypothesis",
         "fourier_recovered"]


# -- the exact solution passes everything ---------------------------------------------------
@pytest.mark.parametrize("spec", GROUPS)
def test_fourier_weights_pass_every_check(spec):
    G = hj.named_group(spec)
    r = hv.verify(hv.fourier_weights(G), G)
    for name in BOOLS:
        assert getattr(r, name) is True, name
    n = G.order
    assert r.invariance_defect <= 1e-13 and r.unitarity_defect <= 1e-13
    assert r.surjectivity == pytest.approx(1.0, abs=1e-12)
    assert r.min_singular_value == pytest.approx(1.0, abs=1e-12)
    assert max(r.homomorphism_residual, r.representation_unitarity_residual,
               r.irreducibility_residual, r.equivalence_residual, r.span_residual,
               r.character_distance) <= 1e-12
    assert r.matched_irreps == tuple(range(len(hj.irreps(G))))
    np.testing.assert_array_equal(r.recovered_table, G.table)
    assert r.table_errors == 0
    assert r.normalised_L <= 1e-12
    assert r.separation**2 == pytest.approx(2 * n)
    assert r.min_slice_distance**2 == pytest.approx(2 * n)
    assert r.worst_product_distance <= 1e-12


@pytest.mark.parametrize("spec", ["S3", "A4"])
def test_invertible_A_keeps_invariance_but_breaks_unitarity(spec, key):
    G = hj.named_group(spec)
    dims = hj.irrep_dims(G)
    A = [random_matrix(jax.random.fold_in(key, i), d) for i, d in enumerate(dims)]
    r = hv.verify(hv.fourier_weights(G, A=A), G)
    assert r.invariant and r.invariance_defect <= 1e-12
    assert not r.unitary and r.unitarity_defect > 0.05 and not r.hypotheses_met
    # Theorem 10 alone still recovers the irreps and the table exactly (A cancels).
    assert r.surjective and r.fourier_recovered and r.equivalence_residual <= 1e-10
    U = [random_unitary(jax.random.fold_in(key, 10 + i), d) for i, d in enumerate(dims)]
    ru = hv.verify(hv.fourier_weights(G, A=U), G)
    assert ru.hypotheses_met and ru.fourier_recovered and ru.unitarity_defect <= 1e-12


def test_hand_made_irreps_and_conjugated_irreps(key):
    G = hj.dihedral(3)
    hand = d3_hand_irreps()
    r = hv.verify(hv.fourier_weights(G, hand), G, irreps=hand)
    assert r.hypotheses_met and r.fourier_recovered
    # Weights from a conjugate V ρ V^† of the 2-dim irrep: matched to it, U = V up to a phase.
    V = random_unitary(key, 2)
    conj = hand[:2] + [np.einsum("ab,gbc,dc->gad", V, hand[2], V.conj())]
    w = hv.fourier_weights(G, conj)
    rec = hv.recover_irreps(w, G)
    m = hv.match_irreps(rec.rho, G, irreps=hand)
    assert m.matched.tolist() == [0, 1, 2] and float(m.residual.max()) <= 1e-12
    phase = np.vdot(V, m.intertwiner[2])
    np.testing.assert_allclose(m.intertwiner[2], V * phase / abs(phase), atol=1e-12)
    # The library's irreps are matched to the hand-made ones up to unitary equivalence.
    m_lib = hv.match_irreps(tuple(jnp.asarray(x) for x in hj.irreps(G)), G, irreps=hand)
    assert m_lib.matched.tolist() == [0, 1, 2] and float(m_lib.residual.max()) <= 1e-10


@pytest.mark.parametrize("spec,nus", [("Q8", [1, 1, 1, 1, -1]), ("D4", [1, 1, 1, 1, 1]),
                                      ("C3", [1, 0, 0]), ("A4", [1, 0, 0, 1])])
def test_frobenius_schur_indicators_are_read_back(spec, nus):
    G = hj.named_group(spec)
    # The indicators of the true irreps, ν = (1/n) Σ_g χ(g²): real 1, complex 0, quaternionic −1.
    got = [np.mean(np.trace(r[G.table[np.arange(G.order), np.arange(G.order)]], axis1=1,
                            axis2=2)) for r in hj.irreps(G)]
    np.testing.assert_allclose(got, nus, atol=1e-12)
    r = hv.verify(hv.fourier_weights(G), G)
    assert r.indicators_match and r.frobenius_schur_residual <= 1e-12
    # Negative control: "true" irreps that are real where G's are complex (C4's i^g and
    # (−i)^g replaced by the sign (−1)^g, representations but not a set of inequivalent
    # irreps, which verify refuses: so the kernel is fed directly): the complex blocks are
    # matched to a real irrep, and the indicators differ by 1.
    if spec == "C3":
        C4 = hj.cyclic(4)
        sign = np.array([1, -1, 1, -1], complex).reshape(4, 1, 1)
        fake = tuple(jnp.asarray(x) for x in [np.ones((4, 1, 1), complex), sign, sign, sign])
        with pytest.raises(ValueError, match="not orthogonal"):
            hv.verify(hv.fourier_weights(C4), C4, irreps=fake)
        m = _report._measure_one(hv.fourier_weights(C4), jnp.asarray(C4.table), fake)
        bad = _report._report(m, hv.Tolerances(), None)
        assert not bad.indicators_match and not bad.fourier_recovered
        assert bad.frobenius_schur_residual == pytest.approx(1.0, abs=1e-12)


def test_identity_at_any_label():
    G = relabel(hj.named_group("S3"), [3, 0, 5, 1, 2, 4])
    assert G.identity == 3
    r = hv.verify(hv.fourier_weights(G), G)
    assert r.hypotheses_met and r.fourier_recovered
    np.testing.assert_array_equal(r.recovered_table, G.table)


# -- invariance defect: exact formula -------------------------------------------------------
def test_invariance_defect_matches_monte_carlo(key):
    G = hj.named_group("S3")
    dims = hj.irrep_dims(G)
    w = tuple(jnp.stack([random_matrix(jax.random.fold_in(key, 100 * i + g), d)
                         for g in range(G.order)]) for i, d in enumerate(dims))
    exact = np.asarray(hv.invariance_defect(w, G, per_element=True))
    samples = 40_000
    kx = jax.random.split(jax.random.fold_in(key, 7))
    x = (jax.random.normal(kx[0], (samples, G.order))
         + 1j * jax.random.normal(kx[1], (samples, G.order))) / np.sqrt(2)

    def phi(x):
        outs = []
        for wi in w:
            wx = jnp.einsum("sg,gab->sab", x, wi)
            outs.append(wx @ jnp.conj(jnp.swapaxes(wx, -1, -2)))
        return outs

    base = phi(x)
    denom = sum(jnp.mean(jnp.sum(jnp.abs(b) ** 2, axis=(1, 2))) for b in base)
    for g in range(G.order):
        gx = x[:, G.table[G.inverse[g]]]  # (g·x)(h) = x(g⁻¹h)
        num = sum(jnp.mean(jnp.sum(jnp.abs(a - b) ** 2, axis=(1, 2)))
                  for a, b in zip(phi(gx), base))
        mc = float(jnp.sqrt(num / denom))
        assert mc == pytest.approx(exact[g], rel=0.04, abs=1e-12), g
    assert exact[G.identity] <= 1e-14 and exact.max() > 0.3


def test_invariance_defect_grows_with_perturbation(key):
    G = hj.named_group("D4")
    w = hv.fourier_weights(G)
    defects = [float(hv.invariance_defect(noise(key, w, eps), G)) for eps in [1e-6, 1e-4, 1e-2]]
    assert defects[0] < defects[1] < defects[2]
    ratios = np.array(defects) / np.array([1e-6, 1e-4, 1e-2])
    assert ratios.max() / ratios.min() < 1.1  # linear in the perturbation
    assert 0.5 < ratios[0] < 5


def test_invariance_defect_has_no_cancellation_floor():
    # Evaluated without subtracting expanded traces: round-off-level in single precision too.
    G = hj.named_group("A4")
    w = tuple(x.astype(jnp.complex64) for x in hv.fourier_weights(G))
    assert float(hv.invariance_defect(w, G)) < 2e-6
    assert float(hv.invariance_defect(hv.fourier_weights(G), G)) < 1e-14


# -- unitarity and surjectivity -------------------------------------------------------------
def test_gram_entry_defect_values_and_non_square_error():
    G = hj.named_group("S3")
    w = hv.fourier_weights(G)
    assert float(hv.gram_entry_defect(w)) <= 1e-13
    doubled = tuple(2 * x for x in w)  # F F^† = 4n I  ⇒  L = 3n
    assert float(hv.gram_entry_defect(doubled)) == pytest.approx(3.0)
    assert float(hv.gram_entry_defect(doubled, relative=False)) == pytest.approx(18.0)
    with pytest.raises(ValueError, match=r"6 × 10 .*not square"):
        hv.gram_entry_defect(w + (w[2],))


def test_singular_A_is_flagged_as_not_surjective(key):
    G = hj.named_group("S3")
    A = [None, None, np.array([[1.0, 2.0], [0.5, 1.0]])]  # rank 1
    r = hv.verify(hv.fourier_weights(G, A=A), G)
    assert r.invariant and not r.surjective and not r.hypotheses_met
    assert r.min_singular_value < 1e-12 and r.surjectivity < 1e-12
    assert np.isfinite(r.homomorphism_residual)  # no NaN from the singular W_i[e]
    assert not bool(hv.hypotheses_met(hv.fourier_weights(G, A=A), G))


# -- recovered irreps: negative controls ----------------------------------------------------
def test_two_blocks_from_the_same_irrep():
    G = hj.named_group("S3")
    rho = hj.irreps(G)
    r = hv.verify(hv.fourier_weights(G, [rho[0], rho[0], rho[2]]), G)
    assert r.invariant and r.representations_ok and r.irreps_equivalent  # each block is fine
    assert r.matched_irreps == (0, 0, 2)
    assert not r.each_irrep_once and not r.fourier_recovered
    assert not r.unitary and r.unitarity_defect > 0.1 and not r.hypotheses_met


def test_reducible_block_is_flagged(key):
    G = hj.named_group("S3")
    rho = [np.asarray(x) for x in hj.irreps(G)]
    V = random_unitary(key, 2)
    red = np.zeros((6, 2, 2), complex)
    red[:, 0, 0], red[:, 1, 1] = rho[0][:, 0, 0], rho[1][:, 0, 0]  # trivial ⊕ sign
    red = np.einsum("ab,gbc,dc->gad", V, red, V.conj())
    r = hv.verify(hv.fourier_weights(G, [rho[0], rho[1], red]), G)
    assert r.invariant  # still invariant: any representation gives an invariant network
    assert not r.irreducible and r.irreducibility_residual == pytest.approx(1.0)
    assert not r.surjective  # the map W_i has rank 2 < 4
    assert not r.irreps_equivalent and not r.span_ok and not r.fourier_recovered
    # W_i[e] = V I V^† is invertible: only the map W_i (rank 2 < 4) shows the defect
    margins = np.asarray(hv.surjectivity(hv.fourier_weights(G, [rho[0], rho[1], red]), G))
    assert margins[2] <= 1e-12 and margins[:2].min() == pytest.approx(1.0)


def test_span_fails_for_mixed_isotypic_components():
    G = hj.named_group("C6")
    rho = hj.irreps(G)
    w = list(hv.fourier_weights(G))
    w[1] = w[1] + 0.3 * jnp.conj(jnp.asarray(rho[2]))
    r = hv.verify(tuple(w), G)
    assert not r.span_ok and r.span_residual > 0.25
    assert not r.invariant and not r.fourier_recovered
    spans = np.asarray(hv.span_residual(tuple(w), G))
    assert spans[1] > 0.25 and np.delete(spans, 1).max() < 1e-12


def test_span_is_the_conjugate_coefficients_for_complex_characters():
    # W_i[g] = ρ_i(g)^† has entries conj(ρ_i(g)_kj): for C6 the span of the weights is that
    # of conj(ρ_i), not of ρ_i's own coefficients (they differ when χ is not real).
    G = hj.named_group("C6")
    w = hv.fourier_weights(G)
    chi1 = np.asarray(hj.irreps(G)[1])[:, 0, 0]
    own = np.abs(np.vdot(chi1, np.asarray(w[1])[:, 0, 0])) / G.order
    assert own < 1e-12 and float(hv.span_residual(w, G)[1]) < 1e-12


# -- the table ------------------------------------------------------------------------------
def test_table_is_not_read_back_against_the_transposed_table():
    G = hj.named_group("S3")
    w = hv.fourier_weights(G)
    np.testing.assert_array_equal(np.asarray(hv.recover_table(w, G)), G.table)
    # Composing the raw normalised slices W[g] W[h] gives h·g: the pitfall of CONVENTIONS.
    e = G.identity
    naive = np.zeros_like(G.table)
    slices = np.concatenate([np.asarray(jnp.linalg.solve(x[e], x)).reshape(6, -1)
                             * np.sqrt(x.shape[-1]) for x in w], axis=1)
    for g in range(6):
        for h in range(6):
            prod = np.concatenate([(np.linalg.solve(x[e], x[g]) @ np.linalg.solve(x[e], x[h]))
                                   .ravel() * np.sqrt(x.shape[-1]) for x in map(np.asarray, w)])
            naive[g, h] = np.argmin(np.linalg.norm(slices - prod, axis=1))
    np.testing.assert_array_equal(naive, G.table.T)
    G_op = hj.FiniteGroup.from_cayley_table(G.table.T, name="S3op")
    r = hv.verify(w, G_op)
    assert not r.table_recovered and r.table_errors > 0 and not r.fourier_recovered


def test_relabelled_weights_do_not_recover_the_table():
    G = hj.named_group("S3")
    w = hv.fourier_weights(G)
    perm = np.array([0, 1, 3, 2, 4, 5])  # swaps a 3-cycle and a reflection: not an automorphism
    assert G.element_orders[2] != G.element_orders[3]
    r = hv.verify(tuple(x[perm] for x in w), G)
    assert not r.table_recovered and not r.invariant and not r.fourier_recovered


# -- Theorem 17 -----------------------------------------------------------------------------
def test_readback_certified_implies_recovery(key):
    G = hj.named_group("D4")
    w = hv.fourier_weights(G)
    n = G.order
    seen = []
    for chunk in ([1e-3, 0.05, 0.15, 0.3], [0.5, 0.8, 1.2, 2.0]):  # batch of 4: one compile
        batch = tuple(jnp.stack([noise(jax.random.fold_in(key, int(1e4 * e)), w, e)[b]
                                 for e in chunk]) for b in range(len(w)))
        r = hv.verify_batched(batch, G)
        assert np.all(r.separation <= r.min_slice_distance + 1e-9)
        np.testing.assert_allclose(r.separation**2, np.maximum(2 * n - 4 * r.normalised_L, 0),
                                   rtol=1e-9, atol=1e-9)
        assert np.all(r.table_recovered[r.readback_certified])  # the theorem
        seen += r.readback_certified.tolist()
    assert seen[0] and not seen[-1]
    m = hv.theorem17_margins(tuple(x[-1] for x in batch), G)
    assert float(m.worst_product_distance) == pytest.approx(r.worst_product_distance[-1])
    assert bool(m.condition) == bool(r.readback_certified[-1])


# -- batching, vmap, recompilation ----------------------------------------------------------
def test_batched_matches_single_and_vmap(key):
    G = hj.named_group("D4")
    w = hv.fourier_weights(G)
    nets = [noise(jax.random.fold_in(key, i), w, e) for i, e in enumerate([0.0, 1e-3, 0.3, 1.0])]
    batch = tuple(jnp.stack([net[b] for net in nets]) for b in range(len(w)))
    rb = hv.verify_batched(batch, G)
    for i, net in enumerate(nets):
        rs = hv.verify(net, G)
        for f in dataclasses.fields(rs):
            if f.name == "tolerances":
                continue
            np.testing.assert_allclose(np.asarray(getattr(rb, f.name))[i],
                                       np.asarray(getattr(rs, f.name)), rtol=1e-9, atol=1e-12,
                                       err_msg=f.name)
    vm = jax.vmap(lambda ws: hv.invariance_defect(ws, G))(batch)
    np.testing.assert_allclose(vm, rb.invariance_defect, rtol=1e-12)
    tables = jax.vmap(lambda ws: hv.recover_table(ws, G))(batch)
    np.testing.assert_array_equal(tables, rb.recovered_table)
    met = jax.vmap(lambda ws: hv.hypotheses_met(ws, G))(batch)
    np.testing.assert_array_equal(met, rb.hypotheses_met)


def test_no_recompilation_for_new_weights_or_a_group_of_the_same_shape(key):
    D4, Q8 = hj.named_group("D4"), hj.named_group("Q8")
    w = hv.fourier_weights(D4)
    batch = tuple(jnp.stack([x, x, x, x]) for x in w)
    hv.verify_batched(batch, D4)
    size = hv.trace_counts()["verify_batched"]
    hv.verify_batched(noise(key, batch, 0.1), D4)
    rq = hv.verify_batched(tuple(jnp.stack([x] * 4) for x in hv.fourier_weights(Q8)), Q8)
    assert hv.trace_counts()["verify_batched"] == size
    assert rq.fourier_recovered.all()
    tight = hv.verify_batched(batch, D4, tolerances=hv.Tolerances(invariance=0.0))
    assert hv.trace_counts()["verify_batched"] == size and tight.table_recovered.all()
    # The same networks as a SpectralWeights with two batch axes: fields keep both axes.
    grid = hj.SpectralWeights.from_blocks(tuple(x.reshape(2, 2, *x.shape[1:]) for x in batch))
    rg = hv.verify_batched(grid, D4)
    assert rg.fourier_recovered.shape == (2, 2) and rg.recovered_table.shape == (2, 2, 8, 8)
    assert hv.trace_counts()["verify_batched"] == size  # 4 networks, as before
    # Control: another number of networks does recompile.
    hv.verify_batched(grid[0], D4)
    assert hv.trace_counts()["verify_batched"] == size + 1


# -- bad input ------------------------------------------------------------------------------
def test_bad_input_raises_clear_errors(unchecked):
    G = hj.named_group("S3")
    w = hv.fourier_weights(G)
    with pytest.raises(ValueError, match="group has order 6"):
        hv.verify(hv.fourier_weights(hj.named_group("D4")), G)
    with pytest.raises(ValueError, match=r"weights\[1\] has leading shape"):
        hv.verify((w[0], w[1][:5], w[2]), G)
    with pytest.raises(ValueError, match="square"):
        hv.verify((w[0], jnp.zeros((6, 2, 3)), w[2]), G)
    with pytest.raises(ValueError, match=r"with a batch axis"):
        hv.verify_batched(w, G)
    with pytest.raises(ValueError, match="empty"):
        hv.verify((), G)
    with pytest.raises(TypeError, match="tuple of arrays"):
        unchecked(hv.verify)(w[2], G)
    with pytest.raises(TypeError, match="FiniteGroup"):
        unchecked(hv.verify)(w, G.table)
    with pytest.raises(TypeError, match="Tolerances"):
        unchecked(hv.verify)(w, G, tolerances={"invariance": 1e-3})
    rho = [np.asarray(x) for x in hj.irreps(G)]
    broken = rho[2].copy()
    broken[[1, 2]] = broken[[2, 1]]
    with pytest.raises(ValueError, match=r"irreps\[2\] is not a representation"):
        hv.verify(w, G, irreps=[rho[0], rho[1], broken])
    with pytest.raises(ValueError, match="Σ d² = 2"):
        hv.verify(w, G, irreps=rho[:2])
    with pytest.raises(ValueError, match=r"A\[2\] must have shape \(2, 2\)"):
        hv.fourier_weights(G, A=[None, None, np.eye(3)])


# -- closed forms and the verdict's wiring (each kills a named mutant of tools/mutants.py) ---
def test_verify_reports_closed_form_defects():
    """S3 with t added to the trivial block's identity slice (w = 1 + t at e, 1 elsewhere).
    Invariance: for g ≠ e, rows and columns e and g⁻¹ of w wᴴ change, so the numerator is
    D² = 4(n − 2)t² + 2((1+t)² − 1)², 0 at g = e; the denominator is 2(n − 1 + (1+t)²)² +
    Σ_{i≥1} 2n²d_i; verify reports the max over g (the mean is (n−1)/n of it).  Unitarity:
    (FF^† − nI) has 2t + t² at (e, e) and t at (e, q), so L/n = (2t + t²)/n."""
    G = hj.named_group("S3")
    n, t = G.order, 0.05
    w = list(hv.fourier_weights(G))
    w[0] = w[0].at[G.identity].add(t)
    r = hv.verify(tuple(w), G)
    num = 4 * (n - 2) * t**2 + 2 * ((1 + t) ** 2 - 1) ** 2
    den = 2 * (n - 1 + (1 + t) ** 2) ** 2 + 2 * n**2 * (1 + 2)
    assert r.invariance_defect == pytest.approx(np.sqrt(num / den), rel=1e-9)
    assert r.gram_entry_defect == pytest.approx((2 * t + t**2) / n, rel=1e-9)
    zero = tuple(jnp.zeros_like(x) for x in w)  # 0/0: a zero network is invariant
    assert float(hv.invariance_defect(zero, G)) == 0.0
    # The 2-dim block as A ρ^† with A = diag(2, 1): still exactly invariant (no numerator),
    # but its two denominator terms differ: ‖Σ_k W_kW_k^†‖² = n²‖AA^†‖² = 17n² and
    # ‖Σ_k W_k^†W_k‖² = n²(tr A^†A)²/d = 12.5n² (Schur).
    w[2] = jnp.einsum("ab,gbc->gac", jnp.diag(jnp.array([2.0, 1.0])) + 0j,
                      hv.fourier_weights(G)[2])
    den2 = 2 * (n - 1 + (1 + t) ** 2) ** 2 + 2 * n**2 + n**2 * (17 + 12.5)
    assert float(hv.invariance_defect(tuple(w), G)) == pytest.approx(np.sqrt(num / den2),
                                                                      rel=1e-9)


def test_user_tolerances_change_each_verdict(key):
    """Each Tolerances field moves its own verdict, in verify and verify_batched.  A
    conclusion's tolerance is tested on a network that is not granted its stability bound
    (the invariance tolerance set below its defect, so the hypotheses are not met): with the
    hypotheses met, a residual within its proven bound passes whatever the tolerance."""
    G = hj.named_group("S3")
    w = noise(key, hv.fourier_weights(G), 1e-4)
    r = hv.verify(w, G)
    assert r.invariant and r.unitary and r.fourier_recovered
    ungranted = {"invariance": r.invariance_defect / 2}
    hypotheses = ("invariant", "unitary", "surjective")
    conclusions = ("span_ok", "irreps_equivalent", "representations_ok")
    for name, verdict, value, extra in [
            ("invariance", "invariant", r.invariance_defect / 2, {}),
            ("unitarity", "unitary", r.unitarity_defect / 2, {}),
            ("surjectivity", "surjective", 1.5, {}),
            ("span", "span_ok", r.span_residual / 2, ungranted),
            ("equivalence", "irreps_equivalent", r.equivalence_residual / 2, ungranted),
            ("representation", "representations_ok", r.homomorphism_residual / 2, ungranted)]:
        tol = hv.Tolerances(**{name: value}, **extra)
        single = hv.verify(w, G, tolerances=tol)
        batched = hv.verify_batched(tuple(x[None] for x in w), G, tolerances=tol)
        assert getattr(single, verdict) is False and not getattr(batched, verdict)[0], name
        group = hypotheses if verdict in hypotheses else conclusions
        others = [v for v in group if v != verdict]
        assert all(getattr(single, v) for v in others), (name, single)
        if extra:  # the same tolerance with the hypotheses met: the bound grants it
            granted = hv.verify(w, G, tolerances=hv.Tolerances(**{name: value}))
            assert getattr(granted, verdict) and not granted.counterexample, name


def test_every_conclusion_enters_fourier_recovered_and_every_hypothesis_hypotheses_met():
    """The verdict's wiring on a measurement of the exact weights with one number spoiled."""
    G = hj.named_group("S3")
    w = hv.fourier_weights(G)
    m = _report._measure_one(w, jnp.asarray(G.table), tuple(jnp.asarray(x) for x in
                                                              hj.irreps(G)))
    tol = hv.Tolerances()
    r = _report._report(dict(m), tol, None)
    assert r.fourier_recovered and not r.counterexample
    residuals = ("homomorphism", "representation_unitarity", "irreducibility", "equivalence",
                 "span")
    spoil = {**{f"{x}_residual": 1.0 for x in residuals}, "each_irrep_once": False,
             "table_errors": 1}
    for field, value in spoil.items():
        beyond = {field.replace("_residual", "_beyond_bound"): jnp.asarray(value)} \
            if field.endswith("_residual") else {}
        r = _report._report({**m, field: jnp.asarray(value), **beyond}, tol, None)
        assert r.hypotheses_met and not r.fourier_recovered, field
        # a missed conclusion is a counterexample; a wrong table only under Theorem 17's
        # hypothesis (which the exact weights meet)
        assert r.counterexample, field
        if field.endswith("_residual"):
            # within its proven bound (beyond_bound 0) a residual above the tolerance passes,
            # but only for a network meeting the hypotheses
            r = _report._report({**m, field: jnp.asarray(value)}, tol, None)
            assert r.fourier_recovered and not r.counterexample, field
            r = _report._report({**m, field: jnp.asarray(value), "surjectivity": jnp.asarray(0.0)},
                                tol, None)
            assert not r.hypotheses_met and not r.fourier_recovered, field
            assert not r.counterexample, field
    r = _report._report({**m, "table_errors": jnp.asarray(1),
                         "theorem17_hypothesis": jnp.asarray(False)}, tol, None)
    assert not r.fourier_recovered and not r.counterexample  # no theorem promises the table
    for field, value in {"invariance_defect": 1.0, "unitarity_defect": 1.0,
                         "surjectivity": 0.0}.items():
        r = _report._report({**m, field: jnp.asarray(value)}, tol, None)
        assert not r.hypotheses_met and r.fourier_recovered, field


def test_verify_judges_unitarity_in_operator_norm():
    """S3 with the trivial block scaled by √1.005: F^†F/n has eigenvalue 1.005 on the trivial
    column (orthogonal to the others), so ‖F^†F/n − I‖₂ = 0.005 > 1e-3, while FF^† − nI is
    0.005 in every entry and L/n = 0.005/6 = 8.3e-4 ≤ 1e-3 (the entrywise judgement passes
    it).  verify must judge the operator norm."""
    G = hj.named_group("S3")
    w = list(hv.fourier_weights(G))
    w[0] = w[0] * np.sqrt(1.005)
    r = hv.verify(tuple(w), G)
    assert r.unitarity_defect == pytest.approx(0.005, rel=1e-6)
    assert r.gram_entry_defect == pytest.approx(0.005 / 6, rel=1e-6)
    assert not r.unitary and not r.hypotheses_met and r.invariant and r.surjective
    assert hv.verify(tuple(w), G, tolerances=hv.Tolerances(unitarity=0.01)).hypotheses_met


def test_a_residual_within_its_bound_is_no_counterexample():
    """The per-block judgement on S3 (block dims 1, 1, 2) with hand-set residuals and bounds:
    a residual above the tolerance but within a valid bound is not counted; a block without
    a bound (inf), or with a bound at or above the residual's largest possible value (2 for
    equivalence: it says nothing), must meet the tolerance."""
    from types import SimpleNamespace

    G = hj.named_group("S3")
    w = hv.fourier_weights(G)
    ctx = _report._Context(w, jnp.asarray(G.table), tuple(jnp.asarray(x) for x in hj.irreps(G)))

    def judged(res, bnd):
        ctx.__dict__["stability"] = SimpleNamespace(
            residuals=SimpleNamespace(equivalence=jnp.asarray(res)),
            bounds=SimpleNamespace(equivalence=jnp.asarray(bnd)))
        return float(ctx.beyond_bound("equivalence")), float(ctx.bound("equivalence"))

    # block 0 within its bound, block 1 without one, block 2's bound vacuous (2.5 ≥ 2)
    assert judged([0.02, 0.001, 0.5], [0.05, np.inf, 2.5]) == (0.5, np.inf)
    assert judged([0.02, 0.001, 0.001], [0.05, np.inf, 2.5]) == (0.001, 0.05)
    assert judged([0.02, 0.0, 0.0], [0.05, np.inf, 1.5]) == (0.0, 0.05)


def test_blocks_in_another_order_are_each_irrep_once():
    G = hj.named_group("S3")
    rho = hj.irreps(G)
    r = hv.verify(hv.fourier_weights(G, [rho[1], rho[0], rho[2]]), G)
    assert r.matched_irreps == (1, 0, 2) and r.each_irrep_once and r.fourier_recovered


def test_a_larger_block_first_keeps_every_per_block_result_in_block_order():
    """S3's 2-dim irrep as block 0, before the two 1-dim ones: the kernels run one vmap per
    block dimension (dimension order 1, 1, 2), and every per-block result must come back in
    the caller's block order (2, 0, 1), not in dimension order.  The span residual of a
    rank-deficient A on the 2-dim block shows up at index 0, where that block is."""
    G = hj.named_group("S3")
    rho = hj.irreps(G)
    r = hv.verify(hv.fourier_weights(G, [rho[2], rho[0], rho[1]]), G)
    assert r.matched_irreps == (2, 0, 1) and r.each_irrep_once and r.fourier_recovered
    A = [np.array([[1.0, 2.0], [0.5, 1.0]]), None, None]
    spans = np.asarray(hv.span_residual(hv.fourier_weights(G, [rho[2], rho[0], rho[1]], A=A),
                                        G))
    assert spans[0] == 1.0 and spans[1:].max() < 1e-12


def _nearest_products(rho, n, cross=2.0):
    """Brute force: table[a, b] = argmin_l Σ_i d_i (‖ρ_i(l)‖² − cross·Re⟨ρ_i(l), ρ_i(a)ρ_i(b)⟩),
    i.e. argmin_l Σ_i d_i ‖ρ_i(a)ρ_i(b) − ρ_i(l)‖² for cross = 2."""
    out = np.zeros((n, n), dtype=int)
    for a in range(n):
        for b in range(n):
            score = [sum(r.shape[-1] * (np.sum(np.abs(r[l]) ** 2)
                                         - cross * np.real(np.vdot(r[l], r[a] @ r[b])))
                         for r in rho) for l in range(n)]
            out[a, b] = int(np.argmin(score))
    return out


def test_table_is_the_nearest_product_when_slices_have_unequal_norms():
    """S3's Fourier weights with every slice of every block scaled by its own factor in
    [0.3, 1.7]: the read-back slices no longer have equal norms, so the ‖ρ(l)‖² term of
    ‖P − ρ(l)‖² = ‖P‖² + ‖ρ(l)‖² − 2 Re⟨ρ(l), P⟩ matters.  recover_table must equal the brute
    force nearest product (which here is still the true table); the control shows this input
    tells the cross term's factor apart (halving it misreads some entries)."""
    G = hj.named_group("S3")
    rng = np.random.default_rng(4)
    w = tuple(jnp.asarray(np.asarray(x) * rng.uniform(0.3, 1.7, size=(x.shape[0], 1, 1)),
                          jnp.complex64) for x in hv.fourier_weights(G))
    rho = [np.asarray(r) for r in hv.recover_irreps(w, G).rho]
    table = np.asarray(hv.recover_table(w, G))
    nearest = _nearest_products(rho, G.order)
    np.testing.assert_array_equal(table, nearest)
    np.testing.assert_array_equal(table, G.table)
    assert (_nearest_products(rho, G.order, cross=1.0) != nearest).any()  # the control


def test_rank_deficient_block_inside_the_isotypic_subspace_fails_span():
    """A rank-1 A on S3's 2-dim block: the weights' columns lie inside the isotypic subspace
    but span only 2 of its 4 dimensions, so the span conclusion fails (residual 1)."""
    G = hj.named_group("S3")
    A = [None, None, np.array([[1.0, 2.0], [0.5, 1.0]])]
    spans = np.asarray(hv.span_residual(hv.fourier_weights(G, A=A), G))
    assert spans[2] == 1.0 and spans[:2].max() < 1e-12
    loose = hv.Tolerances(unitarity=100.0)  # unitarity waved through: surjectivity decides
    assert not bool(hv.hypotheses_met(hv.fourier_weights(G, A=A), G, loose))
    assert bool(hv.hypotheses_met(hv.fourier_weights(G), G, loose))


def test_readback_certificate_closed_form():
    """C2 with 1 added to the trivial block's identity slice: normalised, that block is
    (1, a = 1/2), so L̂ = 1 − a² = 3/4, separation √(2n − 4L̂) = 1 and the worst product
    distance |a² − 1| = 3/4, which lies between separation/2 and separation: the
    certificate fails (a doubled constant would pass it); the table is still read back."""
    G = hj.named_group("C2")
    w = list(hv.fourier_weights(G))
    w[0] = w[0].at[G.identity].add(1.0)
    m = hv.theorem17_margins(tuple(w), G)
    assert float(m.normalised_L) == pytest.approx(0.75, rel=1e-12)
    assert float(m.separation) == pytest.approx(1.0, rel=1e-12)
    assert float(m.worst_product_distance) == pytest.approx(0.75, rel=1e-12)
    assert not bool(m.condition)
    np.testing.assert_array_equal(np.asarray(hv.recover_table(tuple(w), G)), G.table)
