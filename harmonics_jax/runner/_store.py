"""Crash-safe files: every write goes to a temporary file in the same folder, is flushed to
disk, and then atomically renamed over the target.  A killed process leaves either the old
file or the new one, never a torn one."""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["write_bytes_atomic", "write_json_atomic", "save_npz_atomic", "read_json"]


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if np.isfinite(v) else str(v)  # JSON has no inf/nan
    return obj


def write_json_atomic(path: str | os.PathLike, obj: object) -> None:
    text = json.dumps(_jsonable(obj), indent=2, sort_keys=False) + "\n"
    write_bytes_atomic(path, text.encode())


def read_json(path: str | os.PathLike) -> object:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save_npz_atomic(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    write_bytes_atomic(path, buf.getvalue())
