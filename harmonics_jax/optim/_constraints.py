r"""Exact unitarity as two optax transforms: the Riemannian gradient on √n·U(n) and the
Newton–Schulz retraction back onto it.

Every leaf of the parameters is treated as one (or a batch of) stacked weight matrix
``F`` of shape ``(..., n, m)``, n ≥ m, constrained to ``F^† F = n·I`` (square: F/√n unitary;
m < n: orthonormal columns times √n, the Stiefel manifold).  Real leaves work the same way
(the orthogonal group).  Use :func:`optax.multi_transform` (or ``nnx.Optimizer(..., wrt=...)``
with a filter) to apply them to the spectral weights only.

Complex convention: like every optax transform, these expect the gradient in optax's
convention, ``G = ∂L/∂Re F + i ∂L/∂Im F``, which is ``conj(jax.grad(L)(F))``: conjugate
the output of ``jax.grad`` before ``update`` (``jax.tree.map(jnp.conj, grads)``).  On real
leaves both conventions agree.
"""

from __future__ import annotations

import math

import jax
import optax

from .._core._linalg import dag, newton_schulz

__all__ = ["project_to_unitary_tangent", "retract_to_unitary", "check_stacked_matrix"]

_NO_PARAMS = ("{}: this transform reads the parameters; call tx.update(grads, state, params) "
              "with the current params")


def check_stacked_matrix(leaf, fn: str) -> None:
    """Shapes only (safe under tracing): a leaf must be ``(..., n, m)`` with n ≥ m ≥ 1."""
    shape = getattr(leaf, "shape", None)
    if shape is None or len(shape) < 2 or shape[-1] > shape[-2] or shape[-1] == 0:
        raise ValueError(f"{fn}: every parameter leaf must be a stacked weight matrix F of "
                         f"shape (..., n, m) with n ≥ m ≥ 1, got shape {shape}; apply the "
                         f"transform to the spectral weights only (optax.multi_transform)")


def project_to_unitary_tangent() -> optax.GradientTransformation:
    r"""Project the gradient onto the tangent space of ``{F : F^† F = n·I}`` at the params:

        G ← G − F · herm(F^† G) / n,    herm(A) = (A + A^†)/2,

    i.e. drop the component normal to the manifold (the Riemannian gradient for the metric
    ⟨A, B⟩ = Re tr(A^† B)).  Why it matters for Adam: the quartic loss' Euclidean gradient is
    dominated by the scaling direction, which the retraction removes anyway; left in, it
    dominates Adam's second moment and stalls the tangent steps (measured: A4 0/16 → 16/16
    networks meeting the hypotheses, docs/RECIPE.md).  Reads ``params``; stateless.

    Example:
        >>> import jax.numpy as jnp
        >>> tx = project_to_unitary_tangent()
        >>> F, G = 2 * jnp.eye(4), jnp.eye(4)       # G points straight out of the manifold
        >>> u, _ = tx.update(G, tx.init(F), F)
        >>> float(jnp.abs(u).max())
        0.0
    """

    def init_fn(params):
        del params
        return optax.EmptyState()

    def update_fn(updates, state, params=None):
        if params is None:
            raise ValueError(_NO_PARAMS.format("project_to_unitary_tangent"))

        def project(g, F):
            check_stacked_matrix(F, "project_to_unitary_tangent")
            n = F.shape[-2]
            A = dag(F) @ g / n
            return g - F @ (0.5 * (A + dag(A)))

        return jax.tree.map(project, updates, params), state

    return optax.GradientTransformation(init_fn, update_fn)


def retract_to_unitary(iters: int = 2) -> optax.GradientTransformation:
    r"""Newton–Schulz retraction: return the update that moves the params to
    ``√n · NS(X)``, ``X = (F + u)/√n``, where NS is ``iters`` steps of
    ``X ← X (3I − X^†X)/2`` (one implementation, shared with the verification's polar
    factor).  NS converges quadratically to the polar factor from a nearly unitary X, so a
    couple of steps after a small update restore ``F^†F = n·I`` to round-off.  Put it last in
    a chain (the update it returns is ``√n·NS(X) − F``).  Reads ``params``; stateless.

    Example:
        >>> import jax.numpy as jnp
        >>> tx = retract_to_unitary(iters=3)
        >>> F = 2 * jnp.eye(4)
        >>> u, _ = tx.update(0.01 * jnp.ones((4, 4)), tx.init(F), F)
        >>> G = F + u
        >>> bool(jnp.allclose(G.T @ G, 4 * jnp.eye(4), atol=1e-5))
        True
    """
    if isinstance(iters, bool) or not isinstance(iters, int) or iters < 0:
        raise ValueError(f"retract_to_unitary: iters must be a non-negative integer, got "
                         f"{iters!r}")

    def init_fn(params):
        del params
        return optax.EmptyState()

    def update_fn(updates, state, params=None):
        if params is None:
            raise ValueError(_NO_PARAMS.format("retract_to_unitary"))

        def retract(u, F):
            check_stacked_matrix(F, "retract_to_unitary")
            s = math.sqrt(F.shape[-2])
            return newton_schulz((F + u) / s, iters) * s - F

        return jax.tree.map(retract, updates, params), state

    return optax.GradientTransformation(init_fn, update_fn)
