"""Crash-safe files: every write goes to a temporary file in the same folder, is flushed to
disk, and then atomically renamed over the target.  A killed process leaves either the old
file or the new one, never a torn one; at worst a temporary ``.NAME.XXXXXXXX.tmp`` beside
it, which :func:`remove_stale_temporaries` deletes on the next run.

Files are created with mode ``0o666`` minus the umask (644 under the usual umask 022), like
any file a program opens, so collaborators can read a shared run folder.  JSON is strict:
non-finite numbers are written as ``null`` (JSON has no NaN or infinity).
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import secrets
from pathlib import Path

import numpy as np

__all__ = ["write_bytes_atomic", "write_json_atomic", "save_npz_atomic", "read_json",
           "remove_stale_temporaries", "TEMPORARY_PATTERN"]

# .<target name>.<8 random characters>.tmp — the names write_bytes_atomic makes (and the
# names tempfile.mkstemp made in earlier versions: 8 characters of [a-z0-9_]).
TEMPORARY_PATTERN = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}\.tmp$")


def _create_temporary(folder: Path, name: str) -> tuple[int, Path]:
    for _ in range(100):
        tmp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            # mode 0o666 is reduced by the umask, as for any new file
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(17, "could not create a unique temporary file", str(folder))


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not supported here (e.g. Windows); the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (the folder is created if missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path.parent, path.name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        if err.filename is None:  # a failed write() names no file: say which one
            raise OSError(err.errno, err.strerror or str(err), str(path)) from err
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


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
        return v if math.isfinite(v) else None  # JSON has no NaN/inf: null
    return obj


def write_json_atomic(path: str | os.PathLike, obj: object) -> None:
    """Strict JSON (non-finite numbers as ``null``), written atomically."""
    text = json.dumps(_jsonable(obj), indent=2, allow_nan=False) + "\n"
    write_bytes_atomic(path, text.encode())


def read_json(path: str | os.PathLike) -> object:
    """Parse a JSON file; a file that is not JSON raises ``ValueError`` naming it."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return json.loads(text)
    except ValueError as err:
        raise ValueError(f"{path}: not a valid JSON file ({err})") from None


def save_npz_atomic(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """``np.savez_compressed`` to exactly ``path`` (no ``.npz`` appended), atomically."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    write_bytes_atomic(path, buf.getvalue())


def remove_stale_temporaries(folder: str | os.PathLike, targets: re.Pattern) -> list[Path]:
    """Delete the temporaries that an interrupted :func:`write_bytes_atomic` left in
    ``folder`` for target names matching ``targets`` (only ours: ``.NAME.XXXXXXXX.tmp``).
    Call it only while no other process writes there.  Returns the deleted paths."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return removed
    for entry in entries:
        m = TEMPORARY_PATTERN.match(entry.name)
        if m and targets.fullmatch(m.group("target")) and entry.is_file(follow_symlinks=False):
            Path(entry.path).unlink(missing_ok=True)
            removed.append(Path(entry.path))
    return removed
