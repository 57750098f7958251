"""Input checks shared by the Fourier kernels, the models and the verification suite."""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["ORDER_NOTE", "check_irrep_list", "check_irrep_values"]

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


def check_irrep_values(irreps: Sequence[object], table: np.ndarray, fn: str, *,
                       tol: float = 1e-6,
                       hint: str = "or None for harmonics_jax.irreps(group)") -> None:
    """Values: ``irreps`` (shapes already checked by :func:`check_irrep_list`) is a complete
    set of inequivalent unitary irreps of the group with Cayley ``table``: each a unitary
    homomorphism (ρ[table[g, h]] = ρ[g] ρ[h]) with character norm (1/n)Σ|χ|² = 1, the
    characters pairwise orthogonal, and Σ d² = n (then every class appears exactly once).
    A ``ValueError`` names the offending irreps and a witness.  Tracers are skipped (their
    values are unknown); NumPy in float64, so it runs once per call, outside any trace."""
    t = np.asarray(table)
    n = t.shape[0]
    chars: dict[int, np.ndarray] = {}
    for i, rho in enumerate(irreps):
        if isinstance(rho, jax.core.Tracer):
            continue
        r = np.asarray(rho, dtype=np.complex128)
        d = r.shape[1]
        hom = np.linalg.norm(r[:, None] @ r[None, :] - r[t], axis=(-2, -1))
        g, h = np.unravel_index(np.argmax(hom), hom.shape)
        if hom[g, h] > tol * np.sqrt(d):
            raise ValueError(f"{fn}: irreps[{i}] is not a representation of the group: "
                             f"‖rho[{g}] @ rho[{h}] - rho[table[{g}, {h}]]‖ = "
                             f"{hom[g, h]:.3g} (convention: rho[table[g, h]] = rho[g] @ rho[h])")
        uni = np.linalg.norm(r @ np.conj(np.swapaxes(r, -1, -2)) - np.eye(d), axis=(-2, -1))
        if uni.max() > tol * np.sqrt(d):
            raise ValueError(f"{fn}: irreps[{i}] is not unitary at element "
                             f"{int(np.argmax(uni))} (‖ρρ^† − I‖ = {uni.max():.3g})")
        chi = np.trace(r, axis1=1, axis2=2)
        norm = float(np.sum(np.abs(chi) ** 2) / n)
        if abs(norm - 1) > tol * d:
            raise ValueError(f"{fn}: irreps[{i}] is not irreducible: its character has "
                             f"(1/n)Σ_g|χ(g)|² = {norm:.6g}, an irrep has 1 (a sum of m "
                             "irreps has the sum of their squared multiplicities); pass "
                             f"one representative of every irrep class, {hint}")
        for j, other in chars.items():
            overlap = abs(complex(np.vdot(other, chi))) / n
            if overlap > tol * d:
                raise ValueError(f"{fn}: irreps[{j}] and irreps[{i}] are not orthogonal: "
                                 f"|(1/n)Σ_g χ_{j}(g) conj(χ_{i}(g))| = {overlap:.6g} (0 "
                                 "for inequivalent irreps, 1 for equivalent ones); pass "
                                 "each irrep class exactly once")
        chars[i] = chi
    dims = [int(np.shape(r)[1]) for r in irreps]
    total = sum(d * d for d in dims)
    if total != n:
        raise ValueError(f"{fn}: the irreps' dimensions {dims} give Σ d² = {total}, not the "
                         f"group order {n}; pass one representative of every irrep class "
                         f"({hint})")
