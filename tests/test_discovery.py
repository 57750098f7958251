"""Symmetry discovery from data alone (issue 12): the candidate block structures against GAP,
an end-to-end discovery of a hidden group checked against the truth label for label, the
negative controls (a set of permutations that is not a group, a non-free action, pure noise:
each must end in "no group structure found", never a wrong table), the data-consistency
test and the read-back with a chosen identity, the output files, the CLI and bad input.

Every discovery here uses the same n = 6, number of pairs, seeds and recipe, so they share
one compilation (the expensive part at this size).
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import harmonics_jax as hj
from harmonics_jax.cli import main
from harmonics_jax.discovery import (candidate_dims, data_consistency, discover,
                                     train_on_pairs, write_discovery)
from harmonics_jax.models import sample_orbit_pairs
from harmonics_jax.verify import fourier_weights, read_table

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _gap  # noqa: E402

N, PAIRS, SEEDS = 6, 2000, 2
CONFIG = hj.TrainConfig(steps=1600, rounds=4)
NO_GROUP = "no group structure found"


def _signals(seed: int, m: int = PAIRS, n: int = N) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n)) + 1j * rng.standard_normal((m, n))


def _permuted(x: np.ndarray, perms: np.ndarray, seed: int) -> np.ndarray:
    """y_k = x_k[perms[g_k]] for g_k uniform: the pairs of a set of coordinate maps."""
    g = np.random.default_rng(seed).integers(0, len(perms), x.shape[0])
    return x[np.arange(x.shape[0])[:, None], perms[g]]


def _discover(x, y, **kw):
    return discover(x, y, key=jax.random.key(0), num_seeds=SEEDS, config=CONFIG, **kw)


# ---------------------------------------------------------------------------- candidates

def _gap_dims(record: dict) -> tuple[int, ...]:
    """The degrees χ(1) of GAP's irreducible characters (class 0 is the identity's)."""
    return tuple(sorted(int(round(_gap.decode_cyclotomic(chi[0]).real))
                        for chi in record["characters"]))


def test_candidates_contain_every_true_dims_multiset_up_to_100():
    """Every SmallGroup of order ≤ 100 (1,048 groups, GAP's characters, nothing from
    harmonics_jax) has its irrep dimensions among candidate_dims(order)."""
    records = _gap.load_library_characters()
    assert len(records) == 1048
    cache: dict[int, list] = {}
    for (n, i), record in records.items():
        dims = _gap_dims(record)
        assert sum(d * d for d in dims) == n
        cands = cache.setdefault(n, candidate_dims(n))
        assert dims in cands, f"SmallGroup({n},{i}) has dims {dims}, not a candidate"


def test_candidates_obey_the_theorems_and_prune():
    for n in range(1, 60):  # every group of order < 60 is solvable, so a ≥ 2
        cands = candidate_dims(n)
        assert len(set(cands)) == len(cands)
        assert cands[0] == (1,) * n  # the abelian candidate first
        for dims in cands:
            assert sum(d * d for d in dims) == n and all(n % d == 0 for d in dims)
            assert list(dims) == sorted(dims)
            a = dims.count(1)
            assert n % a == 0 and (a >= 2 or n == 1)
    # primes and squares of primes: only abelian groups; n = 8: (1,1,1,1,2) (D4 and Q8)
    assert candidate_dims(7) == [(1,) * 7] and candidate_dims(9) == [(1,) * 9]
    assert candidate_dims(8) == [(1,) * 8, (1, 1, 1, 1, 2)]
    # odd order: non-trivial irreps pair off, so order 21 has (1,1,1,3,3) but not (1,)*3+(3,)*2
    # with an odd number of 3s; order 27 excludes a = 3 (p-group: a ≥ p²)
    assert candidate_dims(21) == [(1,) * 21, (1, 1, 1, 3, 3)]
    assert candidate_dims(27) == [(1,) * 27, (1,) * 9 + (3, 3)]
    # order 60 may be perfect (A5: a = 1)
    assert (1, 3, 3, 4, 5) in candidate_dims(60)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "6", True])
def test_candidates_bad_input(bad, unchecked):
    with pytest.raises(ValueError, match="n must be a positive integer"):
        unchecked(candidate_dims)(bad)


# ------------------------------------------------------------------------ the read-back

def test_read_table_with_any_identity_is_the_shifted_table():
    """Normalising at coordinate e reads a∗b = a·e⁻¹·b: a group table with identity e whose
    left translations are those of the true table."""
    G = hj.relabel(hj.named_group("D4"), [5, 2, 7, 0, 3, 6, 1, 4])
    T = np.asarray(G.table)
    W = fourier_weights(G)
    assert np.array_equal(np.asarray(read_table(W, G.identity)), T)
    for e in range(G.order):
        read = np.asarray(read_table(W, e))
        assert np.array_equal(read, T[T[:, G.inverse[e]]]), e
        H = hj.FiniteGroup.from_cayley_table(read)
        assert H.identity == e and hj.are_isomorphic(H, G) is not None


def test_read_table_bad_identity(unchecked):
    W = fourier_weights(hj.named_group("S3"))
    for bad in (-1, 6, 1.0, True):
        with pytest.raises(ValueError, match="identity must be a coordinate label in 0 … 5"):
            unchecked(read_table)(W, bad)


# -------------------------------------------------------------------- data consistency

def test_data_consistency_exact_noisy_and_wrong():
    G = hj.relabel(hj.named_group("S3"), [3, 1, 4, 0, 5, 2])
    x, y = sample_orbit_pairs(jax.random.key(3), G.table, 1000, 0.0, jnp.complex128)
    exact = data_consistency(x, y, G)
    assert exact.consistent and exact.exact and exact.translations_observed == 6
    # the pairs' elements are the ones used: y = g·x with (g·x)(h) = x(g⁻¹h)
    T = np.asarray(G.table)
    rows = T[np.asarray(G.inverse)[exact.elements]]
    assert np.allclose(np.take_along_axis(np.asarray(x), rows, axis=1), y)
    # another group of the same order (C6, any labels) explains no such data
    for perm in ([0, 1, 2, 3, 4, 5], [3, 1, 4, 0, 5, 2]):
        assert not data_consistency(x, y, hj.relabel(hj.named_group("C6"), perm)).consistent
    # nor does S3 on other labels (a table that is isomorphic but not the data's)
    assert not data_consistency(x, y, hj.named_group("S3")).consistent
    # noise: consistent, the noise level estimated, and one moved pair is an outlier
    xn, yn = sample_orbit_pairs(jax.random.key(3), G.table, 1000, 0.1, jnp.complex128)
    noisy = data_consistency(xn, yn, G)
    assert noisy.consistent and not noisy.exact and noisy.unexplained == 0
    assert 0.08 < noisy.noise_std < 0.12 and noisy.contrast < 0.1
    yb = np.array(yn)
    yb[17] = yb[17][[1, 0, 2, 3, 4, 5]]  # a transposition: no translation of any group
    broken = data_consistency(xn, yb, G)
    assert not broken.consistent and broken.unexplained >= 1 and broken.worst_pair == 17
    # pure noise: the translations explain nothing (contrast ≈ 1)
    rng = np.random.default_rng(0)
    pure = data_consistency(_signals(1, 1000), _signals(2, 1000), G)
    assert not pure.consistent and pure.contrast > 0.5
    del rng


# ------------------------------------------------------------------ end-to-end discovery

@pytest.fixture(scope="module")
def hidden_s3():
    """S3 hidden behind a relabelling whose identity is coordinate 3."""
    G = hj.relabel(hj.named_group("S3"), [3, 1, 4, 0, 5, 2])
    x, y = sample_orbit_pairs(jax.random.key(1), G.table, PAIRS, 0.0, jnp.complex64)
    return G, np.asarray(x), np.asarray(y)


@pytest.fixture(scope="module")
def found_s3(hidden_s3):
    G, x, y = hidden_s3
    return _discover(x, y, identity=G.identity)


def test_discovers_a_hidden_group_label_for_label(hidden_s3, found_s3):
    G, x, y = hidden_s3
    r = found_s3
    assert r.found and r.order == 6 and r.certificate == "exact"
    assert r.irrep_dims == (1, 1, 2) == hj.irrep_dims(G)
    assert r.identity == G.identity == 3
    assert np.array_equal(r.table, np.asarray(G.table))
    assert r.identification.gap_id == (6, 1) and r.identification.family == "S3"
    # the certificate: hypotheses and conclusions with the discovered table, every pair
    assert r.report.hypotheses_met and r.report.fourier_recovered
    assert r.consistency.consistent and r.consistency.exact
    # the other candidate is refuted (Corollary 11), with its evidence
    (abelian,), (selected,) = ([c for c in r.candidates if not c.selected],
                               [c for c in r.candidates if c.selected])
    assert abelian.block_dims == (1,) * 6 and selected.block_dims == (1, 1, 2)
    assert abelian.heldout_defect > 100 * selected.heldout_defect
    assert "Corollary 11" in abelian.reason


def test_another_identity_gives_the_isomorphic_shifted_table(hidden_s3, found_s3):
    G, x, y = hidden_s3
    T = np.asarray(G.table)
    e = 0
    read = np.asarray(read_table(found_s3.weights, e))
    assert np.array_equal(read, T[T[:, G.inverse[e]]])
    H = hj.FiniteGroup.from_cayley_table(read)
    assert data_consistency(x, y, H).exact  # the same left translations


def test_discovery_is_deterministic(hidden_s3, found_s3):
    G, x, y = hidden_s3
    again = _discover(x, y, identity=G.identity)
    assert np.array_equal(np.asarray(again.training.F), np.asarray(found_s3.training.F))


def test_write_discovery(found_s3, tmp_path):
    js, png = write_discovery(found_s3, tmp_path / "out")
    record = json.loads(js.read_text())
    assert record["found"] is True and record["order"] == 6
    assert record["irrep_dims"] == [1, 1, 2] and record["identity"] == 3
    assert record["table"] == found_s3.table.tolist()
    assert record["group"]["gap_id"] == [6, 1] and record["group"]["family"] == "S3"
    cert = record["certificate"]
    assert cert["level"] == "exact" and cert["data"]["exact"] is True
    assert cert["verification"]["hypotheses_met"] is True
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -------------------------------------------------------------------- negative controls

def _assert_nothing_found(r, invariant_networks_allowed=False):
    assert not r.found and r.table is None and r.order is None and r.irrep_dims is None
    assert r.reason.startswith(NO_GROUP)
    assert [c.block_dims for c in r.candidates] == candidate_dims(N)
    for c in r.candidates:  # every candidate refuted, with its evidence
        assert not c.selected and c.reason
        assert invariant_networks_allowed or c.heldout_defect > 1e-2
    record = r.to_dict()
    assert record["found"] is False and record["table"] is None


def test_negative_control_not_a_group():
    """The identity, a transposition, a 3-cycle and another 3-cycle: not closed, and no
    regular group's translations fix a point."""
    perms = np.array([[0, 1, 2, 3, 4, 5], [1, 0, 2, 3, 4, 5], [1, 2, 0, 3, 4, 5],
                      [0, 1, 2, 4, 5, 3]])
    x = _signals(10)
    _assert_nothing_found(_discover(x, _permuted(x, perms, 11)))


