r"""The rounds schedule of the training recipe, built from optax schedules, and the transform
that scales by it (or by the final learning rate while a network is being polished).

One round of ``L`` steps is a linear warm-up over ``warmup_steps`` steps, from ``peak/W`` at
the round's first step to ``peak`` at its W-th (``W = warmup_steps``; no step is spent at a
zero learning rate), followed by a decay to ``peak · final_ratio`` at the end of the round:
cosine, exponential, or none (constant).  :func:`rounds_schedule` joins ``rounds`` such
rounds with :func:`optax.join_schedules`, so step ``t`` of the whole run sees the value of step
``t mod L`` of a round.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax
from jaxtyping import Array, Bool, Int

__all__ = ["rounds_schedule", "RoundsScheduleState", "scale_by_rounds_schedule"]

_DECAYS = ("cosine", "exponential", "constant")


def _positive(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        need = "a positive" if minimum == 1 else "a non-negative"
        raise ValueError(f"rounds_schedule: {name} must be {need} integer, got {value!r}")
    return value


def _one_round(peak, length: int, warmup_steps: int, final_ratio: float, decay: str
               ) -> optax.Schedule:
    """Warm-up then decay over one round of ``length`` steps (optax pieces)."""
    decay_steps = length - warmup_steps
    if decay == "cosine":
        tail = optax.cosine_decay_schedule(peak, decay_steps, alpha=final_ratio)
    elif decay == "exponential":
        tail = optax.exponential_decay(peak, decay_steps, decay_rate=final_ratio)
    else:
        tail = optax.constant_schedule(peak)
    if warmup_steps == 0:
        return tail
    # (t + 1)/W · peak for t < W: linear from peak/W, reaching peak at t = W − 1.
    warm = optax.linear_schedule(peak / warmup_steps, peak, warmup_steps - 1)
    return optax.join_schedules([warm, tail], [warmup_steps])


def rounds_schedule(peak_value, *, steps: int, rounds: int = 1, warmup_steps: int = 0,
                    final_ratio: float = 1e-3, decay: str = "cosine") -> optax.Schedule:
    r"""``rounds`` equal rounds of warm-up and decay over ``steps`` steps in all (see the module
    docstring), as one optax schedule.  ``peak_value`` may be a traced array (a swept
    hyper-parameter); the other arguments are static.

    Example:
        >>> s = rounds_schedule(1.0, steps=40, rounds=2, warmup_steps=4, final_ratio=0.01)
        >>> [round(float(s(t)), 4) for t in (0, 3, 19, 20, 23)]
        [0.25, 1.0, 0.0195, 0.25, 1.0]
    """
    steps = _positive("steps", steps)
    rounds = _positive("rounds", rounds)
    warmup_steps = _positive("warmup_steps", warmup_steps, minimum=0)
    if steps % rounds:
        raise ValueError(f"rounds_schedule: steps = {steps} is not a multiple of rounds = "
                         f"{rounds}; every round has the same length")
    length = steps // rounds
    if warmup_steps >= length:
        raise ValueError(f"rounds_schedule: warmup_steps = {warmup_steps} must be smaller than "
                         f"the round length steps / rounds = {length}")
    if not 0.0 < float(final_ratio) <= 1.0:
        raise ValueError(f"rounds_schedule: final_ratio must be in (0, 1], got {final_ratio!r}")
    if decay not in _DECAYS:
        raise ValueError(f"rounds_schedule: decay = {decay!r}; choose one of {_DECAYS}")
    one = _one_round(peak_value, length, warmup_steps, float(final_ratio), decay)
    if rounds == 1:
        return one
    return optax.join_schedules([one] * rounds, [length * r for r in range(1, rounds)])


class RoundsScheduleState(NamedTuple):
    """State of :func:`scale_by_rounds_schedule`.

    Attributes:
        count: steps taken (the schedule's argument); never reset between rounds.
        polishing: True while the network is polished at the final learning rate (a round
            that re-drew nothing; set by :func:`harmonics_jax.optim.restart_round`).
    """

    count: Int[Array, ""]
    polishing: Bool[Array, ""]


def scale_by_rounds_schedule(schedule: optax.Schedule, final_value) -> optax.GradientTransformation:
    r"""Scale updates by ``−schedule(count)``, or by ``−final_value`` while
    ``state.polishing`` (gradient *descent*: put it after Adam, like
    :func:`optax.scale_by_learning_rate`).  ``final_value`` is the learning rate a network
    keeps polishing at once a round re-drew none of its blocks.

    Example:
        >>> import jax.numpy as jnp
        >>> tx = scale_by_rounds_schedule(lambda t: 0.5, 0.01)
        >>> state = tx.init(jnp.zeros(2))
        >>> tx.update(jnp.ones(2), state)[0].tolist()
        [-0.5, -0.5]
        >>> tx.update(jnp.ones(2), state._replace(polishing=jnp.array(True)))[0].tolist()
        [-0.01, -0.01]
    """

    def init_fn(params):
        del params
        return RoundsScheduleState(jnp.zeros([], jnp.int32), jnp.zeros([], bool))

    def update_fn(updates, state, params=None):
        del params
        rate = jnp.where(state.polishing, final_value, schedule(state.count))
        updates = jax.tree.map(lambda u: (-rate).astype(u.dtype) * u, updates)
        return updates, RoundsScheduleState(optax.safe_increment(state.count), state.polishing)

    return optax.GradientTransformation(init_fn, update_fn)
