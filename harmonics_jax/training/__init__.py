r"""Train power-spectral networks on a finite group, many at once.

Objective (CONVENTIONS.md): for the stacked weights ``F[g, (i, j, k)] = √d_i W_i[g]_{jk}``,

    mean_batch Σ_i ‖φ_i(x) − φ_i(g·x + ε)‖²_F      (+ η‖F^†F − n·I‖²_F with the penalty)

over orbit pairs: ``x`` standard complex Gaussian, ``g`` uniform, ``ε`` with E|ε_h|² = σ².

Default recipe (``TrainConfig()``, ``Hyperparams()``), chosen by measurement
(numbers in the project's notes):

* exact unitarity: ``F/√n`` stays unitary; the gradient is projected on the tangent space
  of √n·U(n) (Riemannian gradient), then Adam (lr 0.3), then a Newton–Schulz retraction;
* batch 32 up to order 24, growing as (n/24)² beyond (:func:`default_batch_size`), 4000
  steps in 8 rounds of warm-up + cosine decay to 1e-3 of the peak;
* after each round but the last, blocks still far from invariant are re-drawn (a Haar
  rotation of their columns); networks with nothing to re-draw keep polishing at the final
  learning rate.

Entry points: :func:`train` (one network, jitted) and :func:`sweep` (vmap over seeds and a
hyper-parameter axis, seeds sharded over devices).  See ``_engine`` for what recompiles and
for multi-host use with ``jax.distributed.initialize()``.
"""

from ._config import Hyperparams as Hyperparams
from ._config import TrainConfig as TrainConfig
from ._config import check_hyperparams as check_hyperparams
from ._config import default_batch_size as default_batch_size
from ._engine import TrainResult as TrainResult
from ._engine import resolve_block_dims as resolve_block_dims
from ._engine import sweep as sweep
from ._engine import trace_counts as trace_counts
from ._engine import train as train
from ._objective import block_invariance_defects as block_invariance_defects
from ._objective import expected_invariance_loss as expected_invariance_loss
from ._objective import invariance_loss as invariance_loss
from ._objective import sample_orbit_pairs as sample_orbit_pairs
from ._objective import unitarity_penalty as unitarity_penalty
