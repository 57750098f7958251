r"""Between rounds: re-draw the blocks that are still far from invariant, and restart (or
not) the optimiser accordingly.

The typical local minimum of the invariance loss has a small block holding part of a
larger irrep's isotypic component; it is not invariant, and no small step gets it out.
Mixing that block's columns of ``F`` with a Haar-random unitary on their span moves it
elsewhere while keeping ``F^† F = n·I`` and leaving the invariant blocks untouched
(docs/RECIPE.md measures what this buys).
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.typing import ArrayLike
from jaxtyping import Array, Bool, Complex, Float, Int, PRNGKeyArray

from .._core._random import masked_haar
from ..models import SpectralWeights, block_invariance_defects
from ._schedules import RoundsScheduleState

__all__ = ["redraw_noninvariant_blocks", "restart_round"]


def redraw_noninvariant_blocks(key: PRNGKeyArray, weights: SpectralWeights,
                               table: Int[ArrayLike, "n n"], threshold: Float[Array, ""] | float,
                               *, irreps: Sequence[Complex[ArrayLike, "n _ _"]] | None = None
                               ) -> tuple[SpectralWeights, Bool[Array, " k"]]:
    r"""Re-draw every block whose relative invariance defect
    :func:`~harmonics_jax.models.block_invariance_defects` exceeds ``threshold``.

    The re-drawn blocks' columns of ``F`` are mixed by one Haar-random unitary ``U`` on their
    joint span, ``F ← F U`` with ``U`` the identity on every other column, so the invariant
    blocks are unchanged bit for bit and ``F^†F = n·I`` is kept.  Returns the new weights and
    the mask of re-drawn blocks.  ``irreps`` (the group's irreps) computes the defects in the
    Fourier basis, as :func:`~harmonics_jax.models.expected_invariance_loss` does.  Pure JAX
    (one network; ``vmap`` for many); ``threshold`` may be traced (``inf`` re-draws nothing).

    Example:
        >>> import jax, jax.numpy as jnp, harmonics_jax as hj
        >>> G = hj.named_group("S3")
        >>> w = hj.models.SpectralWeights.from_blocks(hj.verify.fourier_weights(G))
        >>> w2, redrawn = redraw_noninvariant_blocks(jax.random.key(0), w, G.table, 1e-2)
        >>> redrawn.tolist(), bool((w2.F == w.F).all())   # the Fourier weights are invariant
        ([False, False, False], True)
    """
    if not isinstance(weights, SpectralWeights):
        raise TypeError(f"redraw_noninvariant_blocks: weights must be a SpectralWeights, got "
                        f"{type(weights).__name__}")
    bad = block_invariance_defects(weights, table, irreps=irreps) > threshold
    sizes = [d * c for d, c in weights.block_shapes]
    col_block = np.repeat(np.arange(len(sizes)), sizes)
    U = masked_haar(key, bad[col_block], weights.F.dtype)
    return SpectralWeights(weights.F @ U, block_shapes=weights.block_shapes), bad


def restart_round(optimizer: optax.GradientTransformation, state: optax.OptState,
                  params, redrew: Bool[Array, ""]) -> optax.OptState:
    r"""The optimiser state for the next round, after :func:`redraw_noninvariant_blocks`.

    If anything was re-drawn (``redrew``), every part of the state restarts from
    ``optimizer.init(params)`` (fresh Adam moments) and the learning rate follows the
    rounds schedule again (warm-up and decay; the schedule's step count is kept).
    Otherwise the state is kept and the network is *polished* at the final learning rate
    (a warm restart would only shake a converged network).  ``redrew`` may be traced.

    Example:
        >>> import jax.numpy as jnp
        >>> from harmonics_jax.optim import unitary_adam
        >>> tx = unitary_adam(0.3, steps=20, rounds=2, warmup_steps=2)
        >>> F = 2 * jnp.eye(4, dtype=jnp.complex64)
        >>> state = restart_round(tx, tx.init(F), F, jnp.array(False))
        >>> bool(state[2].polishing)
        True
    """

    def pick(fresh, old):
        if isinstance(old, RoundsScheduleState):
            return RoundsScheduleState(old.count, jnp.logical_not(redrew))
        return jax.tree.map(lambda a, b: jnp.where(redrew, a, b), fresh, old)

    fresh = optimizer.init(params)
    is_node = lambda s: isinstance(s, RoundsScheduleState)  # noqa: E731
    return jax.tree.map(pick, fresh, state, is_leaf=is_node)

