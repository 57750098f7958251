"""The reference code's recipe for Figure 3: the step is what we claim it is, the closed form
that predicts its transition agrees with the objective, and the recipe switch runs end to
end."""

import csv
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax.cli import main
from harmonics_jax.experiments import (READ_BACK_LIMIT, PaperRecipe, effective_penalty,
                                       figure3, predicted_transition, shrink_factor,
                                       table_up_to_relabelling, train_paper_recipe,
                                       transition_point)
from harmonics_jax.experiments import paper_recipe_loss, shrunk_objective
from harmonics_jax.models import (SpectralWeights, expected_invariance_loss, invariance_loss,
                                  unitarity_penalty)
from harmonics_jax.verify import fourier_weights, recover_table

# Converges on C3 within a few seconds: the reference recipe with a larger learning rate.
FAST = PaperRecipe(steps=1500, learning_rate=1e-2)


def test_identity_slice_stays_exactly_I_and_the_rest_trains():
    G = hj.named_group("C3")
    F = np.asarray(train_paper_recipe(jax.random.key(1), G, np.array([0.0, 0.5]), 2, FAST))
    e = G.identity
    np.testing.assert_array_equal(F[..., e, :], np.ones_like(F[..., e, :]))  # bitwise
    # negative control: trained like the other slices, W(e) moves
    free = np.asarray(train_paper_recipe(jax.random.key(1), G, np.array([0.0]), 2,
                                         FAST.replace(fix_identity=False)))
    assert np.abs(free[..., e, :] - 1).max() > 1e-2
    # the other slices did move away from their uniform initial values towards characters
    others = np.arange(3) != e
    assert np.allclose(np.abs(F[0][:, others]), 1.0, atol=0.05)


def test_objective_matches_a_hand_computed_value():
    # C2, W(e) = 1 in both blocks, batch of one pair; by hand:
    # W_1(x) = 1 + 0.5i, W_2(x) = 2, W_1(y) = W_2(y) = 2 → loss (1/2)(1.25 − 4)² = 3.78125;
    # 2I − FF^† = [[0, −0.5−i], [−0.5+i, 0.75]] → mean |·|² = 0.765625; η = 10.
    F = jnp.array([[1.0, 1.0], [0.5, -1j]], dtype=jnp.complex128)
    x = jnp.array([[1.0, 1j]], dtype=jnp.complex128)
    y = jnp.array([[2.0, 0.0]], dtype=jnp.complex128)
    assert float(paper_recipe_loss(F, x, y, (1, 1), PaperRecipe())) == pytest.approx(11.4375)
    # negative control: our sums instead of the reference code's means
    ours = PaperRecipe(loss_form="ours", penalty_form="ours")
    assert float(paper_recipe_loss(F, x, y, (1, 1), ours)) == pytest.approx(7.5625 + 10 * 3.0625)


def test_the_reference_penalty_is_unweighted():
    # S3's Fourier transform with W_i[e] = I: the unweighted Gram matrix is Σ_i χ_i(g⁻¹h)
    # (4 on the diagonal, 1 where g⁻¹h is a 3-cycle: 12 of 36 entries) → mean 1/3; the
    # √d-weighted ‖F^†F − nI‖² vanishes there.
    G = hj.named_group("S3")
    F = SpectralWeights.from_blocks(fourier_weights(G)).F
    x = jnp.ones((1, 6), jnp.complex128)
    paper = PaperRecipe(loss_form="ours")
    assert float(paper_recipe_loss(F, x, x, (1, 1, 2), paper)) == pytest.approx(10 / 3)
    assert float(paper_recipe_loss(F, x, x, (1, 1, 2), paper.replace(penalty_form="ours"))) < 1e-20


@pytest.mark.parametrize("change", [{}, {"signal_power": 1.0}, {"loss_form": "ours"},
                                    {"penalty_form": "ours"}, {"penalty": 3.0}])
def test_effective_penalty_is_the_objective_in_our_units(change):
    # The reference objective on an abelian group is a·[Σ_i‖Δφ_i‖² + η_eff‖F^†F − nI‖²]
    # with signals of power p; a = p² (÷ n for the mean loss).
    G, n = hj.named_group("C5"), 5
    recipe = PaperRecipe(**change)
    k1, k2, k3 = jax.random.split(jax.random.key(3), 3)
    F = (jax.random.normal(k1, (n, n)) + 1j * jax.random.normal(k2, (n, n))).astype(
        jnp.complex128)
    x, y = jnp.split(jax.random.normal(k3, (8, n)) + 0j, 2)
    amp = recipe.signal_power ** 0.5
    a = recipe.signal_power ** 2 / (n if recipe.loss_form == "paper" else 1)
    W = SpectralWeights(F, (1,) * n)
    want = a * (invariance_loss(W, x, y) + effective_penalty(recipe, n) * unitarity_penalty(W))
    got = paper_recipe_loss(F, amp * x, amp * y, (1,) * n, recipe)
    assert float(got) == pytest.approx(float(want), rel=1e-10)
    del G


