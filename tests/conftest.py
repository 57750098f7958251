import inspect

import jax
import pytest

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_debug_nans", True)


@pytest.fixture
def key():
    return jax.random.key(0)


@pytest.fixture
def unchecked():
    """``unchecked(f)`` is ``f`` as users call it: without the jaxtyping/beartype wrapper that
    the test run adds (``--jaxtyping-packages`` in pyproject.toml), so that a bad-input test
    sees the library's own error message rather than the type checker's."""
    return inspect.unwrap
