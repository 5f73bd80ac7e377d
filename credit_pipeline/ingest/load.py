"""Ingesting every new delivery of one feed: scan, skip what was delivered before, validate, store."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from credit_pipeline.catalogue import Feed
from credit_pipeline.ingest import store
from credit_pipeline.ingest.drop import Delivery, MisnamedFile, scan_feed
from credit_pipeline.ingest.reader import UnreadableDelivery, read_delivery
from credit_pipeline.ingest.validate import ValidationResult, sample_errors, validate_delivery

log = logging.getLogger(__name__)


@dataclass
class DeliveryOutcome:
    file_path: str
    department_id: str
    delivery_date: str
    status: str
    rows_in: int
    rows_accepted: int
    rows_set_aside: int
    set_aside_by_rule: dict[str, int]
    errors: list[str]


@dataclass
class FeedIngestReport:
    feed: str
    ingested: list[DeliveryOutcome] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    misnamed: list[str] = field(default_factory=list)
    unchanged_files: int = 0

    @property
    def rows_in(self) -> int:
        return sum(d.rows_in for d in self.ingested)

    @property
    def rows_accepted(self) -> int:
        return sum(d.rows_accepted for d in self.ingested)

    @property
    def rows_set_aside(self) -> int:
        return sum(d.rows_set_aside for d in self.ingested)


def _validate_file(delivery: Delivery, feed: Feed) -> tuple[ValidationResult | None, str, str, str | None]:
    """(result, status, encoding, message); result is None when the file cannot be read at all."""
    try:
        frame, encoding = read_delivery(delivery.path)
    except UnreadableDelivery as exc:
        return None, "unreadable", "", str(exc)
    result = validate_delivery(frame, feed, delivery.delivery_date)
    if result.missing_columns:
        return result, "missing_required_column", encoding, f"required columns missing: {', '.join(result.missing_columns)}"
    return result, "ingested", encoding, None


def ingest_delivery(con, feed_dir: Path, feed: Feed, delivery: Delivery, delivery_id: str, file_stat: tuple[int, int]) -> DeliveryOutcome:
    rel = delivery.relative_path(feed_dir)
    result, status, encoding, message = _validate_file(delivery, feed)
    accepted = result.accepted if result else pd.DataFrame()
    set_aside = result.set_aside if result else pd.DataFrame()
    ledger = {
        "delivery_id": delivery_id,
        "feed": feed.feed,
        "file_path": rel,
        "department_id": delivery.department_id,
        "delivery_date": delivery.delivery_date,
        "seq": delivery.seq,
        "file_format": delivery.file_format,
        "encoding": encoding,
        "status": status,
        "message": message,
        "rows_in": result.rows_in if result else 0,
        "rows_accepted": len(accepted),
        "rows_set_aside": len(set_aside),
        "missing_columns": result.missing_columns if result else [],
        "extra_columns": result.extra_columns if result else [],
        "ingested_at": datetime.now(),
    }
    store.write_delivery(con, feed, ledger, accepted, set_aside, file_stat)
    errors = [f"{rel}: {message}"] if message else []
    errors += sample_errors(set_aside, rel) if not set_aside.empty else []
    for line in errors:
        log.warning(line)
    by_rule = set_aside["rule"].value_counts().to_dict() if not set_aside.empty else {}
    return DeliveryOutcome(rel, delivery.department_id, delivery.delivery_date.isoformat(), status,
                           ledger["rows_in"], ledger["rows_accepted"], ledger["rows_set_aside"], by_rule, errors)


def ingest_feed(warehouse: Path, feed_dir: Path, feed: Feed) -> FeedIngestReport:
    """Ingest the feed's deliveries not seen before. Safe to repeat: a delivery is ingested once, by content."""
    report = FeedIngestReport(feed.feed)
    con = store.connect(warehouse)
    try:
        store.ensure_feed_table(con, feed)
        seen = store.seen_files(con, feed.feed)
        for found in scan_feed(feed_dir, feed.feed):
            if isinstance(found, MisnamedFile):
                report.misnamed.append(f"{found.path.relative_to(feed_dir).as_posix()}: {found.reason}")
                continue
            rel = found.relative_path(feed_dir)
            stat = found.path.stat()
            if seen.get(rel) == (stat.st_size, stat.st_mtime_ns):
                report.unchanged_files += 1
                continue
            file_stat = (stat.st_size, stat.st_mtime_ns)
            delivery_id = found.content_hash()
            first_path = store.delivered_as(con, delivery_id)
            if first_path is None:
                report.ingested.append(ingest_delivery(con, feed_dir, feed, found, delivery_id, file_stat))
                continue
            if first_path != rel:  # the same bytes under another name: one delivery
                report.duplicates.append(rel)
            else:
                report.unchanged_files += 1  # touched but unchanged
            store.mark_seen(con, rel, *file_stat, delivery_id, duplicate=first_path != rel)
    finally:
        con.close()
    return report