@pytest.mark.parametrize("t, sigma", [(1.0, 0.0), (0.7, 0.4), (0.3, 1.1)])
def test_closed_form_agrees_with_the_expected_loss(t, sigma):
    # The ansatz objective of _fig3_theory against Wick's closed form of the sampled loss.
    G, n, eta = hj.named_group("C6"), 6, 0.4
    F = np.array(SpectralWeights.from_blocks(fourier_weights(G)).F)
    F[np.arange(n) != G.identity] *= t
    W = SpectralWeights(jnp.asarray(F), (1,) * n)
    want = expected_invariance_loss(W, G.table, sigma) + eta * unitarity_penalty(W)
    assert float(shrunk_objective(np.array(t), n, sigma, eta)) == pytest.approx(float(want),
                                                                                rel=1e-9)


def test_pinned_read_back_fails_at_the_identity_entries_below_one_over_sqrt3():
    G = hj.named_group("C5")
    T = np.asarray(G.table)
    for t, ok in ((READ_BACK_LIMIT + 0.02, True), (READ_BACK_LIMIT - 0.02, False)):
        F = np.array(SpectralWeights.from_blocks(fourier_weights(G)).F)
        F[np.arange(5) != G.identity] *= t
        table = np.asarray(recover_table(SpectralWeights(jnp.asarray(F), (1,) * 5), G))
        wrong = table != T
        assert wrong.any() != ok
        if not ok:  # exactly the entries g·g⁻¹ = e with g ≠ e
            expect = (T == G.identity)
            expect[G.identity, G.identity] = False
            np.testing.assert_array_equal(wrong, expect)


def test_predicted_transition_matches_the_paper_and_moves_with_the_penalty():
    p = PaperRecipe()
    c5, c6 = predicted_transition(p, 5), predicted_transition(p, 6)
    assert 0.550 <= c5 <= 0.575 and 0.510 <= c6 <= 0.540  # the paper's plotted ranges
    assert predicted_transition(p.replace(penalty=100.0), 5) > c5 + 0.5
    assert predicted_transition(p.replace(fix_identity=False), 5) is None
    assert shrink_factor(5, 0.0, 0.5) == 1.0
    assert shrink_factor(5, c5 + 0.01, 0.5) < READ_BACK_LIMIT < shrink_factor(5, c5 - 0.01, 0.5)


def test_trained_slices_shrink_to_the_predicted_factor():
    # At σ = 0.5 on C3 the reference objective's minimiser has t* ≈ 0.77; trained networks
    # sit there (the RMS of the non-identity rows of F), not at 1.
    G, sigma = hj.named_group("C3"), 0.5
    recipe = PaperRecipe(steps=3000, learning_rate=3e-3)
    F = np.asarray(train_paper_recipe(jax.random.key(0), G, np.array([sigma]), 4, recipe))
    rms = np.sqrt(np.mean(np.abs(np.delete(F[0], G.identity, axis=1)) ** 2, axis=(1, 2)))
    want = shrink_factor(3, sigma, effective_penalty(recipe, 3))
    assert want < 0.9
    np.testing.assert_allclose(rms, want, atol=0.04)


def test_table_up_to_relabelling():
    G = hj.named_group("C5")
    T = np.asarray(G.table)
    pi = np.array([0, 1, 3, 2, 4])  # swap labels 2 and 3: not an automorphism of C5
    M = np.argsort(pi)[T[pi][:, pi]]
    assert not np.array_equal(M, T)
    bad = T.copy()
    bad[1, 1] = 0
    np.testing.assert_array_equal(table_up_to_relabelling(np.stack([M, T, bad]), T),
                                  [True, True, False])
    with pytest.raises(ValueError, match="max_order"):
        table_up_to_relabelling(np.asarray(hj.named_group("C10").table), hj.named_group("C10").table)


