r"""Size guards for a sweep, checked before anything is written or allocated.

A sweep holds at once: one chunk in training (``H × chunk_size`` networks, each with its
weights, optimiser state, a batch of signal pairs and the held-out evaluation signals), one
block of :data:`VERIFY_BLOCK` networks in verification (whose invariance and table kernels
gather an (n, n, d, d) array per block: Σ_i n² d_i² = n³ entries per network), and the
summary's records (one Python dict per network).  On disk it needs the chunk files (the
weights dominate: n² complex numbers per network) and ``summary.json``.  The estimates below
are rough upper bounds counted from the code, plus a fixed allowance for XLA's compiler and
runtime; ``benchmarks/size_guards.py`` compares them with measured peaks.  They exist to
turn "this would take 200 GB" into a clear refusal instead of a ``RESOURCE_EXHAUSTED``
traceback, a swap storm or a hang.

The step counter is a 32-bit integer inside the compiled training loop, so
``TrainConfig.steps`` above 2**31 − 1 is refused outright (no override).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from .._core._memory import format_bytes, require_memory, size_guards_on
from ..training import TrainConfig
from ._spec import SweepSpec

__all__ = ["check_feasible", "estimate"]

STEP_LIMIT = 2**31 - 1
# Networks verified per call (the last block padded): a constant, so that a network's
# verification numbers do not depend on how many networks share its chunk (see _sweep).
VERIFY_BLOCK = 16
_RUNTIME = 2**29  # XLA compiler and runtime allowance
_RECORD_BYTES = 4096  # a run record in memory (a dict of ~25 entries) and as JSON text
_RECORD_JSON_BYTES = 1024


def estimate(spec: SweepSpec, config: TrainConfig) -> dict[str, int]:
    """Peak bytes of memory for each part of the sweep, and bytes of disk."""
    n = spec.order
    c = np.dtype(config.complex_dtype).itemsize
    batch = config.batch_size_for(n) if config.objective == "sampled" else 0
    per_network = config.restarts * c * (10 * n * n + 12 * batch * n
                                         + 3 * config.eval_signals * n * n)
    networks = spec.num_settings * spec.chunk_size
    records = spec.num_settings * spec.num_seeds
    return {
        "training": networks * per_network,
        "verification": VERIFY_BLOCK * 8 * c * n**3,
        "summary": records * _RECORD_BYTES,
        "disk": records * (c * n * n + _RECORD_JSON_BYTES + 256),
    }


def _first_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_feasible(spec: SweepSpec, config: TrainConfig, out: Path) -> None:
    """Refuse (``ValueError``) a sweep this machine cannot run; see the module docstring."""
    if config.steps > STEP_LIMIT:
        raise ValueError(f"TrainConfig.steps (--steps) = {config.steps} is more than {STEP_LIMIT} (2**31 − 1), the "
                         "most the training loop's 32-bit step counter can count")
    if not size_guards_on():
        return
    est = estimate(spec, config)
    parts = {k: v for k, v in est.items() if k != "disk"}
    biggest = max(parts, key=parts.get)
    fix = {
        "training": "Lower --chunk (networks trained at once) or --batch.",
        "verification": "The group is too large to verify here (the cost grows as n³).",
        "summary": "Use fewer --seeds (or split the seeds over several sweeps).",
    }[biggest]
    what = (f"this sweep of {spec.group_name} (order {spec.order}: training "
            f"{spec.num_settings}×{spec.chunk_size} networks at once "
            f"{format_bytes(est['training'])}, verification {format_bytes(est['verification'])}"
            f", records of {spec.num_settings}×{spec.num_seeds} networks "
            f"{format_bytes(est['summary'])})")
    require_memory(_RUNTIME + max(est["training"], est["verification"]) + est["summary"],
                   what, fix=fix)
    where = _first_existing(out)
    free = shutil.disk_usage(where).free
    if est["disk"] > free:
        raise ValueError(f"this sweep's chunk files and summary need about "
                         f"{format_bytes(est['disk'])} of disk, but {where} has "
                         f"{format_bytes(free)} free. Use fewer --seeds or another disk; "
                         "pass --force to try anyway")
