r"""Character tables of any finite group, from the Cayley table alone.

Method (Burnside): the class sums C_1..C_r span the centre of the group algebra, with
C_i C_j = Σ_k a_{ijk} C_k.  Each irreducible character χ (degree d) gives a central
character ω_χ(C_i) = |C_i| χ(z_i) / d, and for every i the vector (ω_χ(C_k))_k is a right
eigenvector of the matrix (a_{ijk})_{jk} with eigenvalue ω_χ(C_i).  We diagonalise a random
combination M = Σ_i c_i A_i with c_{i*} = conj(c_i) (i* the class of inverses): then
D⁻¹ M D, D = diag(√|C_k|), is Hermitian and its orthonormal eigenvectors are
√|C_k| χ(z_k) up to scale.  Clusters of (nearly) equal eigenvalues are split by
diagonalising a fresh random combination on the cluster, so the result does not depend on
the luck of one draw.  Linear characters are snapped to the exact roots of unity.
All randomness comes from a fixed-seed ``numpy.random.Generator``: the same table gives
the same numbers.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np

from ._group import FiniteGroup
from ._core._interrupt import interruptible_if
from ._core._memory import require_memory
from ._core._progress import report_progress

__all__ = ["CharacterTable", "character_table"]

_SEED = 20231214  # arXiv:2312.08550


@dataclasses.dataclass(frozen=True, eq=False)
class CharacterTable:
    r"""Irreducible characters of a group.

    ``values[i, k]`` is χ_i on the k-th conjugacy class (``classes[k]``, identity class
    first).  Rows are sorted like :func:`harmonics_jax.irreps`: by degree, the trivial
    character first.  ``on_elements()`` gives χ_i(g) for every label g.
    """

    group_name: str
    values: np.ndarray  # (r, r) complex128
    classes: tuple[np.ndarray, ...]
    class_index: np.ndarray  # (n,) class of each element

    @property
    def degrees(self) -> np.ndarray:
        return np.rint(self.values[:, 0].real).astype(np.int64)

    @property
    def class_sizes(self) -> np.ndarray:
        return np.array([len(c) for c in self.classes])

    def on_elements(self) -> np.ndarray:
        """χ_i(g) for every irrep i and element label g, shape (r, n)."""
        return self.values[:, self.class_index]

    def format(self, digits: int = 3) -> str:
        """A plain-text table: one row per character, one column per class."""
        def cell(z: complex) -> str:
            re, im = round(z.real, digits) + 0.0, round(z.imag, digits) + 0.0
            if abs(im) < 10**-digits:
                return f"{re:g}"
            return f"{re:g}{im:+g}i"

        heads = [f"|{len(c)}|:{int(c[0])}" for c in self.classes]
        rows = [[f"χ{i}"] + [cell(v) for v in row] for i, row in enumerate(self.values)]
        cols = [["class"] + heads] + rows
        widths = [max(len(r[j]) for r in cols) for j in range(len(heads) + 1)]
        lines = ["  ".join(x.rjust(w) for x, w in zip(r, widths)) for r in cols]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


def _class_data(group: FiniteGroup):
    idx = group.class_index
    r = int(idx.max()) + 1
    reps = np.array([np.flatnonzero(idx == c)[0] for c in range(r)])
    sizes = np.bincount(idx, minlength=r)
    star = idx[np.asarray(group.inverse)[reps]]  # class of inverses
    return idx, r, reps, sizes, star


def _class_matrix(group: FiniteGroup, coeff: np.ndarray) -> np.ndarray:
    """M[j, k] = Σ_i coeff[i] a_{ijk}, a_{ijk} = #{x ∈ C_i : x⁻¹ z_k ∈ C_j}; O(n r)."""
    idx, r, reps, _, _ = _class_data(group)
    t, inv = np.asarray(group.table), np.asarray(group.inverse)
    cj = idx[t[inv[:, None], reps[None, :]]]  # (n, r): class of x⁻¹ z_k
    m = np.zeros(r * r, dtype=complex)
    flat = cj * r + np.arange(r)[None, :]
    np.add.at(m, flat.ravel(), np.repeat(coeff[idx], r))
    return m.reshape(r, r)


def _random_hermitian_coeff(rng: np.random.Generator, star: np.ndarray) -> np.ndarray:
    c = rng.standard_normal(len(star)) + 1j * rng.standard_normal(len(star))
    return (c + np.conj(c[star])) / 2  # c_{i*} = conj(c_i)


