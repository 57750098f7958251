"""The SmallGroups census: records, resume, spec checks, corrupted records, the aggregate
files and the exit status (tiny groups, few seeds and steps: every test reuses the same two
compiled shapes)."""

import dataclasses
import json

import jax
import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax.cli import main
from harmonics_jax.runner import (census, census_exit_status, census_groups, read_census)
from harmonics_jax.runner import _census as census_module
from harmonics_jax.training import TrainConfig, sweep
from harmonics_jax.verify import verify_batched

SMALL = TrainConfig(steps=200, rounds=1, warmup_steps=10)
IDS = [(4, 1), (4, 2)]  # same order and irrep dims: one training and one verify compile
TIMING = ("seconds", "train_seconds", "verify_seconds", "train_compiled", "verify_compiled")


def strip_timing(records):
    return [{k: v for k, v in r.items() if k not in TIMING} for r in records]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("census_ref")
    lines = []
    result = census(out, ids=IDS, seeds=2, config=SMALL, progress=lines.append)
    return out, result, lines


def test_records_schema_and_aggregate_files(reference):
    out, result, lines = reference
    on_disk = json.loads((out / "census.json").read_text())
    assert on_disk == json.loads(json.dumps(result))
    assert set(on_disk) == {"spec", "summary", "groups"}
    assert on_disk["spec"]["seeds"] == 2 and on_disk["spec"]["config"]["steps"] == 200
    recs = on_disk["groups"]
    assert [r["gap_id"] for r in recs] == [[4, 1], [4, 2]]
    for r in recs:
        assert set(census_module.RECORD_KEYS) <= set(r)
        assert r["order"] == 4 and r["irrep_dims"] == [1, 1, 1, 1] and r["seeds"] == 2
        assert 0 <= r["all_conclusions"] <= r["met"] <= r["seeds"]
        assert (out / census_module.record_name(r["gap_id"])).is_file()
    assert [r["name"] for r in recs] == ["C4", "C2 x C2"]
    s = on_disk["summary"]
    assert s["groups"] == 2 and s["networks"] == 4
    assert s["met"] == sum(r["met"] for r in recs) and s["met"] >= 1
    assert s["groups_none_met"] == [r["gap_id"] for r in recs if r["met"] == 0]
    # the record is what training and verifying the group directly gives
    g = hj.small_group(4, 2)
    rep = verify_batched(sweep(jax.random.key(0), g, SMALL, num_seeds=2).weights[0], g)
    assert recs[1]["met"] == int(rep.hypotheses_met.sum())
    assert recs[1]["all_conclusions"] == int((rep.hypotheses_met & rep.fourier_recovered).sum())
    assert recs[1]["table_recovered"] == int(rep.table_recovered.sum())
    assert recs[1]["median_invariance_defect"] == pytest.approx(
        float(np.median(rep.invariance_defect)))
    md = (out / "census.md").read_text()
    assert "- groups: 2" in md and "| (4,2) | C2 x C2 | 1×4 |" in md
    # the recipe is named: a census that stops networks early says so (and this one does not)
    assert "200 steps (objective" in md and "stop_when_verified" not in md
    stopped = json.loads(json.dumps(result))
    stopped["spec"]["config"]["stop_when_verified"] = True
    assert "200 steps at most (stop_when_verified:" in census_module._markdown(stopped)
    assert (out / "census.png").read_bytes()[:4] == b"\x89PNG"
    assert len([ln for ln in lines if ln.startswith("[")]) == 2 and "ETA" in lines[1]
    assert census_exit_status(result) == 0


