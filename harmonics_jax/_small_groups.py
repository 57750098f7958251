r"""The SmallGroups library of GAP up to order 100, as package data.

All 1,048 groups of order ≤ 100, exported once from GAP (versions, command, date and
digests in ``data/small_groups.json``; regenerate with ``python tools/small_groups_data.py``).
``SmallGroup(n, i)`` is GAP's i-th group of order n; its elements are labelled by their
0-based position in GAP's ``AsSSortedList(G)``, so the identity is label 0 and the tables
equal GAP's ``MultiplicationTable`` label for label (``table[g, h]`` = label of g·h).

Storage: per group a greedy generating set s_1..s_k and the k columns ``table[:, s_j]``;
the table is rebuilt breadth first from the identity, ``table[:, x·s_j] =
table[:, s_j][table[:, x]]`` (since a·(x·s) = (a·x)·s), then validated.  The file is read
on first use, not at ``import harmonics_jax``, and groups are cached.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import numpy as np

from ._group import FiniteGroup

__all__ = ["small_group", "small_groups", "num_small_groups", "SMALL_GROUPS_MAX_ORDER"]

#: The largest order in the shipped library.
SMALL_GROUPS_MAX_ORDER = 100
_DATA = "small_groups.npz"
_PROVENANCE = "small_groups.json"


class _Library(NamedTuple):
    """The decoded arrays: per group its order, id, name and slice of ``columns``."""

    orders: np.ndarray
    ids: np.ndarray
    names: tuple[str, ...]
    num_generators: np.ndarray
    offsets: np.ndarray  # group j's columns are columns[offsets[j]:offsets[j + 1]]
    columns: np.ndarray
    first: dict[int, int]  # order → index of SmallGroup(order, 1)
    counts: dict[int, int]  # order → number of groups


def _data_file(name: str):
    return resources.files("harmonics_jax").joinpath("data", name)


@lru_cache(maxsize=1)
def _library() -> _Library:
    with _data_file(_DATA).open("rb") as f, np.load(f, allow_pickle=False) as z:
        orders = z["orders"].astype(np.int64)
        ids = z["ids"].astype(np.int64)
        ks = z["num_generators"].astype(np.int64)
        columns = z["columns"]
        names = tuple(str(s) for s in z["names"])
    offsets = np.concatenate([[0], np.cumsum(orders * ks)])
    if offsets[-1] != columns.size:
        raise RuntimeError(f"{_DATA} is corrupt: {columns.size} column entries, the orders "
                           f"and generator counts need {offsets[-1]}; reinstall harmonics_jax")
    first: dict[int, int] = {}
    counts: dict[int, int] = {}
    for j, n in enumerate(orders.tolist()):
        first.setdefault(n, j)
        counts[n] = counts.get(n, 0) + 1
    return _Library(orders, ids, names, ks, offsets, columns, first, counts)


def provenance() -> dict:
    """Where the data came from: GAP and SmallGroups versions, command, date, digests."""
    return json.loads(_data_file(_PROVENANCE).read_text())


def _rebuild(n: int, columns: np.ndarray) -> np.ndarray:
    """The (n, n) table from the generator columns ``columns[j] = table[:, s_j]``."""
    table = np.full((n, n), -1, dtype=np.int64)
    table[:, 0] = np.arange(n)  # label 0 is the identity
    reached = np.zeros(n, dtype=bool)
    reached[0] = True
    frontier = np.array([0])
    while frontier.size:
        nxt = [np.empty(0, dtype=np.int64)]  # the trivial group has no generators
        for col in columns:
            y = col[frontier]  # y = x·s_j for x in the frontier
            fresh, first = np.unique(y, return_index=True)
            keep = ~reached[fresh]
            fresh, src = fresh[keep], frontier[first[keep]]
            table[:, fresh] = col[table[:, src]]
            reached[fresh] = True
            nxt.append(fresh)
        frontier = np.concatenate(nxt)
    if not reached.all():
        raise RuntimeError("small-groups data is corrupt: the stored generators do not "
                           "generate the group; reinstall harmonics_jax")
    return table


def _check_order(order: object, what: str) -> int:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, got {type(order).__name__}")
    if not 1 <= order <= SMALL_GROUPS_MAX_ORDER:
        raise ValueError(f"{what} must be between 1 and {SMALL_GROUPS_MAX_ORDER} (the "
                         f"shipped SmallGroups library), got {order}")
    return int(order)


def num_small_groups(order: int) -> int:
    """The number of groups of order ``order`` up to isomorphism (GAP's
    ``NumberSmallGroups``), for 1 ≤ order ≤ 100.

    >>> num_small_groups(8), num_small_groups(64), num_small_groups(97)
    (5, 267, 1)
    """
    return _library().counts[_check_order(order, "num_small_groups(order): order")]


def structure_description(order: int, index: int) -> str:
    """GAP's ``StructureDescription`` of ``SmallGroup(order, index)`` (valid ids only)."""
    lib = _library()
    return lib.names[lib.first[order] + index - 1]


