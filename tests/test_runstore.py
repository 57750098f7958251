"""A run folder that cannot lie (issue 10) and runs you can share (issue 9, items 4–5).

Each ``test_repro<k>_…`` is one numbered reproduction of issue 10, made a regression test;
``test_small_…`` are the smaller items of its point 9; ``test_share_…`` and ``test_cli_…``
the run-metadata and command-line items of issue 9.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax.cli import build_parser, main
from harmonics_jax.runner import run_sweep
from harmonics_jax.runner import _store as store_module
from harmonics_jax.runner import _sweep as sweep_module
from harmonics_jax.runner import SweepSpec
from harmonics_jax.training import Hyperparams, TrainConfig
from harmonics_jax.verify import Tolerances, fourier_weights, verify

SMALL = TrainConfig(steps=200, rounds=1, warmup_steps=10)
CLI = ["--steps", "1600", "--chunk", "1", "--no-progress"]  # the "O"


def seeds_of(summary: dict) -> list[int]:
    return [r["seed"] for r in summary["runs"]]


@pytest.fixture(scope="module")
def c4_sweep(tmp_path_factory) -> Path:
    """A finished sweep: C4, 4 seeds in chunks of 1 (tests copy it before changing it)."""
    out = tmp_path_factory.mktemp("ref") / "c4"
    run_sweep(hj.named_group("C4"), out, config=SMALL, num_seeds=4, chunk_size=1, progress=False)
    return out


@pytest.fixture
def c4_copy(c4_sweep, tmp_path) -> Path:
    out = tmp_path / "c4"
    shutil.copytree(c4_sweep, out)
    return out


def resume_c4(out: Path, **kw) -> dict:
    return run_sweep(hj.named_group("C4"), out, config=SMALL, num_seeds=4, chunk_size=1,
                     progress=False, resume=True, **kw)


@pytest.fixture
def no_debug_nans():
    """Training that diverges must be allowed to produce NaN here (the suite turns on
    jax_debug_nans globally, and sweeps compute in a worker thread, which only sees global
    JAX options)."""
    old = jax.config.jax_debug_nans
    jax.config.update("jax_debug_nans", False)
    yield
    jax.config.update("jax_debug_nans", old)


# --- 1. chunks are checked, never trusted ----------------------------------------------------

def test_repro1_chunks_without_a_spec_are_refused(tmp_path):
    """Another group's chunks, spec.json deleted, then a sweep of C4 into the folder:
    refused (main, with D4's chunks: C4 reported 8/8 recovered, training nothing)."""
    out = tmp_path / "x"
    run_sweep(hj.named_group("C2xC2"), out, config=SMALL, num_seeds=2, chunk_size=1,
              progress=False)
    (out / "spec.json").unlink()
    before = {p.name: p.read_bytes() for p in (out / "chunks").iterdir()}
    with pytest.raises(ValueError, match="no spec.json") as err:
        run_sweep(hj.named_group("C4"), out, config=SMALL, num_seeds=2, chunk_size=1,
                  progress=False)
    assert "chunk_00000.npz" in str(err.value)
    assert {p.name: p.read_bytes() for p in (out / "chunks").iterdir()} == before
    assert not (out / "spec.json").exists()


def test_repro1_chunk_copied_from_another_sweep_is_named_and_never_adopted(c4_copy, tmp_path):
    """Main: chunk 0 of another sweep (seeds 0 and 1) copied over chunk 3 gave 5 records
    for 4 seeds (0 and 1 twice, 3 missing) and complete: true."""
    other = tmp_path / "other"
    run_sweep(hj.named_group("C4"), other, config=SMALL, num_seeds=4, chunk_size=2, progress=False)
    target = c4_copy / "chunks" / "chunk_00003.npz"
    original = np.load(target)["F"]
    shutil.copy(other / "chunks" / "chunk_00000.npz", target)
    with pytest.raises(ValueError, match="different sweep") as err:
        resume_c4(c4_copy)
    assert str(target) in str(err.value) and "--repair" in str(err.value)
    # --repair: the foreign file is moved aside (with the reason) and chunk 3 recomputed
    done = resume_c4(c4_copy, repair=True)
    assert done["complete"] and seeds_of(done) == [0, 1, 2, 3]
    np.testing.assert_array_equal(np.load(target)["F"], original)  # same seed, same network
    rejected = list((c4_copy / "rejected").glob("chunk_00003.*.npz"))
    assert len(rejected) == 1
    assert rejected[0].read_bytes() == (other / "chunks" / "chunk_00000.npz").read_bytes()
    assert "chunk_00003.npz" in (c4_copy / "rejected" / "log.txt").read_text()


@pytest.mark.parametrize("source,name,reason", [
    ("chunk_00000.npz", "chunk_00003.npz", "not chunk 3"),       # moved within the sweep
    ("chunk_00000.npz", "chunk_00009.npz", "not a chunk file of this sweep"),  # beyond it
    ("chunk_00000.npz", "chunk_0.npz", "not a chunk file of this sweep"),  # not our name
])
def test_repro1_chunk_moved_to_another_index_is_named(c4_copy, source, name, reason):
    shutil.copy(c4_copy / "chunks" / source, c4_copy / "chunks" / name)
    with pytest.raises(ValueError, match=reason) as err:
        resume_c4(c4_copy)
    assert str(c4_copy / "chunks" / name) in str(err.value)


# --- 2. spec.json round-trips exactly ----------------------------------------------------

def test_repro2_sweep_with_blocks_can_be_resumed(tmp_path):
    """Main: block_dims saved as a tuple read back as a list: 'a different sweep'."""
    g = hj.named_group("D4")
    blocks = TrainConfig(steps=200, rounds=1, warmup_steps=10, block_dims=(1, 1, 1, 1, 2))
    out = tmp_path / "b"
    run_sweep(g, out, config=blocks, num_seeds=2, chunk_size=1, progress=False)
    again = run_sweep(g, out, config=blocks, num_seeds=2, chunk_size=1, progress=False,
                      resume=True)
    assert again["complete"] and seeds_of(again) == [0, 1]
    # negative control: other blocks are another sweep, and the message says which field
    other = TrainConfig(steps=200, rounds=1, warmup_steps=10, block_dims=(2, 2))
    with pytest.raises(ValueError, match=r"block_dims: \[1, 1, 1, 1, 2\] → \[2, 2\]"):
        run_sweep(g, out, config=other, num_seeds=2, chunk_size=1, progress=False,
                  resume=True)


@pytest.mark.parametrize("field,value", [
    ("block_dims", (1, 1, 1, 1, 2)),                         # tuple
    ("hparams", {"learning_rate": (0.1, 1 / 3), "noise_std": (0.0, 1e-300)}),  # floats
    ("config", {"batch_size": None, "block_dims": (2, 2), "final_lr_ratio": 1e-3,
                "nested": {"deeper": {"x": (1, (2, 3))}}}),  # None, nested dicts and tuples
    ("tolerances", {"invariance": 1e-3, "span": 0.01}),
    ("group_name", "C2xC2~"),
])
def test_repro2_spec_round_trips_every_field_type(field, value):
    fields = dict(group_name="D4", table=hj.named_group("D4").table, block_dims=(1, 1, 1, 1, 2),
                  config={"steps": 200}, hparams={"learning_rate": (0.3,)}, num_seeds=2,
                  chunk_size=1, seed=0, tolerances={"invariance": 1e-3})
    fields[field] = value
    spec = SweepSpec.create(**fields)
    back = SweepSpec.from_json(json.loads(json.dumps(spec.to_json())))
    assert back == spec and back.digest() == spec.digest()
    assert getattr(back, field) == value  # exactly what went in (tuples stay tuples)
    # negative control: a changed value is a different spec with a different digest
    changed = SweepSpec.create(**{**fields, "seed": 1})
    assert changed != spec and changed.digest() != spec.digest()


# --- 3. tolerances are part of the sweep -------------------------------------------------

def test_repro3_resume_with_other_tolerances_is_a_different_sweep(c4_copy):
    """Main: old chunks judged at one tolerance, new ones at another, silently."""
    spec = json.loads((c4_copy / "spec.json").read_text())
    assert spec["spec"]["tolerances"]["invariance"] == Tolerances().invariance
    with pytest.raises(ValueError, match=r"tolerances.invariance: 0.001 → 0.1"):
        resume_c4(c4_copy, tolerances=Tolerances(invariance=0.1))
    assert resume_c4(c4_copy)["complete"]  # control: the same tolerances resume


# --- 4. corrupt files are named ------------------------------------------------------------

def _truncate(p: Path):
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _edit_weights(p: Path):
    with np.load(p) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["F"] = arrays["F"] * 1.001
    np.savez_compressed(p, **arrays)  # keeps the old record, whose digest no longer fits


def _bare_array(p: Path):
    with p.open("wb") as f:
        np.save(f, np.zeros(3))


def _no_record(p: Path):
    with p.open("wb") as f:
        np.savez(f, F=np.zeros(3))


@pytest.mark.parametrize("damage,reason", [
    (_truncate, "not a readable .npz file"),
    (lambda p: p.write_bytes(b""), "is empty"),
    (lambda p: p.write_bytes(np.random.default_rng(0).bytes(4000)), "not a readable .npz"),
    (_bare_array, "single array"),
    (_no_record, "carries no '__chunk__' record"),
    (_edit_weights, "modified afterwards"),
])
def test_repro4_a_damaged_chunk_is_named_with_the_reason(c4_copy, damage, reason):
    path = c4_copy / "chunks" / "chunk_00001.npz"
    damage(path)
    with pytest.raises(ValueError, match=reason) as err:
        resume_c4(c4_copy)
    assert str(path) in str(err.value) and "Nothing was changed" in str(err.value)
    assert path.exists()  # evidence kept


@pytest.mark.parametrize("text,reason", [
    ("{not json", "not a valid JSON file"),
    ('{"group_name": "C4"}', "not a sweep spec of format"),
    ("[1, 2]", "not a sweep spec of format"),
])
def test_repro4_a_garbage_spec_is_named(c4_copy, text, reason):
    (c4_copy / "spec.json").write_text(text)
    with pytest.raises(ValueError, match=reason) as err:
        resume_c4(c4_copy)
    assert str(c4_copy / "spec.json") in str(err.value)


def test_repro4_a_hand_edited_spec_is_named(c4_copy):
    data = json.loads((c4_copy / "spec.json").read_text())
    data["spec"]["num_seeds"] = 3
    (c4_copy / "spec.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="does not match its contents"):
        resume_c4(c4_copy)


# --- 5. file-system errors are one line ------------------------------------------------------

def test_repro5_filesystem_errors_are_one_line_naming_the_path(tmp_path, capsys, monkeypatch):
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert main(["sweep", "--group", "C2", "--out", str(afile), *CLI]) == 2
    assert main(["irreps", "C3", "--out", str(afile / "x.npz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err
    assert f"{afile} exists and is not a folder" in err and str(afile) in err.splitlines()[1]

    def denied(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(store_module.os, "replace", denied)
    target = tmp_path / "ro" / "irreps.npz"
    assert main(["irreps", "C3", "--out", str(target)]) == 2
    assert capsys.readouterr().err.strip() == \
        f"harmonics irreps: error: {target}: Permission denied"
    assert not list(target.parent.glob(".*.tmp"))  # the temporary is removed


def test_repro5_a_failed_write_names_its_file(tmp_path, capsys, monkeypatch):
    """A full disk fails in write()/fsync(), which name no file: the writer adds it."""
    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "fsync", full)
    target = tmp_path / "r.npz"
    assert main(["irreps", "C3", "--out", str(target)]) == 2
    assert capsys.readouterr().err.strip() == \
        f"harmonics irreps: error: {target}: No space left on device"


# --- 6. a refused run leaves nothing behind -----------------------------------------------------

def test_repro6_refused_hyperparameters_write_no_spec(tmp_path, capsys):
    out = tmp_path / "n"
    assert main(["sweep", "--group", "C4", "--noise=-1", "--seeds", "2", "--out", str(out),
                 *CLI]) == 2
    assert "noise_std must be non-negative" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(ValueError, match="noise_std"):
        run_sweep(hj.named_group("C4"), out, config=SMALL, hparams=Hyperparams(noise_std=-1.0),
                  num_seeds=4, chunk_size=1, progress=False)
    assert not out.exists()
    done = run_sweep(hj.named_group("C4"), out, config=SMALL, num_seeds=4, chunk_size=1,
                     progress=False)  # the corrected call is not "a different sweep"
    assert done["complete"]


# --- 7. size guards and Ctrl-C ------------------------------------------------------------------

def test_repro7_a_group_too_large_is_refused_before_allocating(capsys, monkeypatch):
    monkeypatch.setenv("HARMONICS_MAX_MEMORY", "64G")
    assert main(["irreps", "C100000"]) == 2
    err = capsys.readouterr().err
    assert "C100000" in err and "needs about" in err and "--force" in err
    assert "Traceback" not in err
    with pytest.raises(MemoryError, match="HARMONICS_MAX_MEMORY"):  # also a MemoryError
        hj.cyclic(100_000)


def _refused_quickly(tmp_path, *args: str) -> str:
    """Run the CLI in a subprocess with a deadline (on main these ran for hours or hung);
    it must exit 2 without creating the output folder.  Returns stderr."""
    out = tmp_path / "never"
    try:
        res = subprocess.run(_python_cli(*args, "--out", str(out)), capture_output=True,
                             text=True, timeout=120,
                             env={**os.environ, "HARMONICS_MAX_MEMORY": "64G"})
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} still running after 120 s")
    assert res.returncode == 2, res.stderr[-2000:]
    assert "Traceback" not in res.stderr and not out.exists()
    return res.stderr


def test_repro7_step_and_batch_limits_are_clear_errors(tmp_path):
    err = _refused_quickly(tmp_path, "sweep", "--group", "C2", "--seeds", "1", "--steps",
                           "1000000000000", "--no-progress")
    assert "2147483647" in err
    err = _refused_quickly(tmp_path, "sweep", "--group", "C2", "--seeds", "1", "--batch",
                           "1000000000", *CLI)
    assert "needs about" in err and "--batch" in err


def test_repro7_a_billion_seeds_are_refused_at_once(tmp_path):
    """Main hung here (an exists() per possible chunk path: 5×10⁸ of them)."""
    err = _refused_quickly(tmp_path, "sweep", "--group", "C2", "--seeds", "1000000000",
                           "--chunk", "2", "--steps", "1600", "--no-progress")
    assert "1×1000000000 networks" in err and "--seeds" in err


def _python_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "harmonics_jax", *args]


def _wait_for(predicate, proc, seconds: float, what: str):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            pytest.fail(f"exited early while waiting for {what}: "
                        f"{proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"no {what} within {seconds} s")


def _runs_in(summary_file: Path) -> int:
    """Networks recorded so far (0 before the first summary; it is replaced atomically)."""
    try:
        return len(json.loads(summary_file.read_text())["runs"])
    except FileNotFoundError:
        return 0


def _interrupt(proc, seconds: float = 10.0) -> float:
    """SIGINT; the process must exit within ``seconds`` (bounded; else killed, failing)."""
    sent = time.time()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"Ctrl-C not honoured within {seconds} s")
    return time.time() - sent


def test_repro7_order_5000_prints_progress_and_honours_ctrl_c(tmp_path):
    """C5000 (5000 classes): the character table diagonalises 5000 × 5000 matrices, single
    LAPACK calls of about a minute each on a loaded 2-core machine; main printed nothing and
    held Ctrl-C until they returned."""
    proc = subprocess.Popen(_python_cli("irreps", "C5000"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    lines: list[str] = []
    os.set_blocking(proc.stderr.fileno(), False)

    def saw_characters():
        chunk = proc.stderr.read()
        if chunk:
            lines.extend(chunk.decode().splitlines())
        return any("characters:" in line for line in lines)

    _wait_for(saw_characters, proc, 120, "progress line")
    time.sleep(1.0)  # now inside the long NumPy/LAPACK calls
    _interrupt(proc)
    os.set_blocking(proc.stderr.fileno(), True)
    rest = proc.stderr.read().decode()
    assert proc.returncode == 130 and "interrupted" in rest and "Traceback" not in rest


def test_repro7_a_billion_seeds_neither_hang_nor_ignore_ctrl_c(tmp_path):
    """--seeds 1000000000 --chunk 2 is refused by the size guard (above); forced, it starts
    at once (main checked 5×10⁸ chunk paths first), saves chunks and stops on Ctrl-C between
    or during chunks, keeping what is finished."""
    out = tmp_path / "big"
    proc = subprocess.Popen(_python_cli("sweep", "--group", "C2", "--seeds", "1000000000",
                                        "--chunk", "2", "--steps", "1600", "--no-progress",
                                        "--force", "--out", str(out)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for(lambda: _runs_in(out / "summary.json") >= 4, proc, 240,
              "second chunk in summary.json")
    _interrupt(proc)
    assert proc.returncode == 130
    summary = json.loads((out / "summary.json").read_text())
    assert not summary["complete"] and seeds_of(summary)[:4] == [0, 1, 2, 3]


def test_repro7_verify_stops_between_groups_on_ctrl_c(tmp_path, monkeypatch, capsys,
                                                     c4_sweep):
    calls = []

    def second_group_interrupted(group, *a, **kw):
        calls.append(group.name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return json.loads((c4_sweep / "summary.json").read_text())

    monkeypatch.setattr("harmonics_jax.cli._verify_cmd.run_sweep", second_group_interrupted)
    rc = main(["verify", "--groups", "C2,C3,C4", "--seeds", "1", "--out", str(tmp_path), *CLI])
    assert rc == 130 and calls == ["C2", "C3"]  # C4 never started
    assert "interrupted" in capsys.readouterr().err


# --- 8. non-finite numbers never pass ----------------------------------------------------------

def test_repro8_nan_weights_meet_no_hypothesis_and_no_conclusion(no_debug_nans):
    g = hj.named_group("D4")
    good = verify(fourier_weights(g), g)
    assert good.hypotheses_met and good.fourier_recovered  # control
    nan = tuple(jnp.full_like(w, jnp.nan) for w in fourier_weights(g))
    r = verify(nan, g)
    assert np.isnan(r.invariance_defect) and np.isnan(r.unitarity_defect)
    flags = [f for f in ("hypotheses_met", "invariant", "unitary", "surjective",
                         "representations_ok", "irreps_equivalent", "span_ok",
                         "table_recovered", "theorem17_condition", "fourier_recovered")
             if getattr(r, f)]
    assert flags == []


def test_repro8_safe_ratio_keeps_nan_and_its_defined_cases(no_debug_nans):
    from harmonics_jax.verify._hypotheses import _safe_ratio

    num = jnp.array([jnp.nan, 1.0, jnp.nan, 0.0, 1.0, jnp.inf, 2.0])
    den = jnp.array([1.0, jnp.nan, jnp.nan, 0.0, 0.0, jnp.inf, 4.0])
    out = np.asarray(_safe_ratio(num, den))
    assert np.isnan(out[:3]).all() and np.isnan(out[5])
    assert out[3] == 0.0 and out[4] == np.inf and out[6] == 0.5


def test_repro8_a_divergent_learning_rate_is_reported_non_finite(tmp_path, capsys,
                                                                  no_debug_nans):
    """Main: --lr 1e30 gave NaN weights an invariance defect of 0 ('0.0e+00')."""
    out = tmp_path / "lr"
    rc = main(["sweep", "--group", "C4", "--lr", "1e30", "--seeds", "2", "--out", str(out),
               *CLI])
    assert rc == 0
    text = (out / "summary.json").read_text()
    assert "NaN" not in text and '"nan"' not in text
    summary = json.loads(text)
    assert all(r["invariance_defect"] is None and not r["hypotheses_met"]
               for r in summary["runs"])
    (tot,) = summary["totals"]
    assert tot["non_finite"] == 2 and tot["median_invariance_defect"] is None
    assert tot["hypotheses_met"] == 0
    table = capsys.readouterr().out
    assert "nan" in table and "0.0e+00" not in table
    assert "2 network(s) have non-finite" in table


# --- 9. the smaller ones -----------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["sweep", "--group", "C2", "--out", ""],
    ["verify", "--out", ""],
    ["irreps", "C3", "--out", ""],
    ["reproduce", "fig2", "--out", ""],
])
def test_small_an_empty_out_is_refused(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2 and "the path is empty" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_small_irreps_out_reports_the_file_it_wrote(tmp_path, capsys):
    assert main(["irreps", "S3", "--out", str(tmp_path / "adir")]) == 0
    assert f"saved 3 irreps to {tmp_path / 'adir.npz'}" in capsys.readouterr().out
    with np.load(tmp_path / "adir.npz") as z:
        assert z["rho_2"].shape == (6, 2, 2)


def test_small_stale_temporaries_are_cleaned_and_only_ours(c4_copy):
    ours = [c4_copy / ".summary.json.a1b2c3d4.tmp", c4_copy / ".spec.json.x_y_z_w9.tmp",
            c4_copy / "chunks" / ".chunk_00001.npz.0123abcd.tmp"]
    theirs = [c4_copy / "notes.tmp", c4_copy / ".results.md.a1b2c3d4.tmp",
              c4_copy / "chunks" / ".mine.npz.a1b2c3d4.tmp", c4_copy / ".summary.json.tmp"]
    for p in ours + theirs:
        p.write_text("left by a killed run")
    assert resume_c4(c4_copy)["complete"]
    assert [p for p in ours if p.exists()] == []
    assert [p for p in theirs if not p.exists()] == []


@pytest.mark.parametrize("groups,message", [
    ("", "no empty entries"), ("C4,,D4", "no empty entries"), ("C4,C4", "listed twice"),
])
def test_small_verify_groups_empty_or_repeated(groups, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["verify", "--groups", groups, "--out", str(tmp_path / "v")])
    assert exit_.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "v").exists()


def test_small_alternating_limit_says_n_at_most_7():
    with pytest.raises(ValueError, match=r"n ≤ 7"):
        hj.alternating(8)
    assert hj.alternating(7).order == 2520  # the limit is right: A7 is allowed


def test_small_a_huge_table_entry_is_shown_as_written():
    with pytest.raises(ValueError, match=r"entry \[1, 1\] = 1e\+20 is out of range"):
        hj.FiniteGroup.from_cayley_table(np.array([[0.0, 1.0], [1.0, 1e20]]))
    with pytest.raises(ValueError, match=r"= 18446744073709551615 is out of range"):
        hj.FiniteGroup.from_cayley_table(np.array([[0, 1], [1, 2**64 - 1]], dtype=np.uint64))


def test_small_different_sweep_names_each_field(c4_copy):
    with pytest.raises(ValueError) as err:
        run_sweep(hj.named_group("C4"), c4_copy, config=SMALL, num_seeds=5, chunk_size=1,
                  seed=3, progress=False, resume=True)
    assert "num_seeds: 4 → 5" in str(err.value) and "seed: 0 → 3" in str(err.value)
    with pytest.raises(ValueError, match=r"group_name: 'C4' → 'C2xC2'; table: a 4×4 table"):
        run_sweep(hj.named_group("C2xC2"), c4_copy, config=SMALL, num_seeds=4, chunk_size=1,
                  progress=False, resume=True)


def test_small_an_empty_group_name_is_refused(capsys):
    assert main(["irreps", ""]) == 2
    assert "group name is empty" in capsys.readouterr().err
    with pytest.raises(ValueError, match="empty"):
        hj.named_group(" ")


@pytest.mark.parametrize("value", ["0,,1", "0,1,", ",", ""])
def test_small_a_list_with_an_empty_entry_is_refused(value, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sweep", "--group", "C4", "--noise", value, "--out", "never"])
    assert exit_.value.code == 2 and "no empty entries" in capsys.readouterr().err


def test_small_one_writer_per_folder(c4_copy):
    from harmonics_jax.runner._folder import writer_lock

    with writer_lock(c4_copy):
        with pytest.raises(ValueError, match="in use"):
            resume_c4(c4_copy)
    assert resume_c4(c4_copy)["complete"]  # the lock is released


# --- issue 9: runs you can share and trust later --------------------------------------------

def test_share_json_is_strict_and_non_finite_is_null(tmp_path):
    store_module.write_json_atomic(tmp_path / "a.json",
                                   {"x": float("nan"), "y": [np.float32("inf"), -np.inf, 1.5]})
    text = (tmp_path / "a.json").read_text()
    assert json.loads(text) == {"x": None, "y": [None, None, 1.5]}
    assert "NaN" not in text and "Infinity" not in text and '"nan"' not in text


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_share_files_respect_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        store_module.write_bytes_atomic(tmp_path / "f.bin", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "f.bin").stat().st_mode & 0o777 == mode


def test_share_library_sweep_records_versions_devices_and_no_command(c4_sweep):
    spec = json.loads((c4_sweep / "spec.json").read_text())
    summary = json.loads((c4_sweep / "summary.json").read_text())
    for env in (spec["environment"], summary["environment"]):
        assert env["harmonics_jax"] == hj.__version__ and env["jax"] == jax.__version__
        assert env["jaxlib"] and env["numpy"] == np.__version__
        assert env["backend"] == jax.default_backend()
        assert env["device_count"] == jax.device_count() and env["device_kind"]
        assert env["date_utc"].endswith("+00:00") and env["command"] is None
    assert summary["chunk_software"][0]["chunks"] == 4
    assert summary["tolerances"] == spec["spec"]["tolerances"]


def test_cli_sweep_records_command_mode_and_hyperparameter_column(tmp_path, capsys):
    out = tmp_path / "lr"
    old = os.umask(0o022)
    try:
        rc = main(["sweep", "--group", "C4", "--lr", "0.1,0.3", "--seeds", "1", "--out",
                   str(out), *CLI])
    finally:
        os.umask(old)
    assert rc == 0
    for f in ("spec.json", "summary.json", "chunks/chunk_00000.npz"):
        assert (out / f).stat().st_mode & 0o777 == 0o644, f
    summary = json.loads((out / "summary.json").read_text())
    assert summary["environment"]["command"] == (
        f"harmonics sweep --group C4 --lr 0.1,0.3 --seeds 1 --out {out} --steps 1600 "
        "--chunk 1 --no-progress")
    lines = capsys.readouterr().out.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("group "))
    header, row1, row2 = lines[top:top + 3]
    assert header.split()[:4] == ["group", "order", "noise", "lr"]
    assert row1.split()[3] == "0.1" and row2.split()[3] == "0.3"


def test_cli_table_shows_a_hyperparameter_only_when_it_varies():
    from harmonics_jax.cli._report import format_rows, sweep_rows
    from harmonics_jax.verify import VerificationReport

    totals = dict(noise_std=0.0, learning_rate=0.3, penalty=1.0, networks=2, non_finite=1)
    for _, col in VerificationReport.columns():
        totals[col.key] = 2 if col.total != "median" else 1e-6
    totals["median_unitarity_defect"] = None  # non-finite, as read back from summary.json
    row, = sweep_rows({"group": "C4", "order": 4, "totals": [totals]})
    one = format_rows([row])
    assert "lr" not in one.splitlines()[0] and "nan" in one
    two = format_rows([row, {**row, "penalty": 2.0}])
    assert "penalty" in two.splitlines()[0] and "lr" not in two.splitlines()[0]


def test_cli_exit_status_1_when_a_network_misses_a_conclusion(tmp_path, monkeypatch):
    real = sweep_module._verify_in_blocks

    def missed(*a, **kw):
        out = real(*a, **kw)
        out["fourier_recovered"] = np.zeros_like(out["fourier_recovered"])
        return out

    monkeypatch.setattr(sweep_module, "_verify_in_blocks", missed)
    assert main(["sweep", "--group", "C4", "--seeds", "1", "--out", str(tmp_path / "m"),
                 *CLI]) == 1
    monkeypatch.setattr(sweep_module, "_verify_in_blocks", real)  # control
    assert main(["sweep", "--group", "C4", "--seeds", "1", "--out", str(tmp_path / "ok"),
                 *CLI]) == 0


def test_cli_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"harmonics_jax {hj.__version__} (jax ")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_cli_every_help_shows_defaults_and_exit_status():
    parser = build_parser()
    subs = _subparsers(parser)
    assert set(subs) == {"verify", "sweep", "census", "reproduce", "irreps"}
    for name, p in subs.items():
        text = p.format_help()
        assert "exit status:" in text and "130  interrupted" in text, name
        for action in p._actions:
            shown = not any(action.default is v for v in (None, False, argparse.SUPPRESS))
            if action.option_strings and shown:
                formatted = p._get_formatter()._get_help_string(action)
                assert "%(default)" in formatted, (name, action.dest)
    sweep = subs["sweep"].format_help()
    assert "(default: 64)" in sweep and "(default: 0.3)" in sweep
    assert "(default: 16)" in subs["verify"].format_help()  # verify's own seeds default


def test_cli_irreps_out_is_atomic(tmp_path, monkeypatch, capsys):
    target = tmp_path / "r.npz"
    assert main(["irreps", "C3", "--out", str(target)]) == 0
    before = target.read_bytes()

    def crash(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(store_module.os, "fsync", crash)
    assert main(["irreps", "S3", "--out", str(target)]) == 2
    assert target.read_bytes() == before  # the old file, whole
    assert [p.name for p in tmp_path.iterdir()] == ["r.npz"]  # no temporary left
    assert f"{target}: Input/output error" in capsys.readouterr().err


def test_size_guard_budget_and_its_overrides(monkeypatch, capsys):
    from harmonics_jax._core import _memory

    assert _memory.parse_size("512M") == 512 * 2**20
    assert _memory.parse_size("1.5GiB") == int(1.5 * 2**30)
    assert _memory.parse_size("none") is None and _memory.parse_size("4096") == 4096
    with pytest.raises(ValueError, match="HARMONICS_MAX_MEMORY"):
        _memory.parse_size("lots")
    monkeypatch.setenv("HARMONICS_MAX_MEMORY", "1K")
    assert main(["irreps", "C7"]) == 2  # the 7×7 table's temporaries exceed 1 KiB
    assert "more than the 1.0 KiB" in capsys.readouterr().err
    assert main(["irreps", "C7", "--force"]) == 0
    monkeypatch.setenv("HARMONICS_MAX_MEMORY", "none")
    assert main(["irreps", "C7"]) == 0
    monkeypatch.delenv("HARMONICS_MAX_MEMORY")
    budget, source = _memory.memory_budget()
    if sys.platform.startswith("linux"):
        assert budget > 0 and "OS" in source
