r"""Why the paper's Figure 3 has its transition where it has it: a closed form.

Setting: an abelian group of order n (every d_i = 1), the reference recipe with the identity
slice pinned, ``w_{e,i} = 1``, and the penalty (:class:`PaperRecipe`).  In our units
(``E|x_h|² = 1``, noise-to-signal power σ², ``s = 1 + σ²``) its objective is proportional to

    L_inv(F) + η_eff ‖F^†F − n·I‖²_F,      η_eff = η · b / a,

with ``a = p²`` (``p`` the signal power; divided by n for the paper's ``(1/k)·mean`` loss) and
``b = 1/n²`` for the paper's ``mean`` penalty, 1 for our sum; the paper's η = 10, p = 2 give
η_eff = 10/(4n).  Take the Fourier transform with every non-identity slice shrunk by one
factor t: ``w_{g,i} = t·conj χ_i(g)`` for g ≠ e.  Then per column ``N = Σ_a|w_a|² =
1 + (n−1)t²`` and the group correlation ``C(g) = Σ_a conj(w_a) w_{ga}`` has modulus
``c = 2t + (n−2)t²`` for g ≠ e, so :func:`harmonics_jax.training.expected_invariance_loss`
(Wick's theorem) and the Gram matrix (diagonal N, off-diagonal 1 − t²) give

    L_inv = n [2(s² − s + 1) N² − (2/n)(N² + (n−1) c²)],
    ‖F^†F − n·I‖²_F = n²(n−1)(1 − t²)².

The noise adds ``2σ²(1+σ²)·N²`` per column: a force that shrinks the weights, balanced by
the penalty at ``t*(σ) < 1``.  Because ``W(e) = I`` cannot shrink, reading the table back
(Eq. 6, ``ρ_i(g) = conj w_{g,i}``) fails at the entries ``g·g⁻¹``: ``ρ(g)ρ(g⁻¹) = t²`` is at
distance ``n(1 − t²)²`` from ``ρ(e) = 1`` and ``n(t⁴ + t²)`` from every other slice
(``Σ_i χ_i(l) = 0``), so it is misread exactly when ``t < 1/√3``.  Every other entry stays
correct for all t > 0.  The predicted transition is the σ where ``t*(σ) = 1/√3``: 0.570 for
C5 and 0.536 for C6 with the paper's numbers (the paper plots 0.550–0.575 and
0.510–0.540).  With ``W(e)`` trained, all slices shrink together and this failure does not
exist; with exact unitarity ``t ≡ 1``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._paper_recipe import PaperRecipe

__all__ = ["effective_penalty", "shrink_factor", "predicted_transition", "READ_BACK_LIMIT"]

READ_BACK_LIMIT = 1.0 / math.sqrt(3.0)  # t below which the table's e-entries are misread

_T = np.linspace(0.0, 1.0, 20_001)


def effective_penalty(recipe: PaperRecipe, n: int) -> float:
    r"""``η_eff``: the recipe's penalty weight in our units (sum loss, sum penalty on F,
    ``E|x_h|² = 1``) for an abelian group of order ``n``.

    >>> round(effective_penalty(PaperRecipe(), 5), 3)        # 10 / (4·5)
    0.5
    """
    a = recipe.signal_power ** 2 / (n if recipe.loss_form == "paper" else 1)
    b = 1.0 / n ** 2 if recipe.penalty_form == "paper" else 1.0
    return recipe.penalty * b / a


def shrunk_objective(t: ArrayLike, n: int, noise_std: float, eta_eff: float
                     ) -> np.ndarray | np.floating:
    r"""The expected objective (in our units, penalty weight ``eta_eff``) of the Fourier
    transform of an abelian group of order ``n`` with every slice but ``W(e) = I`` shrunk by
    ``t`` (module docstring)."""
    s = 1.0 + noise_std ** 2
    N = 1.0 + (n - 1) * t ** 2
    c = 2 * t + (n - 2) * t ** 2
    inv = n * (2 * (s * s - s + 1) * N ** 2 - (2.0 / n) * (N ** 2 + (n - 1) * c ** 2))
    return inv + eta_eff * n * n * (n - 1) * (1 - t ** 2) ** 2


def shrink_factor(n: int, noise_std: float, eta_eff: float) -> float:
    r"""``t*``: the minimiser over ``t ∈ [0, 1]`` of the expected objective of the shrunk
    Fourier transform (module docstring), on a grid of step 5e-5.

    >>> shrink_factor(5, 0.0, 0.5), round(shrink_factor(5, 0.5, 0.5), 3)
    (1.0, 0.668)
    """
    return float(_T[np.argmin(shrunk_objective(_T, n, noise_std, eta_eff))])


def predicted_transition(recipe: PaperRecipe, n: int, *, sigma_max: float = 5.0
                         ) -> float | None:
    r"""The noise std σ at which ``t*(σ) = 1/√3`` (the table read-back starts to fail), for
    an abelian group of order ``n`` trained with ``recipe``; ``None`` when the recipe trains
    ``W(e)`` (no pinned slice, no such failure) or when t* stays above 1/√3 up to
    ``sigma_max``.  Bisection to 1e-4.

    >>> [round(predicted_transition(PaperRecipe(), n), 3) for n in (5, 6)]
    [0.57, 0.536]
    """
    if not recipe.fix_identity:
        return None
    eta = effective_penalty(recipe, n)
    if shrink_factor(n, sigma_max, eta) >= READ_BACK_LIMIT:
        return None
    lo, hi = 0.0, sigma_max
    while hi - lo > 1e-4:
        mid = 0.5 * (lo + hi)
        if shrink_factor(n, mid, eta) >= READ_BACK_LIMIT:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
