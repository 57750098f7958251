r"""The SmallGroups library shipped as package data (``hj.small_group``, ``hj.small_groups``).

The truth: the GAP fixture ``tests/data/gap_groups.json.gz`` (every group of order ≤ 32 and
34 larger ones, written independently by ``tools/gap_export.py``), the digests in the
provenance record, and theorems about the number of groups of an order.  Negative controls
show that a corrupted table or corrupted stored data is caught.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import harmonics_jax as hj
from _gap import load_fixture, record_label
from harmonics_jax import _small_groups

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import small_groups_data  # noqa: E402  (tools/ is a script folder)

FIXTURE_IN_LIBRARY = [r for r in load_fixture() if r["id"][0] <= 100]


def _is_prime(n: int) -> bool:
    return n > 1 and all(n % p for p in range(2, int(n**0.5) + 1))


def _expected_count(n: int) -> int | None:
    """The number of groups of order n where a theorem or a well-known count says it."""
    known = {1: 1, 8: 5, 12: 5, 16: 14, 18: 5, 20: 5, 24: 15, 27: 5, 30: 4, 32: 51, 36: 14,
             40: 14, 48: 52, 60: 13, 64: 267, 72: 50, 80: 52, 81: 15, 96: 231, 100: 16}
    if n in known:
        return known[n]
    if _is_prime(n):
        return 1
    for p in range(2, n):
        if n % p == 0 and _is_prime(p):
            q = n // p
            if q == p:
                return 2  # C(p²) and C(p)×C(p)
            if _is_prime(q):  # p < q: C(pq), plus C(q)⋊C(p) when p divides q − 1
                return 2 if (q - 1) % p == 0 else 1
            return None
    return None


def _all_tables() -> list[np.ndarray]:
    lib = _small_groups._library()
    out = []
    for j, n in enumerate(lib.orders.tolist()):
        cols = lib.columns[lib.offsets[j]:lib.offsets[j + 1]].astype(np.int64)
        out.append(_small_groups._rebuild(n, cols.reshape(-1, n)))
    return out


def test_counts_per_order():
    counts = [hj.num_small_groups(n) for n in range(1, 101)]
    assert sum(counts) == 1048
    checked = 0
    for n, c in enumerate(counts, start=1):
        expected = _expected_count(n)
        if expected is not None:
            assert c == expected, n
            checked += 1
    assert checked >= 60  # the rule covers most orders ≤ 100
    assert sum(1 for _ in hj.small_groups(min_order=64, max_order=64)) == 267
    assert [G.order for G in hj.small_groups(max_order=4)] == [1, 2, 3, 4, 4]


def test_every_table_is_a_latin_square_with_identity_zero():
    """Exhaustive and cheap: every rebuilt table has the right shape, each row and column
    is a permutation, label 0 is the identity, and each group has the name and id order
    of its position in the library."""
    lib = _small_groups._library()
    tables = _all_tables()
    assert len(tables) == len(lib.names) == 1048
    for n, i, t in zip(lib.orders.tolist(), lib.ids.tolist(), tables):
        ar = np.arange(n)
        assert t.shape == (n, n)
        assert (np.sort(t, axis=0) == ar[:, None]).all() and (np.sort(t, axis=1) == ar).all()
        assert (t[0] == ar).all() and (t[:, 0] == ar).all()
    expected_ids = [i for n in range(1, 101) for i in range(1, hj.num_small_groups(n) + 1)]
    assert lib.ids.tolist() == expected_ids


@pytest.mark.parametrize("gid", [(1, 1), (8, 3), (16, 8), (32, 49), (60, 5), (64, 138),
                                 (81, 9), (96, 204), (100, 16)])
def test_associativity_exhaustively(gid):
    """A sample checked on every triple, (ab)c = a(bc), independently of Light's test."""
    t = np.asarray(hj.small_group(*gid).table)
    ar = np.arange(len(t))
    left = t[t[:, :, None], ar[None, None, :]]  # left[a, b, c] = (ab)c
    right = t[ar[:, None, None], t[None, :, :]]  # right[a, b, c] = a(bc)
    assert np.array_equal(left, right)