def test_resume_after_interruption_trains_only_the_rest(reference, tmp_path, monkeypatch):
    _, ref, _ = reference
    real = census_module._train_and_verify
    calls = []

    def interrupted_after_one(gid, *args):
        if calls:
            raise KeyboardInterrupt
        calls.append(gid)
        return real(gid, *args)

    monkeypatch.setattr(census_module, "_train_and_verify", interrupted_after_one)
    with pytest.raises(KeyboardInterrupt):
        census(tmp_path, ids=IDS, seeds=2, config=SMALL, progress=False)
    # Ctrl-C keeps the finished group, and the aggregate shows it
    partial = json.loads((tmp_path / "census.json").read_text())
    assert [r["gap_id"] for r in partial["groups"]] == [[4, 1]]

    trained = []
    monkeypatch.setattr(census_module, "_train_and_verify",
                        lambda gid, *a: trained.append(gid) or real(gid, *a))
    resumed = census(tmp_path, ids=IDS, seeds=2, config=SMALL, progress=False)
    assert trained == [(4, 2)]  # the finished group is skipped
    assert strip_timing(resumed["groups"]) == strip_timing(ref["groups"])
    trained.clear()
    census(tmp_path, ids=IDS, seeds=2, config=SMALL, progress=False)
    assert trained == []  # nothing left to do


def test_a_different_spec_is_refused_and_named(reference, tmp_path):
    out = tmp_path / "c"
    census(out, ids=IDS[:1], seeds=2, config=SMALL, progress=False, figure=False)
    with pytest.raises(ValueError, match=r"seeds: 2 there, 3 now"):
        census(out, ids=IDS[:1], seeds=3, config=SMALL, progress=False)
    with pytest.raises(ValueError, match=r"config.steps: 200 there, 400 now"):
        census(out, ids=IDS[:1], seeds=2, config=dataclasses.replace(SMALL, steps=400),
               progress=False)
    with pytest.raises(ValueError, match=r"key: 0 there, 1 now.*--force"):
        census(out, ids=IDS[:1], seeds=2, key=1, config=SMALL, progress=False)
    # --force starts the new spec there: the old record is ignored and trained again
    res = census(out, ids=IDS[:1], seeds=2, key=1, config=SMALL, progress=False,
                 figure=False, force=True)
    assert json.loads((out / "spec.json").read_text())["key"] == 1
    assert [r["gap_id"] for r in res["groups"]] == [[4, 1]]


@pytest.mark.parametrize("damage", ["truncated", "missing key", "wrong group", "bad counts"])
def test_corrupted_record_is_named(reference, tmp_path, damage):
    ref_out, _, _ = reference
    out = tmp_path / "c"
    out.mkdir()
    for name in ("spec.json", "groups/004_001.json", "groups/004_002.json"):
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_bytes((ref_out / name).read_bytes())
    path = out / "groups/004_002.json"
    rec = json.loads(path.read_text())
    if damage == "truncated":
        path.write_text(path.read_text()[:50])
    elif damage == "missing key":
        del rec["met"]
        path.write_text(json.dumps(rec))
    elif damage == "wrong group":
        rec["gap_id"] = [4, 1]
        path.write_text(json.dumps(rec))
    else:
        rec["all_conclusions"] = rec["seeds"] + 1
        path.write_text(json.dumps(rec))
    with pytest.raises(ValueError, match=r"004_002\.json.*delete it"):
        census(out, ids=IDS, seeds=2, config=SMALL, progress=False)
    with pytest.raises(ValueError, match=r"004_002\.json"):
        read_census(out)
    # the intact record is still trusted: only the damaged group is retrained under force
    trained = []
    real = census_module._train_and_verify
    census_module._train_and_verify = lambda gid, *a: trained.append(gid) or real(gid, *a)
    try:
        census(out, ids=IDS, seeds=2, config=SMALL, progress=False, figure=False, force=True)
    finally:
        census_module._train_and_verify = real
    assert trained == [(4, 2)]


def test_negative_control_a_broken_conclusion_fails_the_census(reference, tmp_path,
                                                               monkeypatch):
    """A verification that says 'table not recovered' for a network meeting the hypotheses
    must show up as a failure, in the record, the Markdown and the exit status."""
    real = census_module.verify_batched

    def broken(weights, group, **kw):
        r = real(weights, group, **kw)
        bad = np.zeros_like(r.table_recovered)
        return dataclasses.replace(r, hypotheses_met=~bad, table_recovered=bad,
                                   fourier_recovered=bad)

    monkeypatch.setattr(census_module, "verify_batched", broken)
    res = census(tmp_path, ids=IDS[:1], seeds=2, config=SMALL, progress=False, figure=False)
    (rec,) = res["groups"]
    assert rec["met"] == 2 and rec["all_conclusions"] == 0
    assert rec["failures"] == [{"seed": 0, "missed": ["table_recovered"]},
                               {"seed": 1, "missed": ["table_recovered"]}]
    assert census_exit_status(res) == 1
    assert "missed a conclusion: SmallGroup(4,1)" in (tmp_path / "census.md").read_text()


