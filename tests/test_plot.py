"""harmonics_jax.plot: each picture draws the data it claims (checked on the arrays handed to
matplotlib and, for the colour map, on rendered pixels), with negative controls that break
the input and see the picture change.  Conventions: CONVENTIONS.md; colours: hue = phase,
brightness = modulus."""

import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax import plot
from harmonics_jax.models import SpectralWeights, random_unitary_matrix
from harmonics_jax.verify import fourier_weights, verify_batched


def haar(key_int, d):
    rng = np.random.default_rng(key_int)
    q, r = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def rotated_fourier(G, seed=0):
    """W_i[g] = A_i ρ_i(g)^† with Haar-random A_i: the Fourier transform up to one fixed
    unitary per block (what training finds), not equal to the irreps entry by entry."""
    dims = [r.shape[-1] for r in hj.irreps(G)]
    return fourier_weights(G, A=[haar(seed + i, d) for i, d in enumerate(dims)])


def images(fig, col_axes):
    return [ax.images[0].get_array() for ax in col_axes]


def rendered(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3] / 255.0


def pixel_at(fig, pixels, ax, x, y):
    """The rendered colour at data coordinates (x, y) of ``ax`` (image column x, row y)."""
    dx, dy = ax.transData.transform((x, y))
    return pixels[int(round(pixels.shape[0] - dy)), int(round(dx))]


# -- colours ------------------------------------------------------------------------------------


def test_phase_is_hue_and_modulus_is_brightness():
    rgb = plot.complex_to_rgb([1, 1j, -1, -1j, 0, 0.5, np.nan], vmax=1.0)
    expected = [[1, 0, 0], [0.5, 1, 0], [0, 1, 1], [0.5, 0, 1], [0, 0, 0], [0.5, 0, 0],
                list(plot.BACKGROUND)]
    np.testing.assert_allclose(rgb, expected, atol=1e-12)
    # Negative controls: conjugation moves the hue (i and −i differ), scaling moves only the
    # brightness, and the default vmax is the largest modulus.
    assert not np.allclose(plot.complex_to_rgb(1j, vmax=1), plot.complex_to_rgb(-1j, vmax=1))
    np.testing.assert_allclose(plot.complex_to_rgb(2j, vmax=4), [0.25, 0.5, 0], atol=1e-12)
    np.testing.assert_allclose(plot.complex_to_rgb([2j, 1]), [[0.5, 1, 0], [0.5, 0, 0]],
                               atol=1e-12)


def test_rendered_pixels_follow_the_colour_map():
    fig = plot.complex_matrix([[1, -1, 1j, 0]], vmax=1)
    ax = fig.axes[0]
    pixels = rendered(fig)
    for col, colour in enumerate([(1, 0, 0), (0, 1, 1), (0.5, 1, 0), (0, 0, 0)]):
        np.testing.assert_allclose(pixel_at(fig, pixels, ax, col, 0), colour, atol=0.02)
    # Negative control: the pixel of −1 is not the colour of +1.
    assert np.abs(pixel_at(fig, pixels, ax, 1, 0) - (1, 0, 0)).max() > 0.5


def test_tiles_sit_where_documented_with_nan_gaps():
    a, b, c = np.full((2, 2), 1), np.full((1, 1), 2j), np.full((2, 1), 3)
    canvas = plot.tile_matrices([a, b, c], cols=2)
    assert canvas.shape == (5, 5)
    np.testing.assert_array_equal(canvas[0:2, 0:2], a)
    assert canvas[0, 3] == 2j and np.isnan(canvas[1, 3])  # b fills 1 × 1 of its 2 × 2 cell
    np.testing.assert_array_equal(canvas[3:5, 0:1], c)
    assert np.isnan(canvas[2]).all() and np.isnan(canvas[:, 2]).all()  # the gaps


def test_bad_colour_and_tile_inputs_are_refused(unchecked):
    with pytest.raises(ValueError, match="vmax must be a positive finite number"):
        unchecked(plot.complex_to_rgb)([1], vmax=0.0)
    with pytest.raises(ValueError, match="mats is empty"):
        unchecked(plot.tile_matrices)([])
    with pytest.raises(ValueError, match="cols must be at least 1"):
        unchecked(plot.tile_matrices)([np.eye(2)], cols=0)


