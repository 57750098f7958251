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

from ._blocks import per_block
from ._linalg import dag, mgs_qr, singular_values

__all__ = ["safe_ratio", "invariance_terms", "surjectivity_terms", "operator_unitarity_defect"]

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


def _invariance_block(w: Array, table: Array) -> tuple[Array, Array]:
    """(E‖φ(g·x) − φ(x)‖² for every g, E‖φ(x)‖²) for one block (the derivation is in
    :mod:`harmonics_jax.verify._hypotheses`)."""
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
    left = jnp.einsum("kab,kcb->ac", w, jnp.conj(w), precision=_HI)
    right = jnp.einsum("kba,kbc->ac", jnp.conj(w), w, precision=_HI)
    return t1 + 2 * t2 + t3, jnp.sum(_abs2(left)) + jnp.sum(_abs2(right))


def invariance_terms(weights: tuple[Array, ...], table: Array) -> tuple[Array, Array]:
    """(Σ_i E‖φ_i(g·x) − φ_i(x)‖² for every g, Σ_i E‖φ_i(x)‖²): the relative invariance
    defect is ``max_g sqrt(num_g) / sqrt(den)``.  Cost O(n² Σ d_i³); one vmapped trace per
    block dimension (:func:`~harmonics_jax._core._blocks.per_block`)."""
    out = per_block(_invariance_block, weights, table)
    num = sum(jnp.sum(n, axis=0) for _, n in out.stacks(lambda o: o[0]))
    den = sum(jnp.sum(x) for _, x in out.stacks(lambda o: o[1]))
    return jnp.maximum(num, 0.0), den


def _surjectivity_block(w: Array, e: Array) -> tuple[Array, Array, Array]:
    n, d = w.shape[0], w.shape[-1]
    s_e = singular_values(w[e])
    s_m = singular_values(w.reshape(n, d * d))
    return (jnp.min(s_e), safe_ratio(jnp.min(s_e), jnp.sqrt(jnp.mean(s_e**2))),
            safe_ratio(jnp.min(s_m), jnp.sqrt(jnp.mean(s_m**2))))


def surjectivity_terms(weights: tuple[Array, ...], e: Array) -> tuple[Array, Array, Array]:
    """Per block (``e`` the identity's label): σ_min(W_i[e]); σ_min(W_i[e]) over its RMS
    singular value; the smallest singular value of the linear map W_i: ℂⁿ → ℂ^{d×d} (the
    n × d² matrix) over its RMS one.  One vmapped trace per block dimension."""
    out = per_block(_surjectivity_block, weights, e)
    return tuple(out.gathered(lambda o, j=j: o[j]) for j in range(3))


def operator_unitarity_defect(f: Array) -> Array:
    """‖F^†F/n − I‖₂ = max_j |σ_j(F)²/n − 1| over all m singular values of the n × m ``f``
    (the unitarity hypothesis as verification judges it)."""
    n, m = f.shape
    if m > n:  # F^†F has m − n zero eigenvalues: pad so that they are counted
        f = jnp.concatenate([f, jnp.zeros((m - n, m), f.dtype)], axis=0)
    s = singular_values(f)
    return jnp.max(jnp.abs(s**2 / n - 1))