def test_negative_control_non_free_action():
    """S3 acting on 3 points (stabilisers of order 2), padded with 3 fixed points."""
    perms = np.array([[*p, 3, 4, 5] for p in itertools.permutations(range(3))])
    x = _signals(12)
    _assert_nothing_found(_discover(x, _permuted(x, perms, 13)))


def test_negative_control_pure_noise():
    _assert_nothing_found(_discover(_signals(14), _signals(15)))


def test_negative_control_invariance_that_is_no_permutation():
    """y = −σ·x for σ in a C3 inside a regular C6: power spectra cannot see the sign, so the
    networks may well meet the hypotheses; the data-consistency test must refuse the table."""
    x = _signals(16)
    y = -_permuted(x, np.array([[0, 1, 2, 3, 4, 5], [1, 2, 0, 4, 5, 3],
                                [2, 0, 1, 5, 3, 4]]), 17)
    _assert_nothing_found(_discover(x, y), invariant_networks_allowed=True)


# ------------------------------------------------------------------------- the CLI

def test_cli_discover(hidden_s3, tmp_path, capsys):
    G, x, y = hidden_s3
    np.savez(tmp_path / "pairs.npz", x=x, y=y)
    rc = main(["discover", "--data", str(tmp_path / "pairs.npz"), "--out",
               str(tmp_path / "out"), "--seeds", str(SEEDS), "--steps", "1600", "--rounds",
               "4", "--identity", "3"])
    out = capsys.readouterr().out
    assert rc == 0, out
    record = json.loads((tmp_path / "out" / "discovery.json").read_text())
    assert record["found"] and record["table"] == np.asarray(G.table).tolist()
    assert (tmp_path / "out" / "discovery.png").is_file()
    assert "found S3 = SmallGroup(6,1)" in out


