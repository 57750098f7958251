r"""Finite groups given by their Cayley table.

Convention (CONVENTIONS.md): elements are labelled ``0..n-1``, ``table[g, h]`` is the
label of the product ``g·h`` (row element on the left) and ``inverse[g]`` the label of
``g⁻¹``.  A user's table may put the identity at any label; it is found, never assumed.
"""

from __future__ import annotations

import dataclasses
from functools import cached_property

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["FiniteGroup", "validate_cayley_table", "identity_label", "inverse_labels"]


def identity_label(table) -> jax.Array:
    """The label e with ``table[e, h] = h`` for all h, computed from a (validated) table
    inside ``jit``/``vmap``: any label may be the identity."""
    n = table.shape[0]
    return jnp.argmax(jnp.all(table == jnp.arange(n)[None, :], axis=1))


def inverse_labels(table) -> jax.Array:
    """``inverse[g]``: the h with ``table[g, h] = e``, traceable like :func:`identity_label`."""
    return jnp.argmax(table == identity_label(table), axis=1)


def _as_integer_table(table: object) -> np.ndarray:
    """Convert array-like ``table`` to a square int64 array or raise a clear error."""
    try:
        arr = np.asarray(table)
    except Exception as err:  # ragged lists and the like
        raise ValueError(
            f"table: could not convert to an array ({err}); pass an (n, n) integer array-like"
        ) from None
    if arr.dtype == object:
        raise ValueError("table: ragged or non-numeric entries; pass an (n, n) integer array-like")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(
            f"table: expected a non-empty square (n, n) array, got shape {arr.shape}; "
            "row g, column h must hold the label of g·h"
        )
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise ValueError(
            f"table: entries must be integer labels, got dtype {arr.dtype}; "
            "convert with np.asarray(table, dtype=int)"
        )
    if np.issubdtype(arr.dtype, np.floating):
        bad = np.argwhere(~np.isfinite(arr) | (arr != np.round(arr)))
        if bad.size:
            g, h = bad[0]
            raise ValueError(
                f"table: entry [{g}, {h}] = {float(arr[g, h])!r} is not an integer label; "
                "labels must be whole numbers 0..n-1"
            )
    n = arr.shape[0]
    # an entry that int64 cannot hold would wrap in the cast (1e20 became -2**63): report
    # it as written; other out-of-range labels are left to the checks that count them
    bad = np.argwhere((arr < -(2**62)) | (arr > 2**62))
    if bad.size:
        g, h = bad[0]
        raise ValueError(
            f"table: entry [{g}, {h}] = {arr[g, h].item()!r} is out of range; a group of "
            f"order {n} uses labels 0..{n - 1}"
        )
    return arr.astype(np.int64)


def _generating_set(table: np.ndarray) -> list[int]:
    """Greedy generating set: every element is a left-bracketed word in these labels."""
    n = table.shape[0]
    covered = np.zeros(n, dtype=bool)
    gens: list[int] = []
    while not covered.all():
        gens.append(int(np.flatnonzero(~covered)[0]))
        reached = np.zeros(n, dtype=bool)
        reached[gens] = True
        frontier = np.array(gens)
        while frontier.size:
            nxt = table[np.ix_(frontier, gens)].ravel()
            nxt = np.unique(nxt[~reached[nxt]])
            reached[nxt] = True
            frontier = nxt
        covered = reached
    return gens


def validate_cayley_table(table: object) -> np.ndarray:
    """Check that ``table`` is the Cayley table of a group; return it as int64.

    Raises ``ValueError`` naming the first failed axiom with a witness: shape, labels out
    of range, a repeated value in a row or column (not a Latin square), no identity, an
    element without a two-sided inverse, or a non-associative triple.
    Associativity is checked with Light's test over a generating set, O(n² · #generators).
    """
    arr = _as_integer_table(table)
    n = arr.shape[0]
    bad = np.argwhere((arr < 0) | (arr >= n))
    if bad.size:
        g, h = bad[0]
        raise ValueError(
            f"table: entry [{g}, {h}] = {arr[g, h]} is out of range; a group of order {n} "
            f"uses labels 0..{n - 1}"
        )
    for axis, what in ((1, "row"), (0, "column")):
        srt = np.sort(arr, axis=axis)
        dup = np.argwhere(np.diff(srt, axis=axis) == 0)
        if dup.size:
            i, j = dup[0]
            line = arr[i] if axis == 1 else arr[:, j]
            idx = i if axis == 1 else j
            value = srt[i, j] if axis == 1 else srt[i, j]
            where = np.flatnonzero(line == value)[:2].tolist()
            raise ValueError(
                f"table is not a Latin square: {what} {idx} holds the value {value} twice "
                f"(at positions {where[0]} and {where[1]}); in a group each element appears "
                f"exactly once in every row and column"
            )
    ar = np.arange(n)
    ids = np.flatnonzero((arr == ar[None, :]).all(axis=1) & (arr == ar[:, None]).all(axis=0))
    if ids.size == 0:
        raise ValueError(
            "table has no identity: no label e with table[e, h] == h and table[h, e] == h for all h"
        )
    e = int(ids[0])
    right_inv = np.argmax(arr == e, axis=1)  # table[g, right_inv[g]] == e (Latin square)
    missing = np.flatnonzero(arr[right_inv, ar] != e)
    if missing.size:
        g = int(missing[0])
        raise ValueError(
            f"element {g} has no two-sided inverse: table[{g}, {right_inv[g]}] is the identity "
            f"{e} but table[{right_inv[g]}, {g}] = {arr[right_inv[g], g]}"
        )
    for y in _generating_set(arr):
        lhs = arr[arr[:, y], :]  # (x·y)·z over all x, z
        rhs = arr[:, arr[y, :]]  # x·(y·z)
        diff = np.argwhere(lhs != rhs)
        if diff.size:
            x, z = diff[0]
            raise ValueError(
                f"table is not associative: for (g, h, k) = ({x}, {y}, {z}), "
                f"(g·h)·k = {lhs[x, z]} but g·(h·k) = {rhs[x, z]}"
            )
    return arr


