r"""Regenerate the SmallGroups package data and the GAP character truth for orders ≤ 100.

One GAP export (``gap_export.export_batches``, every ``SmallGroup(n, i)`` with n ≤ 100:
1,048 groups) gives three files:

* ``harmonics_jax/data/small_groups.npz``: the Cayley tables, compactly.  For each group,
  in SmallGroup-id order, a greedy generating set s_1..s_k of GAP's table
  (:func:`gap_export.generating_set`, k ≤ 6 here) and the k columns
  ``table[:, s_j]`` (right multiplication by s_j, uint8).  The reader rebuilds the whole
  table breadth first from the identity (label 0): if y = x·s_j then
  ``table[:, y] = table[:, s_j][table[:, x]]``, because a·(x·s) = (a·x)·s.  Arrays:
  ``orders`` (uint8), ``ids`` (uint16), ``num_generators`` (uint8), ``columns``
  (uint8, the k·n entries of every group back to back, generator by generator) and
  ``names`` (GAP's ``StructureDescription``).  Labels are GAP's ``AsSSortedList``
  positions, 0-based, identity first: the tables equal GAP's export label for label.
* ``harmonics_jax/data/small_groups.json``: provenance: GAP and SmallGroups versions, the
  command, the date, the encoding, and SHA-256 digests of the file, of the tables (every
  table as uint8, row-major, concatenated in id order) and of the names.
* ``tests/data/gap_characters_100.json.xz``: GAP's classes and exact characters of every
  group (the ``classes``/``characters`` fields of ``gap_export``), for the ``thorough``
  irreps cross-check; it carries the same tables digest so a test can tie it to the
  package data.

Usage (from the repository root, in its virtual environment)::

    python tools/small_groups_data.py                      # export from GAP (3 min CPU)
    python tools/small_groups_data.py --from all100.json.gz  # re-encode a saved export
    python tools/small_groups_data.py --compare-encodings   # + sizes of the alternatives

The zip entries carry a fixed timestamp and xz/zip settings are fixed, so an unchanged GAP
gives byte-identical data files (only the provenance date changes).  Like ``gap_export``,
this script never imports ``harmonics_jax``.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import json
import lzma
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gap_export  # noqa: E402  (sibling script)

REPO = gap_export.REPO
MAX_ORDER = 100
DATA_PATH = REPO / "harmonics_jax" / "data" / "small_groups.npz"
PROVENANCE_PATH = DATA_PATH.with_suffix(".json")
CHARACTERS_PATH = REPO / "tests" / "data" / "gap_characters_100.json.xz"
COMMAND = "python tools/small_groups_data.py"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def tables_digest(tables: Sequence[np.ndarray]) -> str:
    """SHA-256 of the tables as uint8, row-major, concatenated in order."""
    h = hashlib.sha256()
    for t in tables:
        h.update(np.ascontiguousarray(t, dtype=np.uint8).tobytes())
    return h.hexdigest()


def names_digest(names: Sequence[str]) -> str:
    """SHA-256 of the names joined by newlines (UTF-8)."""
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def encode(records: Sequence[dict]) -> dict[str, np.ndarray]:
    """The arrays of ``small_groups.npz`` (see the module docstring)."""
    orders, ids, ks, columns, names = [], [], [], [], []
    for rec in records:
        n, i = rec["id"]
        table = np.asarray(rec["table"], dtype=np.int64)
        if table.shape != (n, n) or not np.array_equal(table[0], np.arange(n)):
            raise ValueError(f"SmallGroup({n},{i}): expected an ({n}, {n}) table with the "
                             "identity at label 0 (GAP's AsSSortedList puts it first)")
        gens = gap_export.generating_set(table)
        orders.append(n)
        ids.append(i)
        ks.append(len(gens))
        columns.append(table[:, gens].T.ravel())
        names.append(rec["name"])
    if max(orders) > 255:
        raise ValueError("uint8 labels hold orders ≤ 256 only")
    return {
        "orders": np.array(orders, dtype=np.uint8),
        "ids": np.array(ids, dtype=np.uint16),
        "num_generators": np.array(ks, dtype=np.uint8),
        "columns": np.concatenate(columns).astype(np.uint8),
        "names": np.array(names, dtype=np.str_),
    }


def write_npz(arrays: dict[str, np.ndarray], path: Path) -> None:
    """Like ``np.savez_compressed``, but with fixed zip timestamps (deterministic bytes)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def write_characters(records: Sequence[dict], digest: str, path: Path) -> None:
    """GAP's classes and characters of every group (no tables), as xz-compressed JSON."""
    payload = {
        "tables_sha256": digest,
        "groups": [{"id": r["id"], "classes": r["classes"], "characters": r["characters"]}
                   for r in records],
    }
    data = json.dumps(payload, separators=(",", ":")).encode()
    path.write_bytes(lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))


