r"""Export SmallGroups from GAP as independent ground truth for ``harmonics_jax``.

For each ``SmallGroup(order, id)`` GAP writes one JSON record (one per line):

* ``id``: ``[order, id]`` (GAP's ``IdGroup``); ``name``: GAP's ``StructureDescription``.
* ``table``: the Cayley table on the fixed element list ``AsSSortedList(G)``, 0-based:
  ``table[g][h]`` is the label of ``g·h`` (row element on the left, CONVENTIONS.md).
  GAP puts the identity first, but nothing downstream relies on it.
* ``classes``: ``classes[g]`` is the index of g's conjugacy class, in the column order of
  ``CharacterTable(G)``.
* ``characters``: ``Irr(G)`` in GAP's order, each a list over classes of exact cyclotomics.
  A value is encoded as ``[N, [[k, p, q], ...]]`` meaning ``Σ (p/q)·exp(2πik/N)`` with
  ``N = Conductor(x)`` and the non-zero entries of ``CoeffsCyc(x, N)``; it rebuilds the
  complex value to machine precision (:func:`decode_cyclotomic`).

Usage (regenerates the committed fixture; see tools/README.md)::

    python tools/gap_export.py --fixture
    python tools/gap_export.py 8:3 8:4 60:5 -o runs/groups.json.gz

This module needs only NumPy and a ``gap`` executable with the SmallGroups library; it
never imports ``harmonics_jax``, so the truth it produces is independent of the code
under test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np

__all__ = [
    "FIXTURE_EXTRA",
    "FIXTURE_MAX_ORDER",
    "all_small_group_ids",
    "characters_on_elements",
    "decode_cyclotomic",
    "export",
    "export_batches",
    "fixture_ids",
    "gap_available",
    "gap_versions",
    "generating_set",
    "load",
    "save",
]

REPO = Path(__file__).resolve().parents[1]
FIXTURE_PATH = REPO / "tests" / "data" / "gap_groups.json.gz"

#: Every group of order ≤ this goes into the committed fixture (144 groups for 32).
FIXTURE_MAX_ORDER = 32
#: Larger groups in the fixture (orders 36..120), chosen for large irreps, non-abelian structure and
#: a spread of constructions (SmallGroup ids).
FIXTURE_EXTRA: tuple[tuple[int, int], ...] = (
    (36, 9), (36, 10), (39, 1), (40, 3), (42, 1),
    (48, 3), (48, 28), (48, 29), (48, 30), (48, 48), (48, 50),
    (55, 1), (56, 11), (57, 1),
    (60, 5),    # A5
    (64, 138), (64, 150), (64, 200), (64, 230), (64, 266),
    (72, 41), (75, 2), (80, 49), (81, 7), (81, 9),
    (96, 3), (96, 64), (96, 70), (96, 204), (96, 227),
    (100, 10), (100, 11),
    (120, 5),   # SL(2,5), the binary icosahedral group
    (120, 34),  # S5
)

# GAP side.  One function writes one JSON line; every list is serialised by hand so that
# GAP's range notation "[ 1 .. 5 ]" or line wrapping can never leak into the output.
_GAP_PRELUDE = r"""
HJ_Json := function(x)
  if IsString(x) and (IsEmpty(x) or IsChar(x[1])) then
    return Concatenation("\"", x, "\"");
  elif IsList(x) then
    return Concatenation("[", JoinStringsWithSeparator(List(x, HJ_Json), ","), "]");
  else
    return String(x);
  fi;
end;;

HJ_Cyc := function(v)
  local N, c, nz;
  N := Conductor(v);
  c := CoeffsCyc(v, N);
  nz := Filtered([1 .. N], j -> c[j] <> 0);
  return [N, List(nz, j -> [j - 1, NumeratorRat(c[j]), DenominatorRat(c[j])])];
end;;

