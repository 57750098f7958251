r"""Spectral networks on a finite group (CONVENTIONS.md, 'The power-spectral network' and
'Other models').

Weight format shared by every module: a tuple of complex arrays ``W_i`` of shape
``(n, d_i, d_i)`` (leading batch axes allowed, e.g. seeds).  Internally the training engine
stores the whole network as one n×n matrix ``F[g, (i, j, k)] = √d_i W_i[g]_{jk}`` so that
every ``W_i(x)`` comes from the single product ``x @ F``; convert with
:func:`blocks_from_matrix` / :func:`matrix_from_blocks`.  Models are pairs of pure functions
(:class:`Model`: ``init(key, n)``, ``apply(W, x)`` on one signal; batch with ``jax.vmap``).
"""

from ._blocks import blocks_from_matrix as blocks_from_matrix
from ._blocks import matrix_from_blocks as matrix_from_blocks
from ._power_spectral import Model as Model
from ._power_spectral import power_spectral_network as power_spectral_network
from ._power_spectral import power_spectrum as power_spectrum
from ._power_spectral import power_spectrum_from_matrix as power_spectrum_from_matrix
from ._power_spectral import random_unitary_matrix as random_unitary_matrix
from ._other import bispectral_network as bispectral_network
from ._other import bispectrum as bispectrum
from ._other import logistic_neuron as logistic_neuron
from ._other import logistic_neuron_network as logistic_neuron_network
