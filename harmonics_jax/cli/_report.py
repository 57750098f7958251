"""Plain-text tables for sweep summaries, and the exit status they imply."""

from __future__ import annotations

import math

# Hyper-parameters that get a column when their values differ between rows (noise always
# has one: it is the axis of the paper's Figure 3).
_HPARAM_COLUMNS = (("lr", "learning_rate", "lr"), ("penalty", "penalty", "penalty"))


def _pct(k: int, n: int) -> str:
    return f"{k}/{n} ({100.0 * k / n:.0f}%)" if n else "0/0"


def _number(v) -> float:
    """A summary number; ``None`` (a non-finite value read back from JSON) is NaN."""
    return float("nan") if v is None else float(v)


def sweep_rows(summary: dict) -> list[dict]:
    """One row per hyper-parameter value: counts and median defects."""
    return [{
        "group": summary["group"], "order": summary["order"],
        "lr": tot["learning_rate"], "noise": tot["noise_std"], "penalty": tot["penalty"],
        "networks": tot["networks"], "met": tot["hypotheses_met"],
        "all_ok": tot["all_conclusions_given_hypotheses"], "table": tot["table_recovered"],
        "non_finite": tot.get("non_finite", 0),
        "inv": _number(tot["median_invariance_defect"]),
        "uni": _number(tot["median_unitarity_defect"]),
    } for tot in summary["totals"]]


HEADER = ("group", "order", "noise", "hypotheses met", "all conclusions (of met)",
          "table recovered", "median inv. defect", "median unit. defect")


def _defect(v: float) -> str:
    return f"{v:.1e}" if math.isfinite(v) else "nan"


def format_rows(rows: list[dict], markdown: bool = False) -> str:
    """The table; a column per hyper-parameter whose value differs between rows."""
    extra = [(head, key) for head, _, key in _HPARAM_COLUMNS
             if len({r[key] for r in rows}) > 1]
    header = HEADER[:3] + tuple(h for h, _ in extra) + HEADER[3:]
    cells = [header] + [(
        r["group"], str(r["order"]), f"{r['noise']:g}", *(f"{r[k]:g}" for _, k in extra),
        _pct(r["met"], r["networks"]), _pct(r["all_ok"], r["met"]),
        _pct(r["table"], r["networks"]), _defect(r["inv"]), _defect(r["uni"])) for r in rows]
    if markdown:
        lines = ["| " + " | ".join(c) + " |" for c in cells]
        lines.insert(1, "|" + "---|" * len(header))
        return "\n".join(lines)
    widths = [max(len(c[j]) for c in cells) for j in range(len(header))]
    return "\n".join("  ".join(x.ljust(w) for x, w in zip(c, widths)).rstrip() for c in cells)


def print_sweep_summary(summary: dict) -> None:
    print(f"\n{summary['group']} (order {summary['order']}), blocks "
          f"{list(summary['block_dims'])}, {summary['num_seeds']} seeds per setting, "
          f"{summary['seconds']:.1f} s")
    rows = sweep_rows(summary)
    print(format_rows(rows))
    bad = sum(r["non_finite"] for r in rows)
    if bad:
        print(f"{bad} network(s) have non-finite weights or defects (diverged training); "
              "they meet no hypothesis")


def exit_status(totals: list[dict]) -> int:
    """1 if some network met the hypotheses and missed a conclusion, else 0."""
    return int(any(t["all_conclusions_given_hypotheses"] < t["hypotheses_met"]
                   for t in totals))
