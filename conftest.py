"""Shared by every test directory and the doctests (pytest loads this file first).

XLA keeps every compiled program of a process alive while JAX's caches hold it.  The default
run compiles thousands of programs in one process; on Linux each holds several memory
mappings, and a process is limited to ``vm.max_map_count`` (65,530 by default), past which a
compilation fails inside LLVM (a segmentation fault, not an exception).  Clearing JAX's
caches after each test module keeps the process well under that limit; programs shared by
several modules are simply compiled again.
"""

import jax
import pytest


@pytest.fixture(autouse=True, scope="module")
def _release_compiled_programs():
    yield
    jax.clear_caches()
