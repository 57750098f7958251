"""Resumable sweeps: files, interruption (exception and SIGKILL), resume, CLI errors."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax.cli import main
from harmonics_jax.runner import run_sweep
from harmonics_jax.runner import _sweep as sweep_module
from harmonics_jax.training import TrainConfig
from harmonics_jax.verify import VerificationReport

SMALL = TrainConfig(steps=200, rounds=1, warmup_steps=10)
REQUIRED = ("seed", "hypotheses_met", "table_recovered", "irreps_equivalent",
            "each_irrep_once", "invariance_defect", "unitarity_defect")


def all_weights(out: Path) -> np.ndarray:
    files = sorted((out / "chunks").glob("chunk_*.npz"))
    return np.concatenate([np.load(f)["F"] for f in files], axis=1)


def test_sweep_writes_summary_weights_and_refuses_to_overwrite(tmp_path):
    g = hj.named_group("C3")
    s = run_sweep(g, tmp_path, config=SMALL, num_seeds=3, chunk_size=2, progress=False)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary == json.loads(json.dumps(s)) and summary["complete"]
    assert [r["seed"] for r in summary["runs"]] == [0, 1, 2]
    for r in summary["runs"]:
        assert all(k in r for k in REQUIRED)
        assert (tmp_path / r["weights"]).is_file()
    assert all_weights(tmp_path).shape == (1, 3, 3, 3)
    (tot,) = summary["totals"]
    # Records and totals are derived from the verification fields' declarations.
    assert set(VerificationReport.summary_fields()) <= set(summary["runs"][0])
    assert "recovered_table" not in summary["runs"][0]  # control: a field not declared summary
    assert {col.key for _, col in VerificationReport.columns()} <= set(tot)
    for field in ("invariance_defect", "unitarity_defect"):
        assert tot[f"median_{field}"] == np.median([r[field] for r in summary["runs"]])
    with pytest.raises(ValueError, match="pass --resume"):
        run_sweep(g, tmp_path, config=SMALL, num_seeds=3, chunk_size=2, progress=False)
    with pytest.raises(ValueError, match="different sweep"):
        run_sweep(g, tmp_path, config=SMALL, num_seeds=4, chunk_size=2, progress=False)


def test_interrupted_sweep_keeps_finished_chunks_and_resumes_identically(tmp_path, monkeypatch):
    g = hj.named_group("S3")
    ref = tmp_path / "ref"
    run_sweep(g, ref, config=SMALL, num_seeds=3, chunk_size=1, progress=False)

    real = sweep_module._train_and_verify
    calls = {"n": 0}

    def flaky(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kw)

    monkeypatch.setattr(sweep_module, "_train_and_verify", flaky)
    out = tmp_path / "cut"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(g, out, config=SMALL, num_seeds=3, chunk_size=1, progress=False)
    partial = json.loads((out / "summary.json").read_text())
    assert not partial["complete"] and [r["seed"] for r in partial["runs"]] == [0]
    monkeypatch.setattr(sweep_module, "_train_and_verify", real)
    done = run_sweep(g, out, config=SMALL, num_seeds=3, chunk_size=1, resume=True,
                     progress=False)
    assert done["complete"] and [r["seed"] for r in done["runs"]] == [0, 1, 2]
    np.testing.assert_array_equal(all_weights(out), all_weights(ref))
    # negative control: a different base seed gives different networks
    other = tmp_path / "other"
    run_sweep(g, other, config=SMALL, num_seeds=3, chunk_size=1, seed=1, progress=False)
    assert not np.array_equal(all_weights(other), all_weights(ref))


def test_chunk_size_changes_neither_the_networks_nor_any_number(tmp_path):
    """Bitwise: the weights and every verification number (issue 10, point 9: on main the
    weights agreed but the invariance defect moved by ~1e-7 between chunks of 4 and 3)."""
    g = hj.named_group("C4")
    a = run_sweep(g, tmp_path / "a", config=SMALL, num_seeds=4, chunk_size=4, progress=False)
    b = run_sweep(g, tmp_path / "b", config=SMALL, num_seeds=4, chunk_size=3, progress=False)
    np.testing.assert_array_equal(all_weights(tmp_path / "a"), all_weights(tmp_path / "b"))
    drop = {"weights"}
    assert [{k: v for k, v in r.items() if k not in drop} for r in a["runs"]] == \
        [{k: v for k, v in r.items() if k not in drop} for r in b["runs"]]
    assert a["totals"] == b["totals"]


def test_killed_process_resumes(tmp_path):
    """SIGKILL between chunks (no cleanup at all) loses only the chunk in flight."""
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "harmonics_jax", "sweep", "--group", "C2", "--seeds", "40",
           "--chunk", "1", "--steps", "1600", "--out", str(out), "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 240
    while time.time() < deadline and len(list((out / "chunks").glob("chunk_*.npz"))) < 2:
        if proc.poll() is not None:
            pytest.fail(f"sweep exited early: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    kept = len(list((out / "chunks").glob("chunk_*.npz")))
    assert 2 <= kept < 40
    for f in (out / "chunks").glob("*.npz"):
        np.load(f)["F"]  # no torn file
    assert not list((out / "chunks").glob("*.tmp"))
    rc = main(["sweep", "--group", "C2", "--seeds", "40", "--chunk", "1", "--steps", "1600",
               "--out", str(out), "--resume", "--no-progress"])
    assert rc == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["complete"] and [r["seed"] for r in summary["runs"]] == list(range(40))


@pytest.mark.parametrize("argv,message", [
    (["sweep", "--group", "Q9", "--out", "X"], "unknown group 'Q9'"),
    (["sweep", "--group", "S3", "--blocks", "1,1,1", "--out", "X"], "squares sum to 3"),
    (["sweep", "--cayley-table", "BAD", "--out", "X"], "not a Latin square"),
    (["sweep", "--cayley-table", "missing.npy", "--out", "X"], "no such file"),
    (["sweep", "--out", "X"], "name a group"),
    (["irreps", "D0"], "at least 1"),
])
def test_cli_bad_arguments_exit_2_with_a_clear_message(argv, message, tmp_path, capsys):
    bad = tmp_path / "bad.npy"
    np.save(bad, np.array([[0, 1], [1, 1]]))
    argv = [str(bad) if a == "BAD" else str(tmp_path / a) if a in ("X", "missing.npy") else a
            for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_sweep_on_a_user_table(tmp_path, capsys):
    table = tmp_path / "c4.npy"
    perm = np.array([2, 0, 3, 1])  # identity at label 2
    t = hj.cyclic(4).table
    np.save(table, perm[t[np.argsort(perm)][:, np.argsort(perm)]])
    rc = main(["sweep", "--cayley-table", str(table), "--seeds", "2", "--steps", "1600",
               "--out", str(tmp_path / "o"), "--no-progress"])
    assert rc == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["order"] == 4 and len(summary["runs"]) == 2
    assert "hypotheses met" in capsys.readouterr().out
