"""Runs under ``jax.distributed``: two CPU processes on localhost split the work and merge
to exactly what one process computes.

* the census: group i to process i mod 2, each writes its own records, process 0 the
  aggregate;
* ``run_sweep``: chunk c to process c mod 2, each writes its own chunk files, process 0 the
  summary of every chunk;
* a resumed two-process run trains nothing again; a refusal by process 0 (a folder holding
  another sweep) stops both processes with a ``ValueError`` instead of leaving one waiting.

Both runs share one pair of processes and one group shape, so each process compiles little.
"""

import dataclasses
import json
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np

from harmonics_jax import small_group
from harmonics_jax.runner import census, run_sweep
from harmonics_jax.training import TrainConfig

SMALL = TrainConfig(steps=200, rounds=1, warmup_steps=10)
# history="none": the program the census trains with, so the sweep compiles no training again
SWEEP = dataclasses.replace(SMALL, history="none")
IDS = [(4, 1), (4, 2)]  # one shape: each process compiles training and verification once
TIMING = ("seconds", "train_seconds", "verify_seconds", "train_compiled", "verify_compiled")

WORKER = textwrap.dedent("""
    import dataclasses, json, sys
    import jax
    jax.config.update("jax_enable_x64", True)   # as tests/conftest.py, so numbers match
    jax.config.update("jax_debug_nans", True)
    port, rank, out, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    jax.distributed.initialize(coordinator_address=f"localhost:{port}", num_processes=2,
                               process_id=rank, initialization_timeout=120)
    from harmonics_jax import small_group
    from harmonics_jax.runner import census, run_sweep
    from harmonics_jax.runner import _census, _sweep
    from harmonics_jax.training import TrainConfig
    trained, chunks = [], []
    real = _census._train_and_verify
    _census._train_and_verify = lambda gid, *a: trained.append(list(gid)) or real(gid, *a)
    real_s = _sweep._train_and_verify
    _sweep._train_and_verify = (lambda g, spec, c, seeds, *a:
                                chunks.append(int(seeds[0])) or real_s(g, spec, c, seeds, *a))
    cfg = TrainConfig(steps=200, rounds=1, warmup_steps=10)
    sweep_cfg = dataclasses.replace(cfg, history="none")  # the census's training program
    if mode == "refuse":   # the folder holds the sweep with seed 0: process 0 refuses seed 1
        try:
            run_sweep(small_group(4, 1), out + "/sweep", config=sweep_cfg, num_seeds=6,
                      chunk_size=2, seed=1, resume=True, progress=False)
        except ValueError as err:
            print("REFUSED", json.dumps(str(err)), flush=True)
        sys.exit(0)
    census(out + "/census", ids=[(4, 1), (4, 2)], seeds=2, config=cfg, progress=False,
           figure=False)
    run_sweep(small_group(4, 1), out + "/sweep", config=sweep_cfg, num_seeds=6,
              chunk_size=2, resume=True, progress=False)
    print("TRAINED", json.dumps([trained, chunks]), flush=True)
    jax.distributed.shutdown()
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def run_two_processes(out, mode="run", timeout=600) -> list[str]:
    """Each process's last line starting with TRAINED or REFUSED, without that word."""
    port = free_port()
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(port), str(rank), str(out),
                               mode], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for rank in (0, 1)]
    outputs = []
    try:
        for p in procs:
            stdout, stderr = p.communicate(timeout=timeout)
            outputs.append((p.returncode, stdout, stderr))
    finally:
        for p in procs:  # a failed or timed-out run leaves no process behind
            if p.poll() is None:
                p.kill()
                p.wait()
    for rank, (rc, stdout, stderr) in enumerate(outputs):
        assert rc == 0, f"process {rank} exited with {rc}:\n{stdout}\n{stderr[-3000:]}"
    word = "TRAINED" if mode == "run" else "REFUSED"
    return [json.loads(next(ln for ln in o[1].splitlines() if ln.startswith(word))[8:])
            for o in outputs]


def strip(records):
    return [{k: v for k, v in r.items() if k not in TIMING} for r in records]


def chunk_arrays(folder):
    """Every array of every chunk file (the record `__chunk__`, with its timings and
    environment, left out: its content digest covers the arrays)."""
    out = {}
    for path in sorted((folder / "chunks").glob("chunk_*.npz")):
        with np.load(path) as z:
            out.update({f"{path.name}:{k}": z[k] for k in z.files if k != "__chunk__"})
    return out


def test_two_processes_split_the_work_and_merge_to_the_single_process_run(tmp_path):
    single = census(tmp_path / "single", ids=IDS, seeds=2, config=SMALL, progress=False,
                    figure=False)
    single_sweep = run_sweep(small_group(4, 1), tmp_path / "single_sweep", config=SWEEP,
                             num_seeds=6, chunk_size=2, progress=False)
    out = tmp_path / "two"
    trained = run_two_processes(out)
    # group i of the selection and chunk c (seeds 2c, 2c+1) go to process i (c) mod 2
    assert trained == [[[[4, 1]], [0, 4]], [[[4, 2]], [2]]]
    merged = json.loads((out / "census" / "census.json").read_text())
    assert strip(merged["groups"]) == strip(single["groups"])
    assert merged["summary"]["groups"] == 2
    summary = json.loads((out / "sweep" / "summary.json").read_text())
    assert summary["complete"] and summary["runs"] == single_sweep["runs"]
    assert summary["totals"] == single_sweep["totals"]
    mine, theirs = chunk_arrays(out / "sweep"), chunk_arrays(tmp_path / "single_sweep")
    assert mine.keys() == theirs.keys() and len(mine) > 0
    for k in mine:
        np.testing.assert_array_equal(mine[k], theirs[k], err_msg=k)
    # resumed: everything is finished, nobody trains, the aggregates are rebuilt the same
    (out / "census" / "census.json").unlink()
    (out / "sweep" / "summary.json").unlink()
    assert run_two_processes(out) == [[[], []], [[], []]]
    assert strip(json.loads((out / "census" / "census.json").read_text())["groups"]) == \
        strip(single["groups"])
    assert json.loads((out / "sweep" / "summary.json").read_text())["runs"] == \
        single_sweep["runs"]
    # negative control: process 0 refuses the folder (another sweep's spec); process 1 is
    # told so and stops too, instead of waiting for process 0 at a barrier
    refused = run_two_processes(out, mode="refuse", timeout=300)
    assert "already holds a different sweep" in refused[0] and "seed" in refused[0]
    assert "process(es) [0] stopped with an error" in refused[1]
