"""Testing helpers for harmonics_jax: Hypothesis strategies for finite groups and signals.

Requires the ``test`` extra (``hypothesis``).  See :mod:`harmonics_jax.testing.strategies`.
"""

from .strategies import finite_groups as finite_groups
from .strategies import group_elements as group_elements
from .strategies import signals as signals
from .strategies import small_groups as small_groups
from .._constructors import relabel as relabel
