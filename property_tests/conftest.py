"""Hypothesis profiles for the property suite, chosen by the environment variable
``HARMONICS_PROFILE``:

* ``ci`` (default): a few dozen examples per test, derandomised so CI is reproducible;
* ``thorough``: hundreds of examples per test, random, with the example database.

``deadline=None`` throughout: the first call at each new shape compiles with XLA.
"""

import os

import jax
from hypothesis import settings

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_debug_nans", True)

settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True,
                          print_blob=True)
settings.register_profile("thorough", max_examples=400, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HARMONICS_PROFILE", "ci"))
