"""What the command line prints for an error instead of a traceback (one line, exit 2)."""

from __future__ import annotations

import jax

__all__ = ["explain"]


def explain(err: BaseException) -> str | None:
    """One line for an error the user can act on, or None for a bug (let it raise).

    * ``OSError`` (a missing folder, a read-only target, a full disk, a path that is a
      file): the path and the system's reason;
    * ``ValueError``/``TypeError`` (bad input; also the size guards, the sweep-folder checks
      and a chunk file that fails its check): their message, which names the argument or
      the file;
    * out of memory during a computation (``MemoryError``, XLA's ``RESOURCE_EXHAUSTED``).
    """
    if isinstance(err, OSError):
        where = err.filename if err.filename is not None else None
        if where is None:
            return str(err)
        reason = err.strerror or str(err)
        if err.filename2 is not None:
            return f"{where} → {err.filename2}: {reason}"
        return f"{where}: {reason}"
    if isinstance(err, (ValueError, TypeError)):
        return str(err)
    if isinstance(err, MemoryError):
        return (f"out of memory ({err or 'MemoryError'}); use a smaller group, fewer seeds "
                "per chunk (--chunk) or a smaller --batch")
    if isinstance(err, jax.errors.JaxRuntimeError) and "RESOURCE_EXHAUSTED" in str(err):
        first = str(err).strip().splitlines()[0]
        return (f"the accelerator ran out of memory ({first}); lower --chunk or --batch")
    return None
