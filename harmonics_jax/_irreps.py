r"""Irreducible unitary representations of any finite group, from the Cayley table alone.

Method.  For each irreducible character χ of degree d (see :mod:`._characters`):

* d = 1: ρ(g) = χ(g), already snapped to exact roots of unity.
* d ≥ 2: the isotypic projector of the left regular representation L,
  P = (d/n) Σ_g conj(χ(g)) L(g), i.e. P[a, b] = (d/n) conj(χ(a b⁻¹)), has a d²-dimensional
  image V_χ ≅ d copies of ρ.  The right regular action commutes with L, so a random
  Hermitian element H = Σ_g c_g R(g) (c_{g⁻¹} = conj(c_g)) of its algebra preserves V_χ
  and acts there as d copies of a generic d×d Hermitian matrix: its eigenvalues come in
  d clusters of multiplicity d, and each eigenspace is one copy of ρ.  With Q (n×d) an
  orthonormal basis of the first eigenspace, ρ(g) = Q^† L(g) Q is unitary and a
  homomorphism to round-off.

Cost O(n² d²) per irrep, O(n³) in all.  Randomness: a fixed-seed ``numpy`` Generator, so
the same table always gives the same matrices.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._characters import _SEED, _character_values
from ._group import FiniteGroup
from ._core._interrupt import interruptible_if
from ._core._memory import require_memory
from ._core._progress import report_progress

__all__ = ["irreps", "irrep_dims"]

_MAX_TRIES = 8


def _orthonormal_image(p: np.ndarray, rank: int, rng: np.random.Generator) -> np.ndarray:
    """Orthonormal basis of the image of the orthogonal projector ``p`` of known rank."""
    n = p.shape[0]
    probe = rng.standard_normal((n, rank)) + 1j * rng.standard_normal((n, rank))
    q, _ = np.linalg.qr(p @ probe)
    q, _ = np.linalg.qr(p @ q)  # one more projection removes the leakage of the first
    return q


def _one_copy(right_div: np.ndarray, left_div: np.ndarray, inv: np.ndarray, chi: np.ndarray,
              d: int, rng: np.random.Generator) -> np.ndarray:
    """Orthonormal basis (n×d) of one irreducible subspace of the χ-isotypic component.

    ``right_div[a, b]`` is the label of a b⁻¹ and ``left_div[a, b]`` that of a⁻¹ b."""
    n = len(inv)
    proj = (d / n) * np.conj(chi[right_div])  # P[a, b] = (d/n) conj χ(a b⁻¹)
    basis = _orthonormal_image(proj, d * d, rng)
    for _ in range(_MAX_TRIES):
        c = rng.standard_normal(n) + 1j * rng.standard_normal(n)
        c = (c + np.conj(c[inv])) / 2  # c_{g⁻¹} = conj(c_g): H is Hermitian
        h_small = basis.conj().T @ (c[left_div] @ basis)  # H[a, b] = c(a⁻¹ b)
        h_small = (h_small + h_small.conj().T) / 2
        vals, vecs = np.linalg.eigh(h_small)
        spread = vals[d - 1] - vals[0]
        gap = vals[d] - vals[d - 1]
        if gap > 1e3 * max(spread, 1e-12 * max(1.0, abs(vals).max())):
            return basis @ vecs[:, :d]
    raise RuntimeError(f"could not split an isotypic component of degree {d} in "
                       f"{_MAX_TRIES} tries; please report this group table")


def _matrices(group: FiniteGroup, q: np.ndarray) -> np.ndarray:
    """ρ(g) = Q^† L(g) Q, with (L(g) Q)[a] = Q[g⁻¹ a]; chunked over g to bound memory."""
    t, inv = np.asarray(group.table), np.asarray(group.inverse)
    n, d = q.shape
    out = np.empty((n, d, d), dtype=complex)
    qh = q.conj().T
    step = max(1, 4_000_000 // (n * d))
    for s in range(0, n, step):
        g = np.arange(s, min(n, s + step))
        moved = q[t[inv[g]]]  # (chunk, n, d): rows Q[g⁻¹ a]
        out[g] = np.einsum("ia,gaj->gij", qh, moved, optimize=True)
    return out


def _irrep(group, right_div, left_div, inv, chi, d, rng) -> np.ndarray:
    return _matrices(group, _one_copy(right_div, left_div, inv, chi, d, rng))


def memory_estimate(n: int) -> int:
    """Peak bytes of :func:`irreps` on a group of order n beyond its table: the two (n, n)
    int64 division tables, the complex (n, n) projector with its temporaries and the
    complex (n, n) matrix of the random Hermitian element; the character table is guarded
    separately.  ``benchmarks/size_guards.py`` compares it with measured peaks."""
    return 112 * n * n


@lru_cache(maxsize=64)
def _irreps_cached(group: FiniteGroup) -> tuple[np.ndarray, ...]:
    n = group.order
    require_memory(memory_estimate(n), f"the irreps of a group of order {n}")
    values = _character_values(group)
    on_elements = values[:, group.class_index]
    rng = np.random.default_rng(_SEED + 1)
    t, inv = np.asarray(group.table), np.asarray(group.inverse)
    right_div, left_div = t[:, inv], t[inv, :]
    result = []
    dims = np.rint(on_elements[:, group.identity].real).astype(int)
    done, todo = 0, int(np.sum(dims > 1))
    for chi, d in zip(on_elements, dims.tolist()):
        if d == 1:
            rho = chi.reshape(-1, 1, 1).astype(complex)
        else:
            done += 1
            report_progress(f"irreps: {done}/{todo} of dimension ≥ 2 (this one {d})")
            # each irrep is a few NumPy calls over (n, n) arrays: for a large group, in a
            # worker thread, so that Ctrl-C is honoured at once
            rho = interruptible_if(n >= 512, _irrep, group, right_div, left_div, inv, chi,
                                   d, rng)
        rho.setflags(write=False)
        result.append(rho)
    return tuple(result)


def irreps(group: FiniteGroup) -> list[np.ndarray]:
    r"""One irreducible unitary representation from every equivalence class.

    Returns a list of complex128 arrays ``rho`` of shape (n, d, d) with
    ``rho[table[g, h]] = rho[g] @ rho[h]`` and ``rho[g]`` unitary, to round-off; sorted
    by dimension with the trivial representation first, in the row order of
    :func:`harmonics_jax.character_table`.  Σ d² = n and the number of irreps equals the
    number of conjugacy classes.  Works from the table alone; deterministic.
    The arrays are cached and read-only: copy before modifying.

    >>> import harmonics_jax as hj
    >>> [r.shape for r in hj.irreps(hj.symmetric(3))]
    [(6, 1, 1), (6, 1, 1), (6, 2, 2)]
    """
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"irreps: expected a FiniteGroup, got {type(group).__name__}; build "
                        "one with FiniteGroup.from_cayley_table(table) or named_group('S4')")
    return list(_irreps_cached(group))


def irrep_dims(group: FiniteGroup) -> tuple[int, ...]:
    """The dimensions of the irreps, sorted (the default block dimensions of a network).

    >>> import harmonics_jax as hj
    >>> irrep_dims(hj.named_group("S4"))
    (1, 1, 2, 3, 3)
    """
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"irrep_dims: expected a FiniteGroup, got {type(group).__name__}")
    return tuple(int(d) for d in np.rint(_character_values(group)[:, 0].real))
