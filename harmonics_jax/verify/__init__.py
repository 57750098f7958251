r"""Verification suite: does a power-spectral network satisfy the hypotheses of the Harmonics
of Learning theorems (Theorem 10, Corollary 11, Theorem 17), and has it learned the group
Fourier transform?  Conventions: CONVENTIONS.md ("What the theorem claims").

Every function takes one network: a :class:`~harmonics_jax.models.SpectralWeights` or a
tuple of complex arrays W_i of shape (n, d_i, d_i); the array functions are pure JAX and
``vmap`` over networks.  :func:`verify` checks everything at once and :func:`verify_batched`
does so for a batch of networks.  Each field of :class:`VerificationReport` is declared
once (meaning, kind, tolerance and direction, where it is shown);
``VerificationReport.describe()`` prints the table and :class:`Tolerances` is generated
from it.
"""

from ._fields import Column as Column
from ._fields import Kind as Kind
from ._fourier_weights import fourier_weights as fourier_weights
from ._hypotheses import invariance_defect as invariance_defect
from ._hypotheses import surjectivity as surjectivity
from ._hypotheses import unitarity_defect as unitarity_defect
from ._read import read_table as read_table
from ._recovery import IrrepMatch as IrrepMatch
from ._recovery import RecoveredIrreps as RecoveredIrreps
from ._recovery import match_irreps as match_irreps
from ._recovery import recover_irreps as recover_irreps
from ._recovery import span_residual as span_residual
from ._report import Tolerances as Tolerances
from ._report import VerificationReport as VerificationReport
from ._report import hypotheses_met as hypotheses_met
from ._report import trace_counts as trace_counts
from ._report import verify as verify
from ._report import verify_batched as verify_batched
from ._table import Theorem17Margins as Theorem17Margins
from ._table import recover_table as recover_table
from ._table import theorem17_margins as theorem17_margins

__all__ = [
    "Column", "IrrepMatch", "Kind", "RecoveredIrreps", "Theorem17Margins", "Tolerances",
    "VerificationReport", "fourier_weights", "hypotheses_met", "invariance_defect",
    "match_irreps", "read_table", "recover_irreps", "recover_table", "span_residual",
    "surjectivity", "theorem17_margins", "trace_counts", "unitarity_defect", "verify",
    "verify_batched",
]
