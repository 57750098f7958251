"""What a run does when ``jax.distributed`` has started several processes: who owns which
piece of work, a barrier, and an agreement that makes a refusal on one process stop every
process (instead of leaving the others waiting at a barrier).

With one process (the default) every function here is free: no collective is issued.
"""

from __future__ import annotations

import jax
import numpy as np

__all__ = ["rank_and_count", "barrier", "stop_all_if_any_failed"]


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
