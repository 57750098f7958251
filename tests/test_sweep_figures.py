"""Figures of sweep folders: ``harmonics sweep`` writes DIR/figures/, ``harmonics plot DIR``
redraws them from a finished or interrupted folder (checked chunks only; a damaged chunk is
named, not drawn), ``harmonics verify`` ends with its overview figure, and the progress bar
shows the running count of networks meeting the hypotheses."""

import os
import re
import shutil
import stat
from pathlib import Path

import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax import plot
from harmonics_jax.cli import main
from harmonics_jax.runner import CURVE_NAMES, read_sweep, read_json, run_sweep
from harmonics_jax.training import TrainConfig

PNG = b"\x89PNG\r\n\x1a\n"
# two learning rates × 2 seeds in chunks of 1: two chunks, two settings
SWEEP = ["sweep", "--group", "C3", "--seeds", "2", "--chunk", "1", "--steps", "1600",
         "--lr", "0.05,0.1"]
FIGURES = {"training_curves_0.png", "training_curves_1.png", "blocks_vs_irreps.png",
           "fraction_met.png"}


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished CLI sweep under umask 022, with its progress output (stderr) and stdout."""
    out = tmp_path_factory.mktemp("sweep") / "c3"
    old = os.umask(0o022)
    capture = pytest.MonkeyPatch()
    import io
    import sys

    err, std = io.StringIO(), io.StringIO()
    capture.setattr(sys, "stderr", err)
    capture.setattr(sys, "stdout", std)
    try:
        status = main([*SWEEP, "--out", str(out)])
    finally:
        capture.undo()
        os.umask(old)
    assert status == 0, err.getvalue()
    return out, err.getvalue(), std.getvalue()


@pytest.fixture
def copy(finished, tmp_path) -> Path:
    out = tmp_path / "c3"
    shutil.copytree(finished[0], out)
    return out


def png_names(folder: Path) -> set[str]:
    files = list((folder / "figures").glob("*.png"))
    for f in files:
        assert f.read_bytes()[:8] == PNG and f.stat().st_size > 2000, f
    return {f.name for f in files}


def test_sweep_writes_its_figures_readable_by_others(finished):
    out, _, stdout = finished
    assert png_names(out) == FIGURES
    for f in (out / "figures").iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o644, f
    assert f"wrote 4 figure(s) to {out}/figures/" in stdout
    assert not list((out / "figures").glob(".*"))  # no temporaries left


def test_progress_shows_the_running_met_count(finished):
    out, stderr, _ = finished
    counts = [tuple(map(int, m)) for m in re.findall(r"met (\d+)/(\d+)", stderr)]
    met = sum(r["hypotheses_met"] for r in read_json(out / "summary.json")["runs"])
    assert counts and counts[-1] == (met, 4)
    # it moved per chunk (2 networks each: one seed × two settings), in order
    seen = [c[1] for c in counts]
    assert sorted(set(seen)) == [0, 2, 4] and seen == sorted(seen)


def test_what_is_drawn_is_what_the_chunks_hold(finished):
    out = finished[0]
    folder = read_sweep(out)
    summary = read_json(out / "summary.json")
    # the training history's four curves (runner.CURVE_NAMES), and nothing rejected or missing
    assert sorted(folder.curve_names()) == sorted(CURVE_NAMES)
    assert not folder.rejected and not folder.missing
    curves = folder.stacked("curve_loss")  # (H, S, T)
    assert curves.shape == (2, 2, 16)
    final = [[r["final_loss"] for r in summary["runs"] if r["hparam_index"] == h]
             for h in range(2)]
    np.testing.assert_array_equal(curves[..., -1], np.asarray(final, dtype=curves.dtype))
    outcome = plot.sweep_outcome(out)
    met = folder.stacked("hypotheses_met")
    h, s = np.argwhere(met)[0]
    np.testing.assert_array_equal(np.asarray(outcome.example.F), folder.stacked("F")[h, s])


def test_plot_redraws_a_finished_sweep(copy, capsys):
    shutil.rmtree(copy / "figures")
    assert main(["plot", str(copy)]) == 0
    assert png_names(copy) == FIGURES
    assert "wrote 4 figure(s)" in capsys.readouterr().out


def test_plot_redraws_an_interrupted_sweep(copy, capsys):
    (copy / "chunks" / "chunk_00001.npz").unlink()  # as if stopped after one chunk
    shutil.rmtree(copy / "figures")
    assert main(["plot", str(copy)]) == 0
    assert "1 chunk(s) not written yet" in capsys.readouterr().err
    folder = read_sweep(copy)
    assert list(folder.chunks) == [0] and folder.missing == [1]
    names = png_names(copy)
    assert {"training_curves_0.png", "training_curves_1.png", "fraction_met.png"} <= names


def test_a_sweep_stopped_after_one_chunk_is_drawn(tmp_path, monkeypatch, capsys):
    """Interrupted for real: the second chunk raises; the first is on disk and drawn."""
    from harmonics_jax.runner import _sweep

    real, calls = _sweep._train_and_verify, []

    def stop_after_one(*args, **kw):
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return real(*args, **kw)

    monkeypatch.setattr(_sweep, "_train_and_verify", stop_after_one)
    out = tmp_path / "c3"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(hj.named_group("C3"), out, config=TrainConfig(steps=200, rounds=1,
                  warmup_steps=10), num_seeds=2, chunk_size=1, progress=False)
    assert main(["plot", str(out)]) == 0
    assert png_names(out) >= {"training_curves.png"}
    assert read_sweep(out).missing == [1]


def _edit_weights(p: Path):
    with np.load(p) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["F"] = np.zeros_like(arrays["F"])
    np.savez_compressed(p, **arrays)  # keeps the old record, whose digest no longer fits


def test_a_damaged_chunk_is_named_not_drawn(copy, capsys):
    damaged = copy / "chunks" / "chunk_00000.npz"
    _edit_weights(damaged)
    assert main(["plot", str(copy)]) == 0
    err = capsys.readouterr().err
    assert f"not drawn: {damaged}: " in err and "modified afterwards" in err
    folder = read_sweep(copy)
    assert list(folder.chunks) == [1] and [e.path for e in folder.rejected] == [damaged]
    assert folder.stacked("seeds").tolist() == [1]  # only the good chunk's seed is drawn
    assert damaged.exists()  # plot changes nothing in the sweep itself
    # every chunk damaged: nothing to draw is an error naming the files
    _edit_weights(copy / "chunks" / "chunk_00001.npz")
    assert main(["plot", str(copy)]) == 2
    err = capsys.readouterr().err
    assert "nothing to draw" in err and "chunk_00001.npz" in err


def test_a_folder_that_is_not_a_sweep_is_refused(tmp_path, capsys):
    assert main(["plot", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"harmonics plot: error: {tmp_path} is not a sweep folder: it has no spec.json"
    assert main(["plot", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "C3").mkdir()
    (tmp_path / "C3" / "spec.json").write_text("{}")
    assert main(["plot", str(tmp_path)]) == 2  # a verify folder: points at a group folder
    assert f"e.g. {tmp_path / 'C3'}" in capsys.readouterr().err


def test_verify_ends_with_its_overview_figure(tmp_path, capsys):
    out = tmp_path / "v"
    status = main(["verify", "--groups", "C2,C3", "--seeds", "2", "--chunk", "2", "--steps",
                   "1600", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert f"overview figure {out}/overview.png" in captured.out
    data = (out / "overview.png").read_bytes()
    assert data[:8] == PNG and len(data) > 2000
    assert len(re.findall(r"met \d+/2", captured.err)) >= 2  # one bar per group
    # the figure's data: per group, the verdicts of its checked chunks
    outcome = plot.sweep_outcome(out / "C3")
    assert np.asarray(outcome.hypotheses_met).shape == (1, 2)


def test_curves_of_diverged_networks_say_so():
    """Every network NaN (a divergent learning rate): the panel says so, no empty legend;
    control: finite curves draw their median and no such note."""
    fig = plot.training_curves([100, 200], loss=np.full((2, 2), np.nan))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["no finite positive values"]
    assert ax.get_legend() is None
    fig = plot.training_curves([100, 200], loss=[[1.0, 0.5], [2.0, 0.25]])
    assert not fig.axes[0].texts and fig.axes[0].get_legend() is not None
