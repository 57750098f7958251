"""Default tolerances of the verification suite (static, hashable configuration)."""

from __future__ import annotations

import dataclasses

__all__ = ["Tolerances"]


@dataclasses.dataclass(frozen=True)
class Tolerances:
    r"""Thresholds, all on scale-free quantities.

    Hypotheses (Theorem 10 / Corollary 11):
      invariance:   relative invariance defect ≤ 1e-3 (trained networks should aim for 1e-4);
      unitarity:    L/n ≤ 1e-3, L = max |F F^† − n·I| (Theorem 17's L, relative to n);
      surjectivity: per-block margin ≥ 1e-6 (numerical invertibility of W_i[e] and rank d² of
                    the map W_i; 1 for the exact Fourier transform with unitary A_i).
    Conclusions:
      representation: residuals of the recovered ρ_i — homomorphism, unitarity (both
                    ‖·‖_F/√d_i) and irreducibility |(1/n)Σ|χ|² − 1| — ≤ 1e-2;
      equivalence:  max_g ‖ρ_i(g) − U ρ(g) U^†‖_F/√d_i to the matched true irrep ≤ 1e-2;
      span:         sine of the largest principal angle between the weights' span and the
                    isotypic subspace ≤ 1e-2.
    The conclusion tolerances are 10× the hypothesis ones because the residuals of a network
    with invariance defect ε grow like a small multiple of ε (measured: ≤ ~5ε for the
    groups in the test suite with well-conditioned W_i[e]).
    """

    invariance: float = 1e-3
    unitarity: float = 1e-3
    surjectivity: float = 1e-6
    representation: float = 1e-2
    equivalence: float = 1e-2
    span: float = 1e-2
