"""Plain-text tables for sweep summaries, and the exit status they imply: the columns come
from the verification fields' declarations (``VerificationReport.columns()``), after the
group, the noise and every other hyper-parameter whose value differs between rows."""

from __future__ import annotations

import math

from ..verify import VerificationReport

# Hyper-parameters that get a column when their values differ between rows (noise always
# has one: it is the axis of the paper's Figure 3): (header, key in the totals).
_HPARAM_COLUMNS = (("lr", "learning_rate"), ("penalty", "penalty"))


def _pct(k: int, n: int) -> str:
    return f"{k}/{n} ({100.0 * k / n:.0f}%)" if n else "0/0"


def _number(v, fmt: str) -> str:
    """A summary number; non-finite ones (``None`` when read back from JSON) are "nan"."""
    return fmt.format(float(v)) if v is not None and math.isfinite(float(v)) else "nan"


def sweep_rows(summary: dict) -> list[dict]:
    """One row per hyper-parameter value: the group, the setting and the sweep's totals."""
    return [{"group": summary["group"], "order": summary["order"], "non_finite": 0, **tot}
            for tot in summary["totals"]]


def _cells(row: dict, extra: list[tuple[str, str]]) -> tuple[str, ...]:
    cells = [row["group"], str(row["order"]), f"{row['noise_std']:g}",
             *(f"{row[key]:g}" for _, key in extra)]
    met = row["hypotheses_met"]
    for _, col in VerificationReport.columns():
        v = row[col.key]
        if col.total == "count":
            cells.append(_pct(v, row["networks"]))
        elif col.total == "count_of_met":
            cells.append(_pct(v, met))
        else:
            cells.append(_number(v, col.fmt))
    return tuple(cells)


def header(extra: list[tuple[str, str]] = ()) -> tuple[str, ...]:
    return ("group", "order", "noise", *(h for h, _ in extra),
            *(col.header for _, col in VerificationReport.columns()))


def format_rows(rows: list[dict], markdown: bool = False) -> str:
    """The table; a column per hyper-parameter whose value differs between rows."""
    extra = [(head, key) for head, key in _HPARAM_COLUMNS if len({r[key] for r in rows}) > 1]
    head = header(extra)
    cells = [head] + [_cells(r, extra) for r in rows]
    if markdown:
        lines = ["| " + " | ".join(c) + " |" for c in cells]
        lines.insert(1, "|" + "---|" * len(head))
        return "\n".join(lines)
    widths = [max(len(c[j]) for c in cells) for j in range(len(head))]
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
    """1 if some network met the hypotheses and missed a conclusion (a ``count_of_met``
    column of ``VerificationReport.columns()`` below the number that met them), else 0."""
    given = [col.key for _, col in VerificationReport.columns() if col.total == "count_of_met"]
    return int(any(t[k] < t["hypotheses_met"] for t in totals for k in given))
