r"""The Fourier transform on a finite group, the regular action and convolution.

Conventions (CONVENTIONS.md): a signal is x ∈ ℂⁿ, stored as an array of shape ``(..., n)``
with one coordinate per group label; leading axes are batch axes.

* action:       (g·x)(h) = x(g⁻¹h), i.e. ``x[..., table[inverse[g]]]``;
* convolution:  (x ⋆ y)(g) = Σ_h x(h) y(h⁻¹g);
* transform:    x̂(ρ) = Σ_g x(g) ρ(g)^†;
* inverse:      x(g) = (1/n) Σ_ρ d_ρ tr(ρ(g) x̂(ρ));
* power spectrum: x̂(ρ) x̂(ρ)^†, invariant under the action.

All functions are pure JAX and may be used under ``jit``, ``vmap`` and ``grad``.  A
:class:`~harmonics_jax.FiniteGroup` is a pytree (leaves ``table`` and ``inverse``), and an
irrep list is a list of leaves, so either can be a traced argument: a second call with new
values of the same shapes (a new signal, another group of the same order and name, other
irreps of the same dimensions) does not recompile.  Shapes are checked at trace time.

Dtypes: the transforms return complex arrays of the signal's precision (float32 or
complex64 → complex64; float64 or complex128 → complex128); irreps are cast to that
precision.  ``act`` keeps the signal's dtype, and ``convolve`` returns the common inexact
dtype of its inputs (two real signals give a real signal).  Contractions run at
``Precision.HIGHEST`` so that accelerators do not drop to reduced-precision matmuls.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Array, Complex, Inexact, Int, Shaped

from ._core._checks import check_irrep_list
from ._core._dtypes import complex_dtype as _complex_dtype
from ._core._dtypes import inexact_dtype as _inexact_dtype
from ._group import FiniteGroup

__all__ = [
    "act",
    "convolve",
    "fourier_transform",
    "inverse_fourier_transform",
    "power_spectrum",
]

_HIGHEST = jax.lax.Precision.HIGHEST


# -- validation ---------------------------------------------------------------------------
def _as_signal(x: object, what: str) -> Array:
    if isinstance(x, FiniteGroup):
        raise TypeError(f"{what} must be an array of shape (..., n), got a FiniteGroup; "
                        "check the argument order")
    try:
        arr = jnp.asarray(x)
    except TypeError as err:
        raise TypeError(f"{what} must be an array of shape (..., n): {err}") from None
    if arr.ndim == 0:
        raise ValueError(f"{what} must have shape (..., n) with n the group order, got a scalar")
    if not (jnp.issubdtype(arr.dtype, jnp.number) or arr.dtype == bool):
        raise TypeError(f"{what} must be numeric, got dtype {arr.dtype}")
    return arr


def _check_group(group: object, fn: str) -> FiniteGroup:
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"{fn}: group must be a FiniteGroup (e.g. harmonics_jax.dihedral(3), "
                        f"order 6), got {type(group).__name__}")
    return group


def _check_order(x: Array, n: int, what: str, fn: str, source: str) -> None:
    if x.shape[-1] != n:
        raise ValueError(f"{fn}: {what} has last axis of length {x.shape[-1]} but {source} "
                         f"has order {n}; a signal needs one coordinate per group element, "
                         f"shape (..., {n}) (note D(n) has order 2n and Dic(n) order 4n)")


# -- kernels ------------------------------------------------------------------------------
@jax.jit
def _fourier_kernel(x: Array, irreps: list[Array]) -> list[Array]:
    # ρ(g)^†[i, j] = conj(ρ(g)[j, i])
    return [jnp.einsum("...g,gji->...ij", x, jnp.conj(rho.astype(x.dtype)), precision=_HIGHEST)
            for rho in irreps]


def fourier_transform(
    x: Inexact[ArrayLike, "*batch n"], irreps: Sequence[Shaped[ArrayLike, "n _ _"]]
) -> list[Complex[Array, "*batch _ _"]]:
    r"""Fourier transform on a finite group: x̂(ρ) = Σ_g x(g) ρ(g)^†, one block per irrep.

    Args:
        x: signal(s) of shape ``(..., n)``, one coordinate per group label.
        irreps: list of arrays ``rho`` of shape ``(n, d, d)`` (e.g. ``irreps(group)``);
            any subset of the irreps may be given.

    Returns:
        A list with one complex array of shape ``(..., d, d)`` per irrep, in the precision
        of ``x``.

    Raises:
        TypeError: ``irreps`` is not a list of arrays, or ``x`` is not numeric.
        ValueError: ``irreps`` is empty or badly shaped, or ``x.shape[-1]`` is not the order.

    Example:
        >>> import numpy as np
        >>> rho = np.exp(2j * np.pi * np.outer(np.arange(3), np.arange(3)) / 3)  # C3
        >>> irreps = [rho[:, k, None, None] for k in range(3)]  # 1-dim characters
        >>> xhat = fourier_transform(np.array([1.0, 0.0, 0.0]), irreps)
        >>> [complex(b[0, 0]) for b in xhat]  # a delta at the identity: all ones
        [(1+0j), (1+0j), (1+0j)]
    """
    fn = "fourier_transform"
    irreps = check_irrep_list(irreps, fn)
    x = _as_signal(x, "x")
    _check_order(x, irreps[0].shape[0], "x", fn, "the irreps' group")
    return _fourier_kernel(x.astype(_complex_dtype(x.dtype)), irreps)


@jax.jit
def _inverse_kernel(xhat: list[Array], irreps: list[Array]) -> Array:
    n = irreps[0].shape[0]
    # tr(ρ(g) A) = Σ_ij ρ(g)[i, j] A[j, i]
    terms = [rho.shape[-1] * jnp.einsum("gij,...ji->...g", rho.astype(b.dtype), b,
                                         precision=_HIGHEST)
             for b, rho in zip(xhat, irreps)]
    return sum(terms[1:], terms[0]) / n


def inverse_fourier_transform(
    xhat: Sequence[Inexact[ArrayLike, "*batch _ _"]],
    irreps: Sequence[Shaped[ArrayLike, "n _ _"]],
) -> Complex[Array, "*batch n"]:
    r"""Inverse Fourier transform: x(g) = (1/n) Σ_ρ d_ρ tr(ρ(g) x̂(ρ)).

    Args:
        xhat: list of blocks of shape ``(..., d, d)``, one per irrep, in the order of
            ``irreps`` (batch shapes must broadcast).
        irreps: the complete list of irreps of the group (Σ d² = n), e.g. ``irreps(group)``.

    Returns:
        The complex signal of shape ``(..., n)``, in the highest precision of the blocks.

    Raises:
        TypeError: ``xhat`` or ``irreps`` is not a list of arrays.
        ValueError: the lists differ in length, a block is not ``(..., d, d)`` for its irrep,
            or the irreps are not a complete set (Σ d² ≠ n).

    Example:
        >>> import numpy as np
        >>> rho = np.exp(2j * np.pi * np.outer(np.arange(3), np.arange(3)) / 3)
        >>> irreps = [rho[:, k, None, None] for k in range(3)]
        >>> x = np.array([1.0, 2.0, 3.0])
        >>> np.allclose(inverse_fourier_transform(fourier_transform(x, irreps), irreps), x)
        True
    """
    fn = "inverse_fourier_transform"
    irreps = check_irrep_list(irreps, fn)
    if isinstance(xhat, (np.ndarray, jax.Array)) or not isinstance(xhat, Sequence):
        raise TypeError(f"{fn}: xhat must be a list of (..., d, d) blocks, one per irrep "
                        f"(as returned by fourier_transform), got {type(xhat).__name__}")
    if len(xhat) != len(irreps):
        raise ValueError(f"{fn}: got {len(xhat)} blocks for {len(irreps)} irreps; pass one "
                         "block per irrep, in the same order")
    n = irreps[0].shape[0]
    dims = [rho.shape[-1] for rho in irreps]
    if sum(d * d for d in dims) != n:
        raise ValueError(f"{fn}: the irreps are not a complete set: Σ d² = "
                         f"{sum(d * d for d in dims)} for dimensions {dims}, but the group has "
                         f"order {n}; pass every irrep of the group, e.g. irreps(group)")
    blocks = []
    for i, (b, d) in enumerate(zip(xhat, dims)):
        b = _as_signal(b, f"xhat[{i}]")
        if b.ndim < 2 or b.shape[-2:] != (d, d):
            raise ValueError(f"{fn}: xhat[{i}] must have shape (..., {d}, {d}) to match "
                             f"irreps[{i}], got {b.shape}")
        blocks.append(b)
    try:
        jnp.broadcast_shapes(*(b.shape[:-2] for b in blocks))
    except ValueError:
        raise ValueError(f"{fn}: the batch shapes of the blocks do not broadcast: "
                         f"{[b.shape[:-2] for b in blocks]}") from None
    dtype = _complex_dtype(*(b.dtype for b in blocks))
    return _inverse_kernel([b.astype(dtype) for b in blocks], irreps)


@jax.jit
def _act_kernel(g: Array, x: Array, table: Array, inverse: Array) -> Array:
    return jnp.take(x, table[inverse[g]], axis=-1)


def act(
    g: int | Int[ArrayLike, ""], x: Shaped[ArrayLike, "*batch n"], group: FiniteGroup
) -> Shaped[Array, "*batch n"]:
    r"""Left regular action: (g·x)(h) = x(g⁻¹h), i.e. ``x[..., table[inverse[g]]]``.

    Args:
        g: label of the acting element, a Python int or an integer scalar array (may be
            traced; a traced label is not range-checked).
        x: signal(s) of shape ``(..., n)``.
        group: the group, of order n.

    Returns:
        The translated signal, same shape and dtype as ``x``.

    Raises:
        TypeError: ``group`` is not a FiniteGroup, or ``g`` is not an integer.
        ValueError: ``g`` is not a label ``0..n-1`` or ``x.shape[-1]`` is not the order.

    Example:
        >>> import harmonics_jax as hj
        >>> act(1, np.array([10, 11, 12, 13]), hj.cyclic(4)).tolist()  # (1·x)(h) = x(h - 1)
        [13, 10, 11, 12]
    """
    fn = "act"
    group = _check_group(group, fn)
    n = group.order
    x = _as_signal(x, "x")
    _check_order(x, n, "x", fn, f"group {group.name}")
    g_arr = jnp.asarray(g)
    if g_arr.ndim != 0 or not jnp.issubdtype(g_arr.dtype, jnp.integer):
        raise TypeError(f"{fn}: g must be an integer label (scalar), got "
                        f"{'shape ' + str(g_arr.shape) if g_arr.ndim else g_arr.dtype}; "
                        "use jax.vmap over act to apply several elements")
    if not isinstance(g, jax.core.Tracer):
        gi = int(g_arr)
        if not 0 <= gi < n:
            raise ValueError(f"{fn}: g = {gi} is not a label of group {group.name} of order "
                             f"{n}; labels run 0..{n - 1}")
    return _act_kernel(g_arr, x, jnp.asarray(group.table), jnp.asarray(group.inverse))


@jax.jit
def _convolve_kernel(x: Array, y: Array, table: Array, inverse: Array) -> Array:
    # shifted[..., h, g] = y(h⁻¹g)
    shifted = jnp.take(y, table[inverse], axis=-1)
    return jnp.einsum("...h,...hg->...g", x, shifted, precision=_HIGHEST)


def convolve(
    x: Shaped[ArrayLike, "*xbatch n"], y: Shaped[ArrayLike, "*ybatch n"], group: FiniteGroup
) -> Inexact[Array, "*batch n"]:
    r"""Group convolution: (x ⋆ y)(g) = Σ_h x(h) y(h⁻¹g).

    Then g·x = δ_g ⋆ x, and (x ⋆ y)^(ρ) = ŷ(ρ) x̂(ρ).  The direct sum costs O(n²) per signal.

    Args:
        x: signal(s) of shape ``(..., n)``.
        y: signal(s) of shape ``(..., n)``; batch shapes broadcast against ``x``.
        group: the group, of order n.

    Returns:
        The convolution, shape ``(..., n)``, in the common inexact dtype of ``x`` and ``y``
        (complex if either is complex).

    Raises:
        TypeError: ``group`` is not a FiniteGroup.
        ValueError: a last axis is not the group order, or the batch shapes do not broadcast.

    Example:
        >>> import harmonics_jax as hj
        >>> G = hj.cyclic(3)
        >>> delta_1 = np.array([0.0, 1.0, 0.0])
        >>> convolve(delta_1, np.array([5.0, 6.0, 7.0]), G).tolist()  # = act(1, y, G)
        [7.0, 5.0, 6.0]
    """
    fn = "convolve"
    group = _check_group(group, fn)
    n = group.order
    x, y = _as_signal(x, "x"), _as_signal(y, "y")
    _check_order(x, n, "x", fn, f"group {group.name}")
    _check_order(y, n, "y", fn, f"group {group.name}")
    try:
        jnp.broadcast_shapes(x.shape[:-1], y.shape[:-1])
    except ValueError:
        raise ValueError(f"{fn}: batch shapes {x.shape[:-1]} of x and {y.shape[:-1]} of y "
                         "do not broadcast") from None
    dtype = _inexact_dtype(x.dtype, y.dtype)
    return _convolve_kernel(x.astype(dtype), y.astype(dtype), jnp.asarray(group.table),
                            jnp.asarray(group.inverse))


def power_spectrum(
    x: Inexact[ArrayLike, "*batch n"], irreps: Sequence[Shaped[ArrayLike, "n _ _"]]
) -> list[Complex[Array, "*batch _ _"]]:
    r"""Power spectrum: x̂(ρ) x̂(ρ)^† for each irrep, invariant under the action.

    (g·x)^(ρ) = x̂(ρ) ρ(g)^† and ρ(g) is unitary, so the blocks do not change under g·x.

    Args:
        x: signal(s) of shape ``(..., n)``.
        irreps: list of arrays of shape ``(n, d, d)``.

    Returns:
        A list of Hermitian positive semi-definite blocks of shape ``(..., d, d)``.

    Raises:
        TypeError, ValueError: as :func:`fourier_transform`.

    Example:
        >>> rho = np.exp(2j * np.pi * np.outer(np.arange(3), np.arange(3)) / 3)
        >>> irreps = [rho[:, k, None, None] for k in range(3)]
        >>> x = np.array([1.0, 2.0, 3.0])
        >>> np.allclose([b[0, 0] for b in power_spectrum(x, irreps)],
        ...             [b[0, 0] for b in power_spectrum(np.roll(x, 1), irreps)])
        True
    """
    return [jnp.matmul(b, jnp.conj(jnp.swapaxes(b, -1, -2)), precision=_HIGHEST)
            for b in fourier_transform(x, irreps)]
