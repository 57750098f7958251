r"""Law checkers: residuals of the group axioms, of a representation and of invariance.

These are public API: call them on your own tables, representations and models.  They
report, they do not raise on a broken object (only on input that cannot be read at all,
such as a non-square table).  Conventions as in CONVENTIONS.md: ``table[g, h]`` is the label
of g·h, the action is (g·x)(h) = x(g⁻¹h), norms are Frobenius norms.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Array, Inexact, PyTree, Shaped

from ._group import FiniteGroup, _as_integer_table

__all__ = [
    "GroupAxiomResiduals",
    "IrrepSetResiduals",
    "RepresentationResiduals",
    "group_axiom_residuals",
    "invariance_residual",
    "irrep_set_residuals",
    "representation_residuals",
]

# Above this many triples (n = 256) associativity is counted only for middle elements in a
# generating set (Light's test): still zero exactly when the table is associative.
_EXHAUSTIVE_TRIPLES = 256**3
_CHUNK_ENTRIES = 2**22  # bound on the entries of any intermediate block


@dataclasses.dataclass(frozen=True)
class GroupAxiomResiduals:
    """Counts of violations of the group axioms by a Cayley table (all zero for a group).

    Attributes:
        order: n, the number of rows of the table.
        closure: entries outside the labels ``0..n-1``.
        latin: repeated entries, summed over rows and columns (n − #distinct per line).
        identity: for the best candidate e, the number of h with e·h ≠ h or h·e ≠ h
            (0 iff a two-sided identity exists).
        inverse: elements with no two-sided inverse with respect to that candidate.
        associativity: triples (g, h, k) with (g·h)·k ≠ g·(h·k), both sides defined; all
            n³ triples when n ≤ 256, else those with h in a generating set (Light's test:
            zero exactly when the table is associative).
        identity_label: the best identity candidate e.
        witness: the first violation found, in words; empty for a group.
    """

    order: int
    closure: int
    latin: int
    identity: int
    inverse: int
    associativity: int
    identity_label: int
    witness: str

    @property
    def ok(self) -> bool:
        """Whether every count is zero, i.e. the table is a group's."""
        return not (self.closure or self.latin or self.identity or self.inverse
                    or self.associativity)


def _generators(ext: np.ndarray, n: int) -> np.ndarray:
    """Labels whose left-bracketed products reach every label (``ext`` has a sentinel
    row/column n for undefined products, which is never reached)."""
    covered = np.zeros(n + 1, dtype=bool)
    covered[n] = True
    gens: list[int] = []
    while not covered.all():
        gens.append(int(np.flatnonzero(~covered)[0]))
        covered[gens[-1]] = True
        frontier = np.flatnonzero(covered[:n])
        while frontier.size:
            nxt = np.unique(ext[np.ix_(frontier, gens)])
            frontier = nxt[~covered[nxt]]
            covered[frontier] = True
    return np.asarray(gens)


def group_axiom_residuals(table: Shaped[ArrayLike, "n n"] | Sequence[Sequence[int]]
                          ) -> GroupAxiomResiduals:
    r"""Count the violations of the group axioms by a Cayley table, without raising.

    ``table[g, h]`` is read as the label of g·h.  Vectorised with NumPy: O(n³) for n ≤ 256
    (in bounded chunks), O(n² · #generators) above.

    Args:
        table: an (n, n) array-like of integer labels.

    Returns:
        A :class:`GroupAxiomResiduals`; ``.ok`` is True for a group.

    Raises:
        ValueError: ``table`` is not a non-empty square array of integer labels.

    Example:
        >>> import harmonics_jax as hj
        >>> group_axiom_residuals(hj.dihedral(3).table).ok  # D(3), order 6
        True
        >>> r = group_axiom_residuals([[0, 1, 2], [1, 2, 0], [2, 1, 0]])  # row 2 broken
        >>> r.ok, r.latin > 0
        (False, True)
    """
    arr = _as_integer_table(table)
    n = arr.shape[0]
    witnesses: list[str] = []

    bad = (arr < 0) | (arr >= n)
    closure = int(bad.sum())
    if closure:
        g, h = np.argwhere(bad)[0]
        witnesses.append(f"closure: table[{g}, {h}] = {arr[g, h]} is not a label 0..{n - 1}")
    # Undefined products point to a sentinel label n whose products are again undefined.
    ext = np.full((n + 1, n + 1), n, dtype=np.int64)
    ext[:n, :n] = np.where(bad, n, arr)

    srt_rows, srt_cols = np.sort(arr, axis=1), np.sort(arr, axis=0)
    dup_rows = np.diff(srt_rows, axis=1) == 0
    dup_cols = np.diff(srt_cols, axis=0) == 0
    latin = int(dup_rows.sum() + dup_cols.sum())
    if latin:
        if dup_rows.any():
            i, j = np.argwhere(dup_rows)[0]
            witnesses.append(f"latin: row {i} holds the value {srt_rows[i, j]} twice")
        else:
            i, j = np.argwhere(dup_cols)[0]
            witnesses.append(f"latin: column {j} holds the value {srt_cols[i, j]} twice")

    ar = np.arange(n)
    misses = (arr != ar[None, :]).sum(axis=1) + (arr.T != ar[None, :]).sum(axis=1)
    e = int(np.argmin(misses))
    identity = int(misses[e])
    if identity:
        witnesses.append(f"identity: no two-sided identity; the best candidate {e} fails "
                         f"for {identity} products")
    has_inverse = ((arr == e) & (arr.T == e)).any(axis=1)
    inverse = int((~has_inverse).sum())
    if inverse:
        witnesses.append(f"inverse: element {int(np.flatnonzero(~has_inverse)[0])} has no "
                         f"two-sided inverse for the identity candidate {e}")

    middles = ar if n**3 <= _EXHAUSTIVE_TRIPLES else _generators(ext, n)
    associativity = 0
    step = max(1, _CHUNK_ENTRIES // (n * n))
    for start in range(0, middles.size, step):
        h = middles[start:start + step]
        lhs = ext[ext[:n, h], :n]  # lhs[g, j, k] = (g·h_j)·k
        rhs = ext[:n, ext[h, :n]]  # rhs[g, j, k] = g·(h_j·k)
        wrong = (lhs != rhs) & (lhs != n) & (rhs != n)
        count = int(wrong.sum())
        if count and associativity == 0:
            g, j, k = np.argwhere(wrong)[0]
            witnesses.append(f"associativity: (g, h, k) = ({g}, {h[j]}, {k}) gives "
                             f"(g·h)·k = {lhs[g, j, k]} but g·(h·k) = {rhs[g, j, k]}")
        associativity += count
    return GroupAxiomResiduals(n, closure, latin, identity, inverse, associativity, e,
                               "; ".join(witnesses))


@dataclasses.dataclass(frozen=True)
class RepresentationResiduals:
    """How far ``rho`` is from an irreducible unitary representation (Frobenius norms).

    Attributes:
        dimension: d.
        homomorphism: max_{g,h} ‖ρ(g·h) − ρ(g) ρ(h)‖.
        unitarity: max_g ‖ρ(g) ρ(g)^† − I‖.
        irreducibility: |(1/n) Σ_g |χ(g)|² − 1| with χ = tr ρ (zero iff irreducible, for a
            unitary representation).
    """

    dimension: int
    homomorphism: float
    unitarity: float
    irreducibility: float

    def max(self) -> float:
        """The largest of the three residuals."""
        return max(self.homomorphism, self.unitarity, self.irreducibility)


def representation_residuals(
    rho: Shaped[ArrayLike, "n d d"], group: FiniteGroup
) -> RepresentationResiduals:
    r"""Residuals of the homomorphism, unitarity and irreducibility laws for ``rho``.

    ρ must satisfy ρ(table[g, h]) = ρ(g) ρ(h) (CONVENTIONS.md).  Computed in NumPy at double
    precision, in bounded chunks over g.

    Args:
        rho: array of shape ``(n, d, d)``, ``rho[g]`` the matrix of element g.
        group: the group, of order n.

    Returns:
        A :class:`RepresentationResiduals`.

    Raises:
        TypeError: ``group`` is not a FiniteGroup.
        ValueError: ``rho`` is not of shape ``(n, d, d)``.

    Example:
        >>> import harmonics_jax as hj
        >>> G = hj.cyclic(4)
        >>> rho = np.exp(2j * np.pi * np.arange(4) / 4)[:, None, None]
        >>> r = representation_residuals(rho, G)
        >>> r.max() < 1e-12
        True
        >>> representation_residuals(rho[[1, 0, 2, 3]], G).homomorphism > 0.1  # swapped
        True
    """
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"representation_residuals: group must be a FiniteGroup, got "
                        f"{type(group).__name__}")
    table = np.asarray(group.table)
    n = table.shape[0]
    r = np.asarray(rho)
    if r.ndim != 3 or r.shape[0] != n or r.shape[1] != r.shape[2] or r.shape[1] == 0:
        raise ValueError(f"representation_residuals: rho must have shape (n, d, d) with "
                         f"n = {n} the order of {group.name}, got {r.shape}")
    r = r.astype(np.complex128)
    d = r.shape[1]
    homomorphism = 0.0
    step = max(1, _CHUNK_ENTRIES // (n * d * d))
    for start in range(0, n, step):
        block = r[start:start + step]
        prod = np.einsum("aij,hjk->ahik", block, r)
        diff = r[table[start:start + step]] - prod
        homomorphism = max(homomorphism, float(np.sqrt(
            (np.abs(diff) ** 2).sum(axis=(-2, -1))).max()))
    gram = np.einsum("gij,gkj->gik", r, r.conj())
    unitarity = float(np.linalg.norm(gram - np.eye(d), axis=(-2, -1)).max())
    chi = np.trace(r, axis1=1, axis2=2)
    irreducibility = float(abs((np.abs(chi) ** 2).mean() - 1.0))
    return RepresentationResiduals(d, homomorphism, unitarity, irreducibility)


@dataclasses.dataclass(frozen=True)
class IrrepSetResiduals:
    """How far a list of representations is from a complete set of inequivalent irreps.

    Attributes:
        count: (number given) − (number of conjugacy classes); 0 for a complete set.
        dimension: Σ d² − n; 0 for a complete set.
        orthogonality: max_{i,j} |(1/n) Σ_g χ_i(g) conj(χ_j(g)) − δ_ij|; 0 when the
            representations are irreducible and pairwise inequivalent (an equivalent pair
            gives 1).
        sorted: whether the dimensions are in non-decreasing order.
    """

    count: int
    dimension: int
    orthogonality: float
    sorted: bool


def irrep_set_residuals(
    rhos: Sequence[Shaped[ArrayLike, "n _ _"]], group: FiniteGroup
) -> IrrepSetResiduals:
    r"""Check that ``rhos`` is one irrep from every class: counts, Σ d² and the orthogonality
    of characters (which detects equivalent or reducible members).  Check each member with
    :func:`representation_residuals`.

    Args:
        rhos: list of arrays of shape ``(n, d, d)``.
        group: the group, of order n.

    Returns:
        An :class:`IrrepSetResiduals`.

    Raises:
        TypeError: ``group`` is not a FiniteGroup.
        ValueError: ``rhos`` is empty or a member is not of shape ``(n, d, d)``.

    Example:
        >>> import harmonics_jax as hj
        >>> chars = np.exp(2j * np.pi * np.outer(np.arange(3), np.arange(3)) / 3)
        >>> r = irrep_set_residuals([chars[:, k, None, None] for k in range(3)], hj.cyclic(3))
        >>> r.count, r.dimension, r.orthogonality < 1e-12
        (0, 0, True)
    """
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"irrep_set_residuals: group must be a FiniteGroup, got "
                        f"{type(group).__name__}")
    n = group.order
    if len(rhos) == 0:
        raise ValueError("irrep_set_residuals: rhos is empty; pass a list of (n, d, d) arrays")
    arrays = [np.asarray(r) for r in rhos]
    for i, r in enumerate(arrays):
        if r.ndim != 3 or r.shape[0] != n or r.shape[1] != r.shape[2]:
            raise ValueError(f"irrep_set_residuals: rhos[{i}] must have shape (n, d, d) with "
                             f"n = {n} the order of {group.name}, got {r.shape}")
    dims = [r.shape[1] for r in arrays]
    chi = np.stack([np.trace(r, axis1=1, axis2=2) for r in arrays]).astype(np.complex128)
    gram = chi @ chi.conj().T / n
    return IrrepSetResiduals(
        count=len(arrays) - group.num_classes,
        dimension=sum(d * d for d in dims) - n,
        orthogonality=float(np.abs(gram - np.eye(len(arrays))).max()),
        sorted=dims == sorted(dims),
    )


def invariance_residual(
    f: Callable[[Array], PyTree[Array]],
    group: FiniteGroup,
    xs: Inexact[ArrayLike, "*batch n"],
) -> float:
    r"""Residual of the invariance law for any function ``f`` under the left regular action.

    max over g ∈ G and the given signals x of ‖f(g·x) − f(x)‖ / max(‖f(x)‖, tiny), with
    (g·x)(h) = x(g⁻¹h) and ‖·‖ the Frobenius norm over all leaves of f's output.  ``f``
    maps one signal of shape ``(n,)`` to a pytree of arrays and must be ``jax.vmap``-able;
    it is applied to all n translates of all signals in one batch (memory O(m n²) for m
    signals).  For a power-spectral network the exact, sampling-free defect is
    :func:`harmonics_jax.verify.invariance_defect`.

    Args:
        f: the function to test, single-signal.
        group: the group, of order n.
        xs: one signal ``(n,)`` or a batch ``(..., n)``.

    Returns:
        The defect, a float (0 for an exactly invariant f).

    Raises:
        TypeError: ``group`` is not a FiniteGroup.
        ValueError: ``xs`` does not end in an axis of length n, or holds no signal.

    Example:
        >>> import harmonics_jax as hj
        >>> G = hj.dihedral(3)  # order 6
        >>> xs = np.arange(12.0).reshape(2, 6)
        >>> invariance_residual(lambda x: x.sum(), G, xs) < 1e-12
        True
        >>> invariance_residual(lambda x: x[1], G, xs) > 0.1
        True
    """
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"invariance_residual: group must be a FiniteGroup, got "
                        f"{type(group).__name__}")
    n = group.order
    xs = jnp.asarray(xs)
    if xs.ndim == 0 or xs.shape[-1] != n:
        raise ValueError(f"invariance_residual: xs must have shape (..., {n}) for {group.name} "
                         f"of order {n}, got {xs.shape}")
    xs = xs.reshape(-1, n)
    m = xs.shape[0]
    if m == 0:
        raise ValueError("invariance_residual: xs holds no signal; pass at least one")
    # translates[s, g, h] = x_s(g⁻¹h): row g of signal s is g·x_s, row e is x_s itself.
    index = np.asarray(group.table)[np.asarray(group.inverse)]
    translates = xs[:, index].reshape(m * n, n)
    # No jit here: f is usually a fresh lambda, and jit would recompile it on every call;
    # the kernels f calls are jitted themselves.
    outs = jax.vmap(f)(translates)
    leaves = [np.asarray(leaf, np.complex128).reshape(m, n, -1)
              for leaf in jax.tree.leaves(outs)]
    if not leaves:
        raise ValueError("invariance_residual: f returned no arrays")
    out = np.concatenate(leaves, axis=-1)  # (m, n, total size of f's output)
    ref = out[:, group.identity : group.identity + 1]
    defect = np.linalg.norm(out - ref, axis=-1)  # (m, n)
    scale = np.maximum(np.linalg.norm(ref, axis=-1), np.finfo(np.float64).tiny)
    return float((defect / scale).max())
