r"""The figures of a sweep folder, drawn from its checked files (``spec.json`` and the chunk
files that pass their checks, :func:`harmonics_jax.runner.read_sweep`), never from a
process's memory: ``harmonics sweep`` draws them when it finishes and ``harmonics plot DIR``
redraws them from a finished or interrupted sweep.

``DIR/figures/`` then holds

* ``training_curves.png`` (``training_curves_<i>.png`` per hyper-parameter setting i when
  there are several): every per-network curve the chunks hold (``curve_<name>`` arrays:
  the loss per log window today; invariance/unitarity defects and the learning rate when the
  training history records them), a thin line per seed, the median thick;
* ``blocks_vs_irreps.png``: the first network meeting the hypotheses (lowest setting, then
  lowest seed), its blocks beside the true irreps (:func:`blocks_vs_irreps`);
* ``fraction_met.png`` when there are several settings: per setting, the fraction of
  networks meeting the hypotheses and, of those, meeting every conclusion.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._group import FiniteGroup
from ..models import SpectralWeights
from ..runner import CURVE_PREFIX, ChunkError, SweepFolder, read_sweep
from ..verify import Tolerances
from ._blocks import blocks_vs_irreps
from ._canvas import finish, new_figure
from ._curves import training_curves
from ._overview import GroupOutcome

__all__ = ["SweepFigures", "sweep_figures", "sweep_outcome", "settings_fraction"]

FIGURES = "figures"
_KEYWORD_CURVES = ("loss", "invariance_defect", "unitarity_defect", "learning_rate")


class SweepFigures(NamedTuple):
    """What :func:`sweep_figures` drew: the files written, the chunk files that failed their
    checks (named, not drawn), and the indices of chunks not written yet."""

    paths: list[Path]
    rejected: list[ChunkError]
    missing: list[int]


def _folder(sweep: SweepFolder | str | os.PathLike) -> SweepFolder:
    return sweep if isinstance(sweep, SweepFolder) else read_sweep(sweep)


def _group(folder: SweepFolder) -> FiniteGroup:
    return FiniteGroup.from_cayley_table(np.asarray(folder.spec.table),
                                         name=folder.spec.group_name)


def _setting_labels(folder: SweepFolder) -> list[str]:
    """One label per setting, naming the hyper-parameters that vary (all if none vary)."""
    hp = folder.spec.hparams
    varying = [k for k, v in hp.items() if len(set(v)) > 1] or list(hp)
    return [", ".join(f"{k}={hp[k][i]:g}" for k in varying)
            for i in range(folder.spec.num_settings)]


def _first_met(folder: SweepFolder) -> tuple[int, int] | None:
    met = folder.stacked("hypotheses_met")
    if met is None or not met.any():
        return None
    h, s = np.unravel_index(int(np.flatnonzero(met.reshape(-1))[0]), met.shape)
    return int(h), int(s)


def sweep_outcome(sweep: SweepFolder | str | os.PathLike) -> GroupOutcome:
    """The sweep's row of :func:`verify_overview`, from its checked chunk files: every
    network's verdicts, and as the example the first network meeting the hypotheses (None
    when none did, or no chunk is readable)."""
    folder = _folder(sweep)
    group = _group(folder)
    met = folder.stacked("hypotheses_met")
    ok = folder.stacked("fourier_recovered")
    if met is None:
        return GroupOutcome(group, np.zeros(0, bool), np.zeros(0, bool), None)
    first = _first_met(folder)
    example = None if first is None else SpectralWeights(
        folder.stacked("F")[first], folder.spec.block_dims)
    return GroupOutcome(group, met, ok, example)


def settings_fraction(labels: list[str], hypotheses_met, fourier_recovered, *,
                      title: str | None = None, path: str | os.PathLike | None = None):
    r"""Per hyper-parameter setting (a row of ``hypotheses_met``, shape (H, S)): the fraction
    of its S networks meeting the hypotheses, and of those the fraction meeting every
    conclusion, as bars with the counts.  Returns the Figure.

    >>> fig = settings_fraction(["lr=0.1", "lr=0.3"], [[True, False], [True, True]],
    ...                         [[True, False], [False, True]])
    >>> [round(float(b.get_height()), 2) for b in fig.axes[0].patches]
    [0.5, 1.0, 1.0, 0.5]
    """
    met = np.asarray(hypotheses_met, dtype=bool)
    ok = np.asarray(fourier_recovered, dtype=bool)
    if met.ndim != 2 or met.shape != ok.shape or met.shape[0] != len(labels):
        raise ValueError(f"settings_fraction: hypotheses_met and fourier_recovered must have "
                         f"shape (H, S) with H = len(labels) = {len(labels)}, got {met.shape} "
                         f"and {ok.shape}")
    n_met = met.sum(axis=1)
    n_ok = (met & ok).sum(axis=1)
    x = np.arange(len(labels))
    fig = new_figure(max(4.5, 1.2 * len(labels) + 1.5), 3.8)
    ax = fig.add_subplot(1, 1, 1)
    ax.bar(x - 0.2, n_met / met.shape[1], width=0.4, color="tab:blue",
           label="hypotheses met")
    ax.bar(x + 0.2, np.where(n_met > 0, n_ok / np.maximum(n_met, 1), 0.0), width=0.4,
           color="tab:green", label="all conclusions (of met)")
    for i in range(len(labels)):
        ax.text(x[i] - 0.2, n_met[i] / met.shape[1] + 0.02, f"{n_met[i]}/{met.shape[1]}",
                ha="center", fontsize=7)
        ax.text(x[i] + 0.2, (n_ok[i] / n_met[i] if n_met[i] else 0.0) + 0.02,
                f"{n_ok[i]}/{n_met[i]}", ha="center", fontsize=7)
    ax.set_xticks(x, labels, fontsize=7, rotation=20 if len(labels) > 4 else 0)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("fraction", fontsize=8)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    ax.set_title(title or "networks meeting the hypotheses, per setting", fontsize=9)
    return finish(fig, path)


def _curves(folder: SweepFolder, setting: int) -> tuple[dict, dict]:
    keywords, others = {}, {}
    for name in folder.curve_names():
        values = folder.stacked(CURVE_PREFIX + name)[setting]  # (S, T)
        (keywords if name in _KEYWORD_CURVES else others)[name] = values
    return keywords, others


def sweep_figures(sweep: SweepFolder | str | os.PathLike) -> SweepFigures:
    """Draw the figures of the sweep in ``sweep`` (a folder, or what
    :func:`~harmonics_jax.runner.read_sweep` read from it) into its ``figures/`` folder,
    from the chunk files that pass their checks; each file is written atomically, and
    figures this function wrote before but cannot draw now are removed.  Returns what was
    drawn, which chunk files were rejected and which chunks are missing.  Raises
    ``ValueError`` when the folder is not a sweep, or holds no chunk that passes its checks.
    """
    folder = _folder(sweep)
    spec = folder.spec
    if not folder.chunks:
        why = "; ".join(str(e) for e in folder.rejected) or "no chunk has been written yet"
        raise ValueError(f"{folder.path}: nothing to draw: no chunk file passes its checks "
                         f"({why})")
    out = folder.path / FIGURES
    labels = _setting_labels(folder)
    tol = Tolerances(**spec.tolerances)
    steps = spec.curve_steps()
    seeds = folder.stacked("seeds")
    partial = (f", {seeds.size} of {spec.num_seeds} seeds (chunks missing: "
               f"{len(folder.missing)})" if folder.missing else "")
    paths: list[Path] = []
    for i in range(spec.num_settings):
        keywords, others = _curves(folder, i)
        if not keywords and not others:
            continue
        name = "training_curves.png" if spec.num_settings == 1 else f"training_curves_{i}.png"
        setting = f", {labels[i]}" if spec.num_settings > 1 else ""
        training_curves(steps, **keywords, others=others, tolerances=tol, path=out / name,
                        title=f"{spec.group_name} (order {spec.order}): training curves of "
                        f"{seeds.size} networks{setting}{partial}")
        paths.append(out / name)
    first = _first_met(folder)
    if first is not None:
        h, s = first
        weights = SpectralWeights(folder.stacked("F")[h, s], spec.block_dims)
        setting = f", {labels[h]}" if spec.num_settings > 1 else ""
        blocks_vs_irreps(weights, _group(folder), path=out / "blocks_vs_irreps.png",
                         title=f"{spec.group_name}: seed {int(seeds[s])}{setting}, the first "
                         "network meeting the hypotheses: learned blocks, read back after the "
                         "intertwiner, true irreps")
        paths.append(out / "blocks_vs_irreps.png")
    if spec.num_settings > 1:
        settings_fraction(labels, folder.stacked("hypotheses_met"),
                          folder.stacked("fourier_recovered"), path=out / "fraction_met.png",
                          title=f"{spec.group_name}: networks meeting the hypotheses, per "
                          f"setting ({seeds.size} seeds each{partial})")
        paths.append(out / "fraction_met.png")
    for old in out.glob("*.png"):
        own = old.name in ("blocks_vs_irreps.png", "fraction_met.png", "training_curves.png") \
            or old.name.startswith("training_curves_")
        if own and old not in paths:
            old.unlink()
    return SweepFigures(paths, folder.rejected, folder.missing)
