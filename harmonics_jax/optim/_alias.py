r"""The default recipe as one optax optimiser: :func:`unitary_adam`."""

from __future__ import annotations

import optax

from ._constraints import project_to_unitary_tangent, retract_to_unitary
from ._schedules import rounds_schedule, scale_by_rounds_schedule

__all__ = ["unitary_adam"]


def unitary_adam(learning_rate=0.3, *, steps: int = 4000, rounds: int = 8,
                 warmup_steps: int = 100, final_lr_ratio: float = 1e-3, decay: str = "cosine",
                 retraction_iters: int = 2, b1: float = 0.9, b2: float = 0.999,
                 eps: float = 1e-8) -> optax.GradientTransformation:
    r"""Riemannian Adam on ``{F : F^† F = n·I}``, the recipe that trains power-spectral networks
    to the theorem's hypotheses (docs/RECIPE.md).  The chain:

    1. :func:`project_to_unitary_tangent` (Riemannian gradient),
    2. :func:`optax.scale_by_adam` (``b1``, ``b2``, ``eps``),
    3. :func:`scale_by_rounds_schedule` over :func:`rounds_schedule` (peak ``learning_rate``,
       ``rounds`` rounds of warm-up and ``decay`` to ``learning_rate · final_lr_ratio``; a
       network whose round re-drew nothing polishes at that final rate),
    4. :func:`retract_to_unitary` (``retraction_iters`` Newton–Schulz steps).

    The defaults are those of :class:`harmonics_jax.training.TrainConfig`.  Between rounds,
    call :func:`redraw_noninvariant_blocks` and :func:`restart_round` (the training engine
    does; a user's loop may too, or train with ``rounds=1``).  Expects gradients in optax's
    complex convention, ``conj(jax.grad(loss)(F))``; ``learning_rate`` may be traced.

    Example:
        >>> import jax, jax.numpy as jnp, optax, harmonics_jax as hj
        >>> F = hj.models.random_unitary_matrix(jax.random.key(0), 4)
        >>> tx = unitary_adam(0.1, steps=10, rounds=1, warmup_steps=2)
        >>> state = tx.init(F)
        >>> grad = jnp.conj(jax.grad(lambda F: jnp.abs(F[0, 0]) ** 2)(F))
        >>> updates, state = tx.update(grad, state, F)
        >>> F = optax.apply_updates(F, updates)
        >>> bool(jnp.allclose(F.conj().T @ F, 4 * jnp.eye(4), atol=1e-4))
        True
    """
    schedule = rounds_schedule(learning_rate, steps=steps, rounds=rounds,
                               warmup_steps=warmup_steps, final_ratio=final_lr_ratio,
                               decay=decay)
    return optax.chain(
        project_to_unitary_tangent(),
        optax.scale_by_adam(b1=b1, b2=b2, eps=eps),
        scale_by_rounds_schedule(schedule, learning_rate * final_lr_ratio),
        retract_to_unitary(retraction_iters),
    )
