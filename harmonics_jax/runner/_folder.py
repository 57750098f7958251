"""The sweep folder on disk: checking the output path, one writer at a time, listing the
chunk files without enumerating every possible name, and moving rejected files aside."""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Iterator
from pathlib import Path

from ._integrity import CHUNK_FILE

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one writer is then the user's job
    fcntl = None

__all__ = ["check_out_dir", "writer_lock", "list_chunk_files", "move_aside"]

REJECTED = "rejected"


def check_out_dir(out_dir: object) -> Path:
    """The output folder as a Path; refuse an empty name and a path that is a file."""
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"out_dir must be a path, got {type(out_dir).__name__}")
    if not os.fspath(out_dir).strip():
        raise ValueError("the output folder name is empty; give a folder such as runs/d4")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} exists and is not a folder; choose another output folder")
    return out


@contextlib.contextmanager
def writer_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on the folder itself (no lock file is left behind;
    the kernel drops it when the process dies, even on SIGKILL).  A second process on the
    same folder is refused instead of racing the first."""
    if fcntl is None:
        yield
        return
    fd = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ValueError(f"{out} is in use: another harmonics process is writing this "
                             "sweep; wait for it to finish, or choose another output "
                             "folder") from None
        yield
    finally:
        os.close(fd)


def list_chunk_files(chunks: Path) -> dict[str, Path]:
    """Every file in ``chunks`` whose name looks like a chunk (``chunk_<digits>.npz``), by
    name; one directory listing, whatever the number of chunks the sweep has."""
    try:
        entries = list(os.scandir(chunks))
    except FileNotFoundError:
        return {}
    return {e.name: Path(e.path) for e in entries if CHUNK_FILE.fullmatch(e.name)}


def move_aside(out: Path, path: Path, reason: str) -> Path:
    """Move a rejected file to ``out/rejected/`` (evidence is kept, never deleted) and log
    why in ``out/rejected/log.txt``."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    folder = out / REJECTED
    folder.mkdir(exist_ok=True)
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    os.replace(path, target)
    with open(folder / "log.txt", "a", encoding="utf-8") as log:
        log.write(f"{stamp}  {path.name} -> {target.name}: {reason}\n")
    return target
