r"""``harmonics_jax.irreps`` and ``character_table`` against GAP's SmallGroups library.

Every group of order ≤ 32 and a selection of orders 36..120 (``tests/data/gap_groups.json.gz``,
regenerate with ``python tools/gap_export.py --fixture``); with ``HARMONICS_PROFILE=thorough``
also every one of the 1,048 groups of order ≤ 100 of ``hj.small_group`` against GAP's
characters in ``tests/data/gap_characters_100.json.xz`` (``ci`` runs every 50th of them).  For each group, built from
GAP's Cayley table with :meth:`FiniteGroup.from_cayley_table`, the irreps must be unitary
homomorphisms (residual ≤ 1e-9), one per conjugacy class, with Σ d² = n, pairwise
inequivalent, and their traces must equal GAP's irreducible characters as a multiset
(≤ 1e-8 per entry).  Negative controls show that the comparison catches a conjugated,
dropped or duplicated character and a broken or non-unitary representation.
"""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

import harmonics_jax as hj
from _gap import (
    CHARACTER_TOL,
    RESIDUAL_TOL,
    characters_on_elements,
    check_irreps,
    gap_export,
    homomorphism_residual,
    load_fixture,
    load_library_characters,
    match_characters,
    record_label,
    traces,
    unitarity_residual,
)

RECORDS = load_fixture()
BY_ID = {tuple(r["id"]): r for r in RECORDS}
THOROUGH = os.environ.get("HARMONICS_PROFILE", "ci") == "thorough"
LIBRARY_IDS = [(n, i) for n in range(1, 101) for i in range(1, hj.num_small_groups(n) + 1)]


def _group(record: dict) -> hj.FiniteGroup:
    return hj.FiniteGroup.from_cayley_table(record["table"], name=record_label(record))


def test_fixture_covers_the_promised_groups():
    ids = set(BY_ID)
    counts = {1: 1, 2: 1, 4: 2, 8: 5, 16: 14, 24: 15, 27: 5, 32: 51}
    for n, c in counts.items():
        assert {i for (m, i) in ids if m == n} == set(range(1, c + 1)), n
    assert len([i for i in ids if i[0] <= 32]) == 144
    assert (60, 5) in ids and (72, 41) in ids and any(n == 100 for n, _ in ids)


@pytest.mark.parametrize("record", RECORDS, ids=record_label)
def test_gap_fixture_is_self_consistent(record):
    """The truth itself: a group table, GAP's classes are hj's classes, and GAP's
    characters satisfy the row orthogonality relations ⟨χ_i, χ_j⟩ = δ_ij."""
    G = _group(record)
    n = G.order
    assert n == record["id"][0]
    chars = characters_on_elements(record)
    gram = chars @ chars.conj().T / n
    assert np.abs(gram - np.eye(len(chars))).max() < 1e-12
    gap_classes = np.asarray(record["classes"])
    # same partition of the elements into conjugacy classes
    pairs = set(zip(gap_classes.tolist(), G.class_index.tolist()))
    assert len(pairs) == G.num_classes == len(chars)


@pytest.mark.parametrize("record", RECORDS, ids=record_label)
def test_irreps_match_gap(record):
    G = _group(record)
    reps = hj.irreps(G)
    report = check_irreps(G.table, reps, num_classes=G.num_classes,
                          gap_characters=characters_on_elements(record))
    assert report.num_classes == len(record["characters"])
    assert report.failures() == [], f"{record_label(record)}: {report}"


@pytest.mark.parametrize("record", RECORDS, ids=record_label)
def test_character_table_matches_gap(record):
    G = _group(record)
    ours = hj.character_table(G).on_elements()
    match = match_characters(ours, characters_on_elements(record))
    assert match.ok, f"{record_label(record)}: {match.describe()}"
    # the character table and the irreps list rows in the same order
    assert np.abs(traces(hj.irreps(G)) - ours).max() < CHARACTER_TOL


@pytest.mark.parametrize("gid", LIBRARY_IDS if THOROUGH else LIBRARY_IDS[::50],
                         ids=lambda gid: f"SmallGroup({gid[0]},{gid[1]})")
