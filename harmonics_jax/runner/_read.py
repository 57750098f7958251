r"""Reading a sweep folder back, finished or interrupted, without writing to it: the spec and
every chunk file that passes its checks (``_integrity``); the others are named, not used.

This is what figures and reports are drawn from, so that a picture shows exactly what the
folder's checked files hold, never a process's memory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ._folder import check_chunk_files, check_out_dir
from ._integrity import ChunkError
from ._spec import SweepSpec, read_spec_file
from ._sweep import CURVE_PREFIX, _expected_arrays

__all__ = ["SweepFolder", "read_sweep"]


class SweepFolder(NamedTuple):
    """What a sweep folder holds, checked.

    Attributes:
        path: the folder.
        spec: its :class:`SweepSpec` (from ``spec.json``, digest checked).
        chunks: chunk index → arrays (``F`` of shape (H, S, n, n), the verification fields
            of shape (H, S), ``curve_<name>`` of shape (H, S, T), ``seeds`` (S,)), for every
            chunk file that passed its checks, in index order.
        rejected: the chunk files that failed, with the reason (:class:`ChunkError`).
        missing: indices of chunks not (yet) written.
    """

    path: Path
    spec: SweepSpec
    chunks: dict[int, dict[str, np.ndarray]]
    rejected: list[ChunkError]
    missing: list[int]

    def stacked(self, name: str) -> np.ndarray | None:
        """Array ``name`` of every checked chunk joined along the seed axis (axis 1 for the
        per-network arrays, axis 0 for ``seeds``); None when no chunk holds it."""
        parts = [a[name] for a in self.chunks.values() if name in a]
        if not parts:
            return None
        return np.concatenate(parts, axis=0 if name == "seeds" else 1)

    def curve_names(self) -> list[str]:
        """The per-network curves the chunks hold (``loss``, ...), in a fixed order."""
        names = {k[len(CURVE_PREFIX):] for a in self.chunks.values() for k in a
                 if k.startswith(CURVE_PREFIX)}
        return sorted(names, key=lambda k: (k != "loss", k))


def read_sweep(out_dir: str | os.PathLike) -> SweepFolder:
    """Read the sweep in ``out_dir`` (finished or interrupted) and check every chunk file
    against its ``spec.json``; a file that fails is listed in ``rejected`` and not used.
    Writes nothing.

    Raises ``ValueError`` when ``out_dir`` is not a sweep folder (no ``spec.json``, or one
    that is not a valid spec).
    """
    out = check_out_dir(out_dir)
    if not out.is_dir():
        raise ValueError(f"{out} does not exist; give the folder a sweep wrote (--out DIR)")
    if not (out / "spec.json").is_file():
        hint = (" (it holds the sweeps of harmonics verify: give one of its group folders, "
                "e.g. " + str(out / next(p.name for p in sorted(out.iterdir())
                                          if (p / "spec.json").is_file())) + ")"
                if any((p / "spec.json").is_file() for p in out.iterdir() if p.is_dir())
                else "")
        raise ValueError(f"{out} is not a sweep folder: it has no spec.json{hint}")
    spec = read_spec_file(out / "spec.json")
    good, rejected = check_chunk_files(out, spec, lambda i: _expected_arrays(spec, i))
    chunks = {i: arrays for i, (arrays, _) in sorted(good.items())}
    missing = [c for c in range(spec.num_chunks) if c not in chunks]
    return SweepFolder(out, spec, chunks, rejected, missing)
