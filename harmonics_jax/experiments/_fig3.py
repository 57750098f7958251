r"""Figure 3 of the paper (table accuracy against noise), for two recipes, and the ablation
that says which ingredient of the reference recipe puts the transition where it is.

* ``"paper"``: the reference code's recipe (:class:`PaperRecipe`), trained by
  :func:`train_paper_recipe`; results are written per noise level
  (``<out>/<group>/<name>/sigma_<σ>.json``) as each chunk of levels finishes, and reused
  on a rerun.
* ``"ours"``: our engine (:func:`harmonics_jax.runner.run_sweep`, resumable chunk files) with
  a :class:`~harmonics_jax.training.TrainConfig` (``<out>/<group>/<name>/{coarse,fine}``).

Every curve is measured on a coarse grid, then on a grid of step ``refine_step`` within
``refine_half_width`` of its 50% point (:func:`transition_point`), so the 50% point is
located to ``± refine_step``.  Noise convention: CONVENTIONS.md, "Signals and noise".
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import jax
import numpy as np
from numpy.typing import ArrayLike

from .. import named_group
from .._group import FiniteGroup
from ..runner import read_json, run_sweep, write_json_atomic
from ..training import Hyperparams, TrainConfig
from ._fig3_theory import effective_penalty, predicted_transition
from ._figures import _save_png, _write_csv, _write_text
from ._paper_recipe import PaperRecipe, score_paper_runs, train_paper_recipe

__all__ = ["PAPER_FIG3", "OursRecipe", "transition_point", "paper_curve", "ours_curve",
           "figure3", "figure3_ablation", "ABLATION"]

# What the paper reports for Figure 3: the plotted noise range where accuracy falls 1 → 0.
PAPER_FIG3 = {"C5": (0.550, 0.575), "C6": (0.510, 0.540)}

DEFAULT_NOISE = np.round(np.arange(0.0, 2.0 + 1e-9, 0.1), 6)


@dataclasses.dataclass(frozen=True)
class OursRecipe:
    """Our engine's recipe: a :class:`TrainConfig` plus the traced hyper-parameters
    (``penalty=None`` means Hyperparams' default)."""

    config: TrainConfig = TrainConfig()
    learning_rate: float = 0.3
    penalty: float | None = None
    name: str = "ours"

    def hparams(self, noise: np.ndarray) -> Hyperparams:
        pen = Hyperparams().penalty if self.penalty is None else self.penalty
        return Hyperparams(learning_rate=self.learning_rate, penalty=pen,
                           noise_std=np.asarray(noise, dtype=float))


def transition_point(noise: ArrayLike, accuracy: ArrayLike) -> float | None:
    r"""The noise std where the table accuracy first falls below 1/2, linearly interpolated
    between that grid point and the one before it; ``None`` if it never falls below 1/2 on
    the grid or is already below at the first point.

    >>> transition_point(np.array([0.5, 0.6, 0.7]), np.array([1.0, 0.75, 0.25]))
    0.65
    """
    s = np.asarray(noise, dtype=float)
    a = np.asarray(accuracy, dtype=float)
    order = np.argsort(s)
    s, a = s[order], a[order]
    below = np.flatnonzero(a < 0.5)
    if below.size == 0 or below[0] == 0:
        return None
    i = below[0]
    s0, s1, a0, a1 = s[i - 1], s[i], a[i - 1], a[i]
    return round(float(s0 + (a0 - 0.5) / (a0 - a1) * (s1 - s0)), 6)


def _refined(noise: np.ndarray, accuracy: np.ndarray, step: float, half_width: float
             ) -> np.ndarray:
    """Grid points (multiples of ``step``) within ``half_width`` of the 50% point."""
    mid = transition_point(noise, accuracy)
    if mid is None or step <= 0:
        return np.zeros(0)
    k = np.arange(np.ceil((mid - half_width) / step), np.floor((mid + half_width) / step) + 1)
    grid = np.round(k * step, 6)
    return grid[grid >= 0]


def _level_file(folder: Path, sigma: float) -> Path:
    return folder / f"sigma_{sigma:.4f}.json"


def paper_curve(out_dir: str | Path, group: FiniteGroup, noise: np.ndarray, *, runs: int = 20,
                recipe: PaperRecipe = PaperRecipe(), seed: int = 0, chunk_levels: int = 5,
                progress: bool = True) -> list[dict]:
    r"""Table accuracy of ``runs`` networks per noise level with the reference recipe.

    One JSON file per level in ``<out_dir>/<group>/<recipe.name>/`` (written after
    each chunk of ``chunk_levels`` levels; every chunk has the same shape, so one
    compilation); levels already there are read back, after checking that they came from
    the same recipe, runs and seed.  Returns one record per level, sorted by σ.
    """
    folder = Path(out_dir) / group.name / recipe.name
    ident = {"recipe": dataclasses.asdict(recipe), "runs": int(runs), "seed": int(seed),
             "group": group.name, "table": np.asarray(group.table).tolist()}
    records, todo = {}, []
    for s in np.unique(np.round(np.asarray(noise, dtype=float), 6)):
        f = _level_file(folder, float(s))
        if f.exists():
            rec = read_json(f)
            if {k: rec.get(k) for k in ident} != ident:
                raise ValueError(f"{f} holds a result of another recipe, run count, seed or "
                                 "group; choose another output folder or delete it")
            records[float(s)] = rec
        else:
            todo.append(float(s))
    key = jax.random.key(seed)
    for c in range(0, len(todo), chunk_levels):
        chunk = todo[c:c + chunk_levels]
        padded = np.array(chunk + [chunk[-1]] * (chunk_levels - len(chunk)))
        start = time.perf_counter()
        F = train_paper_recipe(key, group, padded, runs, recipe)
        scores = score_paper_runs(F, group)
        wall = time.perf_counter() - start
        rms = np.sqrt(np.mean(np.abs(np.asarray(F)) ** 2, axis=-1))  # (L, runs, n)
        off_e = np.delete(rms, group.identity, axis=-1).mean(axis=-1)
        for i, s in enumerate(chunk):
            rec = {**ident, "noise_std": s,
                   "tables_recovered": int(scores.table_exact[i].sum()),
                   "tables_recovered_up_to_relabelling": int(scores.table_relabelled[i].sum()),
                   "median_invariance_defect": float(np.median(scores.invariance_defect[i])),
                   "median_unitarity_defect": float(np.median(scores.unitarity_defect[i])),
                   "median_slice_rms": float(np.median(off_e[i])),
                   "chunk_wall_s": round(wall, 2), "chunk_levels": chunk_levels}
            write_json_atomic(_level_file(folder, s), rec)
            records[s] = rec
        if progress:
            print(f"  {group.name} {recipe.name}: σ = "
                  + ", ".join(f"{s:g}" for s in chunk) + f" done ({wall:.0f} s)", flush=True)
    return [records[s] for s in sorted(records)]


def ours_curve(out_dir: str | Path, group: FiniteGroup, noise: np.ndarray, *, runs: int = 20,
               recipe: OursRecipe = OursRecipe(), stage: str = "coarse",
               progress: bool = True) -> list[dict]:
    """Table accuracy of ``runs`` networks per noise level with our engine, through
    :func:`run_sweep` in ``<out_dir>/<group>/<recipe.name>/<stage>`` (resumable)."""
    folder = Path(out_dir) / group.name / recipe.name / stage
    summary = run_sweep(group, folder, config=recipe.config, num_seeds=runs,
                        hparams=recipe.hparams(noise), chunk_size=runs,
                        resume=True, progress=progress)
    return [{"noise_std": float(t["noise_std"]), "runs": int(t["networks"]),
             "tables_recovered": int(t["table_recovered"]),
             "tables_recovered_up_to_relabelling": None,
             "median_invariance_defect": t["median_invariance_defect"],
             "median_unitarity_defect": t["median_unitarity_defect"],
             "median_slice_rms": None, "seconds": summary["seconds"]}
            for t in summary["totals"]]


def _curve(out_dir, group, recipe, noise, runs, refine_step, refine_half_width, progress):
    """Coarse grid, then the refined grid around the 50% point; merged, sorted by σ."""
    def run(grid, stage):
        if isinstance(recipe, PaperRecipe):
            return paper_curve(out_dir, group, grid, runs=runs, recipe=recipe,
                               progress=progress)
        return ours_curve(out_dir, group, grid, runs=runs, recipe=recipe, stage=stage,
                          progress=progress)

    recs = run(noise, "coarse")
    acc = [r["tables_recovered"] / runs for r in recs]
    fine = _refined(np.array([r["noise_std"] for r in recs]), np.array(acc), refine_step,
                    refine_half_width)
    fine = np.array([s for s in fine if not np.isclose(s, noise).any()])
    if fine.size:
        recs = recs + run(fine, "fine")
    merged = {}
    for r in recs:
        merged[round(r["noise_std"], 6)] = r
    return [merged[s] for s in sorted(merged)]


def _summary_row(gname, recipe_label, recs, runs, predicted):
    s = np.array([r["noise_std"] for r in recs])
    a = np.array([r["tables_recovered"] / runs for r in recs])
    mid = transition_point(s, a)
    return {"group": gname, "recipe": recipe_label, "sigma_50": mid,
            "accuracy_at_0": float(a[np.argmin(s)]) if s.size else None,
            "predicted_sigma_c": None if predicted is None else round(predicted, 4)}


def figure3(out_dir: str | Path, *, groups=("C5", "C6"), runs: int = 20,
            noise: ArrayLike | None = None, recipes=("paper", "ours"),
            paper: PaperRecipe = PaperRecipe(), ours: OursRecipe = OursRecipe(),
            refine_step: float = 0.025, refine_half_width: float = 0.1,
            progress: bool = True, name: str = "fig3") -> dict:
    r"""Table accuracy (fraction of ``runs`` networks whose read-back table is the true one)
    against the noise std σ, for each recipe in ``recipes`` (``"paper"``, ``"ours"``), on the
    coarse grid ``noise`` (default 0, 0.1, …, 2) refined around each 50% point.

    Writes ``<name>.png`` (one panel per group, a curve per recipe, the paper's plotted range
    shaded), ``<name>.csv`` (every level) and ``<name>_transitions.csv`` (50% points, the
    paper's range and, for the paper recipe on abelian groups, the closed-form prediction of
    :func:`predicted_transition`).  Returns the curves and the transitions.
    """
    for r in recipes:
        if r not in ("paper", "ours"):
            raise ValueError(f"recipes: unknown recipe {r!r}; choose from 'paper', 'ours'")
    if not recipes:
        raise ValueError("recipes is empty; give 'paper', 'ours' or both")
    noise = DEFAULT_NOISE if noise is None else np.asarray(noise, dtype=float)
    out = Path(out_dir)
    rows, curves, transitions = [], {}, []
    for gname in groups:
        g = named_group(gname)
        for label in recipes:
            recipe = paper if label == "paper" else ours
            recs = _curve(out, g, recipe, noise, runs, refine_step, refine_half_width,
                          progress)
            curves[(gname, label)] = recs
            pred = (predicted_transition(paper, g.order)
                    if label == "paper" and g.is_abelian else None)
            row = _summary_row(gname, label, recs, runs, pred)
            lo_hi = PAPER_FIG3.get(gname)
            row["paper_range"] = None if lo_hi is None else f"{lo_hi[0]}–{lo_hi[1]}"
            row["within_0.1_of_paper"] = (
                None if lo_hi is None or row["sigma_50"] is None
                else bool(abs(row["sigma_50"] - 0.5 * (lo_hi[0] + lo_hi[1])) <= 0.1))
            transitions.append(row)
            for r in recs:
                rows.append([gname, label, r["noise_std"], r["tables_recovered"], runs,
                             r["tables_recovered"] / runs,
                             r["tables_recovered_up_to_relabelling"],
                             r["median_invariance_defect"], r["median_unitarity_defect"],
                             r["median_slice_rms"]])
    _write_csv(out / f"{name}.csv",
               ["group", "recipe", "noise_std", "tables_recovered", "runs", "table_accuracy",
                "tables_recovered_up_to_relabelling", "median_invariance_defect",
                "median_unitarity_defect", "median_slice_rms"], rows)
    cols = ["group", "recipe", "sigma_50", "paper_range", "within_0.1_of_paper",
            "predicted_sigma_c", "accuracy_at_0"]
    _write_csv(out / f"{name}_transitions.csv", cols,
               [[t[c] for c in cols] for t in transitions])
    _plot(out / f"{name}.png", groups, recipes, curves, transitions, runs)
    return {"curves": {f"{g}/{r}": v for (g, r), v in curves.items()},
            "transitions": transitions}


_STYLE = {"paper": ("tab:red", "reference recipe (W(e)=I, η=10, batch 4, Adam 1e-3)"),
          "ours": ("tab:blue", "our recipe (exact unitarity, batch 32, re-draws)")}


def _plot(path, groups, recipes, curves, transitions, runs) -> None:
    from matplotlib.figure import Figure  # not pyplot: no backend switch in a notebook

    fig = Figure(figsize=(5.2 * len(groups), 3.9))
    axes = fig.subplots(1, len(groups), squeeze=False)
    for ax, gname in zip(axes[0], groups):
        if gname in PAPER_FIG3:
            lo, hi = PAPER_FIG3[gname]
            ax.axvspan(lo, hi, color="0.6", alpha=0.35, label="paper's plotted transition")
        for label in recipes:
            recs = curves[(gname, label)]
            colour, text = _STYLE[label]
            ax.plot([r["noise_std"] for r in recs],
                    [r["tables_recovered"] / runs for r in recs], marker="o", ms=3,
                    color=colour, label=text)
            t = next(t for t in transitions if t["group"] == gname and t["recipe"] == label)
            if t["predicted_sigma_c"] is not None:
                ax.axvline(t["predicted_sigma_c"], color=colour, ls=":", lw=1,
                           label="closed-form prediction (W(e)=I pinned)")
        ax.set_title(gname, fontsize=10)
        ax.set_xlabel("noise std σ  (noise-to-signal power σ²)")
        ax.set_ylim(-0.05, 1.05)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel(f"table accuracy ({runs} runs)")
    legend = {}
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(lab, h)
    fig.legend(list(legend.values()), list(legend), fontsize=8, loc="upper center", ncol=2,
               bbox_to_anchor=(0.5, 0.0), frameon=False)
    fig.suptitle("Figure 3: exact table recovery against noise, the reference recipe and ours",
                 fontsize=10)
    _save_png(fig, path)


# --- ablation ---------------------------------------------------------------------------
# (label, direction, recipe).  Paper-side rows change one ingredient of the reference
# recipe towards ours; ours-side rows change one ingredient of ours towards the reference.
# An OursRecipe penalty of None in the "penalty" row is filled per group with the paper's
# η_eff = 10/(4n) (see _fig3_theory).
_P = PaperRecipe()
ABLATION: tuple[tuple[str, str, PaperRecipe | OursRecipe], ...] = (
    ("reference recipe", "—", _P),
    ("signal power E|x|² 2 → 1", "paper → ours",
     _P.replace(signal_power=1.0, name="paper-power1")),
    ("loss (1/k)·mean|Δφ|² → Σ‖Δφ_i‖²_F", "paper → ours",
     _P.replace(loss_form="ours", name="paper-loss-sum")),
    ("penalty mean on unweighted U → ‖F^†F − nI‖²_F", "paper → ours",
     _P.replace(penalty_form="ours", name="paper-penalty-sum")),
    ("η 10 → 100", "paper → ours (stiffer)", _P.replace(penalty=100.0, name="paper-eta100")),
    ("W(e) = I pinned → trained", "paper → ours",
     _P.replace(fix_identity=False, name="paper-free-e")),
    ("init uniform → Haar unitary", "paper → ours",
     _P.replace(init="unitary", name="paper-init-haar")),
    ("lr constant → warm-up + cosine", "paper → ours", _P.replace(schedule="cosine",
                                                                 name="paper-cosine")),
    ("batch 4 → 32", "paper → ours", _P.replace(batch_size=32, name="paper-batch32")),
    ("steps 12 500 → 4 000", "paper → ours", _P.replace(steps=4000, name="paper-steps4000")),
    ("our recipe", "—", OursRecipe()),
    ("exact unitarity → penalty η_eff = 10/(4n)", "ours → paper",
     OursRecipe(TrainConfig(constraint="penalty"), name="ours-penalty")),
    ("batch 32 → 4", "ours → paper", OursRecipe(TrainConfig(batch_size=4), name="ours-batch4")),
    ("lr 0.3 → 1e-3", "ours → paper", OursRecipe(learning_rate=1e-3, name="ours-lr1e-3")),
)


def figure3_ablation(out_dir: str | Path, *, groups=("C5", "C6"), runs: int = 20,
                     noise: ArrayLike | None = None, rows=ABLATION,
                     refine_step: float = 0.025, refine_half_width: float = 0.1,
                     progress: bool = True, name: str = "fig3_ablation") -> list[dict]:
    r"""The 50% point of every recipe in ``rows`` (one ingredient changed at a time) on each
    group, beside the closed-form prediction (:func:`predicted_transition`, paper-side rows
    that keep ``W(e)`` pinned).  Shares the per-level results with :func:`figure3` when
    ``out_dir`` is the same.  Writes ``<name>.csv`` and ``<name>.md``; returns the rows.
    """
    noise = DEFAULT_NOISE if noise is None else np.asarray(noise, dtype=float)
    out = Path(out_dir)
    table = []
    for label, direction, recipe in rows:
        row = {"change": label, "direction": direction,
               "recipe": "reference" if isinstance(recipe, PaperRecipe) else "ours"}
        for gname in groups:
            g = named_group(gname)
            r = recipe
            if (isinstance(r, OursRecipe) and r.config.constraint == "penalty"
                    and r.penalty is None):
                # η_eff of the reference recipe for this group (paper units → ours)
                r = dataclasses.replace(r, penalty=effective_penalty(_P, g.order))
            recs = _curve(out, g, r, noise, runs, refine_step, refine_half_width, progress)
            pred = (predicted_transition(r, g.order)
                    if isinstance(r, PaperRecipe) and g.is_abelian else None)
            s = _summary_row(gname, label, recs, runs, pred)
            row[f"{gname} η_eff"] = (
                effective_penalty(r, g.order) if isinstance(r, PaperRecipe)
                else (r.penalty if r.config.constraint == "penalty" else None))
            row[f"{gname} σ50"] = s["sigma_50"]
            row[f"{gname} predicted"] = s["predicted_sigma_c"]
            row[f"{gname} acc(σ=0)"] = s["accuracy_at_0"]
        table.append(row)
    cols = list(table[0])
    _write_csv(out / f"{name}.csv", cols, [[r[c] for c in cols] for r in table])
    _write_text(out / f"{name}.md", _markdown(table, cols, runs))
    return table


def _markdown(table: list[dict], cols: list[str], runs: int) -> str:
    def fmt(v):
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:.3f}".rstrip("0").rstrip(".")
        return str(v).replace("|", "\\|")  # a literal | would split the Markdown cell

    shown = [c for c in cols if c not in ("recipe",)]
    lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    lines += ["| " + " | ".join(fmt(r[c]) for c in shown) + " |" for r in table]
    return (f"50% point σ50 of the table accuracy ({runs} runs per noise level; grid step "
            "0.025 around it), one ingredient changed at a time. η_eff: the penalty weight "
            "in our units (harmonics_jax.experiments.effective_penalty; '—': exact "
            "unitarity). 'predicted': the closed-form σ where the pinned-W(e) read-back "
            "fails (harmonics_jax.experiments.predicted_transition; '—': W(e) trained, no "
            "such failure). acc(σ=0): table accuracy without noise.\n\n"
            + "\n".join(lines) + "\n")
