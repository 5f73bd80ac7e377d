"""Ingestion of the feed drop into the lake's raw layer: one asset per feed folder (raw/<feed>), plus the ledger.

A delivery is ingested once, by content: re-dropping a file or repeating a run changes nothing.
"""

import dagster as dg

from credit_pipeline.catalogue import load_catalogue
from credit_pipeline.defs.ingestion.checks import catalogue_gate, check_specs, feed_key, rows_reconcile
from credit_pipeline.ingest.drop import scan_feed, unknown_folders
from credit_pipeline.ingest.engine import ingestion_engine
from credit_pipeline.ingest.load import FeedIngestReport, LakeState, ingest_feed
from credit_pipeline.markdown import markdown_table
from credit_pipeline.progress import Stage
from credit_pipeline.quality.suites import preload_gx
from credit_pipeline.quality.tally import SuiteTally
from credit_pipeline.resources import CreditResource

FEEDS = load_catalogue()
LEDGER_KEY = dg.AssetKey(["raw", "deliveries"])
LOGGED_DELIVERIES = 10  # per feed and run
SET_ASIDE_KEY = dg.AssetKey(["raw", "set_aside"])


def _feed_specs() -> list[dg.AssetSpec]:
    specs = [
        dg.AssetSpec(
            feed_key(f.feed),
            description=f"{f.name_cn} (`{f.feed}/`): accepted rows of every delivery, typed, with file, line and delivery, "
            f"as Parquet in the lake (`lake/raw/{f.feed}/`).",
            group_name="ingestion",
            kinds={"python", "duckdb", "parquet"},
            metadata={"feed_folder": f.feed, "catalogue_items": len(f.items)},
            skippable=True,
        )
        for f in FEEDS.values()
    ]
    specs.append(dg.AssetSpec(LEDGER_KEY, description="Delivery ledger: one row per delivery with rows in, accepted and set aside "
                              "(`lake/raw/_deliveries/`).", group_name="ingestion", kinds={"parquet"}, skippable=True))
    specs.append(dg.AssetSpec(SET_ASIDE_KEY, description="Rows set aside, each with file, line, the rule it broke and the "
                              "original record (`lake/raw/_set_aside/`).", group_name="ingestion", kinds={"parquet"}, skippable=True))
    return specs


def _metadata(report: FeedIngestReport, tally: SuiteTally) -> dict:
    deliveries = [
        {"file": d.file_path, "status": d.status, "rows_in": d.rows_in, "accepted": d.rows_accepted,
         "set_aside": d.rows_set_aside, "by_rule": ", ".join(f"{k}: {v}" for k, v in d.set_aside_by_rule.items())}
        for d in report.ingested
    ]
    errors = [e for d in report.ingested for e in d.errors][:20]
    return {
        "new_deliveries": len(report.ingested),
        "rows_in": report.rows_in,
        "rows_accepted": report.rows_accepted,
        "rows_set_aside": report.rows_set_aside,
        "duplicate_files": dg.MetadataValue.json(report.duplicates),
        # What `credit-pipeline run` lists at its end (run_once.RunOutcome.attention).
        "problems": dg.MetadataValue.json([str(p) for p in report.problems]),
        "attention": dg.MetadataValue.json([a for d in report.ingested if (a := d.needs_attention)]),
        "unchanged_files": report.unchanged_files,
        "gx_seconds": round(tally.seconds, 2),
        "deliveries": dg.MetadataValue.md(markdown_table(deliveries)) if deliveries else "no new delivery",
        "sample_errors": dg.MetadataValue.md("\n".join(f"- `{e}`" for e in errors)) if errors else "none",
    }


def _feed_line(report: FeedIngestReport) -> str:
    rules: dict[str, int] = {}
    for outcome in report.ingested:
        for rule, n in outcome.set_aside_by_rule.items():
            rules[rule] = rules.get(rule, 0) + n
    top = ", ".join(f"{k} {v:,}" for k, v in sorted(rules.items(), key=lambda kv: -kv[1])[:3])
    n = len(report.ingested)
    return (f"{report.feed}: {n:,} new {'delivery' if n == 1 else 'deliveries'}, {report.rows_in:,} rows in = "
            f"{report.rows_accepted:,} accepted + {report.rows_set_aside:,} set aside{f' ({top})' if top else ''}; "
            f"{len(report.duplicates):,} duplicate files, {report.unchanged_files:,} unchanged, "
            f"{len(report.problems):,} not deliveries")