def test_every_group_is_validated_and_named():
    names = {}
    for G in hj.small_groups():
        assert G == hj.FiniteGroup.from_cayley_table(G.table)  # full axiom check
        names[G.name] = G.order
    assert len(names) == 1048
    assert "SmallGroup(8,3) = D8" in names and "SmallGroup(24,12) = S4" in names


@pytest.mark.parametrize("record", FIXTURE_IN_LIBRARY, ids=record_label)
def test_matches_the_gap_fixture(record):
    """Same table label for label, same StructureDescription, for all 176 fixture groups of
    order ≤ 100."""
    n, i = record["id"]
    G = hj.small_group(n, i)
    assert np.array_equal(G.table, np.asarray(record["table"]))
    assert G.name == f"SmallGroup({n},{i}) = {record['name']}"


def test_provenance_digests_match_the_data():
    prov = _small_groups.provenance()
    assert prov["num_groups"] == 1048 and prov["max_order"] == 100
    assert prov["gap_version"] and prov["smallgrp_version"] and prov["command"].startswith(
        "python tools/small_groups_data.py")
    data = _small_groups._data_file(_small_groups._DATA).read_bytes()
    assert hashlib.sha256(data).hexdigest() == prov["file_sha256"]
    assert small_groups_data.tables_digest(_all_tables()) == prov["tables_sha256"]
    assert small_groups_data.names_digest(_small_groups._library().names) == prov["names_sha256"]
    # the GAP character truth for the thorough irreps check was exported with these tables
    assert small_groups_data.load_characters()["tables_sha256"] == prov["tables_sha256"]


def test_data_is_loaded_lazily():
    code = ("import harmonics_jax, harmonics_jax._small_groups as s; "
            "print(s._library.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "0"


@pytest.mark.parametrize("args, message", [
    ((0, 1), "between 1 and 100"),
    ((101, 1), "between 1 and 100"),
    ((8, 6), "there are 5 groups of order 8, so index must be between 1 and 5, got 6"),
    ((8, 0), "there are 5 groups of order 8"),
    ((7, 2), "there is 1 group of order 7"),
])
def test_bad_ids_raise_clear_errors(args, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        hj.small_group(*args)


def test_bad_argument_types_and_ranges(unchecked):
    with pytest.raises(TypeError, match="order must be an integer"):
        unchecked(hj.small_group)(8.0, 1)
    with pytest.raises(TypeError, match="index must be an integer"):
        unchecked(hj.small_group)(8, "3")
    with pytest.raises(ValueError, match="min_order=10 is larger than max_order=5"):
        hj.small_groups(min_order=10, max_order=5)
    with pytest.raises(ValueError, match="max_order must be between 1 and 100"):
        hj.small_groups(max_order=128)


# -- negative controls -------------------------------------------------------------------

def test_control_a_corrupted_table_is_caught():
    t = np.array(hj.small_group(8, 3).table)
    t[2, 3], t[2, 4] = t[2, 4], t[2, 3]  # swap two products: still a Latin row
    with pytest.raises(ValueError, match="Latin|associative|inverse|identity"):
        hj.validate_cayley_table(t)
    assert small_groups_data.tables_digest([t]) != small_groups_data.tables_digest(
        [hj.small_group(8, 3).table])


def test_control_corrupted_stored_columns_are_caught():
    """One stored byte changed: the rebuilt table is not a group table."""
    lib = _small_groups._library()
    j = lib.first[8] + 2  # SmallGroup(8,3)
    cols = lib.columns[lib.offsets[j]:lib.offsets[j + 1]].astype(np.int64).reshape(-1, 8)
    assert np.array_equal(_small_groups._rebuild(8, cols), hj.small_group(8, 3).table)
    bad = cols.copy()
    bad[0, 1] = bad[0, 2]  # the first generator's column now repeats a label
    with pytest.raises((ValueError, RuntimeError)):
        hj.validate_cayley_table(_small_groups._rebuild(8, bad))
