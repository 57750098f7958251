r"""The power-spectral layer as a Flax NNX module: a thin wrapper over the functional core
(:mod:`harmonics_jax.models`, :mod:`harmonics_jax.optim`); no mathematics lives here."""

from __future__ import annotations

from collections.abc import Callable, Sequence


import jax.numpy as jnp

from flax import nnx
from jax.typing import ArrayLike
from jaxtyping import Array, Bool, Float, Inexact, Int, PRNGKeyArray

from .._core._layout import check_block_dims
from .._group import FiniteGroup
from .._irreps import irrep_dims
from ..models import SpectralWeights, power_spectral_apply, random_unitary_matrix
from ..optim import redraw_noninvariant_blocks, restart_round

__all__ = ["PowerSpectral", "end_round"]


class PowerSpectral(nnx.Module):
    r"""Power-spectral layer ``x ↦ (φ_i(x))_i``, ``φ_i(x) = W_i(x) W_i(x)^†`` (the model of
    Theorem 10; CONVENTIONS.md).

    The weights are one ``nnx.Param``, the stacked matrix ``F`` (n × n, ``F[g, (i, j, k)] =
    √d_i W_i[g]_{jk}``), started at ``√n·U`` with ``U`` Haar-unitary (``init(key, n, dtype)``
    may replace :func:`~harmonics_jax.models.random_unitary_matrix`); the block dimensions
    are static.  :attr:`weights` is the network as a
    :class:`~harmonics_jax.models.SpectralWeights`, ready for
    :func:`harmonics_jax.verify.verify`.  Train ``F`` with
    :func:`harmonics_jax.optim.unitary_adam` through ``nnx.Optimizer(model, tx,
    wrt=SpectralParam)``, feeding it ``conj`` of ``nnx.grad``'s gradient (optax's complex
    convention), and call :func:`end_round` between the rounds of its schedule.

    Args:
        group: a :class:`~harmonics_jax.FiniteGroup`; the blocks are its irrep dimensions.
        block_dims: instead of ``group``, the block dimensions (Σ d_i² = n).
        rngs: ``nnx.Rngs`` (its ``params`` stream draws ``F``).
        dtype: complex dtype of ``F``.

    Example:
        >>> import jax.numpy as jnp, harmonics_jax as hj
        >>> from flax import nnx
        >>> layer = PowerSpectral(hj.named_group("S3"), rngs=nnx.Rngs(0))
        >>> [p.shape for p in layer(jnp.ones(6))], layer.features(jnp.ones((4, 6))).shape
        ([(1, 1), (1, 1), (2, 2)], (4, 12))
    """

    def __init__(self, group: FiniteGroup | None = None, *,
                 block_dims: Sequence[int] | None = None, rngs: nnx.Rngs,
                 dtype=jnp.complex64,
                 init: Callable[[PRNGKeyArray, int, object], Array] = random_unitary_matrix):
        if (group is None) == (block_dims is None):
            raise TypeError("PowerSpectral: give exactly one of group (a FiniteGroup) and "
                            "block_dims")
        if group is not None and not isinstance(group, FiniteGroup):
            raise TypeError(f"PowerSpectral: group must be a FiniteGroup (e.g. "
                            f"harmonics_jax.named_group('D4')), got {type(group).__name__}")
        dims = irrep_dims(group) if group is not None else check_block_dims(
            block_dims, what="PowerSpectral: block_dims")
        n = sum(d * d for d in dims)
        self.block_dims = dims
        self.F = SpectralParam(init(rngs.params(), n, dtype))

    @property
    def weights(self) -> SpectralWeights:
        """The layer's network as a :class:`~harmonics_jax.models.SpectralWeights`."""
        return SpectralWeights(self.F[...], self.block_dims)

    def __call__(self, x: Inexact[ArrayLike, "*batch n"]) -> tuple[Array, ...]:
        """The blocks ``φ_i(x)``, each ``(*batch, d_i, d_i)``."""
        return power_spectral_apply(self.weights, jnp.asarray(x))

    def features(self, x: Inexact[ArrayLike, "*batch n"]) -> Float[Array, "*batch f"]:
        """The outputs as one real vector per signal, for the next layer: the real and
        imaginary parts of every ``φ_i(x)``, shape ``(*batch, 2 Σ d_i²)``."""
        phis = self(x)
        flat = jnp.concatenate([p.reshape(*p.shape[:-2], -1) for p in phis], axis=-1)
        return jnp.concatenate([flat.real, flat.imag], axis=-1)


class SpectralParam(nnx.Param):
    """The ``nnx.Param`` kind of :class:`PowerSpectral`'s ``F``: a filter that gives it its
    own optimiser (``nnx.Optimizer(model, unitary_adam(...), wrt=SpectralParam)``) while the
    rest of the model uses another (``wrt=nnx.All(nnx.Param, nnx.Not(SpectralParam))``)."""


def end_round(key: PRNGKeyArray, model: nnx.Module, optimizer: nnx.Optimizer,
              layer: PowerSpectral, table: Int[ArrayLike, "n n"],
              threshold: Float[ArrayLike, ""] | float = 1e-2) -> Bool[Array, " k"]:
    r"""Between two rounds of the schedule: re-draw the layer's blocks that are still far
    from invariant (:func:`~harmonics_jax.optim.redraw_noninvariant_blocks`) and restart the
    optimiser of ``F`` accordingly (:func:`~harmonics_jax.optim.restart_round`).  ``model``
    is what ``optimizer`` was built on (it contains ``layer``).  Returns the mask of
    re-drawn blocks; works under ``nnx.jit``."""
    w, redrawn = redraw_noninvariant_blocks(key, layer.weights, table, threshold)
    layer.F[...] = w.F
    params = nnx.as_pure(nnx.state(model, optimizer.wrt))
    state = restart_round(optimizer.tx, nnx.as_pure(optimizer.opt_state), params,
                          jnp.any(redrawn))
    nnx.update(optimizer.opt_state, nnx.state(state))
    return redrawn


