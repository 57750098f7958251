r"""Figure 2 of Marchetti et al. (COLT 2024), regenerated with our engine, and the file
helpers shared with Figure 3 (``_fig3``).

Figure 2 runs through :func:`harmonics_jax.runner.run_sweep`, so it is resumable and keeps
the weights of every network.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from .. import named_group
from ..models import SpectralWeights
from ..runner import run_sweep, write_bytes_atomic
from ..training import TrainConfig
from ..verify import verify

__all__ = ["figure2"]


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    write_bytes_atomic(path, buf.getvalue().encode())


def _write_text(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode())


def _save_png(fig, path: Path) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight")
    write_bytes_atomic(path, buf.getvalue())


def figure2(out_dir: str | Path, *, groups=("C6", "C2xC2xC2", "D3"), seeds: int = 8,
            config: TrainConfig = TrainConfig(), progress: bool = True) -> dict:
    """Train ``seeds`` networks per group; draw the table read back from the first network
    that meets the hypotheses beside the true table.  Writes ``fig2.png`` and
    ``fig2_<group>.csv`` (the recovered table).  Returns per-group facts."""
    from matplotlib.figure import Figure  # not pyplot: no backend switch in a notebook

    out = Path(out_dir)
    facts = {}
    fig = Figure(figsize=(3.4 * len(groups), 6.6))
    axes = fig.subplots(2, len(groups), squeeze=False)
    for col, name in enumerate(groups):
        g = named_group(name)
        summary = run_sweep(g, out / name, config=config, num_seeds=seeds,
                            chunk_size=min(seeds, 16), resume=True, progress=progress)
        met = [r for r in summary["runs"] if r["hypotheses_met"]]
        if not met:
            raise RuntimeError(f"figure2: no network on {name} met the hypotheses in {seeds} "
                               "seeds; raise seeds or steps")
        run = met[0]
        with np.load(out / name / run["weights"]) as z:
            j = int(np.flatnonzero(z["seeds"] == run["seed"])[0])
            F = z["F"][0, j]
        report = verify(SpectralWeights(F, summary["block_dims"]), g)
        recovered = np.asarray(report.recovered_table)
        _write_csv(out / f"fig2_{name}.csv", [f"h={h}" for h in range(g.order)],
                   recovered.tolist())
        facts[name] = {"seed": run["seed"], "table_recovered": bool(report.table_recovered),
                       "networks_meeting_hypotheses": len(met), "networks": seeds}
        for row, (tab, title) in enumerate(((recovered, f"{name}: read from weights"),
                                            (np.asarray(g.table), f"{name}: true table"))):
            ax = axes[row, col]
            ax.imshow(tab, cmap="viridis", vmin=0, vmax=g.order - 1)
            if g.order <= 12:
                for (a, b), v in np.ndenumerate(tab):
                    ax.text(b, a, str(v), ha="center", va="center", fontsize=8, color="w")
            ax.set_title(title, fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.suptitle("Figure 2: multiplication tables read back from trained power-spectral "
                 "networks (row g, column h: label of g·h)", fontsize=10)
    _save_png(fig, out / "fig2.png")
    return facts
