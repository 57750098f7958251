"""Internal layer shared by every subpackage of harmonics_jax (not public API).

Shared private helpers live here and only here: small dense linear algebra (QR, inverse,
singular values, the Newton–Schulz polar iteration), the complex-dtype rule, random draws,
validation of irrep lists and the block layout of a spectral network.  Any module of the
package may import ``harmonics_jax._core``; ``_core`` imports nothing else from the package,
and no subpackage imports another subpackage's private module.
"""
