r"""Spectral networks on a finite group and their invariance objective (CONVENTIONS.md,
'The power-spectral network' and 'Other models').

A network is a :class:`SpectralWeights`: the stacked matrix
``F[g, (i, j, k)] = √d_i W_i[g]_{jk}`` (its only array leaf, leading batch axes allowed) and
the static block layout; ``.blocks`` gives the blocks ``W_i`` of shape ``(n, d_i, d_i)`` and
``SpectralWeights.from_blocks`` goes back.  Every ``W_i(x)`` then comes from the single
product ``x @ F``.  The forward functions act on one network; batch with ``jax.vmap``.

The objective (:func:`invariance_loss`, its closed-form expectation, the per-block defects
that decide the re-draws, the unitarity penalty) lives beside the network it measures, so
that the optimisers (:mod:`harmonics_jax.optim`), the training engine and a Flax model all
use the same functions.
"""

from ._objective import block_invariance_defects as block_invariance_defects
from ._objective import expected_invariance_loss as expected_invariance_loss
from ._objective import heldout_invariance_defect as heldout_invariance_defect
from ._objective import invariance_loss as invariance_loss
from ._objective import sample_orbit_pairs as sample_orbit_pairs
from ._objective import unitarity_penalty as unitarity_penalty
from ._other import bispectral_apply as bispectral_apply
from ._other import logistic_neuron as logistic_neuron
from ._power_spectral import power_spectral_apply as power_spectral_apply
from ._power_spectral import random_unitary_matrix as random_unitary_matrix
from ._weights import SpectralWeights as SpectralWeights
