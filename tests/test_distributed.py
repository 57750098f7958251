"""The census under ``jax.distributed``: two CPU processes on localhost split the groups
(group i to process i mod 2), each writes its own records, process 0 the aggregate; the
merged census equals a one-process run, and a resumed two-process run trains nothing again."""

import json
import os
import socket
import subprocess
import sys
import textwrap

from harmonics_jax.runner import census
from harmonics_jax.training import TrainConfig

SMALL = TrainConfig(steps=200, rounds=1, warmup_steps=10)
IDS = [(4, 1), (4, 2)]  # one shape: each process compiles training and verification once
TIMING = ("seconds", "train_seconds", "verify_seconds", "train_compiled", "verify_compiled")

WORKER = textwrap.dedent("""
    import json, sys
    import jax
    jax.config.update("jax_enable_x64", True)   # as tests/conftest.py, so numbers match
    jax.config.update("jax_debug_nans", True)
    port, rank, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    jax.distributed.initialize(coordinator_address=f"localhost:{port}", num_processes=2,
                               process_id=rank, initialization_timeout=120)
    from harmonics_jax.runner import census
    from harmonics_jax.runner import _census
    from harmonics_jax.training import TrainConfig
    trained = []
    real = _census._train_and_verify
    _census._train_and_verify = lambda gid, *a: trained.append(list(gid)) or real(gid, *a)
    cfg = TrainConfig(steps=200, rounds=1, warmup_steps=10)
    res = census(out, ids=[(4, 1), (4, 2)], seeds=2, config=cfg, progress=False,
                 figure=False)
    print("TRAINED", json.dumps(trained), flush=True)
    jax.distributed.shutdown()
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def run_two_processes(out, timeout=600) -> list[list]:
    port = free_port()
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(port), str(rank), str(out)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for rank in (0, 1)]
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
    return [json.loads(next(ln for ln in o[1].splitlines() if ln.startswith("TRAINED"))[8:])
            for o in outputs]


def strip(records):
    return [{k: v for k, v in r.items() if k not in TIMING} for r in records]


def test_two_processes_split_the_groups_and_merge_to_the_single_process_census(tmp_path):
    single = census(tmp_path / "single", ids=IDS, seeds=2, config=SMALL, progress=False,
                    figure=False)
    out = tmp_path / "two"
    trained = run_two_processes(out)
    # group i of the selection goes to process i mod 2
    assert trained == [[[4, 1]], [[4, 2]]]
    merged = json.loads((out / "census.json").read_text())
    assert strip(merged["groups"]) == strip(single["groups"])
    assert merged["summary"]["groups"] == 2
    # resumed: everything is finished, nobody trains, the aggregate is rebuilt the same
    (out / "census.json").unlink()
    assert run_two_processes(out) == [[], []]
    assert strip(json.loads((out / "census.json").read_text())["groups"]) == \
        strip(single["groups"])