# -- blocks beside the irreps -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["S3", "Q8", "A4"])
def test_fourier_network_read_back_matches_the_true_irreps(name):
    G = hj.named_group(name)
    w = rotated_fourier(G)
    a = plot.aligned_blocks(w, G)
    assert sorted(a.matched) == list(range(len(hj.irreps(G))))
    assert a.residual.max() < 1e-6
    for back, true, learned in zip(a.read_back, a.true, a.learned):
        np.testing.assert_allclose(back, true, atol=1e-6)
        if true.shape[-1] > 1:  # the learned slices are rotated: not the irrep itself
            assert np.abs(learned - np.conj(np.swapaxes(true, -1, -2))).max() > 0.1
    fig = plot.blocks_vs_irreps(w, G)
    k = len(a.learned)
    panels = [ax for ax in fig.axes if ax.images][:3 * k]
    learned, back, true = panels[0::3], panels[1::3], panels[2::3]
    for i in range(k):
        read_rgb, true_rgb = images(fig, [back[i], true[i]])
        np.testing.assert_allclose(read_rgb, true_rgb, atol=1e-5)
        # the learned panel draws W_i itself (brightness relative to its largest entry)
        expect = plot.complex_to_rgb(plot.tile_matrices(a.learned[i][:G.order],
                                                        learned_cols(G.order)))
        np.testing.assert_allclose(np.asarray(learned[i].images[0].get_array()),
                                   _pad_rgb(expect, learned[i]), atol=1e-6)


def learned_cols(m):
    from harmonics_jax.plot._blocks import _grid_cols

    return _grid_cols(m)


def _pad_rgb(rgb, ax):
    want = ax.images[0].get_array().shape
    out = np.ones(want)
    out[:rgb.shape[0], :rgb.shape[1]] = rgb
    return out


def test_a_network_that_is_not_fourier_shows_different_panels():
    G = hj.named_group("S3")
    import jax

    w = SpectralWeights(random_unitary_matrix(jax.random.key(3), G.order), (1, 1, 2))
    a = plot.aligned_blocks(w, G)
    assert a.residual.max() > 0.1
    fig = plot.blocks_vs_irreps(w, G)
    panels = [ax for ax in fig.axes if ax.images]
    read_rgb, true_rgb = images(fig, panels[7:9])  # block 2: read back, true
    assert np.abs(read_rgb - true_rgb).max() > 0.2
    # and one corrupted slice of an exact network is visible at that element only
    exact = list(rotated_fourier(G))
    exact[2] = exact[2].at[4].set(exact[2][4] @ haar(9, 2))
    b = plot.aligned_blocks(tuple(exact), G)
    diff = np.abs(b.read_back[2] - b.true[2]).max(axis=(-2, -1))
    assert diff[4] > 0.1 and np.delete(diff, [0, 4]).max() < 0.5 * diff[4]


def test_a_block_without_an_irrep_of_its_dimension_is_said_so():
    G = hj.named_group("C4")
    w = SpectralWeights(2.0 * haar(0, 4), (2,))  # one 2 × 2 block; C4 has only 1-dim irreps
    a = plot.aligned_blocks(w, G)
    assert a.matched == (-1,) and a.true == (None,) and np.isinf(a.residual[0])
    fig = plot.blocks_vs_irreps(w, G)
    assert any("no irrep of dimension 2" in t.get_text() for ax in fig.axes for t in ax.texts)


def test_elements_pick_the_tiles_and_bad_ones_are_refused(unchecked):
    G = hj.named_group("S4")
    fig = plot.irrep_matrices(G, elements=[0, 5])
    rho = hj.irreps(G)
    np.testing.assert_allclose(fig.axes[4].images[0].get_array(),
                               plot.complex_to_rgb(plot.tile_matrices(rho[4][[0, 5]]), vmax=1))
    default = plot.irrep_matrices(G)  # 24 elements = MAX_ELEMENTS: all of them
    assert "all elements" in default._suptitle.get_text()
    with pytest.raises(ValueError, match=r"elements must be labels 0..23"):
        unchecked(plot.irrep_matrices)(G, elements=[0, 24])
    with pytest.raises(ValueError, match="non-empty list of element labels"):
        unchecked(plot.blocks_vs_irreps)(fourier_weights(G), G, elements=[])
    with pytest.raises(TypeError, match="group must be a FiniteGroup"):
        unchecked(plot.blocks_vs_irreps)(fourier_weights(G), G.table)