def test_cli_census_exit_status_and_bad_input(tmp_path, monkeypatch, capsys):
    args = ["census", "--groups", "1/1", "--seeds", "2", "--steps", "1600", "--no-figure",
            "--no-progress"]
    assert main(args + ["--out", str(tmp_path / "ok")]) == 0
    assert json.loads((tmp_path / "ok/census.json").read_text())["groups"][0]["gap_id"] \
        == [1, 1]
    real = census_module.verify_batched
    monkeypatch.setattr(census_module, "verify_batched", lambda w, g, **kw: dataclasses.replace(
        real(w, g, **kw), fourier_recovered=np.zeros(2, bool)))
    assert main(args + ["--out", str(tmp_path / "bad")]) == 1
    capsys.readouterr()
    for bad, message in ((["--max-order", "101"], "between 1 and 100"),
                         (["--groups", "8/6"], "5 groups of order 8"),
                         ([], "give --max-order"),
                         (["--max-order", "4", "--min-order", "5"], "larger than")):
        assert main(["census", "--out", str(tmp_path / "x"), *bad]) == 2
        assert message in capsys.readouterr().err


def test_census_groups_selection():
    assert len(census_groups(max_order=32)) == 144
    assert census_groups(max_order=8, min_order=8) == [(8, i) for i in range(1, 6)]
    with pytest.raises(ValueError, match="max_order"):
        census_groups()


def test_compiled_programs_are_released_when_the_order_changes_or_mappings_run_short(
        tmp_path, monkeypatch):
    """XLA keeps each compiled program's memory mappings while JAX's caches hold it; past
    vm.max_map_count (65,530 on Linux) a compilation fails inside LLVM and the process dies
    (seen at the 79th group of the census <= 32, and within order 96).  The census clears
    JAX's caches whenever the order changes (no earlier shape runs again), and within an
    order only once the process holds half its limit, so that groups of one order keep
    sharing their programs.  (The module's last test that trains: the clearing makes
    later tests compile again.)"""
    cleared, trained = [], []
    real_clear, real = jax.clear_caches, census_module._train_and_verify
    monkeypatch.setattr(jax, "clear_caches", lambda: cleared.append(1) or real_clear())
    monkeypatch.setattr(census_module, "_train_and_verify",
                        lambda gid, *a: trained.append((gid, len(cleared))) or real(gid, *a))
    # asked before each group of the same order as the last: (4,2), then (8,5) (near the limit)
    near = iter([False, True])
    monkeypatch.setattr(census_module, "near_mapping_limit", lambda: next(near))
    census(tmp_path, ids=[(2, 1), (4, 1), (4, 2), (8, 2), (8, 5)], seeds=2, config=SMALL,
           progress=False, figure=False)
    assert trained == [((2, 1), 0), ((4, 1), 1), ((4, 2), 1), ((8, 2), 2), ((8, 5), 3)]
    assert next(near, "asked twice") == "asked twice"


def test_memory_mappings_are_counted_against_the_limit(monkeypatch):
    from harmonics_jax._core import _memory

    m = _memory.memory_mappings()
    if m is None:
        pytest.skip("no /proc/self/maps or vm.max_map_count here (not Linux)")
    count, limit = m
    assert 0 < count < limit
    assert _memory.near_mapping_limit(fraction=0.0) and not _memory.near_mapping_limit(1.0)
    # Negative control: a process holding 60% of its limit is near it, one at 40% is not.
    monkeypatch.setattr(_memory, "memory_mappings", lambda: (6, 10))
    assert _memory.near_mapping_limit()
    monkeypatch.setattr(_memory, "memory_mappings", lambda: (4, 10))
    assert not _memory.near_mapping_limit()
    monkeypatch.setattr(_memory, "memory_mappings", lambda: None)
    assert not _memory.near_mapping_limit(fraction=0.0)
