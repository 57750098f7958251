r"""The irrep-dimension multisets a group of order n can have, from theorems only.

A finite group G of order n with irreducible complex representations of dimensions
d_1 ≤ … ≤ d_k satisfies (Isaacs, *Character Theory of Finite Groups*; Serre, *Linear
Representations of Finite Groups*):

1. **Σ d_i² = n** (the regular representation contains each irrep d_i times).
2. **d_i divides n** (Frobenius; Isaacs Thm 3.11).
3. **The number a of 1s divides n**: the linear characters are the characters of the abelian
   quotient G/G′, so a = |G : G′| (Isaacs Cor. 2.23), a divisor of n by Lagrange; a ≥ 1
   (the trivial representation).
4. **a ≥ 2 when n > 1 and G cannot be perfect**: a = 1 means G = G′.  A group is solvable
   when n < 60 (A5 is the smallest non-solvable group), when n is odd (Feit–Thompson), or
   when n has at most two prime divisors (Burnside's p^a q^b theorem); a non-trivial
   solvable group has G′ < G.
5. **Odd order: every dimension other than 1 occurs an even number of times, and so does
   1 beyond the trivial one** (Burnside: a group of odd order has no non-trivial real
   irreducible character, so the non-trivial irreps pair off as ρ ≠ ρ̄ of equal dimension;
   Isaacs Problem 3.16).
6. **p-groups: a ≥ p² unless G is abelian** (if |G : G′| = p then G/Φ(G) is cyclic, since
   G′ ≤ Φ(G), so G is cyclic — Burnside's basis theorem — a contradiction).

:func:`candidate_dims` enumerates every multiset meeting them, so the true dimensions of
every group of order n are always among the candidates (the test suite checks this against
all 1,048 SmallGroups of order ≤ 100 … of order ≤ 32 at CI speed); some candidates belong to
no group (e.g. (1, 1, 1, 1, 2, 4) at n = 24) and training refutes them.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["candidate_dims"]


def _prime_divisors(n: int) -> list[int]:
    out, m, p = [], n, 2
    while p * p <= m:
        if m % p == 0:
            out.append(p)
            while m % p == 0:
                m //= p
        p += 1
    if m > 1:
        out.append(m)
    return out


def _cannot_be_perfect(n: int) -> bool:
    """Rule 4: every group of order n is solvable, so a non-trivial one has G′ < G."""
    return n < 60 or n % 2 == 1 or len(_prime_divisors(n)) <= 2


def _multisets(remainder: int, parts: list[int], start: int):
    """Non-decreasing sequences from ``parts[start:]`` whose squares sum to ``remainder``."""
    if remainder == 0:
        yield ()
        return
    for j in range(start, len(parts)):
        d = parts[j]
        if d * d > remainder:
            break
        for rest in _multisets(remainder - d * d, parts, j):
            yield (d, *rest)


def candidate_dims(n: int) -> list[tuple[int, ...]]:
    r"""Every multiset of irrep dimensions that a group of order ``n`` can have under the
    theorems listed in this module (Σ d² = n, d | n, the number a of 1s divides n, a ≥ 2 for
    groups that cannot be perfect, paired dimensions at odd order, a ≥ p² for non-abelian
    p-groups), each sorted ascending; the list is ordered by a descending (the abelian
    candidate, n ones, first).

    Example:
        >>> candidate_dims(6)
        [(1, 1, 1, 1, 1, 1), (1, 1, 2)]
        >>> candidate_dims(8)
        [(1, 1, 1, 1, 1, 1, 1, 1), (1, 1, 1, 1, 2)]
        >>> len(candidate_dims(24)), (1, 1, 2, 3, 3) in candidate_dims(24)
        (9, True)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"candidate_dims: n must be a positive integer (the number of "
                         f"coordinates, i.e. the group order), got {n!r}")
    n = int(n)
    primes = _prime_divisors(n)
    bigger = [d for d in range(2, math.isqrt(n) + 1) if n % d == 0]
    out = []
    for a in range(n, 0, -1):
        if n % a:
            continue
        if a == 1 and n > 1 and _cannot_be_perfect(n):
            continue
        if len(primes) == 1 and a < n and a < primes[0] ** 2:
            continue
        for rest in _multisets(n - a, bigger, 0):
            if n % 2 == 1 and (any(rest.count(d) % 2 for d in set(rest)) or (a - 1) % 2):
                continue
            out.append((1,) * a + rest)
    return out