def test_cli_discover_nothing_found_and_bad_files(tmp_path, capsys):
    x = _signals(14)
    np.savez(tmp_path / "noise.npz", x=x, y=_signals(15))
    rc = main(["discover", "--data", str(tmp_path / "noise.npz"), "--out",
               str(tmp_path / "out"), "--seeds", str(SEEDS), "--steps", "1600", "--rounds",
               "4"])
    assert rc == 1 and NO_GROUP in capsys.readouterr().out
    assert json.loads((tmp_path / "out" / "discovery.json").read_text())["table"] is None
    np.savez(tmp_path / "wrong.npz", a=x, y=x)
    assert main(["discover", "--data", str(tmp_path / "wrong.npz"), "--out",
                 str(tmp_path / "o2")]) == 2
    assert "no array named x" in capsys.readouterr().err
    assert main(["discover", "--data", str(tmp_path / "missing.npz"), "--out",
                 str(tmp_path / "o3")]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "text.npz").write_text("not an npz")
    assert main(["discover", "--data", str(tmp_path / "text.npz"), "--out",
                 str(tmp_path / "o4")]) == 2
    assert "could not read" in capsys.readouterr().err


# ------------------------------------------------------------------------- bad input

def test_discover_bad_input(unchecked):
    f = unchecked(discover)
    x = _signals(0, 100)
    cases = [
        ((x[0], x[0]), ValueError, "x must have shape \\(m, n\\)"),
        ((x, x[:, :5]), ValueError, "x has shape \\(100, 6\\) but y has \\(100, 5\\)"),
        ((x[:10], x[:10]), ValueError, "only 10 pairs; need at least 64"),
        ((x.astype(bool), x), TypeError, "x must be a real or complex numeric array"),
        ((x, np.where(np.arange(6) == 2, np.nan, x)), ValueError,
         "y\\[0, 2\\] = \\(nan.* is not finite \\(100 such entries\\)"),
        ((np.zeros((100, 6)), np.zeros((100, 6))), ValueError, "x carries no signal"),
    ]
    for args, err, msg in cases:
        with pytest.raises(err, match=msg):
            f(*args, config=CONFIG)
    for kw, err, msg in [({"identity": 6}, ValueError, "identity must be a coordinate"),
                         ({"certificate": "loose"}, ValueError, "certificate = 'loose'"),
                         ({"candidates": []}, TypeError, "candidates must be a non-empty"),
                         ({"candidates": [(1, 1, 1)]}, ValueError, "block_dims\\[0\\]"),
                         ({"tolerances": 0.1}, TypeError, "tolerances must be"),
                         ({"num_seeds": 0}, ValueError, "num_seeds must be a positive")]:
        with pytest.raises(err, match=msg):
            f(x, x, config=CONFIG, **kw)


def test_train_on_pairs_bad_input(unchecked):
    f = unchecked(train_on_pairs)
    x = _signals(0, 100)
    with pytest.raises(TypeError, match="JAX PRNG key"):
        f(0, x, x, [(1,) * 6], config=CONFIG)
    with pytest.raises(ValueError, match="heldout must be an integer in \\[1, m − 1\\]"):
        f(jax.random.key(0), x, x, [(1,) * 6], config=CONFIG, heldout=100)
    with pytest.raises(ValueError, match="the expected objective needs the group's table"):
        f(jax.random.key(0), x, x, [(1,) * 6],
          config=hj.TrainConfig(steps=1600, rounds=4, objective="expected"))
    with pytest.raises(TypeError, match="block_dims must be a non-empty list"):
        f(jax.random.key(0), x, x, (1, 1, 1, 1, 1, 1), config=CONFIG)
