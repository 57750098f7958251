"""Plain-text tables for sweep summaries: the columns come from the verification fields'
declarations (``VerificationReport.columns()``), after the group and the setting."""

from __future__ import annotations

from ..verify import VerificationReport


def _pct(k: int, n: int) -> str:
    return f"{k}/{n} ({100.0 * k / n:.0f}%)" if n else "0/0"


def sweep_rows(summary: dict) -> list[dict]:
    """One row per hyper-parameter value: the group, the setting and the sweep's totals."""
    return [{"group": summary["group"], "order": summary["order"], **tot}
            for tot in summary["totals"]]


def _cells(row: dict) -> tuple[str, ...]:
    cells = [row["group"], str(row["order"]), f"{row['noise_std']:g}"]
    met = row["hypotheses_met"]
    for _, col in VerificationReport.columns():
        v = row[col.key]
        if col.total == "count":
            cells.append(_pct(v, row["networks"]))
        elif col.total == "count_of_met":
            cells.append(_pct(v, met))
        else:
            cells.append(col.fmt.format(float(v)))
    return tuple(cells)


def header() -> tuple[str, ...]:
    return ("group", "order", "noise", *(col.header for _, col in VerificationReport.columns()))


def format_rows(rows: list[dict], markdown: bool = False) -> str:
    head = header()
    cells = [head] + [_cells(r) for r in rows]
    if markdown:
        lines = ["| " + " | ".join(c) + " |" for c in cells]
        lines.insert(1, "|" + "---|" * len(head))
        return "\n".join(lines)
    widths = [max(len(c[j]) for c in cells) for j in range(len(head))]
    return "\n".join("  ".join(x.ljust(w) for x, w in zip(c, widths)) for c in cells)


def print_sweep_summary(summary: dict) -> None:
    print(f"\n{summary['group']} (order {summary['order']}), blocks {summary['block_dims']}, "
          f"{summary['num_seeds']} seeds per setting, {summary['seconds']:.1f} s")
    print(format_rows(sweep_rows(summary)))
