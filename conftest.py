"""Shared by every test directory and the doctests (pytest loads this file first).

XLA keeps every compiled program of a process alive while JAX's caches hold it.  The default
run compiles thousands of programs in one process; on Linux each holds several memory
mappings, and a process is limited to ``vm.max_map_count`` (65,530 by default), past which a
compilation fails inside LLVM (a segmentation fault, not an exception).  Clearing JAX's
caches after each test module keeps the process well under that limit.

Programs shared by several modules (the same group shape, the same recipe) would then be
compiled again by every module, and every subprocess a test starts (the CLI, the notebooks,
the two ``jax.distributed`` processes) would compile them once more.  So the run keeps JAX's
persistent compilation cache in a folder of its own: a program compiled once is read back
from disk wherever it is needed again, and the numbers are those of the same compiled
program.  The folder is removed when the run ends; set ``JAX_COMPILATION_CACHE_DIR`` to keep
one between runs instead.  The terminal summary says how many programs were read back.
"""

import os
import shutil
import tempfile

import jax
import pytest

_OWN_CACHE = None if os.environ.get("JAX_COMPILATION_CACHE_DIR") else tempfile.mkdtemp(
    prefix="harmonics-jax-test-cache-")
if _OWN_CACHE:
    os.environ["JAX_COMPILATION_CACHE_DIR"] = _OWN_CACHE  # inherited by subprocesses
jax.config.update("jax_compilation_cache_dir", os.environ["JAX_COMPILATION_CACHE_DIR"])

_READ_BACK = {"programs": 0, "seconds": 0.0}


def _count(event, seconds, **_):
    if event == "/jax/compilation_cache/compile_time_saved_sec":
        _READ_BACK["programs"] += 1
        _READ_BACK["seconds"] += seconds


jax.monitoring.register_event_duration_secs_listener(_count)


@pytest.fixture(autouse=True, scope="module")
def _release_compiled_programs():
    yield
    jax.clear_caches()


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"JAX persistent compilation cache: {_READ_BACK['programs']} programs read back in this "
        f"process instead of compiled again (~{_READ_BACK['seconds']:.0f} s of compilation saved)")


def pytest_unconfigure(config):
    if _OWN_CACHE:
        shutil.rmtree(_OWN_CACHE, ignore_errors=True)
