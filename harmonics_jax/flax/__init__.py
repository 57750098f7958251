r"""Flax NNX modules for harmonics_jax: the power-spectral layer for your own models.

:class:`PowerSpectral` holds ``F`` as an ``nnx.Param`` (of kind :class:`SpectralParam`) and
computes with :mod:`harmonics_jax.models`; train it with :func:`harmonics_jax.optim.unitary_adam`
through ``nnx.Optimizer`` and call :func:`end_round` between rounds; verify it with
``harmonics_jax.verify.verify(layer.weights, group)``.  A worked example (the layer followed
by an MLP that classifies orbits): ``examples/flax_orbit_classifier.py``.
"""

from ._layer import PowerSpectral as PowerSpectral
from ._layer import SpectralParam as SpectralParam
from ._layer import end_round as end_round