def test_irreps_match_gap_whole_library(gid):
    """The same check on the packaged library: ``thorough`` runs all 1,048 groups."""
    record = load_library_characters()[gid]
    G = hj.small_group(*gid)
    report = check_irreps(G.table, hj.irreps(G), num_classes=G.num_classes,
                          gap_characters=characters_on_elements(record))
    assert report.num_classes == len(record["characters"])
    assert report.failures() == [], f"{G.name}: {report}"


def test_library_characters_cover_every_group():
    assert sorted(load_library_characters()) == LIBRARY_IDS


@pytest.mark.parametrize("identity", [0, 5, 20])
def test_identity_anywhere(identity):
    """Relabel SmallGroup(21,1) so that the identity sits at ``identity``."""
    record = BY_ID[(21, 1)]
    table = np.asarray(record["table"])
    n = table.shape[0]
    perm = (np.arange(n) + identity) % n  # old label a ↦ new label perm[a]; GAP: e = 0
    new = np.empty_like(table)
    new[np.ix_(perm, perm)] = perm[table]
    G = hj.FiniteGroup.from_cayley_table(new)
    assert G.identity == identity
    gap = np.empty_like(characters_on_elements(record))
    gap[:, perm] = characters_on_elements(record)
    report = check_irreps(G.table, hj.irreps(G), num_classes=G.num_classes, gap_characters=gap)
    assert report.failures() == []


# -- negative controls: the comparison must be able to fail ------------------------------

NON_REAL = (21, 1)  # C7 ⋊ C3: two non-real characters of degree 1 and two of degree 3


def _gap_chars(gid):
    return characters_on_elements(BY_ID[gid])


def test_control_conjugated_character_is_caught():
    gap = _gap_chars(NON_REAL)
    k = int(np.flatnonzero(np.abs(gap.imag).max(axis=1) > 0.1)[-1])  # a non-real degree-3 χ
    wrong = gap.copy()
    wrong[k] = wrong[k].conj()
    assert match_characters(gap, gap).ok
    match = match_characters(wrong, gap)
    assert not match.ok and len(match.unmatched_ours) == 1 and len(match.unmatched_gap) == 1


def test_control_dropped_and_duplicated_characters_are_caught():
    gap = _gap_chars((60, 5))
    assert not match_characters(gap[:-1], gap).ok
    dup = gap.copy()
    dup[1] = dup[2]  # A5's two degree-3 characters: one now appears twice
    assert not match_characters(dup, gap).ok
    assert not match_characters(gap + 1e-6, gap).ok  # a tiny but real difference


def test_control_wrong_irreps_are_caught():
    G = _group(BY_ID[NON_REAL])
    reps = [np.array(r) for r in hj.irreps(G)]
    gap = _gap_chars(NON_REAL)
    k = next(i for i, r in enumerate(reps) if np.abs(traces([r]).imag).max() > 0.1
             and r.shape[1] == 3)
    # (a) the complex conjugate representation is a valid irrep, but then a class is lost
    wrong = list(reps)
    wrong[k] = reps[k].conj()
    report = check_irreps(G.table, wrong, num_classes=G.num_classes, gap_characters=gap)
    fails = report.failures()
    assert report.max_homomorphism <= RESIDUAL_TOL
    assert any("same character" in f for f in fails)
    assert any("not orthonormal" in f for f in fails)
    assert any("differ from GAP" in f for f in fails)
    # (b) one irrep dropped
    report = check_irreps(G.table, reps[:-1], num_classes=G.num_classes, gap_characters=gap)
    assert any("conjugacy classes" in f for f in report.failures())
    # (c) two group elements' matrices swapped: no longer a homomorphism
    broken = reps[k].copy()
    broken[[1, 2]] = broken[[2, 1]]
    assert homomorphism_residual(G.table, broken) > 0.1
    # (d) a non-unitary conjugate A ρ A⁻¹ is still a homomorphism but fails unitarity
    a = np.diag([1.0, 2.0, 3.0]).astype(complex)
    skew = np.einsum("ij,gjk,kl->gil", a, reps[k], np.linalg.inv(a))
    assert homomorphism_residual(G.table, skew) <= RESIDUAL_TOL
    assert unitarity_residual(skew) > 0.1


@pytest.mark.skipif(shutil.which("gap") is None, reason="GAP is not installed")
def test_gap_export_reproduces_fixture():
    """The exporter, run live, gives exactly the committed records."""
    ids = [(8, 3), (21, 1), (60, 5)]
    assert gap_export.export(ids) == [BY_ID[i] for i in ids]
