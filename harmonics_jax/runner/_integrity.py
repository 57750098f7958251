r"""Chunk files that say what they are, and are checked before they are believed.

Every ``chunks/chunk_NNNNN.npz`` holds, besides its arrays, a JSON record ``__chunk__``:

* ``spec_digest`` — the digest of the sweep's ``spec.json`` (group table, block dims,
  training recipe, hyper-parameters, seeds, chunking, tolerances), and separately the
  ``table_digest`` and the ``tolerances`` the verdicts were judged with;
* ``chunk`` and ``seeds`` — its index and seed range ``[start, stop)``;
* ``arrays`` — the name, shape and dtype of every array, and ``content_digest``, a SHA-256
  of all of them (names, dtypes, shapes and bytes);
* ``environment`` (versions, devices, date) and ``seconds`` (time to compute it).

:func:`read_chunk` re-derives all of this from the file and from the sweep that is reading
it, and raises :class:`ChunkError` (the path and the reason) on the first mismatch: an
unreadable file (truncated, empty, not an ``.npz``), a file without the record, one from
another sweep, one moved to another index, an array of the wrong shape or dtype, contents
changed after writing.  Nothing in a rejected file is ever used.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ._spec import SweepSpec, table_digest
from ._store import save_npz_atomic

__all__ = ["ChunkError", "CHUNK_FORMAT", "CHUNK_FILE", "chunk_file_name", "chunk_record",
           "write_chunk", "read_chunk", "content_digest"]

CHUNK_FORMAT = "harmonics_jax sweep chunk 4"  # 3: the loss curve; 4: the training history's curves
RECORD_KEY = "__chunk__"
CHUNK_FILE = re.compile(r"chunk_(\d+)\.npz")


class ChunkError(ValueError):
    """A chunk file that cannot be used: ``path`` and ``reason``."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(f"{path}: {reason}")


def chunk_file_name(index: int) -> str:
    return f"chunk_{index:05d}.npz"


def content_digest(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return "sha256:" + h.hexdigest()


def _layout(arrays: dict[str, np.ndarray]) -> dict:
    return {k: {"shape": list(a.shape), "dtype": a.dtype.str} for k, a in sorted(arrays.items())}


def chunk_record(spec: SweepSpec, index: int, arrays: dict[str, np.ndarray],
                 environment: dict, seconds: float) -> dict:
    start, stop = spec.chunk_seeds(index)
    return {
        "format": CHUNK_FORMAT, "spec_digest": spec.digest(),
        "table_digest": table_digest(spec.table), "tolerances": spec.tolerances,
        "chunk": index, "seeds": [start, stop], "settings": spec.num_settings,
        "arrays": _layout(arrays), "content_digest": content_digest(arrays),
        "environment": environment, "seconds": round(float(seconds), 3),
    }


def write_chunk(path: Path, arrays: dict[str, np.ndarray], record: dict) -> None:
    if RECORD_KEY in arrays:
        raise ValueError(f"write_chunk: {RECORD_KEY!r} is reserved for the chunk's record")
    save_npz_atomic(path, **arrays, **{RECORD_KEY: np.array(json.dumps(record))})


def _load(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    if not path.is_file():
        raise ChunkError(path, "is not a regular file")
    if path.stat().st_size == 0:
        raise ChunkError(path, "is empty (0 bytes)")
    try:
        z = np.load(path, allow_pickle=False)
        if not isinstance(z, np.lib.npyio.NpzFile):  # a bare .npy array
            raise ChunkError(path, "is a single array, not an .npz archive of a chunk")
        with z:
            arrays = {k: z[k] for k in z.files}  # reads every member: zip CRCs are checked
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as err:
        if isinstance(err, ChunkError):
            raise
        raise ChunkError(path, f"is not a readable .npz file ({type(err).__name__}: "
                         f"{err})") from None
    raw = arrays.pop(RECORD_KEY, None)
    if raw is None:
        raise ChunkError(path, f"carries no {RECORD_KEY!r} record, so nothing says which sweep "
                         "and seeds it holds (written by an older harmonics_jax or by "
                         "another program)")
    try:
        record = json.loads(str(raw[()]))
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
    except (ValueError, TypeError, IndexError) as err:
        raise ChunkError(path, f"its {RECORD_KEY!r} record is not valid JSON ({err})") from None
    return arrays, record


def read_chunk(path: Path, spec: SweepSpec, index: int,
               expected: dict[str, tuple[tuple[int, ...], str]]) -> tuple[dict, dict]:
    """Load chunk ``index`` of ``spec`` from ``path`` and check it (see the module
    docstring).  ``expected`` maps every array name to its shape and dtype kind(s)
    (``'c'`` complex, ``'b'`` bool, ``'iu'`` integer, ``'f'`` float, ...).
    Returns (arrays, record); raises :class:`ChunkError` on any mismatch."""
    path = Path(path)
    arrays, rec = _load(path)
    if rec.get("format") != CHUNK_FORMAT:
        raise ChunkError(path, f"has record format {rec.get('format')!r}, expected "
                         f"{CHUNK_FORMAT!r}")
    if rec.get("spec_digest") != spec.digest():
        why = ("another group table" if rec.get("table_digest") != table_digest(spec.table)
               else "other tolerances" if rec.get("tolerances") != _plain(spec.tolerances)
               else "other settings")
        raise ChunkError(path, f"belongs to a different sweep ({why}; its spec digest "
                         f"{str(rec.get('spec_digest'))[:19]}… is not this folder's "
                         f"{spec.digest()[:19]}…)")
    start, stop = spec.chunk_seeds(index)
    if rec.get("chunk") != index or rec.get("seeds") != [start, stop]:
        raise ChunkError(path, f"holds chunk {rec.get('chunk')} (seeds {rec.get('seeds')}) of "
                         f"this sweep, not chunk {index} (seeds [{start}, {stop}]): a file "
                         "was copied or renamed")
    if rec.get("table_digest") != table_digest(spec.table) or \
            rec.get("tolerances") != _plain(spec.tolerances) or \
            rec.get("settings") != spec.num_settings:
        raise ChunkError(path, "its record contradicts its own spec digest (edited by hand?)")
    if sorted(arrays) != sorted(expected):
        missing = sorted(set(expected) - set(arrays))
        extra = sorted(set(arrays) - set(expected))
        raise ChunkError(path, f"has the wrong arrays (missing {missing}, unexpected {extra})")
    for name, (shape, kinds) in expected.items():
        a = arrays[name]
        if a.shape != tuple(shape) or a.dtype.kind not in kinds:
            raise ChunkError(path, f"array {name!r} has shape {a.shape} and dtype {a.dtype}; "
                             f"this sweep expects shape {tuple(shape)} and dtype kind "
                             f"{kinds!r}")
    if rec.get("arrays") != _layout(arrays):
        raise ChunkError(path, "its arrays' shapes or dtypes differ from those it recorded")
    if rec.get("content_digest") != content_digest(arrays):
        raise ChunkError(path, "its arrays do not match the digest recorded when it was "
                         "written: the file was modified afterwards")
    if not np.array_equal(arrays["seeds"], np.arange(start, stop)):
        raise ChunkError(path, f"holds seeds {arrays['seeds'].tolist()[:8]}…, expected "
                         f"{start}…{stop - 1}")
    return arrays, rec


def _plain(obj):
    """Tuples → lists, as a record read back from JSON has them."""
    return json.loads(json.dumps(obj))
