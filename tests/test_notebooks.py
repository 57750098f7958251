"""Every notebook in ``notebooks/`` runs at small settings (``HARMONICS_NOTEBOOK_SCALE=small``)
in a real Jupyter kernel; a cell that raises or an asserted check that fails fails the test.
The committed copies carry the outputs of the full settings, every figure included.
Negative controls: a notebook that raises and one whose check fails are reported, naming the
cell."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from run_notebooks import NotebookFailed, execute  # noqa: E402

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def write_notebook(path: Path, *sources: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


def test_there_are_notebooks():
    names = [p.name for p in NOTEBOOKS]
    for stem in ("01_fourier_on_groups", "02_harmonics_emerge", "03_reading_the_group_back",
                 "04_noise"):
        assert f"{stem}.ipynb" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_at_small_settings(path):
    nb = execute(path, "small")
    asserts = sum("assert " in c.source for c in nb.cells if c.cell_type == "code")
    assert asserts >= 2, f"{path.name} asserts no check of what its figures show"


def committed_output_problems(path: Path) -> list[str]:
    """What is wrong with the outputs stored in the notebook at ``path`` (empty: nothing):
    every code cell executed, the first one at full settings, no error, and every cell that
    ends in a drawing call (``plot.…``, ``plt.show()``, a notebook's own ``draw(…)``) shows
    its picture."""
    def text(x):  # nbformat stores multi-line strings as lists of lines
        return x if isinstance(x, str) else "".join(x)

    code = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    if not code:
        return ["no code cells"]
    problems = []
    if any(c["execution_count"] is None for c in code):
        problems.append(f"not executed (python tools/run_notebooks.py {path.name})")
    first = "".join(text(o.get("text", "")) for o in code[0]["outputs"])
    if "scale: full" not in first:
        problems.append("the outputs are not from full settings (first cell: 'scale: full')")
    problems += [f"an error output: {o.get('ename')}" for c in code for o in c["outputs"]
                 if o["output_type"] == "error"]
    drawing = [c for c in code
               if (text(c["source"]).strip().splitlines() or [""])[-1].strip()
               .startswith(("plot.", "plt.show", "draw("))]
    if not drawing:
        problems.append("draws nothing")
    problems += [f"a drawing cell has no picture: {text(c['source'])[:60]!r}" for c in drawing
                 if not any("image/png" in o.get("data", {}) for o in c["outputs"])]
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_outputs_come_from_full_settings_and_show_every_figure(path):
    assert committed_output_problems(path) == [], path.name


def test_committed_output_check_catches_small_unexecuted_and_pictureless(tmp_path):
    src = ("import os; print('scale:', os.environ['HARMONICS_NOTEBOOK_SCALE'])",
           "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()")
    nb = write_notebook(tmp_path / "nb.ipynb", *src)
    assert any("not executed" in p for p in committed_output_problems(nb))
    import nbformat

    nbformat.write(execute(nb, "full"), nb)
    assert committed_output_problems(nb) == []          # the positive case
    nbformat.write(execute(nb, "small"), nb)
    assert any("not from full settings" in p for p in committed_output_problems(nb))
    pictureless = write_notebook(tmp_path / "blank.ipynb", *src[:1],
                                 "import matplotlib.pyplot as plt\nplt.show()")  # nothing drawn
    nbformat.write(execute(pictureless, "full"), pictureless)
    assert any("has no picture" in p for p in committed_output_problems(pictureless))


def test_a_notebook_that_raises_or_fails_a_check_is_a_failure(tmp_path):
    ok = write_notebook(tmp_path / "ok.ipynb", "import os",
                        "assert os.environ['HARMONICS_NOTEBOOK_SCALE'] == 'small'")
    execute(ok, "small")  # the scale reaches the kernel
    raises = write_notebook(tmp_path / "raises.ipynb", "x = 1", "1 / 0")
    with pytest.raises(NotebookFailed, match=r"raises.ipynb: cell 1 raised ZeroDivisionError"):
        execute(raises, "small")
    check = write_notebook(tmp_path / "check.ipynb", "x = 2", "assert x == 3, 'x drifted'")
    with pytest.raises(NotebookFailed, match=r"check.ipynb: cell 1 raised AssertionError: "
                                             r"x drifted"):
        execute(check, "small")
    with pytest.raises(NotebookFailed, match=r"ok.ipynb: cell 1 raised AssertionError"):
        execute(ok, "full")  # ... and is what the kernel sees
