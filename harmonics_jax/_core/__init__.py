"""Internal layer shared by every subpackage of harmonics_jax (not public API).

Shared private helpers live here and only here: small dense linear algebra (QR, inverse,
singular values, the Newton–Schulz polar iteration), the complex-dtype rule, random draws,
validation of irrep lists, the block layout of a spectral network, and the run-time
plumbing of long computations (memory estimates and size guards, progress reports,
Ctrl-C inside long loops).  Any module of the
package may import ``harmonics_jax._core``; ``_core`` imports nothing else from the package,
and no subpackage imports another subpackage's private module.
"""
