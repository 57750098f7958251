r"""Is the data consistent with a group table?  Every pair must be y = g·x (+ noise) for a
left translation g of the table, (g·x)(h) = x(g⁻¹h) (CONVENTIONS.md).

For pair k and every element a, r[k, a] = ‖y_k − a⁻¹·x_k‖² (a⁻¹·x = x[table[a]]); the pair's
element is g_k = (argmin_a r[k, a])⁻¹ and its residual r_k = min_a r[k, a].  The data are
*consistent* when

* every pair is exact, r_k ≤ 10⁻⁶ (‖x_k‖² + ‖y_k‖²) (noise-free data: stored values moved,
  nothing else); or
* the translations explain the data far better than chance and no pair is an outlier:
  **contrast** — the median of r_k is at most half the median of the same residual for
  mismatched pairs (x_k, y_{k + ⌊m/2⌋}), whose best translation explains nothing (pure noise
  has contrast ≈ 1); **outliers** — under additive Gaussian noise of one standard deviation
  per coordinate (real, or circular complex), r_k ∝ χ² with ν = n (real data) or 2n
  (complex) degrees of freedom, so every r_k must be at most median_k(r_k) · Q/M, with Q the
  χ²_ν quantile exceeded with probability 10⁻³/m and M its median (consistent data fail this
  with probability about 10⁻³ in all; a pair moved by a permutation that is no translation
  of the table is an outlier).

The noise estimate is σ̂² = median_k(r_k) · (ν/n) / M, divided by the mean power of x per
coordinate (after removing its mean): the noise-to-signal amplitude ratio, which is σ in
this package's convention (E|x_h|² = 1) when only y carries noise; noise of std σ on both x
and y reads as σ√2.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Int, Shaped

from .._group import FiniteGroup
from ._train import check_pairs

__all__ = ["DataConsistency", "data_consistency"]

_EXACT = 1e-6
_FALSE_ALARM = 1e-3
_CONTRAST = 0.5


class DataConsistency(NamedTuple):
    r"""The verdict of :func:`data_consistency` and its evidence.

    Attributes:
        consistent: the data pass the test of the module docstring.
        exact: every pair is explained exactly (noise-free data).
        pairs: m.
        unexplained: the number of pairs not explained.
        worst_pair: the index of the least explained pair (largest r_k over its bound), or
            −1 when every pair is exact.
        noise_std: σ̂, the estimated noise-to-signal amplitude ratio (0 for exact data).
        residual_bound: the χ² bound median · Q/M on r_k (0 for exact data).
        contrast: median r_k over the median for mismatched pairs (0 for exact data; must
            be ≤ 1/2).
        elements: ``(m,)`` g_k, the table's element each pair was matched to.
        translations_observed: how many distinct elements the pairs were matched to.
    """

    consistent: bool
    exact: bool
    pairs: int
    unexplained: int
    worst_pair: int
    noise_std: float
    residual_bound: float
    contrast: float
    elements: Int[np.ndarray, " m"]
    translations_observed: int


def _residuals(x: np.ndarray, y: np.ndarray, table: np.ndarray, rows: int = 1 << 21
               ) -> np.ndarray:
    """r[k, a] = ‖y_k − x_k[table[a]]‖², in chunks of pairs (memory ≈ ``rows`` entries)."""
    m, n = x.shape
    out = np.empty((m, n))
    step = max(1, rows // (n * n))
    yy = np.sum(np.abs(y) ** 2, axis=1)
    xx = np.sum(np.abs(x) ** 2, axis=1)
    for s in range(0, m, step):
        xs = x[s:s + step][:, table]  # (c, a, h) = x_k[table[a, h]]
        cross = np.einsum("kh,kah->ka", np.conj(y[s:s + step]), xs).real
        out[s:s + step] = yy[s:s + step, None] + xx[s:s + step, None] - 2 * cross
    return np.maximum(out, 0.0)


def data_consistency(x: Shaped[ArrayLike, "m n"], y: Shaped[ArrayLike, "m n"],
                     group: FiniteGroup) -> DataConsistency:
    r"""Test whether every pair ``(x[k], y[k])`` is ``y = g·x`` (up to noise) for some element
    g of ``group``, whose labels are the n coordinates (see the module docstring for the
    statistics and the decision).

    Example:
        >>> import jax, jax.numpy as jnp, harmonics_jax as hj
        >>> from harmonics_jax.models import sample_orbit_pairs
        >>> G = hj.named_group("D4")
        >>> x, y = sample_orbit_pairs(jax.random.key(0), G.table, 200, 0.0, jnp.complex64)
        >>> c = data_consistency(x, y, G)
        >>> c.consistent, c.exact, c.translations_observed
        (True, True, 8)
        >>> data_consistency(x, y, hj.named_group("C8")).consistent   # not C8's translations
        False
    """
    if not isinstance(group, FiniteGroup):
        raise TypeError(f"data_consistency: group must be a FiniteGroup (e.g. the discovered "
                        f"one), got {type(group).__name__}")
    x_np, y_np = check_pairs(x, y, "data_consistency", min_pairs=2)
    m, n = x_np.shape
    if n != group.order:
        raise ValueError(f"data_consistency: the signals have n = {n} coordinates but the group "
                         f"has order {group.order}; a regular action needs one coordinate per "
                         f"element")
    real = not (np.any(x_np.imag) or np.any(y_np.imag))
    table = np.asarray(group.table)
    r = _residuals(x_np, y_np, table)
    best = np.argmin(r, axis=1)
    rk = r[np.arange(m), best]
    elements = np.asarray(group.inverse)[best]
    observed = int(np.unique(elements).size)
    scale = np.sum(np.abs(x_np) ** 2 + np.abs(y_np) ** 2, axis=1)
    exact_k = rk <= _EXACT * scale
    if exact_k.all():
        return DataConsistency(True, True, m, 0, -1, 0.0, 0.0, 0.0, elements, observed)
    from scipy.stats import chi2  # a dependency of jax; imported only for noisy data

    nu = n if real else 2 * n
    med_chi2 = float(chi2.median(nu))
    med = float(np.median(rk))
    bound = med * float(chi2.isf(_FALSE_ALARM / m, nu)) / med_chi2
    explained = exact_k | (rk <= bound)
    over = np.where(exact_k, 0.0, rk / max(bound, np.finfo(float).tiny))
    null = np.min(_residuals(x_np, np.roll(y_np, m // 2, axis=0), table), axis=1)
    contrast = med / max(float(np.median(null)), np.finfo(float).tiny)
    power = float(np.mean(np.abs(x_np - x_np.mean()) ** 2))
    noise = float(np.sqrt(med * (nu / n) / med_chi2 / max(power, np.finfo(float).tiny)))
    consistent = bool(explained.all()) and contrast <= _CONTRAST
    return DataConsistency(consistent, False, m, int((~explained).sum()),
                           int(np.argmax(over)), noise, bound, contrast, elements, observed)
