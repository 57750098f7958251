r"""Small dense linear algebra in plain jax.numpy (no LAPACK custom calls, except the QR
of :func:`unitary_qr_factor`, which only the training and model initialisation use).

Why: on jaxlib 0.10.x CPU, batched LAPACK kernels (QR, SVD, eigh, Cholesky, …) split their
batch over XLA's intra-op thread pool and block waiting for it; when the thunk executor runs
as many independent batched LAPACK calls at once as the pool has threads, every worker
blocks and the program hangs (observed here: ``jax::ParallelBatchMap`` in
``lapack_zgeqrf_ffi`` under ``vmap`` on a 2-core machine).  The verification kernels are
``vmap``-ed over seeds and hold several such calls, so they use these routines instead.
The matrices are tiny (d ≤ √n, or n × d²), so unrolled or ``fori_loop`` code is cheap.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

_HI = jax.lax.Precision.HIGHEST


def dag(a: Array) -> Array:
    return jnp.conj(jnp.swapaxes(a, -1, -2))


def _cut(a: Array) -> Array:
    """Columns with norm below this are treated as zero (rank deficiency)."""
    eps = jnp.finfo(a.real.dtype).eps
    scale = jnp.sqrt(jnp.sum(a.real**2 + a.imag**2))
    return 16 * max(a.shape) * eps * scale


def mgs_qr(a: Array) -> tuple[Array, Array, Array]:
    r"""Thin QR of an (m, k) matrix by Gram–Schmidt with re-orthogonalisation (CGS2, "twice is
    enough": orthogonal to round-off).  Returns (Q, R, full_rank); a column whose remainder is
    below 16·max(m,k)·eps·‖a‖_F gets a zero column in Q (then full_rank is False)."""
    m, k = a.shape
    cut = _cut(a)

    def column(j, state):
        q, r, ok = state
        v = a[:, j]
        coeffs = jnp.zeros((k,), a.dtype)
        for _ in range(2):  # columns ≥ j of q are still zero, so they contribute nothing
            c = jnp.matmul(dag(q), v, precision=_HI)
            v = v - jnp.matmul(q, c, precision=_HI)
            coeffs = coeffs + c
        norm = jnp.sqrt(jnp.sum(v.real**2 + v.imag**2))
        good = norm > cut
        q = q.at[:, j].set(jnp.where(good, v / jnp.where(good, norm, 1), 0))
        r = r.at[:, j].set(coeffs.at[j].set(norm.astype(a.dtype)))
        return q, r, ok & good

    init = (jnp.zeros((m, k), a.dtype), jnp.zeros((k, k), a.dtype), jnp.array(True))
    return jax.lax.fori_loop(0, k, column, init)


def inverse(a: Array) -> Array:
    """Inverse of a small square matrix via QR and back substitution; a (numerically) singular
    matrix gives a finite matrix (reciprocals of vanishing pivots set to 0), never NaN."""
    d = a.shape[0]
    q, r, _ = mgs_qr(a)
    cut = _cut(a)
    rhs = dag(q)
    cols = jnp.arange(d)

    def row(step, x):  # solve R X = Q^† from the bottom row up
        i = d - 1 - step
        upper = jnp.where(cols > i, r[i], 0)
        acc = rhs[i] - jnp.matmul(upper, x, precision=_HI)
        piv = r[i, i]
        good = jnp.abs(piv) > cut
        return x.at[i].set(jnp.where(good, acc / jnp.where(good, piv, 1), 0))

    return jax.lax.fori_loop(0, d, row, jnp.zeros((d, d), a.dtype))


def _round_robin(m: int) -> np.ndarray:
    """(m-1, m/2, 2) disjoint column pairs covering every pair once (circle method)."""
    players = list(range(m))
    rounds = []
    for _ in range(m - 1):
        rounds.append([(players[i], players[m - 1 - i]) for i in range(m // 2)])
        players = [players[0], players[-1], *players[1:-1]]
    return np.array(rounds, dtype=np.int32)


def singular_values(a: Array, sweeps: int = 12) -> Array:
    r"""Singular values (descending) of an (m, k) matrix by one-sided (Hestenes) Jacobi: rotate
    pairs of columns until all are orthogonal; the column norms are then the singular values.
    Accurate to high relative precision, including the smallest one."""
    m, k = a.shape
    if k == 1:
        return jnp.sqrt(jnp.sum(a.real**2 + a.imag**2, axis=0))
    kk = k + (k % 2)
    if kk != k:
        a = jnp.concatenate([a, jnp.zeros((m, 1), a.dtype)], axis=1)
    pairs = jnp.asarray(_round_robin(kk))
    tiny = jnp.finfo(a.real.dtype).tiny

    def rotate(step, a):
        p, q = pairs[step % (kk - 1), :, 0], pairs[step % (kk - 1), :, 1]
        x, y = a[:, p], a[:, q]
        alpha = jnp.sum(x.real**2 + x.imag**2, axis=0)
        beta = jnp.sum(y.real**2 + y.imag**2, axis=0)
        gamma = jnp.sum(jnp.conj(x) * y, axis=0)
        g = jnp.abs(gamma)
        active = g > tiny
        phase = jnp.where(active, gamma / jnp.where(active, g, 1), 1)
        zeta = (beta - alpha) / (2 * jnp.where(active, g, 1))
        sign = jnp.where(zeta >= 0, 1.0, -1.0)
        t = jnp.where(active, sign / (jnp.abs(zeta) + jnp.sqrt(1 + zeta**2)), 0.0)
        c = 1 / jnp.sqrt(1 + t**2)
        s = c * t
        y = y * jnp.conj(phase)  # now x^† y = |γ| is real
        x_new, y_new = c * x - s * y, s * x + c * y
        return a.at[:, p].set(x_new).at[:, q].set(y_new)

    a = jax.lax.fori_loop(0, sweeps * (kk - 1), rotate, a)
    sv = jnp.sqrt(jnp.sum(a.real**2 + a.imag**2, axis=0))
    return -jnp.sort(-sv)[:k]  # the padding column stays zero and sorts last


def newton_schulz(x: Array, iters: int) -> Array:
    r"""The Newton–Schulz polar iteration ``X ← X (3I − X^†X) / 2`` on an (n, m) matrix,
    n ≥ m (I is m×m): it converges quadratically to the polar factor (orthonormal columns)
    when every singular value of X lies in (0, √3), and is a fixed point at orthonormal
    columns.  The one implementation of the iteration in the package: the training
    retraction (a few steps from a nearly unitary matrix) and the polar factor of
    :func:`polar_unitary` (many steps from a normalised matrix) both call it.  Up to 4
    iterations are unrolled; more run in a ``fori_loop``."""
    eye = jnp.eye(x.shape[-1], dtype=x.dtype)

    def step(_, x):
        return jnp.matmul(x, 1.5 * eye - 0.5 * jnp.matmul(dag(x), x, precision=_HI),
                          precision=_HI)

    if iters <= 4:
        for i in range(iters):
            x = step(i, x)
        return x
    return jax.lax.fori_loop(0, iters, step, x)


def polar_unitary(a: Array, iters: int = 40) -> Array:
    r"""Unitary polar factor of a square matrix: :func:`newton_schulz` from
    U₀ = a/‖a‖_F (all singular values in (0, 1], so it converges; quadratically once they
    are near 1, as for a multiple of a unitary).  The zero matrix gives the zero matrix."""
    norm = jnp.sqrt(jnp.sum(a.real**2 + a.imag**2))
    return newton_schulz(a / jnp.where(norm > 0, norm, 1), iters)


def unitary_qr_factor(a: Array) -> Array:
    r"""The Q of ``a = QR`` with the phases of R's diagonal absorbed into Q, which makes Q
    unique: Haar-distributed for a complex Gaussian ``a``, and equal to the identity on
    columns where ``a`` is."""
    q, r = jnp.linalg.qr(a)
    ph = jnp.diagonal(r)
    return q * (ph / jnp.abs(ph))[None, :]


def unitarity_gap(f: Array) -> Array:
    r"""``L = max_{p,q} |(F F^† − n·I)_{pq}|`` of an (n, m) matrix (rows indexed by group
    elements; Theorem 17's L).  Divide by n for the relative unitarity defect."""
    n = f.shape[-2]
    gram = jnp.matmul(f, dag(f), precision=_HI)
    return jnp.max(jnp.abs(gram - n * jnp.eye(n, dtype=gram.dtype)))
