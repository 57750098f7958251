r"""Train power-spectral networks on a finite group, many at once.

Objective (CONVENTIONS.md; :mod:`harmonics_jax.models`): for the stacked weights
``F[g, (i, j, k)] = √d_i W_i[g]_{jk}``,

    mean_batch Σ_i ‖φ_i(x) − φ_i(g·x + ε)‖²_F      (+ η‖F^†F − n·I‖²_F with the penalty)

over orbit pairs: ``x`` standard complex Gaussian, ``g`` uniform, ``ε`` with E|ε_h|² = σ².

Default recipe (``TrainConfig()``, ``Hyperparams()``), chosen by measurement
(docs/RECIPE.md), written as optax pieces in :mod:`harmonics_jax.optim`:

* exact unitarity: ``F/√n`` stays unitary; the gradient is projected on the tangent space
  of √n·U(n) (Riemannian gradient), then Adam (lr 0.3), then a Newton–Schulz retraction
  (:func:`harmonics_jax.optim.unitary_adam`);
* up to order 24 the sampled objective with batch 32; beyond, the closed-form expected
  objective in the group's Fourier basis (:func:`default_objective`); 4000 steps in 8
  rounds of warm-up + cosine decay to 1e-3 of the peak;
* after each round but the last, blocks still far from invariant are re-drawn (a Haar
  rotation of their columns, :func:`harmonics_jax.optim.redraw_noninvariant_blocks`);
  networks with nothing to re-draw keep polishing at the final learning rate.

Entry points: :func:`train` (one network, jitted) and :func:`sweep` (vmap over seeds and a
hyper-parameter axis, seeds sharded over devices); both return a :class:`TrainResult`
whose ``weights`` is a :class:`~harmonics_jax.models.SpectralWeights` and whose ``history``
(:class:`TrainHistory`) holds the curves and snapshots recorded during training.  Any
positive ``steps`` trains: rounds, warm-up and log cadence adapt (:class:`TrainConfig`).  See ``_engine`` for
what recompiles and for multi-host use with ``jax.distributed.initialize()``.
"""

from ._config import Hyperparams as Hyperparams
from ._config import TrainConfig as TrainConfig
from ._config import check_hyperparams as check_hyperparams
from ._config import default_batch_size as default_batch_size
from ._config import default_objective as default_objective
from ._engine import TrainHistory as TrainHistory
from ._engine import TrainResult as TrainResult
from ._engine import lower_sweep as lower_sweep
from ._engine import resolve_block_dims as resolve_block_dims
from ._engine import sweep as sweep
from ._engine import trace_counts as trace_counts
from ._engine import train as train
