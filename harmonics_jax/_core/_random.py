"""Random draws shared by the models, the optimisers and the training engine."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from ._linalg import unitary_qr_factor

__all__ = ["complex_normal", "masked_haar"]


def complex_normal(key: Array, shape: tuple[int, ...], dtype) -> Array:
    """Standard complex Gaussian: real and imaginary parts i.i.d. N(0, 1/2)."""
    real = jnp.finfo(dtype).dtype
    z = jax.random.normal(key, (*shape, 2), real) * jnp.asarray(0.5 ** 0.5, real)
    return jax.lax.complex(z[..., 0], z[..., 1]).astype(dtype)


def masked_haar(key: Array, mask: Array, dtype) -> Array:
    r"""Unitary ``U`` equal to the identity on the columns where ``mask`` is False and Haar
    random on the span of the others (QR of a Gaussian supported on mask × mask; phases of
    R's diagonal absorbed so the identity part stays exactly the identity)."""
    n = mask.shape[0]
    z = complex_normal(key, (n, n), dtype)
    both = mask[:, None] & mask[None, :]
    return unitary_qr_factor(jnp.where(both, z, jnp.eye(n, dtype=dtype)))
