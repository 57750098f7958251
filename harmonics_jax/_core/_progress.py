"""Progress messages from long computations, for whoever wants them.

Library code calls :func:`report_progress` with a short message; nothing happens unless the
caller installed a receiver with :func:`progress_to` (the CLI prints them on stderr for large
groups).  A context variable, so concurrent callers do not see each other's messages.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

__all__ = ["report_progress", "progress_to"]

_RECEIVER: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar(
    "harmonics_progress", default=None)


def report_progress(message: str) -> None:
    receiver = _RECEIVER.get()
    if receiver is not None:
        receiver(message)


@contextlib.contextmanager
def progress_to(receiver: Callable[[str], None] | None) -> Iterator[None]:
    """Send :func:`report_progress` messages to ``receiver`` inside this block."""
    token = _RECEIVER.set(receiver)
    try:
        yield
    finally:
        _RECEIVER.reset(token)
