r"""Ctrl-C within a fraction of a second, even while NumPy, LAPACK or XLA hold the thread.

Python handles a signal only between bytecodes of the main thread, so one long C call (an
``eigh`` of a 5000 × 5000 matrix, an XLA compilation, a training program) delays a
``KeyboardInterrupt`` until it returns — minutes, for a large group.  :func:`interruptible`
runs such a call in a worker thread while the main thread waits in short, interruptible
sleeps: Ctrl-C raises ``KeyboardInterrupt`` in the caller at once.  The worker cannot be
killed; it finishes its current call in the background and its result is dropped (the
command line then exits without waiting for it, see ``harmonics_jax.cli.main``).

Context variables (NumPy's ``errstate``, this package's settings) are copied into the
worker.  JAX options set with ``jax.config.update`` apply there too; JAX's *thread-local*
context managers (``with jax.debug_nans(...)`` and the like) around the call do not.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["interruptible", "interruptible_if"]

T = TypeVar("T")
_POLL_SECONDS = 0.05


def interruptible(fn: Callable[..., T], *args, **kwargs) -> T:
    """``fn(*args, **kwargs)``, computed in a worker thread when called from the main
    thread, so that a ``KeyboardInterrupt`` reaches the caller within ~0.05 s.  Exceptions
    of ``fn`` (``KeyboardInterrupt`` included) are re-raised in the caller."""
    if threading.current_thread() is not threading.main_thread():
        return fn(*args, **kwargs)
    box: dict[str, object] = {}
    done = threading.Event()
    context = contextvars.copy_context()

    def work() -> None:
        try:
            box["value"] = context.run(fn, *args, **kwargs)
        except BaseException as err:  # noqa: BLE001 - handed to the caller below
            box["error"] = err
        finally:
            done.set()

    worker = threading.Thread(target=work, name=f"harmonics:{getattr(fn, '__name__', 'work')}",
                              daemon=True)
    worker.start()
    while not done.wait(_POLL_SECONDS):
        pass
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def interruptible_if(worth_it: bool, fn: Callable[..., T], *args, **kwargs) -> T:
    """:func:`interruptible` when ``worth_it`` (a long call), else a plain call (a thread
    costs ~0.1 ms, too much for the many tiny calls of a small group)."""
    return interruptible(fn, *args, **kwargs) if worth_it else fn(*args, **kwargs)
