"""Plain-text tables for sweep summaries."""

from __future__ import annotations


def _pct(k: int, n: int) -> str:
    return f"{k}/{n} ({100.0 * k / n:.0f}%)" if n else "0/0"


def sweep_rows(summary: dict) -> list[dict]:
    """One row per hyper-parameter value: counts and median defects."""
    return [{
        "group": summary["group"], "order": summary["order"],
        "lr": tot["learning_rate"], "noise": tot["noise_std"],
        "networks": tot["networks"], "met": tot["hypotheses_met"],
        "all_ok": tot["all_conclusions_given_hypotheses"], "table": tot["table_recovered"],
        "inv": float(tot["median_invariance_defect"]),
        "uni": float(tot["median_unitarity_defect"]),
    } for tot in summary["totals"]]


HEADER = ("group", "order", "noise", "hypotheses met", "all conclusions (of met)",
          "table recovered", "median inv. defect", "median unit. defect")


def format_rows(rows: list[dict], markdown: bool = False) -> str:
    cells = [HEADER] + [(
        r["group"], str(r["order"]), f"{r['noise']:g}", _pct(r["met"], r["networks"]),
        _pct(r["all_ok"], r["met"]), _pct(r["table"], r["networks"]),
        f"{r['inv']:.1e}", f"{r['uni']:.1e}") for r in rows]
    if markdown:
        lines = ["| " + " | ".join(c) + " |" for c in cells]
        lines.insert(1, "|" + "---|" * len(HEADER))
        return "\n".join(lines)
    widths = [max(len(c[j]) for c in cells) for j in range(len(HEADER))]
    return "\n".join("  ".join(x.ljust(w) for x, w in zip(c, widths)) for c in cells)


def print_sweep_summary(summary: dict) -> None:
    print(f"\n{summary['group']} (order {summary['order']}), blocks {summary['block_dims']}, "
          f"{summary['num_seeds']} seeds per setting, {summary['seconds']:.1f} s")
    print(format_rows(sweep_rows(summary)))