# -- tables --------------------------------------------------------------------------------------


def test_cayley_table_draws_the_table_and_marks_wrong_entries(unchecked):
    G = hj.named_group("D4")
    fig = plot.cayley_table(G)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), G.table)
    assert len(fig.axes[0].texts) == 64  # labels at order ≤ LABEL_LIMIT
    wrong = np.array(G.table).copy()
    wrong[1, 2], wrong[3, 3] = 5, 1
    fig = plot.cayley_table(wrong, reference=G)
    marked = {(int(p.get_x() + 0.5), int(p.get_y() + 0.5)) for p in fig.axes[0].patches}
    assert marked == {(2, 1), (3, 3)}  # (column h, row g)
    assert "2 wrong entries" in fig.axes[0].get_title()
    # Negative control: the true table against itself marks nothing.
    assert not plot.cayley_table(G, reference=G).axes[0].patches
    big = plot.cayley_table(hj.named_group("S4"))
    assert not big.axes[0].texts  # no labels past LABEL_LIMIT
    with pytest.raises(ValueError, match="square integer array"):
        unchecked(plot.cayley_table)(np.zeros((3, 4), int))
    with pytest.raises(ValueError, match="same group order"):
        unchecked(plot.cayley_table)(G, reference=hj.named_group("C4"))


def test_character_table_draws_the_characters(unchecked):
    from matplotlib.colors import rgb_to_hsv

    G = hj.named_group("A4")
    ct = hj.character_table(G)
    fig = plot.character_table(G)
    drawn = fig.axes[0].images[0].get_array()
    np.testing.assert_allclose(drawn, plot.complex_to_rgb(ct.values, vmax=3), atol=1e-12)
    # A4's linear characters take the values 1, ω, ω²: the drawn hues are 0, 1/3, 2/3
    # (hue = phase / 2π), at brightness 1/3 (|χ| = 1 against the largest degree 3).
    hsv = rgb_to_hsv(drawn[1:3])
    linear = np.abs(ct.values[1:3]) > 0.5
    phases = np.angle(ct.values[1:3][linear]) / (2 * np.pi) % 1
    np.testing.assert_allclose(hsv[linear][:, 0], phases, atol=1e-6)
    assert {round(3 * p) % 3 for p in phases} == {0, 1, 2}
    np.testing.assert_allclose(hsv[linear][:, 2], 1 / 3, atol=1e-6)
    with pytest.raises(TypeError, match="FiniteGroup or a CharacterTable"):
        unchecked(plot.character_table)(G.table)


# -- training curves and the overview -----------------------------------------------------------


def test_training_curves_draw_each_seed_and_the_fraction_meeting(unchecked):
    steps = np.array([0, 100, 200, 300])
    inv = np.array([[1.0, 1e-2, 1e-4, 1e-5], [1.0, 1e-1, 1e-2, 1e-4], [1.0, 1.0, 1.0, np.nan]])
    uni = np.zeros_like(inv)
    uni[1, 3] = 1.0  # seed 1 ends invariant but not unitary
    loss = np.abs(inv) + 0.5
    fig = plot.training_curves(steps, loss=loss, invariance_defect=inv, unitarity_defect=uni)
    np.testing.assert_allclose(fig.axes[-1].lines[0].get_ydata(), [0, 0, 1 / 3, 1 / 3])
    np.testing.assert_allclose(fig.axes[1].lines[1].get_ydata(), inv[1])  # seed 1 drawn
    assert len(fig.axes[0].lines) == 3 + 1  # three seeds and the median
    # hypotheses_met, when given, is drawn as it is (here: none ever met)
    none = plot.training_curves(steps, loss=loss, invariance_defect=inv, unitarity_defect=uni,
                                hypotheses_met=np.zeros_like(inv, bool))
    np.testing.assert_array_equal(none.axes[-1].lines[0].get_ydata(), 0)
    with pytest.raises(ValueError, match=r"loss must have shape \(seeds, T\) with T = .* 4"):
        unchecked(plot.training_curves)(steps, loss=loss[:, :3])