@lru_cache(maxsize=300)  # more than the 267 groups of order 64, the most of any order
def _small_group_cached(order: int, index: int) -> FiniteGroup:
    lib = _library()
    j = lib.first[order] + index - 1
    cols = lib.columns[lib.offsets[j]:lib.offsets[j + 1]].astype(np.int64)
    table = _rebuild(order, cols.reshape(int(lib.num_generators[j]), order))
    name = f"SmallGroup({order},{index}) = {structure_description(order, index)}"
    return FiniteGroup.from_cayley_table(table, name=name)


def small_group(order: int, index: int) -> FiniteGroup:
    r"""GAP's ``SmallGroup(order, index)``, for 1 ≤ order ≤ 100.

    Elements are labelled by their position in GAP's ``AsSSortedList`` (identity at
    label 0), so ``table`` equals GAP's multiplication table label for label.  The name is
    ``"SmallGroup(n,i) = <GAP's StructureDescription>"``; note that GAP writes the dihedral
    group of order 2m as ``D<2m>`` (``"SmallGroup(8,3) = D8"``), while this package's
    ``D(m)`` / ``"D4"`` has order 2m (CONVENTIONS.md).  Cached.

    Args:
        order: the group order n, 1 ≤ n ≤ 100.
        index: GAP's id, 1 ≤ index ≤ :func:`num_small_groups` (n).

    >>> G = small_group(8, 4)
    >>> G.name, G.order, G.identity, G.is_abelian
    ('SmallGroup(8,4) = Q8', 8, 0, False)
    """
    order = _check_order(order, "small_group(order, index): order")
    count = num_small_groups(order)
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"small_group(order, index): index must be an integer, got "
                        f"{type(index).__name__}")
    if not 1 <= index <= count:
        groups = "group" if count == 1 else "groups"
        raise ValueError(f"small_group(order, index): there {'is' if count == 1 else 'are'} "
                         f"{count} {groups} of order {order}, so index must be between 1 and "
                         f"{count}, got {index}")
    return _small_group_cached(order, int(index))


def small_groups(*, max_order: int = SMALL_GROUPS_MAX_ORDER,
                 min_order: int = 1) -> Iterator[FiniteGroup]:
    """Iterate over every ``SmallGroup(n, i)`` with ``min_order ≤ n ≤ max_order``, by order
    then id (lazily: each group is built when reached).  ``sum(1 for _ in small_groups())``
    is 1,048.

    >>> [G.name for G in small_groups(max_order=4, min_order=4)]
    ['SmallGroup(4,1) = C4', 'SmallGroup(4,2) = C2 x C2']
    """
    hi = _check_order(max_order, "small_groups: max_order")
    lo = _check_order(min_order, "small_groups: min_order")
    if lo > hi:
        raise ValueError(f"small_groups: min_order={lo} is larger than max_order={hi}")
    return (small_group(n, i) for n in range(lo, hi + 1) for i in range(1, num_small_groups(n) + 1))
