"""Ingesting every new delivery of one feed: scan, skip what was delivered before, validate, store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from credit_pipeline.catalogue import Feed
from credit_pipeline.ingest import store
from credit_pipeline.ingest.drop import Delivery, MisnamedFile, content_hash, scan_feed
from credit_pipeline.ingest.reader import read_many
from credit_pipeline.ingest.validate import prepare_rows, sample_errors, set_aside_whole_file, validate_rows


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


# Deliveries of a feed are read and validated together, vectorised, in batches of about this many
# bytes: many small daily files then cost what their rows cost, not a fixed overhead each.
BATCH_BYTES = 64 * 2**20


@dataclass
class PendingFile:
    delivery: Delivery
    delivery_id: str
    file_path: str
    file_stat: tuple[int, int]
    data: bytes
    encoding: str = ""
    status: str = "ingested"
    message: str | None = None
    rows_in: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


def _ledger(feed: Feed, p: PendingFile, accepted: int, set_aside: int) -> dict:
    return {
        "delivery_id": p.delivery_id, "feed": feed.feed, "file_path": p.file_path,
        "department_id": p.delivery.department_id, "delivery_date": p.delivery.delivery_date, "seq": p.delivery.seq,
        "file_format": p.delivery.file_format, "encoding": p.encoding, "status": p.status, "message": p.message,
        "rows_in": p.rows_in, "rows_accepted": accepted, "rows_set_aside": set_aside,
        "missing_columns": p.missing, "extra_columns": p.extra, "ingested_at": datetime.now(),
    }


# Called with each batch's checkable rows (text cells, `_file` as a batch index) and the batch's file paths:
# the hook through which the catalogue's GX suite sees every delivery.
BatchObserver = Callable[[pd.DataFrame, list[str]], None]


def _read_and_validate(feed: Feed, batch: list[PendingFile], observe: BatchObserver | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the batch's files and validate all their rows at once; both frames carry `_file` (batch index)."""
    read = read_many([(p.delivery.path, p.data) for p in batch])
    for i, message in read.errors.items():
        batch[i].status, batch[i].message = "unreadable", message
    for i, encoding in read.encodings.items():
        batch[i].encoding = encoding
    checkable, whole_files = [], []
    for frame in read.frames:
        prepared, missing, extra = prepare_rows(frame, feed)
        for i, n in prepared["_file"].value_counts().items():
            batch[i].rows_in, batch[i].missing, batch[i].extra = int(n), missing, extra
            if missing:
                batch[i].status, batch[i].message = "missing_required_column", f"required columns missing: {', '.join(missing)}"
        (whole_files.append(set_aside_whole_file(prepared, missing)) if missing else checkable.append(prepared))
    accepted = set_aside = pd.DataFrame(columns=["_file"])
    if checkable:
        frame = pd.concat(checkable, ignore_index=True)
        frame = frame.fillna({c: "" for c in frame.columns if c not in ("_file", "_line", "_extra", "_record")})
        if observe:
            observe(frame, [p.file_path for p in batch])
        delivered = frame["_file"].map({i: pd.Timestamp(p.delivery.delivery_date) for i, p in enumerate(batch)})
        accepted, set_aside = validate_rows(frame, feed, delivered, frame["_file"])
    if whole_files:
        set_aside = pd.concat([set_aside, *whole_files], ignore_index=True)
    return accepted, set_aside