def encoding_sizes(records: Sequence[dict]) -> dict[str, int]:
    """Bytes of the alternatives for storing the tables (the measurement behind the choice
    of generator columns; ``--compare-encodings``)."""
    tables = b"".join(np.asarray(r["table"], dtype=np.uint8).tobytes() for r in records)
    columns = encode(records)["columns"].tobytes()
    sizes = {}
    for name, raw in (("full tables", tables), ("generator columns", columns)):
        buf = io.BytesIO()
        np.savez_compressed(buf, data=np.frombuffer(raw, dtype=np.uint8))
        sizes[f"{name}, uint8 raw"] = len(raw)
        sizes[f"{name}, compressed .npz"] = len(buf.getvalue())
        sizes[f"{name}, xz"] = len(lzma.compress(raw, preset=9))
    return sizes


def load_characters(path: Path = CHARACTERS_PATH) -> dict:
    """Read the file written by :func:`write_characters`."""
    return json.loads(lzma.decompress(path.read_bytes()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", type=Path, default=None,
                        help="re-encode a saved export (gap_export.py --max-order 100 -o FILE) "
                             "instead of running GAP")
    parser.add_argument("--gap", default="gap", help="GAP executable")
    parser.add_argument("--compare-encodings", action="store_true",
                        help="also print the size of each way of storing the tables")
    args = parser.parse_args(argv)
    if not gap_export.gap_available(args.gap):
        parser.error(f"{args.gap!r} is not on PATH; install GAP with the SmallGroups library "
                     "(Debian: apt-get install gap gap-smallgrp)")
    versions = gap_export.gap_versions(gap=args.gap)
    ids = gap_export.all_small_group_ids(MAX_ORDER, gap=args.gap)
    if args.source is not None:
        records = gap_export.load(args.source)
        command = f"{COMMAND} --from {args.source.name}"
    else:
        records = []
        for rec in gap_export.export_batches(ids, gap=args.gap):
            records.append(rec)
            print(f"\rexported {len(records)}/{len(ids)} groups", end="", file=sys.stderr)
        print(file=sys.stderr)
        command = COMMAND
    got = [tuple(r["id"]) for r in records]
    if got != ids:
        raise SystemExit(f"the export holds {len(got)} groups, GAP lists {len(ids)} of order "
                         f"≤ {MAX_ORDER}; re-export with gap_export.py --max-order {MAX_ORDER}")
    arrays = encode(records)
    DATA_PATH.parent.mkdir(parents=True, exist_ok=True)
    write_npz(arrays, DATA_PATH)
    digest = tables_digest(np.asarray(r["table"]) for r in records)
    write_characters(records, digest, CHARACTERS_PATH)
    provenance = {
        "source": "GAP SmallGroups library: SmallGroup(n, i) for every n <= 100",
        "gap_version": versions["gap"],
        "smallgrp_version": versions["smallgrp"],
        "command": command,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "num_groups": len(records),
        "max_order": MAX_ORDER,
        "labels": "0-based positions in AsSSortedList(G); the identity is label 0; "
                  "table[g][h] is the label of g*h",
        "names": "StructureDescription(G)",
        "encoding": "per group, in id order: k greedy generators s_j and the columns "
                    "table[:, s_j] (uint8, k*n entries); the table is rebuilt breadth first "
                    "from the identity with table[:, x*s_j] = table[:, s_j][table[:, x]]",
        "file": DATA_PATH.name,
        "file_sha256": hashlib.sha256(DATA_PATH.read_bytes()).hexdigest(),
        "tables_sha256": digest,
        "names_sha256": names_digest([r["name"] for r in records]),
    }
    PROVENANCE_PATH.write_text(json.dumps(provenance, indent=1) + "\n")
    for path in (DATA_PATH, PROVENANCE_PATH, CHARACTERS_PATH):
        print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size / 1e3:.1f} kB)")
    if args.compare_encodings:
        for name, size in encoding_sizes(records).items():
            print(f"  {name}: {size / 1e3:.1f} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