def test_transition_point_edge_cases():
    assert transition_point([0.0, 1.0], [1.0, 1.0]) is None  # never falls below 1/2
    assert transition_point([0.0, 1.0], [0.2, 0.0]) is None  # below already at the start
    got = transition_point([0.3, 0.1, 0.2], [0.0, 1.0, 0.75])  # unsorted input
    assert got == pytest.approx(0.2 + 0.1 / 3, abs=1e-6)


def test_bad_input_is_refused_clearly():
    G = hj.named_group("C3")
    with pytest.raises(ValueError, match="noise_std"):
        train_paper_recipe(jax.random.key(0), G, np.array([-1.0]), 2, FAST)
    with pytest.raises(ValueError, match="runs"):
        train_paper_recipe(jax.random.key(0), G, np.array([0.0]), 0, FAST)
    with pytest.raises(TypeError, match="FiniteGroup"):
        train_paper_recipe(jax.random.key(0), np.eye(3), np.array([0.0]), 1, FAST)
    with pytest.raises(ValueError, match="penalty_form"):
        PaperRecipe(penalty_form="weighted")
    with pytest.raises(ValueError, match="steps"):
        PaperRecipe(steps=0)


def test_figure3_paper_recipe_end_to_end_writes_levels_and_resumes(tmp_path):
    res = figure3(tmp_path, groups=("C3",), runs=2, noise=np.array([0.0, 3.0]),
                  recipes=("paper",), paper=FAST, refine_step=0.0, progress=False)
    rows = list(csv.DictReader(open(tmp_path / "fig3.csv")))
    assert [(r["recipe"], float(r["noise_std"]), int(r["tables_recovered"])) for r in rows] \
        == [("paper", 0.0, 2), ("paper", 3.0, 0)]  # σ = 3 destroys the table: the control
    level = tmp_path / "C3" / FAST.name / "sigma_0.0000.json"
    rec = json.loads(level.read_text())
    assert rec["tables_recovered"] == rec["tables_recovered_up_to_relabelling"] == 2
    assert (tmp_path / "fig3.png").stat().st_size > 1000
    assert res["transitions"][0]["sigma_50"] == pytest.approx(1.5)
    # a rerun reads the levels back instead of training again
    mtime = level.stat().st_mtime_ns
    figure3(tmp_path, groups=("C3",), runs=2, noise=np.array([0.0, 3.0]), recipes=("paper",),
            paper=FAST, refine_step=0.0, progress=False)
    assert level.stat().st_mtime_ns == mtime
    # ... and refuses a folder that holds another recipe's levels
    with pytest.raises(ValueError, match="another recipe"):
        figure3(tmp_path, groups=("C3",), runs=3, noise=np.array([0.0]), recipes=("paper",),
                paper=FAST, refine_step=0.0, progress=False)


def test_cli_recipe_switch(tmp_path, capsys):
    code = main(["reproduce", "fig3", "--recipe", "paper", "--groups", "C2", "--runs", "1",
                 "--noise", "0", "--steps", "300", "--refine-step", "0", "--out",
                 str(tmp_path), "--no-progress"])
    assert code == 0
    out = capsys.readouterr().out
    assert "C2 paper" in out and "ours" not in out.split("wrote")[0]
    assert (tmp_path / "C2" / "paper" / "sigma_0.0000.json").exists()
    assert not (tmp_path / "C2" / "ours").exists()
    assert main(["reproduce", "fig3", "--refine-step", "-1", "--out", str(tmp_path)]) == 2
    assert "--refine-step" in capsys.readouterr().err


def test_ablation_table_writes_csv_and_markdown(tmp_path):
    from harmonics_jax.experiments import figure3_ablation

    rows = (("reference", "—", FAST),
            ("W(e) | trained", "paper → ours", FAST.replace(fix_identity=False, name="free")))
    table = figure3_ablation(tmp_path, groups=("C3",), runs=1, noise=np.array([0.0, 3.0]),
                             rows=rows, refine_step=0.0, progress=False)
    assert [r["C3 σ50"] for r in table] == [1.5, 1.5]
    assert table[0]["C3 predicted"] == pytest.approx(predicted_transition(FAST, 3), abs=1e-4)
    assert table[1]["C3 predicted"] is None  # W(e) trained: no pinned read-back failure
    assert table[0]["C3 η_eff"] == pytest.approx(10 / 12)
    md = (tmp_path / "fig3_ablation.md").read_text()
    assert "| W(e) \\| trained |" in md  # a literal | is escaped, not a new cell
    assert len(list(csv.DictReader(open(tmp_path / "fig3_ablation.csv")))) == 2
