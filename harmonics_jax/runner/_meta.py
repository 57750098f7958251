"""What produced a run: software versions, the accelerator, the date and the command line.

Recorded in ``spec.json`` (when the sweep was created), in every chunk (when it was
computed) and in ``summary.json`` (when it was last written), so a folder shared later still
says how its numbers were made.  ``command`` is the exact command line for the ``harmonics``
CLI and ``None`` for a library call (a Python process's ``sys.argv`` says nothing about the
call that made the sweep).
"""

from __future__ import annotations

import datetime
import importlib.metadata
import platform

import jax
import numpy as np

__all__ = ["environment", "software"]

SOFTWARE_KEYS = ("harmonics_jax", "jax", "jaxlib", "numpy", "backend", "device_kind")


def _version(dist: str, fallback: str | None = None) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return fallback


def environment(command: str | None = None) -> dict:
    """Versions, backend, devices, UTC date and ``command`` (see the module docstring).

    >>> env = environment("harmonics sweep --group D4 --out runs/d4")
    >>> env["backend"] == jax.default_backend(), env["command"].split()[:2]
    (True, ['harmonics', 'sweep'])
    """
    from .. import __version__

    devices = jax.devices()
    return {
        "harmonics_jax": __version__,
        "jax": jax.__version__,
        "jaxlib": _version("jaxlib"),
        "numpy": np.__version__,
        "python": platform.python_version(),
        "backend": jax.default_backend(),
        "device_kind": devices[0].device_kind,
        "device_count": len(devices),
        "process_count": jax.process_count(),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": command,
    }


def software(env: dict) -> dict:
    """The part of an environment that can change the numbers (versions, backend, device)."""
    return {k: env.get(k) for k in SOFTWARE_KEYS}
