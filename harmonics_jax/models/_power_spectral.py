r"""The power-spectral network (the model of Theorem 10), as blocks and as one matrix.

Convention (CONVENTIONS.md): weights ``W = (W_1, …, W_k)``, ``W_i`` complex of shape
``(n, d_i, d_i)``; ``W_i(x) = Σ_g x(g) W_i[g]``; output ``φ_i(W, x) = W_i(x) W_i(x)^†``.
The Fourier transform ``W_i[g] = A_i ρ_i(g)^†`` makes every ``φ_i`` invariant under the left
regular action ``(g·x)(h) = x(g⁻¹h)``.

All functions act on one signal ``x`` of shape ``(n,)``; batch with :func:`jax.vmap`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Complex, PRNGKeyArray

from ._blocks import blocks_from_matrix, check_block_dims

__all__ = [
    "Model",
    "power_spectral_network",
    "power_spectrum",
    "power_spectrum_from_matrix",
    "random_unitary_matrix",
]


class Model(NamedTuple):
    """A model as a pair of pure functions.

    ``init(key, n)`` returns the weights (a tuple of complex blocks ``W_i`` of shape
    ``(n, d_i, d_i)``); ``apply(W, x)`` maps one signal ``x`` of shape ``(n,)`` to a tuple of
    outputs, one per block (or per block pair).
    """

    init: Callable[[PRNGKeyArray, int], tuple[Array, ...]]
    apply: Callable[[tuple[Array, ...], Array], tuple[Array, ...]]


def power_spectrum(W: Sequence[Complex[Array, "n d d"]], x: Complex[Array, " n"]
                   ) -> tuple[Complex[Array, "d d"], ...]:
    r"""``φ_i(W, x) = W_i(x) W_i(x)^†`` with ``W_i(x) = Σ_g x(g) W_i[g]``, for one signal.

    Example:
        >>> import jax.numpy as jnp
        >>> W = (jnp.ones((3, 1, 1)),)
        >>> power_spectrum(W, jnp.array([1.0, 2.0, 3.0]))[0].tolist()
        [[36.0]]
    """
    out = []
    for w in W:
        wx = jnp.einsum("g,gjk->jk", x, w)
        out.append(wx @ jnp.conj(wx).T)
    return tuple(out)


def _dim_groups(block_dims: Sequence[int]) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Static layout: for each distinct d, (d, block indices, column indices (m, d*d))."""
    dims = tuple(block_dims)
    starts = np.cumsum([0, *[d * d for d in dims]])[:-1]
    groups = []
    for d in sorted(set(dims)):
        idx = np.array([i for i, di in enumerate(dims) if di == d])
        cols = np.stack([np.arange(starts[i], starts[i] + d * d) for i in idx])
        groups.append((d, idx, cols))
    return groups


def grouped_block_values(z: Complex[Array, "*b n"], block_dims: Sequence[int]
                         ) -> list[Complex[Array, "*b m d d"]]:
    r"""Given ``z = x @ F``, return ``W_i(x)`` grouped by dimension: for each distinct ``d``
    (ascending) an array ``(*b, m_d, d, d)`` holding the ``m_d`` blocks of that dimension in
    their order in ``block_dims``.  (Internal fast path: one gather per distinct dimension.)"""
    out = []
    for d, _, cols in _dim_groups(block_dims):
        m = cols.shape[0]
        flat = cols.reshape(-1)
        if np.array_equal(flat, np.arange(flat[0], flat[0] + flat.size)):
            v = z[..., int(flat[0]):int(flat[0]) + flat.size]
        else:
            v = z[..., flat]
        out.append(v.reshape(*z.shape[:-1], m, d, d) / math.sqrt(d))
    return out


def gram(v: Complex[Array, "*b d d"]) -> Complex[Array, "*b d d"]:
    r"""``v v^†`` over the last two axes, as a broadcast multiply-and-sum: for the tiny
    matrices of a spectral network this is several times faster than a batched ``dot`` on
    CPU (measured 8× for D4 under ``vmap``)."""
    return jnp.sum(v[..., :, None, :] * jnp.conj(v[..., None, :, :]), axis=-1)


def power_spectrum_from_matrix(F: Complex[Array, "n n"], x: Complex[Array, " n"],
                               block_dims: Sequence[int]) -> tuple[Complex[Array, "d d"], ...]:
    r"""Same outputs as :func:`power_spectrum` with the weights stacked as
    ``F[g, (i, j, k)] = √d_i W_i[g]_{jk}``: all ``W_i(x)`` come from the one product ``x @ F``.

    Example:
        >>> import jax.numpy as jnp
        >>> [p.shape for p in power_spectrum_from_matrix(jnp.eye(5), jnp.ones(5), (1, 2))]
        [(1, 1), (2, 2)]
    """
    dims = check_block_dims(block_dims, F.shape[-1])
    z = x @ F
    vals = grouped_block_values(z, dims)
    out: list[Any] = [None] * len(dims)
    for (d, idx, _), v in zip(_dim_groups(dims), vals):
        phi = gram(v)
        for slot, i in enumerate(idx):
            out[i] = phi[slot]
    return tuple(out)


def unitary_qr_factor(a: Complex[Array, "n n"]) -> Complex[Array, "n n"]:
    r"""The Q of ``a = QR`` with the phases of R's diagonal absorbed into Q, which makes Q
    unique: Haar-distributed for a complex Gaussian ``a``, and equal to the identity on
    columns where ``a`` is."""
    q, r = jnp.linalg.qr(a)
    ph = jnp.diagonal(r)
    return q * (ph / jnp.abs(ph))[None, :]


def random_unitary_matrix(key: PRNGKeyArray, n: int, dtype: Any = jnp.complex64
                          ) -> Complex[Array, "n n"]:
    r"""``√n · U`` with ``U`` Haar-random unitary (:func:`unitary_qr_factor` of a complex
    Gaussian matrix), so that ``F^† F = n·I``."""
    real = jnp.finfo(dtype).dtype
    kr, ki = jax.random.split(key)
    a = (jax.random.normal(kr, (n, n), real) + 1j * jax.random.normal(ki, (n, n), real))
    return (math.sqrt(n) * unitary_qr_factor(a.astype(dtype))).astype(dtype)


def unitary_init(block_dims: tuple[int, ...]
                 ) -> Callable[[PRNGKeyArray, int], tuple[Array, ...]]:
    """``Model.init`` shared by the spectral networks: ``F = √n·U`` (Haar) split into blocks
    of ``block_dims``, so the network starts exactly unitary (``F^†F = n·I``)."""

    def init(key: PRNGKeyArray, n: int) -> tuple[Array, ...]:
        check_block_dims(block_dims, n)
        return blocks_from_matrix(random_unitary_matrix(key, n), block_dims)

    return init


def power_spectral_network(block_dims: Sequence[int]) -> Model:
    r"""The power-spectral network with blocks of dimensions ``block_dims``.

    ``init(key, n)`` draws ``F = √n·U`` with ``U`` Haar unitary and splits it into blocks
    (so the network starts exactly unitary, ``F^†F = n·I``); ``apply(W, x)`` is
    :func:`power_spectrum`.

    Example:
        >>> import jax
        >>> net = power_spectral_network((1, 1, 2))
        >>> W = net.init(jax.random.key(0), 6)
        >>> [p.shape for p in net.apply(W, jax.numpy.ones(6))]
        [(1, 1), (1, 1), (2, 2)]
    """
    return Model(unitary_init(check_block_dims(block_dims)), power_spectrum)
