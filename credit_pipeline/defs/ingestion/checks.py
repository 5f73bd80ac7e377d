"""The two blocking checks on every feed asset: rows reconcile, and the catalogue gate (SPEC §2-§3).

They are produced by the ingestion multi-asset itself (it knows what it validated); this module says
what they are and builds their results."""

from __future__ import annotations

import dagster as dg

from credit_pipeline.catalogue import Feed
from credit_pipeline.ingest.store import connect
from credit_pipeline.markdown import markdown_table
from credit_pipeline.quality.gate import blocking_deliveries
from credit_pipeline.quality.tally import SuiteTally
from credit_pipeline.settings import Settings


def feed_key(feed: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", feed])


def check_specs(feeds: list[Feed]) -> list[dg.AssetCheckSpec]:
    return [
        spec
        for f in feeds
        for spec in (
            dg.AssetCheckSpec(
                "rows_reconcile",
                asset=feed_key(f.feed),
                blocking=True,
                description="For every delivery of the feed: rows in = rows accepted + rows set aside, and the raw table holds exactly the accepted rows.",
            ),
            dg.AssetCheckSpec(
                "catalogue_gate",
                asset=feed_key(f.feed),
                blocking=True,
                description=f"The catalogue's GX suite (expectations/{f.feed}.json) on every new delivery. Blocks publication while a "
                f"delivery is unreadable, misses a required column or sets aside more than {f.set_aside_threshold:.0%} of its rows.",
            ),
        )
    ]


def catalogue_gate(settings: Settings, feed: Feed, tally: SuiteTally, docs: str | None) -> dg.AssetCheckResult:
    con = connect(settings.warehouse_path)
    try:
        blocking = blocking_deliveries(con, feed)
    finally:
        con.close()
    return dg.AssetCheckResult(
        check_name="catalogue_gate",
        asset_key=feed_key(feed.feed),
        passed=not blocking,
        metadata={
            "blocking_deliveries": dg.MetadataValue.md(
                markdown_table([b.__dict__ for b in blocking]) if blocking else "none"
            ),
            "expectations": dg.MetadataValue.md(tally.markdown()),
            "expectations_run": len(tally.rows),
            "data_docs": dg.MetadataValue.path(docs) if docs else "not built (no new delivery)",
        },
    )


def rows_reconcile(settings: Settings, feed: str) -> dg.AssetCheckResult:
    con = connect(settings.warehouse_path)
    try:
        deliveries = con.execute(
            f"""
            select d.file_path, d.rows_in, d.rows_accepted, d.rows_set_aside,
                   (select count(*) from raw.{feed} r where r._delivery_id = d.delivery_id) as rows_stored,
                   (select count(*) from raw.set_aside s where s.delivery_id = d.delivery_id) as set_aside_stored
            from raw.deliveries d
            where d.feed = ?
            """,
            [feed],
        ).fetchall()
    finally:
        con.close()
    bad = [r for r in deliveries if r[1] != r[2] + r[3] or r[2] != r[4] or r[3] != r[5]]
    return dg.AssetCheckResult(
        check_name="rows_reconcile",
        asset_key=feed_key(feed),
        passed=not bad,
        metadata={"deliveries": len(deliveries), "not_reconciled": dg.MetadataValue.json([list(map(str, r)) for r in bad[:20]])},
    )