def test_a_training_history_with_time_last_becomes_the_curves(unchecked):
    from typing import NamedTuple

    class History(NamedTuple):  # the layout of the engine's history: (H, S, T), time last
        step: np.ndarray
        loss: np.ndarray
        invariance_defect: np.ndarray
        unitarity_defect: np.ndarray
        learning_rate: np.ndarray

    rng = np.random.default_rng(0)
    h = History(np.broadcast_to([100, 200, 300], (2, 3, 3)), *rng.random((4, 2, 3, 3)))
    arrays = plot.history_arrays(h)
    np.testing.assert_array_equal(arrays["steps"], [100, 200, 300])
    np.testing.assert_array_equal(arrays["loss"][4], h.loss[1, 1])  # network (h=1, s=1)
    fig = plot.training_curves(**arrays)
    assert [ax.get_title() for ax in fig.axes][3] == "learning rate"
    with pytest.raises(TypeError, match=r"history lacks \['step'"):
        unchecked(plot.history_arrays)(object())


def test_overview_counts_and_draws_one_network_per_group(unchecked):
    G = hj.named_group("D4")
    blocks = rotated_fourier(G)
    w = SpectralWeights.from_blocks(tuple(np.stack([3 * b, b, b]) for b in blocks))
    report = verify_batched(w, G)
    outcome = plot.GroupOutcome.from_report(G, w, report)
    assert outcome.hypotheses_met.tolist() == [False, True, True]
    np.testing.assert_allclose(outcome.example.F, w.F[1])  # the first network meeting them
    C5 = hj.named_group("C5")
    fig = plot.verify_overview([outcome, plot.GroupOutcome(C5, [False] * 4, [False] * 4)])
    widths = [float(b.get_width()) for b in fig.axes[0].patches]
    assert widths == [2 / 3, 1.0]
    assert [float(b.get_width()) for b in fig.axes[2].patches] == [0.0, 0.0]
    canvas = plot.blocks_canvas(plot.aligned_blocks(outcome.example, G))
    drawn = fig.axes[1].images[0].get_array()
    np.testing.assert_allclose(drawn[:, :canvas.shape[1]],
                               plot.complex_to_rgb(canvas, vmax=1), atol=1e-6)
    assert any("no network drawn" in t.get_text() for t in fig.axes[3].texts)
    with pytest.raises(TypeError, match="list of GroupOutcome"):
        unchecked(plot.verify_overview)([])
    with pytest.raises(ValueError, match="batch shape"):
        plot.GroupOutcome.from_report(G, w[:2], report)


def test_figures_save_atomically_and_refuse_unknown_formats(tmp_path, unchecked):
    path = tmp_path / "sub" / "table.png"
    fig = plot.cayley_table(hj.named_group("C3"), path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in path.parent.iterdir()] == ["table.png"]  # no temporary left
    plot.save_figure(fig, tmp_path / "t.svg")
    assert (tmp_path / "t.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match=r"end it in \.png, \.svg or \.pdf"):
        unchecked(plot.save_figure)(fig, tmp_path / "t.jpeg")


def test_blocks_over_training_shows_each_snapshot_converging(unchecked):
    import jax

    G = hj.named_group("S3")
    exact = SpectralWeights.from_blocks(rotated_fourier(G))
    start = random_unitary_matrix(jax.random.key(0), G.order)
    snaps = SpectralWeights(np.stack([np.asarray(start), np.asarray(exact.F)]), exact.block_dims)
    fig = plot.blocks_over_training(snaps, G, steps=[0, 400])
    first, last = fig.axes[0], fig.axes[1]
    assert first.get_title().startswith("step 0") and last.get_title().startswith("step 400")
    np.testing.assert_allclose(last.images[0].get_array(), plot.complex_to_rgb(
        plot.blocks_canvas(plot.aligned_blocks(exact, G)), vmax=1), atol=1e-6)
    residual = [float(ax.get_title().split("residual ")[1]) for ax in (first, last)]
    assert residual[0] > 0.1 and residual[1] < 1e-6  # the random start does not match
    with pytest.raises(ValueError, match="one step per snapshot"):
        unchecked(plot.blocks_over_training)(snaps, G, steps=[0])
    with pytest.raises(TypeError, match="leading time axis"):
        unchecked(plot.blocks_over_training)(exact, G)