@dg.multi_asset(specs=_feed_specs(), check_specs=check_specs(list(FEEDS.values())), can_subset=True, name="ingest_feed_drop")
def ingest_feed_drop(context: dg.AssetExecutionContext, credit: CreditResource):
    """Scan the feed drop and ingest every delivery not seen before into the lake, feed by feed."""
    settings = credit.settings
    selected = context.selected_asset_keys
    feeds = [f for f in FEEDS.values() if feed_key(f.feed) in selected] or list(FEEDS.values())
    tallies = {feed.feed: SuiteTally(feed) for feed in feeds}
    preload_gx()  # seconds of imports, overlapped with reading the drop
    with ingestion_engine(settings) as (con, lake):
        elsewhere = unknown_folders(settings.feed_dir, FEEDS)
        for problem in elsewhere:
            context.log.warning(str(problem))
        states = {feed.feed: LakeState.read(con, lake, feed.feed) for feed in feeds}
        scans = {feed.feed: scan_feed(settings.feed_dir, feed.feed, states[feed.feed].seen) for feed in feeds}
        reports = {}
        total = sum(len(found) + unchanged for found, unchanged in scans.values())
        with Stage("ingestion", total, "files", context.log) as stage:
            for feed in feeds:
                report = reports[feed.feed] = ingest_feed(lake, settings.feed_dir, feed, con, tallies[feed.feed],
                                                          stage.advance, scans[feed.feed], states[feed.feed])
                if report.ingested or report.duplicates or report.problems:
                    stage.note(_feed_line(report))
                # One line per delivery with something to read (not ingested, a wrong department code, set-aside
                # rows), the blocking ones first; clean deliveries are counted in the feed's line, and all are in the
                # ledger. Capped: each event-log line is a write, and a bulk load has thousands of deliveries.
                flagged = sorted((o for o in report.ingested
                                  if o.status != "ingested" or o.rows_set_aside or not o.department_id_valid),
                                 key=lambda o: (o.status == "ingested", o.department_id_valid, -o.rows_set_aside))
                for outcome in flagged[:LOGGED_DELIVERIES]:
                    context.log.warning(outcome.line())
                if len(flagged) > LOGGED_DELIVERIES:
                    context.log.info(f"{feed.feed}: {len(flagged) - LOGGED_DELIVERIES:,} more deliveries like these "
                                     "(the asset's `deliveries` metadata, department_quality)")
                for problem in report.problems:
                    context.log.warning(str(problem))
            problems = elsewhere + [p for r in reports.values() for p in r.problems]
            lake.record_drop_problems(con, [(p.relative_path, p.reason) for p in problems])
            stage.finish(f"{sum(len(r.ingested) for r in reports.values()):,} new deliveries in {len(feeds)} feeds, "
                         f"{sum(r.unchanged_files for r in reports.values()):,} files unchanged, "
                         f"{sum(r.rows_in for r in reports.values()):,} rows in, "
                         f"{sum(r.rows_set_aside for r in reports.values()):,} set aside, {len(problems):,} files or "
                         f"folders that are not deliveries; GX suites {sum(t.seconds for t in tallies.values()):.1f} s")
        docs = None
        if any(t.rows for t in tallies.values()):
            from credit_pipeline.quality.suites import build_data_docs

            docs = str(build_data_docs(settings.gx_docs_dir))
        for feed in feeds:
            if feed_key(feed.feed) in selected:
                report = reports[feed.feed]
                yield dg.MaterializeResult(asset_key=feed_key(feed.feed), metadata=_metadata(report, tallies[feed.feed]))
                yield rows_reconcile(con, lake, feed.feed, report.batches)
                yield catalogue_gate(con, lake, feed, tallies[feed.feed], docs)
    for key in (LEDGER_KEY, SET_ASIDE_KEY):
        if key in selected:
            metadata = {"problems": dg.MetadataValue.json([str(p) for p in elsewhere])} if key == LEDGER_KEY else None
            yield dg.MaterializeResult(asset_key=key, metadata=metadata)
