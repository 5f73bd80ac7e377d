"""Ingestion of the feed drop: one asset per feed folder (raw/<feed>), plus the delivery ledger.

A delivery is ingested once, by content: re-dropping a file or repeating a run changes nothing.
"""


import dagster as dg

from credit_pipeline.catalogue import Feed, load_catalogue
from credit_pipeline.ingest.load import FeedIngestReport, ingest_feed
from credit_pipeline.ingest.store import connect
from credit_pipeline.markdown import markdown_table
from credit_pipeline.quality.gate import blocking_deliveries
from credit_pipeline.settings import load_settings

FEEDS = load_catalogue()
LEDGER_KEY = dg.AssetKey(["raw", "deliveries"])
SET_ASIDE_KEY = dg.AssetKey(["raw", "set_aside"])


def feed_key(feed: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", feed])


def _feed_specs() -> list[dg.AssetSpec]:
    specs = [
        dg.AssetSpec(
            feed_key(f.feed),
            description=f"{f.name_cn} (`{f.feed}/`): accepted rows of every delivery, typed, with file, line and delivery date.",
            group_name="ingestion",
            kinds={"python", "duckdb"},
            metadata={"feed_folder": f.feed, "catalogue_items": len(f.items)},
            skippable=True,
        )
        for f in FEEDS.values()
    ]
    specs.append(dg.AssetSpec(LEDGER_KEY, description="Delivery ledger: one row per delivery with rows in, accepted and set aside.",
                              group_name="ingestion", kinds={"duckdb"}, skippable=True))
    specs.append(dg.AssetSpec(SET_ASIDE_KEY, description="Rows set aside, each with file, line and the rule it broke.",
                              group_name="ingestion", kinds={"duckdb"}, skippable=True))
    return specs


def _check_specs() -> list[dg.AssetCheckSpec]:
    return [
        spec
        for f in FEEDS.values()
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


class SuiteTally:
    """Runs the feed's GX suite on every ingested batch and adds up each expectation's results."""

    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        self.rows: dict[tuple[str, str], dict] = {}

    def __call__(self, frame, file_paths: list[str]) -> None:
        from credit_pipeline.quality.suites import validate_frame

        for o in validate_frame(frame, self.feed):
            row = self.rows.setdefault(
                (o.expectation_type, o.column),
                {"expectation": o.expectation_type, "catalogue_item": o.catalogue_item, "rule": o.rule,
                 "rows": 0, "unexpected": 0, "samples": []},
            )
            row["rows"] += o.element_count
            row["unexpected"] += o.unexpected_count
            room = 3 - len(row["samples"])
            row["samples"] += [f"{file_paths[s['_file']]}:{s['_line']} {s['value']!r}" for s in o.samples[:max(room, 0)]]

    def markdown(self) -> str:
        failing = [r for r in self.rows.values() if r["unexpected"]]
        if not failing:
            return f"all {len(self.rows)} expectations met" if self.rows else "no new delivery validated"
        return markdown_table([
            {"expectation": r["expectation"], "catalogue item": r["catalogue_item"], "rule": r["rule"],
             "unexpected": r["unexpected"], "share": f"{r['unexpected'] / r['rows']:.2%}",
             "samples (file:line value)": "<br>".join(f"`{s}`" for s in r["samples"])}
            for r in sorted(failing, key=lambda r: -r["unexpected"])
        ])


def _metadata(report: FeedIngestReport) -> dict:
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
        "misnamed_files": dg.MetadataValue.json(report.misnamed),
        "unchanged_files": report.unchanged_files,
        "deliveries": dg.MetadataValue.md(markdown_table(deliveries)) if deliveries else "no new delivery",
        "sample_errors": dg.MetadataValue.md("\n".join(f"- `{e}`" for e in errors)) if errors else "none",
    }


def _gate(feed: Feed, tally: SuiteTally, docs: str | None) -> dg.AssetCheckResult:
    settings = load_settings()
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


def _reconcile(feed: str) -> dg.AssetCheckResult:
    settings = load_settings()
    con = connect(settings.warehouse_path)
    try:
        broken = con.execute(
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
    bad = [r for r in broken if r[1] != r[2] + r[3] or r[2] != r[4] or r[3] != r[5]]
    return dg.AssetCheckResult(
        check_name="rows_reconcile",
        asset_key=feed_key(feed),
        passed=not bad,
        metadata={"deliveries": len(broken), "not_reconciled": dg.MetadataValue.json([list(map(str, r)) for r in bad[:20]])},
    )


@dg.multi_asset(specs=_feed_specs(), check_specs=_check_specs(), can_subset=True, name="ingest_feed_drop")
def ingest_feed_drop(context: dg.AssetExecutionContext):
    """Scan $CREDIT_FEED_DIR and ingest every delivery not seen before, feed by feed."""
    settings = load_settings()
    selected = context.selected_asset_keys
    feeds = [f for f in FEEDS.values() if feed_key(f.feed) in selected] or list(FEEDS.values())
    tallies = {feed.feed: SuiteTally(feed) for feed in feeds}
    reports = {feed.feed: ingest_feed(settings.warehouse_path, settings.feed_dir, feed, tallies[feed.feed]) for feed in feeds}
    docs = None
    if any(t.rows for t in tallies.values()):
        from credit_pipeline.quality.suites import build_data_docs

        docs = str(build_data_docs(settings.home / "gx_docs"))
    for feed in feeds:
        report = reports[feed.feed]
        context.log.info(
            f"{feed.feed}: {len(report.ingested)} new deliveries, {report.rows_in} rows in, "
            f"{report.rows_accepted} accepted, {report.rows_set_aside} set aside, {len(report.duplicates)} duplicate files"
        )
        for outcome in report.ingested:
            for line in outcome.errors[:5]:
                context.log.warning(line)
        if feed_key(feed.feed) in selected:
            yield dg.MaterializeResult(asset_key=feed_key(feed.feed), metadata=_metadata(report))
            yield _reconcile(feed.feed)
            yield _gate(feed, tallies[feed.feed], docs)
    for key in (LEDGER_KEY, SET_ASIDE_KEY):
        if key in selected:
            yield dg.MaterializeResult(asset_key=key)
