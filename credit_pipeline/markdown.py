"""Markdown tables for Dagster UI metadata."""

from __future__ import annotations


def markdown_table(rows: list[dict], limit: int = 200) -> str:
    """Rows (dicts with the same keys) as a Markdown table, at most `limit` of them."""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[h]) for h in head) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"| … {len(rows) - limit} more |" + " |" * (len(head) - 1))
    return "\n".join(lines)