HJ_Export := function(out, n, i)
  local G, elts, tab, ct, ccl, cls, k, x, chars, name;
  G := SmallGroup(n, i);
  elts := AsSSortedList(G);
  tab := List(MultiplicationTable(elts), row -> List(row, v -> v - 1));
  ct := CharacterTable(G);
  ccl := ConjugacyClasses(ct);
  cls := ListWithIdenticalEntries(Length(elts), -1);
  for k in [1 .. Length(ccl)] do
    for x in AsList(ccl[k]) do
      cls[PositionSorted(elts, x)] := k - 1;
    od;
  od;
  chars := List(Irr(ct), chi -> List(ValuesOfClassFunction(chi), HJ_Cyc));
  name := ReplacedString(StructureDescription(G), "\"", "'");
  WriteLine(out, Concatenation(
    "{\"id\":", HJ_Json(IdGroup(G)),
    ",\"name\":", HJ_Json(name),
    ",\"table\":", HJ_Json(tab),
    ",\"classes\":", HJ_Json(cls),
    ",\"characters\":", HJ_Json(chars), "}"));
end;;
"""


def gap_available(gap: str = "gap") -> bool:
    """Whether a ``gap`` executable is on PATH."""
    return shutil.which(gap) is not None


def _run_gap(body: str, *, gap: str = "gap", timeout: float | None = None) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".g", delete=False) as f:
        f.write(body + "\nQUIT;\n")
        script = f.name
    try:
        proc = subprocess.run([gap, "-q", "-b", "-o", "4g", script], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=timeout)
    finally:
        os.unlink(script)
    if proc.returncode != 0 or "Error" in proc.stderr or "Error" in proc.stdout:
        raise RuntimeError(f"GAP failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n"
                           f"{proc.stderr[-2000:]}")


def export(ids: Iterable[Sequence[int]], *, gap: str = "gap",
           timeout: float | None = None) -> list[dict]:
    """Run one GAP process exporting ``SmallGroup(order, id)`` for each pair in ``ids``."""
    ids = [(int(n), int(i)) for n, i in ids]
    if not ids:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "groups.jsonl"
        calls = "\n".join(f"HJ_Export(out, {n}, {i});" for n, i in ids)
        _run_gap(f'{_GAP_PRELUDE}\nout := OutputTextFile("{out}", false);;\n'
                 f"SetPrintFormattingStatus(out, false);;\n{calls}\nCloseStream(out);",
                 gap=gap, timeout=timeout)
        records = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    got = [tuple(r["id"]) for r in records]
    if got != ids:
        raise RuntimeError(f"GAP exported {got[:5]}... but {ids[:5]}... were asked for")
    return records


def export_batches(ids: Iterable[Sequence[int]], *, batch_size: int = 50,
                   gap: str = "gap") -> Iterator[dict]:
    """Like :func:`export`, one GAP process per ``batch_size`` groups, yielding records."""
    ids = list(ids)
    for start in range(0, len(ids), batch_size):
        yield from export(ids[start:start + batch_size], gap=gap)


def all_small_group_ids(max_order: int, *, min_order: int = 1,
                        gap: str = "gap") -> list[tuple[int, int]]:
    """Every SmallGroup id ``(n, i)`` with ``min_order ≤ n ≤ max_order`` (asks GAP)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "counts.txt"
        _run_gap(f'PrintTo("{out}", List([{min_order}..{max_order}], NumberSmallGroups), "\\n");',
                 gap=gap)
        counts = json.loads(out.read_text().replace("\n", " ").replace("\\", ""))
    return [(n, i) for n, c in zip(range(min_order, max_order + 1), counts)
            for i in range(1, c + 1)]


