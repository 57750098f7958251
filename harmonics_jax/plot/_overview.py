r"""The overview figure of ``harmonics verify``: per group, the fraction of networks meeting
the hypotheses (and of those, meeting every conclusion), beside one network's read-back
blocks over the true irreps."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Bool

from .._group import FiniteGroup
from ..models import SpectralWeights
from ..verify import VerificationReport
from ._blocks import aligned_blocks, blocks_canvas, stack_canvases
from ._canvas import draw_colour_wheel, draw_complex, finish, new_figure

__all__ = ["GroupOutcome", "verify_overview", "blocks_over_training"]


class GroupOutcome(NamedTuple):
    """One group's row of :func:`verify_overview`.

    Attributes:
        group: the group.
        hypotheses_met: per network, whether it met the hypotheses (any shape).
        fourier_recovered: per network, whether every conclusion holds (same shape).
        example: one network to draw (e.g. the first meeting the hypotheses), or None.
    """

    group: FiniteGroup
    hypotheses_met: Bool[ArrayLike, "*networks"] | Sequence[bool]
    fourier_recovered: Bool[ArrayLike, "*networks"] | Sequence[bool]
    example: SpectralWeights | tuple | None = None

    @classmethod
    def from_report(cls, group: FiniteGroup, weights: SpectralWeights,
                    report: VerificationReport) -> GroupOutcome:
        """From a batch of networks and their :func:`~harmonics_jax.verify.verify_batched`
        report; the example is the first network meeting the hypotheses (else the first).

        >>> import harmonics_jax as hj, jax.numpy as jnp
        >>> from harmonics_jax.verify import fourier_weights, verify_batched
        >>> G = hj.named_group("C3")
        >>> w = hj.SpectralWeights.from_blocks(tuple(jnp.stack([2 * b, b])
        ...                                          for b in fourier_weights(G)))
        >>> o = GroupOutcome.from_report(G, w, verify_batched(w, G))
        >>> o.hypotheses_met.tolist(), float(o.example.F[0, 0].real)
        ([False, True], 1.0)
        """
        met = np.asarray(report.hypotheses_met)
        batch = weights.F.shape[:-2]
        if met.shape != batch:
            raise ValueError(f"GroupOutcome.from_report: the report has batch shape "
                             f"{met.shape} but the weights {batch}; pass the report of "
                             "these weights")
        flat = np.flatnonzero(met.reshape(-1))
        index = np.unravel_index(int(flat[0]) if flat.size else 0, batch)
        return cls(group, met, np.asarray(report.fourier_recovered), weights[index])


def verify_overview(outcomes: Sequence[GroupOutcome], *, title: str | None = None,
                    path: str | os.PathLike | None = None):
    r"""Per group (a row): bars of the fraction of networks meeting the hypotheses and the
    fraction of those meeting every conclusion, with the counts; beside them the example
    network's blocks read back after the intertwiner (U_i^† ρ_i(g) U_i, upper row of each
    band) over the matched true irreps (lower row), all elements left to right
    (:func:`blocks_canvas`).  Returns the Figure.

    >>> import harmonics_jax as hj
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("S3")
    >>> fig = verify_overview([GroupOutcome(G, [True, False], [True, False],
    ...                                     fourier_weights(G))])
    >>> [float(b.get_width()) for b in fig.axes[0].patches]
    [0.5, 1.0]
    """
    outcomes = list(outcomes)
    if not outcomes or not all(isinstance(o, GroupOutcome) for o in outcomes):
        raise TypeError("verify_overview: outcomes must be a non-empty list of GroupOutcome "
                        "(one per group), e.g. GroupOutcome.from_report(G, weights, report)")
    canvases = []
    for o in outcomes:
        canvases.append(None if o.example is None
                        else blocks_canvas(aligned_blocks(o.example, o.group)))
    width = max([c.shape[1] for c in canvases if c is not None], default=1)
    canvases = [None if c is None else stack_canvases([c], width=width) for c in canvases]
    heights = [max(c.shape[0] if c is not None else 1, 6) for c in canvases]
    scale = min(0.09, 7.0 / width)
    fig = new_figure(3.2 + width * scale + 1.4, sum(heights) * scale + 0.6 * len(outcomes) + 0.8)
    grid = fig.add_gridspec(len(outcomes), 3, height_ratios=heights,
                            width_ratios=(3.0, width * scale, 1.2))
    for row, (o, canvas) in enumerate(zip(outcomes, canvases)):
        met = np.asarray(o.hypotheses_met, dtype=bool).reshape(-1)
        ok = np.asarray(o.fourier_recovered, dtype=bool).reshape(-1)
        if met.shape != ok.shape:
            raise ValueError(f"verify_overview: outcome {row} ({o.group.name}) has "
                             f"{met.size} hypotheses_met but {ok.size} fourier_recovered "
                             "values; give one of each per network")
        n_met = int(met.sum())
        n_ok = int((ok & met).sum())
        ax = fig.add_subplot(grid[row, 0])
        fractions = (n_met / max(met.size, 1), n_ok / max(n_met, 1) if n_met else 0.0)
        ax.barh([1, 0], fractions, height=0.5, color=("tab:blue", "tab:green"))
        ax.set_ylim(-0.6, 1.6)
        ax.set_xlim(0, 1)
        ax.set_yticks([1, 0], [f"hypotheses met {n_met}/{met.size}",
                               f"all conclusions {n_ok}/{n_met}"], fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(f"{o.group.name} (order {o.group.order})", fontsize=9, loc="left")
        ax2 = fig.add_subplot(grid[row, 1])
        if canvas is None:
            ax2.set_axis_off()
            ax2.text(0.5, 0.5, "no network drawn", ha="center", va="center", fontsize=8,
                     transform=ax2.transAxes)
        else:
            draw_complex(ax2, canvas, vmax=1.0,
                         title="read back U^†ρ_i(g)U (upper) over the true ρ(g) (lower)"
                         if row == 0 else None)
    draw_colour_wheel(fig.add_subplot(grid[:, 2]))
    fig.suptitle(title or "harmonics verify: networks meeting the hypotheses, and one "
                 "network's blocks beside the irreps", fontsize=10)
    return finish(fig, path)


def blocks_over_training(snapshots: SpectralWeights, group: FiniteGroup,
                         steps: Sequence[int] | None = None, *, title: str | None = None,
                         path: str | os.PathLike | None = None):
    r"""One network's blocks over training: one column per snapshot (``snapshots`` has a
    leading time axis, e.g. F at the start and at every round end, shape (T, n, m)), each the
    read-back irreps after the recovered intertwiner over the matched true irreps
    (:func:`blocks_canvas`), titled with its step and the largest per-block residual
    max_g ‖U_i^† ρ_i(g) U_i − ρ(g)‖_F/√d_i.  The columns converge to matching rows as the
    network learns the Fourier transform.  Returns the Figure.

    >>> import harmonics_jax as hj, jax.numpy as jnp
    >>> from harmonics_jax.verify import fourier_weights
    >>> G = hj.named_group("C3")
    >>> w = hj.SpectralWeights.from_blocks(fourier_weights(G))
    >>> fig = blocks_over_training(hj.SpectralWeights(jnp.stack([w.F, w.F]), w.block_dims), G)
    >>> [ax.get_title().splitlines()[0] for ax in fig.axes[:2]]
    ['snapshot 0', 'snapshot 1']
    >>> all(float(ax.get_title().split()[-1]) < 1e-6 for ax in fig.axes[:2])  # round-off
    True
    """
    if not isinstance(snapshots, SpectralWeights) or snapshots.F.ndim != 3:
        raise TypeError("blocks_over_training: snapshots must be a SpectralWeights with one "
                        "leading time axis, F of shape (T, n, m), e.g. the snapshots of one "
                        "network")
    count = snapshots.F.shape[0]
    labels = ([f"snapshot {t}" for t in range(count)] if steps is None
              else [f"step {int(s)}" for s in steps])
    if len(labels) != count:
        raise ValueError(f"blocks_over_training: steps has {len(labels)} entries but there "
                         f"are {count} snapshots; give one step per snapshot")
    aligned = [aligned_blocks(snapshots[t], group) for t in range(count)]
    canvases = [blocks_canvas(a) for a in aligned]
    h, w = canvases[0].shape
    scale = min(0.12, 2.6 / w, 6.0 / h)
    fig = new_figure(count * (w * scale + 0.2) + 1.4, h * scale + 1.0)
    grid = fig.add_gridspec(1, count + 1, width_ratios=(w * scale,) * count + (1.2,))
    for t, (a, canvas) in enumerate(zip(aligned, canvases)):
        draw_complex(fig.add_subplot(grid[0, t]), canvas, vmax=1.0,
                     title=f"{labels[t]}\nresidual {float(np.max(a.residual)):.1e}")
    draw_colour_wheel(fig.add_subplot(grid[0, count]))
    fig.suptitle(title or f"{group.name}: blocks read back after the intertwiner (upper row of "
                 "each band) over the true irreps (lower), during training", fontsize=9)
    return finish(fig, path)
