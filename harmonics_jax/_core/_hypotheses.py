r"""The kernels of the theorem's hypotheses, shared by verification and by the training
loop's stopping test (pure JAX, one network, a tuple of blocks ``W_i`` of shape
``(n, d_i, d_i)``; ``jit``/``vmap``/``while_loop`` them from the caller).

:func:`invariance_terms` evaluates, for every g, ``Σ_i E‖φ_i(g·x) − φ_i(x)‖²_F`` and
``Σ_i E‖φ_i(x)‖²_F`` over complex standard Gaussian x without cancellation (the derivation
is in :mod:`harmonics_jax.verify._hypotheses`, the public ``invariance_defect``);
:func:`surjectivity_terms` the scale-free surjectivity margins of every block.  Verification
(``harmonics_jax.verify``) reports them; training stops a network when they meet its
stopping tolerance, so both read the same numbers from the same code.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from ._linalg import dag, mgs_qr, singular_values

__all__ = ["safe_ratio", "invariance_terms", "surjectivity_terms"]

_HI = jax.lax.Precision.HIGHEST


def _abs2(z: Array) -> Array:
    return z.real**2 + z.imag**2


def safe_ratio(num: Array, den: Array) -> Array:
    """num/den for non-negative measures, with 0/0 = 0 (nothing to measure: no defect) and
    x/0 = inf.  A non-finite input stays non-finite: NaN in either, or inf/inf, gives NaN,
    so that weights or residuals that are NaN never read as a perfect 0 (every check then
    fails, since NaN ≤ tolerance is False)."""
    pos = den > 0
    ratio = num / jnp.where(pos, den, 1)
    defined = jnp.where(pos, ratio, jnp.where(num > 0, jnp.inf, 0.0))
    return jnp.where(jnp.isnan(num) | jnp.isnan(den), jnp.nan, defined)


def invariance_terms(weights: tuple[Array, ...], table: Array) -> tuple[Array, Array]:
    """(Σ_i E‖φ_i(g·x) − φ_i(x)‖² for every g, Σ_i E‖φ_i(x)‖²): the relative invariance
    defect is ``max_g sqrt(num_g) / sqrt(den)``.  Cost O(n² Σ d_i³)."""
    num = 0.0
    den = 0.0
    for w in weights:
        n, d = w.shape[0], w.shape[-1]
        q, r, _ = mgs_qr(w.reshape(n * d, d))
        q = q.reshape(n, d, d)
        h = jnp.matmul(r, dag(r), precision=_HI)
        q_a = q[table]  # [g, k] -> Q[gk]
        c = jnp.einsum("kab,gkac->gbc", jnp.conj(q), q_a, precision=_HI)
        x = q_a - jnp.einsum("kab,gbc->gkac", q, c, precision=_HI)
        y = jnp.einsum("gkab,gkac->gbc", jnp.conj(x), x, precision=_HI)
        ch = jnp.matmul(c, h, precision=_HI)
        t1 = jnp.sum(_abs2(jnp.matmul(ch, dag(c), precision=_HI) - h), axis=(-2, -1))
        t2 = jnp.einsum("gab,gbc,gca->g", ch, y, dag(ch), precision=_HI).real
        yh = jnp.matmul(y, h, precision=_HI)
        t3 = jnp.einsum("gab,gba->g", yh, yh, precision=_HI).real
        num = num + t1 + 2 * t2 + t3
        left = jnp.einsum("kab,kcb->ac", w, jnp.conj(w), precision=_HI)
        right = jnp.einsum("kba,kbc->ac", jnp.conj(w), w, precision=_HI)
        den = den + jnp.sum(_abs2(left)) + jnp.sum(_abs2(right))
    return jnp.maximum(num, 0.0), den


def surjectivity_terms(weights: tuple[Array, ...], e: Array) -> tuple[Array, Array, Array]:
    """Per block (``e`` the identity's label): σ_min(W_i[e]); σ_min(W_i[e]) over its RMS
    singular value; the smallest singular value of the linear map W_i: ℂⁿ → ℂ^{d×d} (the
    n × d² matrix) over its RMS one."""
    smin, rel_e, rel_map = [], [], []
    for w in weights:
        n, d = w.shape[0], w.shape[-1]
        s_e = singular_values(w[e])
        s_m = singular_values(w.reshape(n, d * d))
        smin.append(jnp.min(s_e))
        rel_e.append(safe_ratio(jnp.min(s_e), jnp.sqrt(jnp.mean(s_e**2))))
        rel_map.append(safe_ratio(jnp.min(s_m), jnp.sqrt(jnp.mean(s_m**2))))
    return jnp.stack(smin), jnp.stack(rel_e), jnp.stack(rel_map)
