"""Execute the notebooks in ``notebooks/``: at full settings, writing their outputs back in
place (what is committed), or at small settings into a throw-away copy (what the test run
does, through ``tests/test_notebooks.py``).

    python tools/run_notebooks.py                       # every notebook, full settings, in place
    python tools/run_notebooks.py notebooks/01_*.ipynb  # some of them
    python tools/run_notebooks.py --scale small --check # small settings, outputs discarded

Each notebook reads ``HARMONICS_NOTEBOOK_SCALE`` (``small`` or ``full``) in its first code
cell; the kernel runs in the notebook's own folder with this interpreter (the ``python3``
kernel of the environment running this script).  A cell that raises, including a failed
``assert``, stops the notebook and raises :class:`NotebookFailed` naming the notebook, the
cell and the error.  Uses nbclient (the ``test`` extra): it executes a notebook in a real
Jupyter kernel, exactly as a reader's Jupyter would, in a dozen lines of ours.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCALES = ("small", "full")


class NotebookFailed(AssertionError):
    """A notebook raised; the message names the notebook, the cell and the error."""


def execute(path: str | os.PathLike, scale: str = "small", *, timeout: int = 600):
    """Run every cell of the notebook at ``path`` with ``HARMONICS_NOTEBOOK_SCALE=scale``;
    returns the executed notebook (an ``nbformat.NotebookNode``); the file is not touched."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    old = os.environ.get("HARMONICS_NOTEBOOK_SCALE")
    os.environ["HARMONICS_NOTEBOOK_SCALE"] = scale  # the kernel inherits this environment
    try:
        client.execute()
    except CellExecutionError as err:
        index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                      and any(o.get("output_type") == "error" for o in c.get("outputs", []))),
                     None)
        where = f"cell {index}" if index is not None else "a cell"
        source = nb.cells[index].source if index is not None else ""
        raise NotebookFailed(f"{path.name}: {where} raised {err.ename}: {err.evalue}\n"
                             f"--- cell source ---\n{source}") from None
    finally:
        if old is None:
            os.environ.pop("HARMONICS_NOTEBOOK_SCALE", None)
        else:
            os.environ["HARMONICS_NOTEBOOK_SCALE"] = old
    return nb


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("paths", nargs="*", help="notebooks (default: notebooks/*.ipynb)")
    p.add_argument("--scale", choices=SCALES, default="full",
                   help="settings the notebooks read (default: %(default)s)")
    p.add_argument("--check", action="store_true",
                   help="only run them; do not write the outputs back")
    p.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = p.parse_args(argv)
    paths = [Path(s) for s in args.paths] or sorted((REPO / "notebooks").glob("*.ipynb"))
    import nbformat

    for path in paths:
        start = time.perf_counter()
        nb = execute(path, args.scale, timeout=args.timeout)
        if not args.check:
            nbformat.write(nb, path)
        print(f"{path.name}: {args.scale} settings, {time.perf_counter() - start:.0f} s"
              f"{'' if args.check else ', outputs written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
