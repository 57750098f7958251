"""What a run does when ``jax.distributed`` has started several processes: who owns which
piece of work, a barrier, and an agreement that makes a refusal on one process stop every
process (instead of leaving the others waiting at a barrier).

With one process (the default) every function here is free: no collective is issued.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import jax
import numpy as np

__all__ = ["rank_and_count", "barrier", "stop_all_if_any_failed", "process_zero_first"]


def rank_and_count() -> tuple[int, int]:
    """(this process's index, number of processes)."""
    return jax.process_index(), jax.process_count()


def barrier(name: str) -> None:
    """Wait until every process reaches the barrier called ``name``."""
    if jax.process_count() > 1:
        from jax.experimental import multihost_utils

        multihost_utils.sync_global_devices(name)


def stop_all_if_any_failed(error: Exception | None, what: str) -> None:
    """A collective (every process calls it): re-raise this process's ``error``; if this
    process had none but another one did, raise ``ValueError`` naming the processes that
    failed, so that no process goes on alone to wait at the next barrier."""
    if jax.process_count() == 1:
        if error is not None:
            raise error
        return
    from jax.experimental import multihost_utils

    flags = np.asarray(multihost_utils.process_allgather(
        np.array([error is not None], dtype=np.int32))).reshape(-1)
    if error is not None:
        raise error
    failed = np.flatnonzero(flags).tolist()
    if failed:
        raise ValueError(f"{what}: process(es) {failed} stopped with an error (see their "
                         "output); this process stops too")


T = TypeVar("T")


def process_zero_first(first: Callable[[], T], others: Callable[[], T], what: str) -> T:
    """Run ``first()`` on process 0 (it checks or prepares a folder), then ``others()`` on
    every other process (they read what process 0 accepted); each step ends with
    :func:`stop_all_if_any_failed`, so an ``OSError``/``ValueError`` on any process stops
    every process.  Returns what this process's function returned."""
    result, error = None, None
    rank = jax.process_index()
    if rank == 0:
        try:
            result = first()
        except (OSError, ValueError) as err:
            error = err
    stop_all_if_any_failed(error, what)
    if rank != 0:
        try:
            result = others()
        except (OSError, ValueError) as err:
            error = err
    stop_all_if_any_failed(error, what)
    return result