def flush(con, feed: Feed, batch: list[PendingFile], observe: BatchObserver | None = None) -> list[DeliveryOutcome]:
    """Validate a batch of new deliveries together and write them in one transaction."""
    accepted, set_aside = _read_and_validate(feed, batch, observe)
    accepted_by_file = accepted["_file"].value_counts().to_dict()
    aside_by_file = set_aside["_file"].value_counts().to_dict()
    # Lineage per delivery of the batch, taken by each row's batch index (vectorised, not per row).
    delivery_ids = np.array([p.delivery_id for p in batch], dtype=object)
    file_paths = np.array([p.file_path for p in batch], dtype=object)
    if not accepted.empty:
        idx = accepted.pop("_file").to_numpy(dtype=np.int64)
        accepted["_delivery_id"] = delivery_ids[idx]
        accepted["_file"] = file_paths[idx]
        accepted["_delivery_date"] = np.array([p.delivery.delivery_date for p in batch], dtype=object)[idx]
        accepted["_delivery_seq"] = np.array([p.delivery.seq for p in batch], dtype=np.int64)[idx]
        accepted["_department_id"] = np.array([p.delivery.department_id for p in batch], dtype=object)[idx]
    if not set_aside.empty:
        idx = set_aside.pop("_file").to_numpy(dtype=np.int64)
        set_aside["delivery_id"] = delivery_ids[idx]
        set_aside["feed"] = feed.feed
        set_aside["file_path"] = file_paths[idx]

    ledgers = [_ledger(feed, p, accepted_by_file.get(i, 0), aside_by_file.get(i, 0)) for i, p in enumerate(batch)]
    seen = [(p.file_path, *p.file_stat, p.delivery_id) for p in batch]
    store.write_batch(con, feed, ledgers, accepted, set_aside.drop(columns=["_record"], errors="ignore"), seen)

    by_file = dict(tuple(set_aside.groupby("delivery_id"))) if not set_aside.empty else {}
    outcomes = []
    for i, p in enumerate(batch):
        mine = by_file.get(p.delivery_id)
        errors = ([f"{p.file_path}: {p.message}"] if p.message else []) + (sample_errors(mine, p.file_path) if mine is not None else [])
        outcomes.append(DeliveryOutcome(
            p.file_path, p.delivery.department_id, p.delivery.delivery_date.isoformat(), p.status, p.rows_in,
            accepted_by_file.get(i, 0), aside_by_file.get(i, 0),
            mine["rule"].value_counts().to_dict() if mine is not None else {}, errors,
        ))
    return outcomes


def ingest_feed(warehouse: Path, feed_dir: Path, feed: Feed, observe: BatchObserver | None = None) -> FeedIngestReport:
    """Ingest the feed's deliveries not seen before. Safe to repeat: a delivery is ingested once, by content."""
    report = FeedIngestReport(feed.feed)
    con = store.connect(warehouse)
    try:
        store.ensure_feed_table(con, feed)
        seen = store.seen_files(con, feed.feed)
        delivered = store.delivered_paths(con, feed.feed)
        batch: list[PendingFile] = []
        batch_bytes = 0
        repeats: list[tuple] = []  # files whose bytes were delivered before: seen, not ingested again
        for found in scan_feed(feed_dir, feed.feed):
            if isinstance(found, MisnamedFile):
                report.misnamed.append(f"{found.path.relative_to(feed_dir).as_posix()}: {found.reason}")
                continue
            rel = found.relative_path(feed_dir)
            file_stat = found.file_stat
            if seen.get(rel) == file_stat:
                report.unchanged_files += 1
                continue
            data = found.path.read_bytes()
            delivery_id = content_hash(data)
            first_path = delivered.get(delivery_id)
            if first_path is None:
                batch.append(PendingFile(found, delivery_id, rel, file_stat, data))
                delivered[delivery_id] = rel
                batch_bytes += file_stat[0]
                if batch_bytes >= BATCH_BYTES:
                    report.ingested += flush(con, feed, batch, observe)
                    batch, batch_bytes = [], 0
                continue
            if first_path != rel:  # the same bytes under another name: one delivery
                report.duplicates.append(rel)
            else:
                report.unchanged_files += 1  # touched but unchanged
            repeats.append((rel, *file_stat, delivery_id, first_path != rel))
        if batch:
            report.ingested += flush(con, feed, batch, observe)
        store.mark_seen(con, repeats)
    finally:
        con.close()
    return report