def _eigh_on_basis(group: FiniteGroup, coeff: np.ndarray, d: np.ndarray,
                   basis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigen-decomposition of the Hermitian D⁻¹ M D restricted to span(basis)."""
    m = _class_matrix(group, coeff)
    herm = (m * d[None, :]) / d[:, None]
    del m  # r × r complex temporaries: hold at most two at a time
    herm = (herm + herm.conj().T) / 2
    small = basis.conj().T @ herm @ basis
    del herm
    small = (small + small.conj().T) / 2
    return np.linalg.eigh(small)


def _memory_estimate(n: int, r: int) -> int:
    """Peak bytes of the character computation (n elements, r classes): the class
    matrix, its Hermitian form and the eigenvectors (complex r × r), and the (n, r) index
    arrays of :func:`_class_matrix`.  Each level of :func:`_split` frees its r × r
    temporaries before recursing, so the peak does not grow with the recursion depth.
    ``benchmarks/size_guards.py`` compares it with measured peaks."""
    return 64 * r * r + 48 * n * r


def _split(group: FiniteGroup, basis: np.ndarray, rng: np.random.Generator,
           depth: int = 0) -> list[np.ndarray]:
    """Split span(basis) (orthonormal columns, D⁻¹-scaled coordinates) into the common
    eigenvectors of all class matrices, recursively."""
    _, _, _, sizes, star = _class_data(group)
    if basis.shape[1] == 1:
        return [basis[:, 0]]
    if depth > 20:
        raise RuntimeError("character computation did not separate the classes; please "
                           "report this group table")
    coeff = _random_hermitian_coeff(rng, star)
    if depth == 0:
        report_progress(f"characters: diagonalising the {len(sizes)} × {len(sizes)} class "
                        "algebra")
    # one long LAPACK/NumPy call each: in a worker thread, so Ctrl-C is not held up
    vals, vecs = interruptible_if(len(sizes) >= 256 or group.order >= 512, _eigh_on_basis,
                                  group, coeff, np.sqrt(sizes), basis)
    scale = max(1.0, float(np.max(np.abs(vals))))
    cuts = np.flatnonzero(np.diff(vals) > 1e-7 * scale) + 1
    out: list[np.ndarray] = []
    for block in np.split(np.arange(len(vals)), cuts):
        sub = basis @ vecs[:, block]
        out.extend(_split(group, sub, rng, depth + 1) if len(block) > 1 else [sub[:, 0]])
    return out


def _snap_linear(chi: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """A degree-1 character takes ord(g)-th roots of unity: round to the exact one."""
    k = np.rint(np.angle(chi) * orders / (2 * np.pi))
    return np.exp(2j * np.pi * k / orders)


@lru_cache(maxsize=64)
def _character_values(group: FiniteGroup) -> np.ndarray:
    n = group.order
    require_memory(16 * n * n, f"the conjugacy classes of a group of order {n}")
    report_progress(f"conjugacy classes of a group of order {n}")
    idx, r, reps, sizes, _ = _class_data(group)
    require_memory(_memory_estimate(n, r),
                   f"the character table of a group of order {n} with {r} classes")
    rng = np.random.default_rng(_SEED)
    vectors = _split(group, np.eye(r, dtype=complex), rng)
    chars = []
    for v in vectors:
        omega = v * np.sqrt(sizes)  # central character up to scale
        omega = omega / omega[0]
        deg = np.sqrt(n / np.sum(np.abs(omega) ** 2 / sizes))
        chi = deg * omega / sizes
        if abs(deg - np.rint(deg)) > 1e-6:
            raise RuntimeError(f"character degree {deg} is not an integer; please report")
        chi[0] = np.rint(deg)
        if np.rint(deg) == 1:
            chi = _snap_linear(chi, group.element_orders[reps])
        chars.append(chi)
    values = np.array(chars)
    degrees = np.rint(values[:, 0].real)
    key = np.lexsort(tuple(np.round(-values[:, ::-1].imag, 8).T)
                     + tuple(np.round(-values[:, ::-1].real, 8).T) + (degrees,))
    values = values[key]
    values.setflags(write=False)
    return values


def character_table(group: FiniteGroup) -> CharacterTable:
    r"""The character table of ``group``, computed from its Cayley table alone.

    Rows: irreducible characters sorted by degree (trivial first), in the same order as
    :func:`harmonics_jax.irreps`.  Columns: conjugacy classes (identity class first).

    >>> import harmonics_jax as hj
    >>> ct = hj.character_table(hj.symmetric(3))
    >>> ct.degrees.tolist(), ct.class_sizes.tolist()
    ([1, 1, 2], [1, 3, 2])
    """
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"character_table: expected a FiniteGroup, got {type(group).__name__}; "
                        "build one with FiniteGroup.from_cayley_table(table) or named_group('S4')")
    values = _character_values(group)
    return CharacterTable(group.name, values, tuple(group.conjugacy_classes), group.class_index)
