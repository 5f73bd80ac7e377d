"""The two blocking checks on every feed asset: rows reconcile, and the catalogue gate (SPEC §2-§3).

They are produced by the ingestion multi-asset itself (it knows what it validated); this module says
what they are and builds their results."""

from __future__ import annotations

import dagster as dg
import duckdb

from credit_pipeline.catalogue import Feed
from credit_pipeline.ingest.lake import Lake
from credit_pipeline.ingest.rules import literal
from credit_pipeline.markdown import markdown_table
from credit_pipeline.quality.gate import blocking_deliveries
from credit_pipeline.quality.tally import SuiteTally


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
                description="For every delivery ingested by the run: rows in = rows accepted + rows set aside, and the "
                "lake holds exactly the accepted rows and the set-aside rows.",
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


def catalogue_gate(con: duckdb.DuckDBPyConnection, lake: Lake, feed: Feed, tally: SuiteTally, docs: str | None) -> dg.AssetCheckResult:
    blocking = blocking_deliveries(con, lake.glob("_deliveries"), feed)
    return dg.AssetCheckResult(
        check_name="catalogue_gate",
        asset_key=feed_key(feed.feed),
        passed=not blocking,
        metadata={
            # What `credit-pipeline run` prints when publication is blocked.
            "blocking": dg.MetadataValue.json([f"{b.file_path}: {b.reason}" for b in blocking]),
            "blocking_deliveries": dg.MetadataValue.md(
                markdown_table([b.__dict__ for b in blocking]) if blocking else "none"
            ),
            "expectations": dg.MetadataValue.md(tally.markdown()),
            "expectations_run": len(tally.rows),
            "data_docs": dg.MetadataValue.path(docs) if docs else "not built (no new delivery)",
        },
    )


def rows_reconcile(con: duckdb.DuckDBPyConnection, lake: Lake, feed: str, batches: list[str]) -> dg.AssetCheckResult:
    """Checked on the batches the run wrote: the lake is append-only, so earlier batches were checked when written."""
    deliveries = []
    if batches:
        files = lambda folder, prefix="": "[" + ", ".join(  # noqa: E731
            literal(str(lake.folder(folder) / f"{prefix}{b}.parquet")) for b in batches) + "]"
        deliveries = con.execute(
            f"""
            with ledger as (select * from read_parquet({files('_deliveries', feed + '__')})),
                 stored as (select _delivery_id as delivery_id, count(*) as n from read_parquet({files(feed)}) group by 1),
                 aside as (select delivery_id, count(*) as n from read_parquet({files('_set_aside', feed + '__')}) group by 1)
            select l.file_path, l.rows_in, l.rows_accepted, l.rows_set_aside, coalesce(s.n, 0), coalesce(a.n, 0)
            from ledger l left join stored s using (delivery_id) left join aside a using (delivery_id)
            """
        ).fetchall()
    bad = [r for r in deliveries if r[1] != r[2] + r[3] or r[2] != r[4] or r[3] != r[5]]
    return dg.AssetCheckResult(
        check_name="rows_reconcile",
        asset_key=feed_key(feed),
        passed=not bad,
        metadata={"deliveries_checked": len(deliveries),
                  "not_reconciled": dg.MetadataValue.json([list(map(str, r)) for r in bad[:20]])},
    )
