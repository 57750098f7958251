r"""Training curves for many networks at once: loss, invariance defect and unitarity defect
per seed against the step (thin lines, the median thick), and the fraction of networks
meeting the hypotheses against the step.

Every array has the seeds first and the logging times second, shape (S, T), with the steps
``(T,)`` they were logged at; a training history with a leading time axis (T, *batch) is
turned into this layout by ``reshape(T, -1).T``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Bool, Float, Real

from ..verify import Tolerances
from ._canvas import finish, new_figure

__all__ = ["training_curves", "fraction_meeting", "history_arrays"]


def _curves(name: str, x: object, steps: int, fn: str, dtype=float) -> np.ndarray:
    arr = np.asarray(x, dtype=dtype)
    if arr.ndim == 1:
        arr = arr[None]
    if arr.ndim != 2 or arr.shape[1] != steps:
        raise ValueError(f"{fn}: {name} must have shape (seeds, T) with T = len(steps) = "
                         f"{steps}, got {np.shape(x)}; a history with a leading time axis "
                         "(T, *batch) becomes (seeds, T) with a.reshape(T, -1).T")
    return arr


def history_arrays(history: object) -> dict[str, np.ndarray]:
    r"""The keyword arguments of :func:`training_curves` from a training history: any
    object with the attributes ``step``, ``loss``, ``invariance_defect``,
    ``unitarity_defect`` and (optionally) ``learning_rate``, each of shape ``(*networks, T)``
    (time last; the networks' axes, e.g. (H, S) of a sweep, are flattened into seeds).
    Use: ``training_curves(**history_arrays(result.history))``.

    >>> from collections import namedtuple
    >>> H = namedtuple("H", "step loss invariance_defect unitarity_defect")
    >>> h = H(*(np.ones((1, 2, 3)) for _ in range(4)))
    >>> {k: v.shape for k, v in history_arrays(h).items()}
    {'steps': (3,), 'loss': (2, 3), 'invariance_defect': (2, 3), 'unitarity_defect': (2, 3)}
    """
    fields = ("loss", "invariance_defect", "unitarity_defect", "learning_rate")
    missing = [f for f in ("step", *fields[:3]) if not hasattr(history, f)]
    if missing:
        raise TypeError(f"history_arrays: history lacks {missing}; pass a training history "
                        "(e.g. sweep(...).history) with per-network curves, time last")
    step = np.asarray(history.step)
    t = step.shape[-1] if step.ndim else 0
    out = {"steps": step.reshape(-1, t)[0] if step.ndim > 1 else step}
    for f in fields:
        v = getattr(history, f, None)
        if v is not None:
            v = np.asarray(v)
            out[f] = v.reshape(-1, v.shape[-1])
    return out


def fraction_meeting(
    invariance_defect: Float[ArrayLike, "S T"] | Sequence,
    unitarity_defect: Float[ArrayLike, "S T"] | Sequence,
    tolerances: Tolerances | None = None,
) -> Float[np.ndarray, " T"]:
    r"""Per logging time, the fraction of networks with invariance defect ≤
    ``tolerances.invariance`` and unitarity defect ≤ ``tolerances.unitarity`` (the two
    hypotheses a training history tracks; surjectivity needs :func:`~harmonics_jax.verify
    .verify`).  NaN defects count as not met.

    >>> fraction_meeting([[1e-2, 1e-5], [1e-5, 1e-5]], [[0, 0], [0, 1.0]]).tolist()
    [0.5, 0.5]
    """
    tol = Tolerances() if tolerances is None else tolerances
    inv = np.asarray(invariance_defect, dtype=float)
    uni = np.asarray(unitarity_defect, dtype=float)
    if inv.shape != uni.shape or inv.ndim != 2:
        raise ValueError("fraction_meeting: invariance_defect and unitarity_defect must both "
                         f"have shape (seeds, T), got {inv.shape} and {uni.shape}")
    with np.errstate(invalid="ignore"):
        met = (inv <= tol.invariance) & (uni <= tol.unitarity)
    return met.mean(axis=0)


def _per_seed(ax, steps, values, label, tolerance=None):
    finite = np.where(np.isfinite(values) & (values > 0), values, np.nan)
    for row in finite:
        ax.plot(steps, row, color="tab:blue", alpha=max(0.08, min(0.6, 3.0 / len(finite))),
                linewidth=0.8)
    if np.isfinite(finite).any():
        with warnings.catch_warnings():  # a step where every seed is NaN has no median
            warnings.simplefilter("ignore", RuntimeWarning)
            median = np.nanmedian(finite, axis=0)
        ax.plot(steps, median, color="k", linewidth=1.8, label="median")
        ax.set_yscale("log")
    else:  # e.g. every network diverged: say so rather than draw an empty panel
        ax.text(0.5, 0.5, "no finite positive values", ha="center", va="center", fontsize=8,
                transform=ax.transAxes)
    if tolerance is not None:
        ax.axhline(tolerance, color="tab:red", linestyle="--", linewidth=1,
                   label=f"tolerance {tolerance:g}")
    ax.set_title(label, fontsize=9)
    ax.set_xlabel("step", fontsize=8)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="upper right")
    ax.tick_params(labelsize=7)


def training_curves(
    steps: Real[ArrayLike, " T"] | Sequence, *, loss: Float[ArrayLike, "*S T"] | Sequence,
    invariance_defect: Float[ArrayLike, "*S T"] | Sequence | None = None,
    unitarity_defect: Float[ArrayLike, "*S T"] | Sequence | None = None,
    hypotheses_met: Bool[ArrayLike, "*S T"] | Sequence | None = None,
    learning_rate: Float[ArrayLike, "*S T"] | Sequence | None = None,
    others: Mapping[str, Float[ArrayLike, "*S T"] | Sequence] | None = None,
    tolerances: Tolerances | None = None, title: str | None = None,
    path: str | os.PathLike | None = None,
):
    r"""Training curves of S networks logged at T steps: one panel each for the loss, the
    invariance defect and the unitarity defect (a thin line per seed, the median thick, the
    hypothesis tolerance dashed), the learning rate when given, and the fraction of networks
    meeting the hypotheses against the step: ``hypotheses_met`` when given, else
    :func:`fraction_meeting` of the two defects (invariant and unitary; the panel says so).
    ``others`` adds a panel per further named curve (e.g. a new quantity a training history
    records), drawn like the loss.
    Arrays are (S, T) (a single network may be (T,)).  Returns the Figure.

    >>> fig = training_curves([0, 10, 20], loss=[[3.0, 1.0, 0.1], [2.0, 0.5, 0.2]],
    ...                       invariance_defect=[[1, 1e-2, 1e-4], [1, 1e-1, 1e-2]],
    ...                       unitarity_defect=[[0, 0, 0], [0, 0, 0]])
    >>> fig.axes[-1].lines[0].get_ydata().tolist()
    [0.0, 0.0, 0.5]
    """
    steps = np.asarray(steps)
    if steps.ndim != 1 or steps.size == 0:
        raise ValueError(f"training_curves: steps must be a non-empty 1-D array of logging "
                         f"steps, got shape {steps.shape}")
    t = steps.size
    tol = Tolerances() if tolerances is None else tolerances
    panels = [("loss", _curves("loss", loss, t, "training_curves"), None)]
    inv = uni = None
    if invariance_defect is not None:
        inv = _curves("invariance_defect", invariance_defect, t, "training_curves")
        panels.append(("invariance defect", inv, tol.invariance))
    if unitarity_defect is not None:
        uni = _curves("unitarity_defect", unitarity_defect, t, "training_curves")
        panels.append(("unitarity defect ‖F^†F/n − I‖₂", uni, tol.unitarity))
    if learning_rate is not None:
        panels.append(("learning rate",
                       _curves("learning_rate", learning_rate, t, "training_curves"), None))
    for name, values in (others or {}).items():
        panels.append((name.replace("_", " "),
                       _curves(name, values, t, "training_curves"), None))
    if hypotheses_met is not None:
        met = _curves("hypotheses_met", hypotheses_met, t, "training_curves", bool)
        fraction, met_label = met.mean(axis=0), "fraction meeting the hypotheses"
    elif inv is not None and uni is not None:
        fraction = fraction_meeting(inv, uni, tol)
        met_label = "fraction invariant and unitary\n(within the hypothesis tolerances)"
    else:
        fraction = None
    count = len(panels) + (fraction is not None)
    fig = new_figure(3.2 * count, 3.0)
    axes = [fig.add_subplot(1, count, p + 1) for p in range(count)]
    for ax, (label, values, tolerance) in zip(axes, panels):
        _per_seed(ax, steps, values, label, tolerance)
    if fraction is not None:
        ax = axes[-1]
        ax.plot(steps, fraction, color="tab:green", linewidth=1.8, drawstyle="steps-post")
        ax.set_ylim(-0.03, 1.03)
        ax.set_title(met_label, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
        ax.tick_params(labelsize=7)
    n_seeds = panels[0][1].shape[0]
    fig.suptitle(title or f"training curves, {n_seeds} network{'s' if n_seeds > 1 else ''}",
                 fontsize=10)
    return finish(fig, path)
