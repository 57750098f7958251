"""Input checking shared by the verification functions (shapes only; never values of tracers)."""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from .._group import FiniteGroup

_ORDER_NOTE = "(note D(n) has order 2n and Dic(n) order 4n)"


def complex_dtype(dtype: np.dtype) -> np.dtype:
    """complex128 for double-precision (or integer) input, complex64 for single precision;
    canonicalised, so complex64 whenever x64 is off."""
    dtype = np.dtype(dtype)
    single = dtype in (np.dtype(np.float32), np.dtype(np.complex64), np.dtype(np.float16))
    return jax.dtypes.canonicalize_dtype(np.complex64 if single else np.complex128)


def check_group(group: object, fn: str) -> FiniteGroup:
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"{fn}: group must be a FiniteGroup (e.g. harmonics_jax.group('S4')), "
                        f"got {type(group).__name__}; check the argument order (weights, group)")
    return group


def as_weights(weights: object, fn: str, *, batch_axes: int = 0,
               order: int | None = None) -> tuple[jax.Array, ...]:
    """Check a network ``(W_1, …, W_k)``, each of shape ``(*batch, n, d_i, d_i)``; cast to one
    complex dtype (the widest precision among the blocks)."""
    if isinstance(weights, (np.ndarray, jax.Array)):
        raise TypeError(f"{fn}: weights must be a tuple of arrays W_i of shape (n, d_i, d_i), "
                        f"one per block, got a single array of shape {np.shape(weights)}; "
                        "wrap one block in a tuple: (W,)")
    if not isinstance(weights, Sequence) or isinstance(weights, str):
        raise TypeError(f"{fn}: weights must be a tuple of arrays W_i of shape (n, d_i, d_i), "
                        f"got {type(weights).__name__}")
    if len(weights) == 0:
        raise ValueError(f"{fn}: weights is empty; pass one (n, d_i, d_i) array per block")
    shape_text = "(seeds, n, d_i, d_i)" if batch_axes else "(n, d_i, d_i)"
    blocks = []
    for i, w in enumerate(weights):
        try:
            w = jnp.asarray(w)
        except TypeError as err:
            raise TypeError(f"{fn}: weights[{i}] is not an array: {err}") from None
        if not jnp.issubdtype(w.dtype, jnp.number):
            raise TypeError(f"{fn}: weights[{i}] must be numeric, got dtype {w.dtype}")
        if w.ndim != 3 + batch_axes or w.shape[-1] != w.shape[-2] or w.shape[-1] == 0:
            raise ValueError(f"{fn}: weights[{i}] must have shape {shape_text} with square "
                             f"non-empty blocks, got {w.shape}")
        if blocks and w.shape[:-2] != blocks[0].shape[:-2]:
            raise ValueError(f"{fn}: weights[{i}] has leading shape {w.shape[:-2]} but "
                             f"weights[0] has {blocks[0].shape[:-2]}; every block needs the "
                             "same seed axis and one slice per group element")
        blocks.append(w)
    n = blocks[0].shape[-3]
    if order is not None and n != order:
        raise ValueError(f"{fn}: the weights have {n} slices per block (axis -3) but the group "
                         f"has order {order}; W_i[g] needs one slice per group element "
                         f"{_ORDER_NOTE}")
    dtype = complex_dtype(jnp.result_type(*[b.dtype for b in blocks]))
    return tuple(b.astype(dtype) for b in blocks)


def as_irreps(irreps: object, group: FiniteGroup, fn: str, dtype: np.dtype,
              *, tol: float = 1e-6) -> tuple[jax.Array, ...]:
    """The true irreps: ``irreps(group)`` by default; a user's list is checked to be a complete
    set of inequivalent unitary irreps of ``group``: each a unitary homomorphism with
    character norm (1/n)Σ|χ|² = 1, characters pairwise orthogonal, Σ d² = n (then every
    class appears once), with a witness otherwise."""
    if irreps is None:
        from .._irreps import irreps as _irreps  # lower layer; imported lazily

        return tuple(jnp.asarray(r, dtype=dtype) for r in _irreps(group))
    if isinstance(irreps, (np.ndarray, jax.Array)) or not isinstance(irreps, Sequence):
        raise TypeError(f"{fn}: irreps must be a list of (n, d, d) arrays, one per irrep, got "
                        f"{type(irreps).__name__}; leave it None to use harmonics_jax.irreps")
    n = group.order
    out, chars = [], {}
    for i, rho in enumerate(irreps):
        rho_j = jnp.asarray(rho)
        if rho_j.ndim != 3 or rho_j.shape[1] != rho_j.shape[2] or rho_j.shape[0] != n:
            raise ValueError(f"{fn}: irreps[{i}] must have shape ({n}, d, d) for a group of "
                             f"order {n} {_ORDER_NOTE}, got {rho_j.shape}")
        if not isinstance(rho, jax.core.Tracer):
            r = np.asarray(rho, dtype=np.complex128)
            t = np.asarray(group.table)
            hom = np.linalg.norm(r[:, None] @ r[None, :] - r[t], axis=(-2, -1))
            g, h = np.unravel_index(np.argmax(hom), hom.shape)
            if hom[g, h] > tol * np.sqrt(r.shape[1]):
                raise ValueError(f"{fn}: irreps[{i}] is not a representation of the group: "
                                 f"‖rho[{g}] @ rho[{h}] - rho[table[{g}, {h}]]‖ = "
                                 f"{hom[g, h]:.3g} (convention: rho[table[g, h]] = "
                                 "rho[g] @ rho[h])")
            eye = np.eye(r.shape[1])
            uni = np.linalg.norm(r @ np.conj(np.swapaxes(r, -1, -2)) - eye, axis=(-2, -1))
            if uni.max() > tol * np.sqrt(r.shape[1]):
                raise ValueError(f"{fn}: irreps[{i}] is not unitary at element "
                                 f"{int(np.argmax(uni))} (‖ρρ^† − I‖ = {uni.max():.3g})")
            chi = np.trace(r, axis1=1, axis2=2)
            norm = float(np.sum(np.abs(chi) ** 2) / n)
            if abs(norm - 1) > tol * r.shape[1]:
                raise ValueError(f"{fn}: irreps[{i}] is not irreducible: its character has "
                                 f"(1/n)Σ_g|χ(g)|² = {norm:.6g}, an irrep has 1 (a sum of m "
                                 "irreps has the sum of their squared multiplicities); pass "
                                 "one representative of every irrep class, or None for "
                                 "harmonics_jax.irreps(group)")
            for j, other in chars.items():
                overlap = abs(complex(np.vdot(other, chi))) / n
                if overlap > tol * r.shape[1]:
                    raise ValueError(f"{fn}: irreps[{j}] and irreps[{i}] are not orthogonal: "
                                     f"|(1/n)Σ_g χ_{j}(g) conj(χ_{i}(g))| = {overlap:.6g} (0 "
                                     "for inequivalent irreps, 1 for equivalent ones); pass "
                                     "each irrep class exactly once")
            chars[i] = chi
        out.append(rho_j.astype(dtype))
    total = sum(r.shape[1] ** 2 for r in out)
    if total != n:
        raise ValueError(f"{fn}: the irreps' dimensions {[r.shape[1] for r in out]} give "
                         f"Σ d² = {total}, not the group order {n}; pass one representative of "
                         "every irrep class (or None for harmonics_jax.irreps(group))")
    return tuple(out)
