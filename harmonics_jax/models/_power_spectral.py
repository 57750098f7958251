r"""The power-spectral network (the model of Theorem 10).

Convention (CONVENTIONS.md): weights ``W = (W_1, …, W_k)``, ``W_i`` of shape ``(n, d_i, d_i)``;
``W_i(x) = Σ_g x(g) W_i[g]``; output ``φ_i(W, x) = W_i(x) W_i(x)^†``.  The Fourier transform
``W_i[g] = A_i ρ_i(g)^†`` makes every ``φ_i`` invariant under the left regular action
``(g·x)(h) = x(g⁻¹h)``.  Not to be confused with :func:`harmonics_jax.power_spectrum`, the
power spectrum x̂(ρ) x̂(ρ)^† of a *signal* for given irreps: the network with the Fourier
weights computes exactly that.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array, Complex, Inexact, PRNGKeyArray, Shaped

from .._core._layout import dim_groups, gram, grouped_block_values
from .._core._linalg import unitary_qr_factor
from ._weights import SpectralWeights

__all__ = ["power_spectral_apply", "random_unitary_matrix", "as_spectral_weights"]


def as_spectral_weights(weights: SpectralWeights | Sequence[Array], fn: str) -> SpectralWeights:
    """A :class:`SpectralWeights`, or a tuple of blocks stacked into one (the two ways users
    hold a network)."""
    if isinstance(weights, SpectralWeights):
        return weights
    if isinstance(weights, (tuple, list)):
        return SpectralWeights.from_blocks(weights)
    raise TypeError(f"{fn}: weights must be a SpectralWeights or a tuple of blocks W_i of "
                    f"shape (n, d_i, d_i), got {type(weights).__name__}")


def power_spectral_apply(weights: SpectralWeights | Sequence[Inexact[Array, "n _ _"]],
                         x: Shaped[Array, "*batch n"]
                         ) -> tuple[Inexact[Array, "*batch _ _"], ...]:
    r"""``φ_i(W, x) = W_i(x) W_i(x)^†`` with ``W_i(x) = Σ_g x(g) W_i[g]``, one output per block.

    ``weights`` is one network (a :class:`SpectralWeights` without batch axes, or a tuple of
    blocks); ``x`` is one signal ``(n,)`` or a batch ``(*batch, n)``.  All ``W_i(x)`` come from
    the single product ``x @ F``.

    Example:
        >>> import jax.numpy as jnp
        >>> w = SpectralWeights(jnp.ones((3, 1)), (1,))
        >>> power_spectral_apply(w, jnp.array([1.0, 2.0, 3.0]))[0].tolist()
        [[36.0]]
    """
    w = as_spectral_weights(weights, "power_spectral_apply")
    if w.batch_shape:
        raise ValueError(f"power_spectral_apply: weights must be one network, got batch shape "
                         f"{w.batch_shape}; use jax.vmap over the networks")
    x = jnp.asarray(x)
    if x.ndim == 0 or x.shape[-1] != w.order:
        raise ValueError(f"power_spectral_apply: x must have shape (..., {w.order}) for a "
                         f"network on a group of order {w.order}, got {x.shape}")
    dims = w.block_dims
    vals = grouped_block_values(x @ w.F, dims)
    out: list[Any] = [None] * len(dims)
    for (_, idx, _), v in zip(dim_groups(dims), vals):
        phi = gram(v)
        for slot, i in enumerate(idx):
            out[i] = phi[..., slot, :, :]
    return tuple(out)


def random_unitary_matrix(key: PRNGKeyArray, n: int, dtype: Any = jnp.complex64
                          ) -> Complex[Array, "n n"]:
    r"""``√n · U`` with ``U`` Haar-random unitary (the phase-fixed QR of a complex Gaussian
    matrix), so that ``F^† F = n·I``: the default start of a network,
    ``SpectralWeights(random_unitary_matrix(key, n), block_dims)``.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> F = random_unitary_matrix(jax.random.key(0), 4)
        >>> bool(jnp.allclose(F.conj().T @ F, 4 * jnp.eye(4), atol=1e-5))
        True
    """
    real = jnp.finfo(dtype).dtype
    kr, ki = jax.random.split(key)
    a = (jax.random.normal(kr, (n, n), real) + 1j * jax.random.normal(ki, (n, n), real))
    return (math.sqrt(n) * unitary_qr_factor(a.astype(dtype))).astype(dtype)
