"""The package's one complex-dtype rule (CONVENTIONS.md, 'Dtypes')."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["is_double", "complex_dtype", "inexact_dtype"]


def is_double(dtype: np.dtype) -> bool:
    """Whether ``dtype`` carries double precision (float64/complex128; integers count as
    double, following JAX's default float under x64)."""
    dtype = np.dtype(dtype)
    if jnp.issubdtype(dtype, jnp.complexfloating):
        return dtype.itemsize > 8
    if jnp.issubdtype(dtype, jnp.floating):
        return dtype.itemsize > 4
    return True


def complex_dtype(*dtypes: np.dtype) -> np.dtype:
    """complex128 if any of ``dtypes`` is double precision (or an integer), else complex64;
    canonicalised, so complex64 whenever x64 is off."""
    wide = any(is_double(d) for d in dtypes)
    return jax.dtypes.canonicalize_dtype(np.complex128 if wide else np.complex64)


def inexact_dtype(*dtypes: np.dtype) -> np.dtype:
    """Common inexact dtype: complex if any input is complex, else real, widest precision."""
    if any(jnp.issubdtype(np.dtype(d), jnp.complexfloating) for d in dtypes):
        return complex_dtype(*dtypes)
    wide = any(is_double(d) for d in dtypes)
    return jax.dtypes.canonicalize_dtype(np.float64 if wide else np.float32)