@jax.tree_util.register_pytree_node_class
@dataclasses.dataclass(frozen=True, eq=False)
class FiniteGroup:
    r"""A finite group of order ``n`` with elements labelled ``0..n-1``.

    ``table[g, h]`` is the label of ``g·h``; ``inverse[g]`` the label of ``g⁻¹``.
    Build one with :meth:`from_cayley_table` (validates) or a constructor such as
    :func:`harmonics_jax.dihedral`.  As a JAX pytree its leaves are ``table`` and
    ``inverse``; ``name`` is static metadata.  Equality and hashing compare tables.

    Example:
        >>> import harmonics_jax as hj
        >>> G = hj.FiniteGroup.from_cayley_table([[0, 1], [1, 0]], name="C2")
        >>> G.order, G.identity, G.inverse.tolist()
        (2, 0, [0, 1])
    """

    table: np.ndarray
    inverse: np.ndarray
    name: str = "G"

    @classmethod
    def from_cayley_table(cls, table: object, *, name: str | None = None) -> FiniteGroup:
        """Validate ``table`` (see :func:`validate_cayley_table`) and build the group."""
        arr = validate_cayley_table(table)
        n = arr.shape[0]
        e = int(np.flatnonzero((arr == np.arange(n)).all(axis=1))[0])
        inverse = np.argmax(arr == e, axis=1).astype(np.int64)
        arr.setflags(write=False)
        inverse.setflags(write=False)
        return cls(arr, inverse, name if name is not None else f"G{n}")

    # -- pytree protocol: tables are leaves, the name is static ---------------------------
    def tree_flatten(self):
        return (self.table, self.inverse), (self.name,)

    @classmethod
    def tree_unflatten(cls, aux, leaves):
        obj = object.__new__(cls)
        object.__setattr__(obj, "table", leaves[0])
        object.__setattr__(obj, "inverse", leaves[1])
        object.__setattr__(obj, "name", aux[0])
        return obj

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FiniteGroup):
            return NotImplemented
        return self.order == other.order and bool(np.array_equal(self.table, other.table))

    def __hash__(self) -> int:
        return hash(np.asarray(self.table).tobytes())

    def __repr__(self) -> str:
        return f"FiniteGroup(name={self.name!r}, order={self.order})"

    # -- derived structure (numpy; needs concrete tables) --------------------------------
    @property
    def order(self) -> int:
        return int(np.shape(self.table)[0])

    @cached_property
    def identity(self) -> int:
        n = self.order
        return int(np.flatnonzero((np.asarray(self.table) == np.arange(n)).all(axis=1))[0])

    @cached_property
    def is_abelian(self) -> bool:
        t = np.asarray(self.table)
        return bool(np.array_equal(t, t.T))

    @cached_property
    def element_orders(self) -> np.ndarray:
        """``element_orders[g]`` is the least k ≥ 1 with g^k = e."""
        t = np.asarray(self.table)
        n, e = self.order, self.identity
        ar = np.arange(n)
        power = ar.copy()
        orders = np.zeros(n, dtype=np.int64)
        for k in range(1, n + 1):
            hit = (power == e) & (orders == 0)
            orders[hit] = k
            if orders.all():
                break
            power = t[power, ar]
        return orders

    @cached_property
    def class_index(self) -> np.ndarray:
        """``class_index[g]`` is the index of g's conjugacy class (identity class is 0,
        the others numbered by their smallest label)."""
        t, inv = np.asarray(self.table), np.asarray(self.inverse)
        n = self.order
        conj = t[t[:, :], inv[:, None]]  # conj[x, g] = x g x⁻¹
        index = np.full(n, -1, dtype=np.int64)
        nxt = 0
        for g in [self.identity, *range(n)]:
            if index[g] < 0:
                index[conj[:, g]] = nxt
                nxt += 1
        return index

    @property
    def conjugacy_classes(self) -> list[np.ndarray]:
        """The conjugacy classes as sorted label arrays, identity class first."""
        idx = self.class_index
        return [np.flatnonzero(idx == c) for c in range(int(idx.max()) + 1)]

    @property
    def num_classes(self) -> int:
        return int(self.class_index.max()) + 1
