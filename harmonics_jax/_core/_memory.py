r"""Size guards: estimate the memory a computation needs *before* allocating it, and refuse
with a clear message when this machine cannot hold it.

The budget is, in order of precedence:

1. switched off inside :func:`size_guards_off` (the CLI's ``--force``);
2. the environment variable ``HARMONICS_MAX_MEMORY`` (bytes, or a size such as ``512M``,
   ``64G``; ``none`` switches the guards off), for machines whose free memory the OS
   misreports (containers, batch schedulers) and for tests;
3. what the OS reports as available: ``MemAvailable`` in ``/proc/meminfo``, capped by the
   cgroup limit (``/sys/fs/cgroup/memory.max``) when there is one; where neither can be
   read (not Linux), no guard.

Estimates are deliberately rough upper bounds (the largest temporaries a computation makes,
counted from its code); a refused computation can always be forced.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
from collections.abc import Iterator

__all__ = ["InsufficientMemoryError", "require_memory", "memory_budget", "size_guards_off",
           "size_guards_on", "format_bytes", "parse_size", "memory_mappings",
           "near_mapping_limit"]

_ENV = "HARMONICS_MAX_MEMORY"
_OFF: contextvars.ContextVar[bool] = contextvars.ContextVar("harmonics_size_guards_off",
                                                             default=False)
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


class InsufficientMemoryError(ValueError, MemoryError):
    """Raised before allocating when a computation would need more memory than the budget
    (a ``ValueError``: the input is too large for this machine; also a ``MemoryError``)."""


def format_bytes(n: int | float) -> str:
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} B"


def parse_size(text: str) -> int | None:
    """A size in bytes from ``'512M'``, ``'64G'``, ``'1.5GiB'`` or ``'4096'``; ``'none'`` is
    None (no limit).

    >>> parse_size("512M"), parse_size("none")
    (536870912, None)
    """
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    if t in ("NONE", "OFF", "INF"):
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)", t)
    if m is None:
        raise ValueError(f"{_ENV}: expected a size such as 512M, 64G or 'none', got {text!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def _os_available() -> int | None:
    avail = None
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        return None
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as f:
            limit = f.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as f:
            used = int(f.read().strip())
        if limit != "max" and avail is not None:
            avail = min(avail, int(limit) - used)
    except (OSError, ValueError):
        pass
    return avail


def memory_budget() -> tuple[int | None, str]:
    """(bytes this process may allocate, where that number comes from); None = no guard."""
    if _OFF.get():
        return None, "size guards switched off"
    env = os.environ.get(_ENV)
    if env is not None and env.strip():
        return parse_size(env), f"{_ENV}={env}"
    return _os_available(), "available memory reported by the OS"


def size_guards_on() -> bool:
    """False inside :func:`size_guards_off`."""
    return not _OFF.get()


@contextlib.contextmanager
def size_guards_off() -> Iterator[None]:
    """Inside this block :func:`require_memory` never refuses (the CLI's ``--force``)."""
    token = _OFF.set(True)
    try:
        yield
    finally:
        _OFF.reset(token)


def require_memory(nbytes: int | float, what: str, *, fix: str = "") -> None:
    """Raise :class:`InsufficientMemoryError` if ``nbytes`` exceed the budget."""
    budget, source = memory_budget()
    if budget is None or nbytes <= budget:
        return
    raise InsufficientMemoryError(
        f"{what} needs about {format_bytes(nbytes)} of memory, more than the "
        f"{format_bytes(max(budget, 0))} this machine can give ({source}). "
        + (f"{fix} " if fix else "")
        + f"To try anyway: pass --force on the command line, or set {_ENV}=none (or a size "
        "such as 64G) in the environment.")


def memory_mappings() -> tuple[int, int] | None:
    """``(mappings this process holds, vm.max_map_count)`` on Linux; None where either cannot
    be read.  XLA keeps several mappings per compiled program alive while JAX's caches hold
    the program, and past the limit (65,530 by default) a compilation fails inside LLVM
    ("Cannot allocate memory") and the process dies.

    >>> m = memory_mappings()
    >>> m is None or 0 < m[0] < m[1]
    True
    """
    try:
        with open("/proc/sys/vm/max_map_count") as f:
            limit = int(f.read())
        with open("/proc/self/maps", "rb") as f:
            count = sum(1 for _ in f)
    except (OSError, ValueError):
        return None
    return count, limit


def near_mapping_limit(fraction: float = 0.5) -> bool:
    """Whether this process holds more than ``fraction`` of its memory-mapping limit (False
    where that cannot be read): time to call ``jax.clear_caches()``."""
    m = memory_mappings()
    return m is not None and m[0] > fraction * m[1]
