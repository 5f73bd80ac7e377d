"""What `credit-pipeline run` prints at the end: the published marts in short (read from the release, never the
warehouse), then what needs someone's attention: what blocked publication, and what the run found wrong in the drop."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from credit_pipeline.markdown import markdown_table
from credit_pipeline.publish import read_manifest
from credit_pipeline.settings import Settings

if TYPE_CHECKING:
    from credit_pipeline.run_once import RunOutcome

SHOWN = 10  # lines of each list printed; the rest are counted (all are in the ledger and the run's log)


def published_summary(settings: Settings) -> str:
    manifest = read_manifest(settings.publish_dir)
    if manifest is None:
        return "nothing published yet"
    con = duckdb.connect(str(settings.publish_dir / "published.duckdb"), read_only=True)
    try:
        deliveries, rows_in, accepted, set_aside, late = con.execute(
            "select count(*), coalesce(sum(rows_in), 0), coalesce(sum(rows_accepted), 0), "
            "coalesce(sum(rows_set_aside), 0), coalesce(sum(late_records), 0) from department_quality"
        ).fetchone()
        classes = con.execute(
            "select credit_class, count(*) from credit_rating group by credit_class, class_rank order by class_rank"
        ).fetchall()
    finally:
        con.close()
    lines = [
        f"as of {manifest['as_of_date']}, published {manifest['published_at']}",
        f"deliveries read: {deliveries:,}; rows in {rows_in:,} = accepted {accepted:,} + set aside {set_aside:,}; late records {late:,}",
        "subjects per class: " + ", ".join(f"{c} {n:,}" for c, n in classes),
        "published marts: " + ", ".join(f"{m} {n:,}" for m, n in manifest["rows"].items()),
        f"read them at {settings.publish_dir} (Parquet per mart, or published.duckdb read-only)",
        "look a subject up: credit-pipeline check ID --matter 政府采购 --user WHO --purpose WHY; "
        "credit-pipeline report ID --user WHO --purpose WHY (every look-up is logged)",
    ]
    return "\n".join(lines)


def _listed(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    more = [f"  … and {len(lines) - SHOWN} more"] if len(lines) > SHOWN else []
    return [f"{title} ({len(lines)}):"] + [f"  {line}" for line in lines[:SHOWN]] + more


UNKNOWN_RECORD_SQL = """
select file_path, objections_unknown_record from department_quality where objections_unknown_record > 0 order by file_path
"""


def unknown_record_objections(publish_dir) -> list[str]:
    """Deliveries of objections naming a record the platform does not hold, in the published department_quality."""
    con = duckdb.connect(str(publish_dir / "published.duckdb"), read_only=True)
    try:
        columns = {r[0] for r in con.execute("describe department_quality").fetchall()}
        if "objections_unknown_record" not in columns:  # a release from before the column
            return []
        rows = con.execute(UNKNOWN_RECORD_SQL).fetchall()
    finally:
        con.close()
    return [f"{path}: {n} objection{'s' if n > 1 else ''} naming no record the platform holds" for path, n in rows]


def run_report(settings: Settings, outcome: RunOutcome) -> str:
    """The end of a run's output: the published summary, and every problem the run found, each named."""
    lines = [published_summary(settings)]
    lines += _listed("publication blocked by", outcome.blocked_by)
    lines += _listed("failed", outcome.failures)
    lines += _listed("needs attention in the drop", outcome.attention)
    if read_manifest(settings.publish_dir) is not None:
        lines += _listed("objections to check with their department", unknown_record_objections(settings.publish_dir))
    return "\n".join(lines)


DEPARTMENT_SQL = """
select department_id as "department", count(*) as "deliveries", sum(rows_in)::bigint as "rows in",
       sum(rows_set_aside)::bigint as "set aside", round(sum(rows_accepted) / nullif(sum(rows_in), 0), 4) as "completeness",
       sum(late_records)::bigint as "late", sum(overdue_objections)::bigint as "overdue objections",
       sum(overdue_repairs)::bigint as "overdue repairs"
from department_quality group by department_id order by "completeness", department_id
"""


def department_table(publish_dir) -> str:
    """Completeness and timeliness per department, worst first, as a Markdown table for the Dagster UI."""
    con = duckdb.connect(str(publish_dir / "published.duckdb"), read_only=True)
    try:
        frame = con.execute(DEPARTMENT_SQL).df()
    finally:
        con.close()
    return markdown_table(frame.to_dict("records")) if len(frame) else "no delivery yet"
