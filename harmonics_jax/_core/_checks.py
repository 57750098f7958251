"""Input checks shared by the Fourier kernels, the models and the verification suite."""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["ORDER_NOTE", "check_irrep_list"]

ORDER_NOTE = "(note D(n) has order 2n and Dic(n) order 4n)"


def check_irrep_list(irreps: object, fn: str, *, order: int | None = None,
                     hint: str = "e.g. irreps(group)") -> list[jax.Array]:
    """Shapes only: ``irreps`` is a non-empty list of arrays ``(n, d, d)`` with d ≥ 1 and one
    common n (equal to ``order`` when given).  Returns the arrays; never looks at values, so
    it is safe on tracers.  ``hint`` says where a correct list comes from."""
    if isinstance(irreps, (np.ndarray, jax.Array)):
        raise TypeError(f"{fn}: irreps must be a list of arrays of shape (n, d, d), got a single "
                        f"array of shape {np.shape(irreps)}; wrap one irrep in a list: [rho]")
    if not isinstance(irreps, Sequence) or isinstance(irreps, str):
        raise TypeError(f"{fn}: irreps must be a list of arrays of shape (n, d, d), one per "
                        f"irrep, got {type(irreps).__name__}; {hint}")
    if len(irreps) == 0:
        raise ValueError(f"{fn}: irreps is empty; pass a list with one (n, d, d) array per "
                         f"irreducible representation, {hint}")
    out = []
    for i, rho in enumerate(irreps):
        try:
            rho = jnp.asarray(rho)
        except TypeError as err:
            raise TypeError(f"{fn}: irreps[{i}] is not an array: {err}") from None
        if rho.ndim != 3 or rho.shape[1] != rho.shape[2] or rho.shape[1] == 0:
            raise ValueError(f"{fn}: irreps[{i}] must have shape (n, d, d) with d ≥ 1, "
                             f"got {rho.shape}")
        n = order if order is not None else (out[0].shape[0] if out else rho.shape[0])
        if rho.shape[0] != n:
            what = (f"the group has order {order} {ORDER_NOTE}" if order is not None
                    else f"irreps[0] has {n}; all irreps must be of one group")
            raise ValueError(f"{fn}: irreps[{i}] has {rho.shape[0]} group elements but {what}")
        out.append(rho)
    return out
