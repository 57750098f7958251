"""The exact solution the theorem describes: W_i[g] = A_i ρ_i(g)^†."""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Array, Complex, Shaped

from .._core._checks import check_irrep_list
from .._group import FiniteGroup
from ._validate import as_irreps, check_group

__all__ = ["fourier_weights"]


def fourier_weights(
    group: FiniteGroup, irreps: Sequence[Shaped[ArrayLike, "n _ _"]] | None = None,
    A: Sequence[Shaped[ArrayLike, "_ _"] | None] | None = None,
) -> tuple[Complex[Array, "n _ _"], ...]:
    r"""Fourier-transform weights W_i[g] = A_i ρ_i(g)^† (CONVENTIONS: invariant for any A_i;
    F^†F = n·I iff every A_i is unitary).

    ``irreps`` defaults to :func:`harmonics_jax.irreps` (a user list is taken as given, so
    a repeated or reducible ρ builds a deliberately wrong network); ``A`` is a list with one
    (d_i, d_i) matrix or None (identity) per block.  complex128 under x64.

    >>> import harmonics_jax as hj
    >>> [w.shape for w in fourier_weights(hj.named_group("S3"))]
    [(6, 1, 1), (6, 1, 1), (6, 2, 2)]
    """
    group = check_group(group, "fourier_weights")
    dtype = jax.dtypes.canonicalize_dtype(np.complex128)
    if irreps is None:
        rhos = as_irreps(None, group, "fourier_weights", dtype)
    else:
        rhos = [r.astype(dtype) for r in check_irrep_list(irreps, "fourier_weights",
                                                            order=group.order)]
    if A is None:
        A = [None] * len(rhos)
    if len(A) != len(rhos):
        raise ValueError(f"fourier_weights: A has {len(A)} entries but there are {len(rhos)} "
                         "irreps; pass one (d_i, d_i) matrix or None per irrep")
    out = []
    for i, (r, a) in enumerate(zip(rhos, A)):
        r_dag = jnp.conj(jnp.swapaxes(r, -1, -2))
        if a is None:
            out.append(r_dag)
            continue
        a = jnp.asarray(a, dtype=dtype)
        d = r.shape[-1]
        if a.shape != (d, d):
            raise ValueError(f"fourier_weights: A[{i}] must have shape ({d}, {d}) to match "
                             f"irreps[{i}], got {a.shape}")
        out.append(jnp.matmul(a, r_dag, precision=jax.lax.Precision.HIGHEST))
    return tuple(out)