def gap_versions(*, gap: str = "gap") -> dict[str, str]:
    """The versions of GAP and of its SmallGroups package (``smallgrp``), for provenance."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "versions.txt"
        _run_gap(f'PrintTo("{out}", GAPInfo.Version, "\\n", '
                 f'InstalledPackageVersion("smallgrp"), "\\n");', gap=gap)
        gap_version, smallgrp = out.read_text().split()
    return {"gap": gap_version, "smallgrp": smallgrp}


def fixture_ids(*, gap: str = "gap") -> list[tuple[int, int]]:
    """The SmallGroup ids of the committed fixture."""
    return all_small_group_ids(FIXTURE_MAX_ORDER, gap=gap) + list(FIXTURE_EXTRA)


# -- decoding (pure NumPy) -------------------------------------------------------------

def generating_set(table: np.ndarray) -> np.ndarray:
    """A small generating set (greedy): add the first element not yet generated.

    Every element is then reached from the identity by right multiplications by these
    labels (breadth first).

    >>> generating_set(np.array([[0, 1, 2], [1, 2, 0], [2, 0, 1]])).tolist()
    [1]
    """
    table = np.asarray(table)
    n = table.shape[0]
    e = int(np.flatnonzero((table == np.arange(n)).all(axis=1))[0])
    reached = np.zeros(n, dtype=bool)
    reached[e] = True
    gens: list[int] = []
    while not reached.all():
        gens.append(int(np.flatnonzero(~reached)[0]))
        frontier = np.flatnonzero(reached)
        while frontier.size:
            nxt = np.unique(table[np.ix_(frontier, gens)])
            nxt = nxt[~reached[nxt]]
            reached[nxt] = True
            frontier = nxt
    return np.array(gens, dtype=np.int64)


def decode_cyclotomic(value: Sequence) -> complex:
    r"""``[N, [[k, p, q], ...]]`` ↦ ``Σ (p/q)·exp(2πik/N)`` as a complex number.

    >>> z = decode_cyclotomic([3, [[1, 1, 1], [2, 1, 1]]])  # E(3) + E(3)^2 = -1
    >>> abs(z - (-1)) < 1e-15
    True
    """
    n, terms = value
    if not terms:
        return 0j
    k = np.array([t[0] for t in terms], dtype=np.float64)
    c = np.array([float(Fraction(int(t[1]), int(t[2]))) for t in terms])
    return complex(np.sum(c * np.exp(2j * np.pi * k / n)))


def characters_on_elements(record: dict) -> np.ndarray:
    """GAP's irreducible characters as a ``(k, n)`` complex array, row i = χ_i(g) over the
    fixture's element labels (GAP's order of ``Irr``)."""
    classes = np.asarray(record["classes"], dtype=np.int64)
    per_class = np.array([[decode_cyclotomic(v) for v in chi] for chi in record["characters"]],
                         dtype=np.complex128)
    return per_class[:, classes]


def save(records: Sequence[dict], path: str | os.PathLike) -> None:
    """Write records as gzipped JSON (a list; compact, deterministic)."""
    data = json.dumps(list(records), separators=(",", ":")).encode()
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                 compresslevel=9) as f:
        f.write(data)


def load(path: str | os.PathLike = FIXTURE_PATH) -> list[dict]:
    """Read records written by :func:`save`."""
    with gzip.open(path, "rt") as f:
        return json.load(f)


def _parse_id(text: str) -> tuple[int, int]:
    try:
        n, i = text.split(":")
        return int(n), int(i)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected ORDER:ID such as 8:3, got {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", type=_parse_id, help="SmallGroup ids as ORDER:ID")
    parser.add_argument("--fixture", action="store_true",
                        help=f"export the committed fixture set (all orders ≤ "
                             f"{FIXTURE_MAX_ORDER} plus FIXTURE_EXTRA) to {FIXTURE_PATH}")
    parser.add_argument("--max-order", type=int, default=0,
                        help="also export every group of order ≤ this")
    parser.add_argument("-o", "--output", type=Path, default=None,
                        help="output .json.gz (default: the fixture path with --fixture)")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--gap", default="gap", help="GAP executable")
    args = parser.parse_args(argv)
    if not gap_available(args.gap):
        parser.error(f"{args.gap!r} is not on PATH; install GAP with the SmallGroups library")
    ids = list(args.ids)
    if args.fixture:
        ids += fixture_ids(gap=args.gap)
    if args.max_order:
        ids += all_small_group_ids(args.max_order, gap=args.gap)
    ids = sorted(set(ids))
    if not ids:
        parser.error("nothing to export: give ORDER:ID pairs, --fixture or --max-order")
    output = args.output or (FIXTURE_PATH if args.fixture else None)
    if output is None:
        parser.error("give -o/--output")
    records = []
    for rec in export_batches(ids, batch_size=args.batch_size, gap=args.gap):
        records.append(rec)
        print(f"\rexported {len(records)}/{len(ids)} groups", end="", file=sys.stderr)
    print(file=sys.stderr)
    output.parent.mkdir(parents=True, exist_ok=True)
    save(records, output)
    print(f"wrote {len(records)} groups to {output} ({output.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
