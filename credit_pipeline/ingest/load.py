"""Ingesting every new delivery of one feed: scan the drop, skip what was delivered before, validate, write the lake.

A delivery is identified by the sha256 of its bytes: a file dropped twice, or a repeated run, is one delivery.
Deliveries are read and validated in batches of about BATCH_BYTES, so many small daily files cost what their
rows cost; each batch is written to the lake as one unit (lake.Lake.commit), so an interrupted ingestion leaves
nothing half-written and a rerun picks the same deliveries up again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from credit_pipeline.catalogue import Feed
from credit_pipeline.ingest.drop import Delivery, DropProblem, scan_feed
from credit_pipeline.ingest.lake import FILES, LEDGER, Lake
from credit_pipeline.ingest.parse import Part, UnreadableDelivery, read_parts
from credit_pipeline.ingest.rules import RULE_TEXT, literal, quote
from credit_pipeline.ingest.validate import DeliveryInfo, validate_batch
from credit_pipeline.quality.suites import COMPLETE_SHARE, SET_ASIDE_SHARE

# About this many bytes of delivery files are read, validated and written together.
BATCH_BYTES = 96 * 2**20
READ_THREADS = 4  # reading and hashing release the GIL: overlap them with the SQL of the previous batch


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
    errors: list[str]  # the first set-aside rows and file-level messages, as `file:line: rule (why) on item=value`
    department_id_valid: bool = True

    def line(self) -> str:
        """The delivery in one line: counts and the first rules (the run's log carries one per delivery with a problem)."""
        rules = ", ".join(f"{k} {v}" for k, v in list(self.set_aside_by_rule.items())[:3])
        text = (f"{self.file_path}: {self.status}, {self.rows_in} in = {self.rows_accepted} accepted + "
                f"{self.rows_set_aside} set aside" + (f" ({rules})" if rules else ""))
        if not self.department_id_valid:
            text += f"; the department USCC {self.department_id} in the file name is not valid"
        return text + (f"; first: {'; '.join(self.errors[:2])}" if self.errors else "")

    @property
    def needs_attention(self) -> str | None:
        """Why someone should look at this delivery beyond its set-aside rows, or None."""
        if self.status != "ingested":
            why = self.errors[0].removeprefix(f"{self.file_path}: ") if self.errors else self.status
            return f"{self.file_path}: not ingested, {why}"
        if not self.department_id_valid:
            return (f"{self.file_path}: the delivering department's USCC {self.department_id} (file name) has a wrong "
                    "check character; ingested, counted under that code in department_quality")
        return None


@dataclass
class FeedIngestReport:
    feed: str
    ingested: list[DeliveryOutcome] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    problems: list[DropProblem] = field(default_factory=list)  # files that are not deliveries (misnamed, not regular, unreadable)
    unchanged_files: int = 0
    batches: list[str] = field(default_factory=list)  # the lake batches this ingestion wrote

    @property
    def rows_in(self) -> int:
        return sum(d.rows_in for d in self.ingested)

    @property
    def rows_accepted(self) -> int:
        return sum(d.rows_accepted for d in self.ingested)

    @property
    def rows_set_aside(self) -> int:
        return sum(d.rows_set_aside for d in self.ingested)


@dataclass
class Pending:
    delivery: Delivery
    delivery_id: str
    file_path: str
    data: bytes
    encoding: str = ""
    status: str = "ingested"
    messages: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


# Called with each batch's delivery quality (one row per delivery: rows in, complete share, and per catalogue item
# the share of rows set aside for it): the hook through which the catalogue's GX suite sees every delivery.
BatchObserver = Callable[[pd.DataFrame], None]


@dataclass
class LakeState:
    """What the lake already holds of a feed: files seen (path -> size, mtime) and deliveries (id -> first path)."""

    seen: dict[str, tuple[int, int]]
    delivered: dict[str, str]

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, lake: Lake, feed: str) -> LakeState:
        prefix = literal(f"{feed}/%")
        seen = con.execute(
            f"select file_path, size, mtime_ns from {lake.glob('_files')} where file_path like {prefix} "
            "qualify row_number() over (partition by file_path order by batch_id desc) = 1"
        ).fetchall()
        delivered = con.execute(
            f"select delivery_id, min_by(file_path, ingested_at) from {lake.glob('_deliveries')} "
            f"where feed = {literal(feed)} group by delivery_id"
        ).fetchall()
        return cls({p: (size, mtime) for p, size, mtime in seen}, dict(delivered))


def _read(delivery: Delivery) -> tuple[Delivery, bytes | None, str | None]:
    try:
        data = delivery.path.read_bytes()
    except OSError as exc:  # permission denied, vanished: report it and go on with the other files
        return delivery, None, f"cannot be read by the pipeline's user ({exc.strerror or exc})"
    return delivery, data, None


def _read_all(deliveries: list[Delivery]) -> Iterator[tuple[Delivery, bytes | None, str | None]]:
    with ThreadPoolExecutor(READ_THREADS) as pool:
        yield from pool.map(_read, deliveries)


def ingest_feed(lake: Lake, feed_dir: Path, feed: Feed, con: duckdb.DuckDBPyConnection,
                observe: BatchObserver | None = None, progress: Callable[[int], None] | None = None,
                scanned: tuple[list[Delivery | DropProblem], int] | None = None,
                state: LakeState | None = None) -> FeedIngestReport:
    """Ingest the feed's deliveries not seen before. Safe to repeat: a delivery is ingested once, by content.
    `progress` hears how many of the scanned files each step dealt with; `scanned` (the folder's scan, made with
    `state.seen`) and `state` are passed when the caller has them already."""
    report = FeedIngestReport(feed.feed)
    advance = progress or (lambda n: None)
    state = state or LakeState.read(con, lake, feed.feed)
    candidates: list[Delivery] = []
    found_files, report.unchanged_files = scanned or scan_feed(feed_dir, feed.feed, state.seen)
    for found in found_files:
        if isinstance(found, DropProblem):
            report.problems.append(found)
        else:
            candidates.append(found)
    advance(len(report.problems) + report.unchanged_files)
    batch: list[Pending] = []
    batch_bytes = 0
    repeats: list[tuple] = []  # files whose bytes were delivered before: seen, not ingested again
    for delivery, data, problem in _read_all(candidates):
        rel = delivery.relative_path
        if problem:
            report.problems.append(DropProblem(rel, problem))
            advance(1)
            continue
        delivery_id = hashlib.sha256(data).hexdigest()
        first_path = state.delivered.get(delivery_id)
        if first_path is None:
            state.delivered[delivery_id] = rel
            batch.append(Pending(delivery, delivery_id, rel, data))
            batch_bytes += len(data)
            if batch_bytes >= BATCH_BYTES:
                report.ingested += _flush(con, lake, feed, batch, repeats, observe, report)
                advance(len(batch) + len(repeats))
                batch, batch_bytes, repeats = [], 0, []
            continue
        if first_path != rel:  # the same bytes under another name: one delivery
            report.duplicates.append(rel)
        else:
            report.unchanged_files += 1  # touched but unchanged
        repeats.append((rel, *delivery.file_stat, delivery_id, first_path != rel))
    if batch or repeats:
        report.ingested += _flush(con, lake, feed, batch, repeats, observe, report)
        advance(len(batch) + len(repeats))
    return report


def _parts(feed: Feed, batch: list[Pending]) -> list[Part]:
    parts: list[Part] = []
    for i, p in enumerate(batch):
        try:
            found, p.encoding, notes = read_parts(i, p.file_path, p.delivery.path, p.data, feed)
        except UnreadableDelivery as exc:
            p.status, p.messages = "unreadable", [str(exc)]
            continue
        p.messages += notes
        for part in found:
            p.messages += part.header.notes
            p.extra += [name for name, _ in part.header.extra if name not in p.extra]
            if part.header.missing and p.status == "ingested":
                p.status, p.missing = "missing_required_column", part.header.missing
                p.messages.append(f"required columns missing: {', '.join(part.header.missing)}")
            elif part.header.duplicated and p.status == "ingested":
                p.status = "duplicated_column"
                p.messages.append(f"catalogue columns repeated: {', '.join(part.header.duplicated)}")
        parts += found
        p.data = b""  # the parts hold what is needed; let the bytes go
    return parts


def _flush(con: duckdb.DuckDBPyConnection, lake: Lake, feed: Feed, batch: list[Pending], repeats: list[tuple],
           observe: BatchObserver | None, report: FeedIngestReport) -> list[DeliveryOutcome]:
    parts = _parts(feed, batch)
    infos = [DeliveryInfo(p.delivery_id, p.file_path, p.delivery.department_id, p.delivery.delivery_date, p.delivery.seq)
             for p in batch]
    validate_batch(con, feed, parts, infos)
    counts = {d: (n, a) for d, n, a in con.execute(
        "select delivery, count(*), count(*) filter (where rule is null) from batch_checks group by delivery").fetchall()}
    by_rule: dict[int, dict[str, int]] = {}
    for d, rule, n in con.execute(
            "select delivery, rule, count(*) from batch_checks where rule is not null group by all order by 1, 3 desc, 2").fetchall():
        by_rule.setdefault(d, {})[rule] = n
    errors: dict[int, list[str]] = {}
    for d, label, line, rule, item, value in con.execute(
            "select c.delivery, m.label, c.line, c.rule, c.item, s.value from batch_checks c join batch_parts m using (part) "
            "join batch_set_aside s on s.file_path = m.label and s._line = c.line "
            "where c.rule is not null qualify row_number() over (partition by c.delivery order by c.line) <= 5").fetchall():
        about = f" on {item}={value!r}" if item else ""
        errors.setdefault(d, []).append(f"{label}:{line}: {rule} ({RULE_TEXT.get(rule, rule)}){about}")

    now = datetime.now()
    batch_id = lake.new_batch_id()
    ledger = []
    outcomes = []
    for i, p in enumerate(batch):
        rows_in, accepted = counts.get(i, (0, 0))
        ledger.append({
            "delivery_id": p.delivery_id, "feed": feed.feed, "file_path": p.file_path,
            "department_id": p.delivery.department_id, "department_id_valid": p.delivery.department_id_valid,
            "delivery_date": p.delivery.delivery_date, "seq": p.delivery.seq,
            "file_format": p.delivery.file_format, "encoding": p.encoding, "status": p.status,
            "message": "; ".join(p.messages) or None, "rows_in": rows_in, "rows_accepted": accepted,
            "rows_set_aside": rows_in - accepted, "missing_columns": p.missing, "extra_columns": p.extra,
            "ingested_at": now, "batch_id": batch_id,
        })
        outcomes.append(DeliveryOutcome(
            p.file_path, p.delivery.department_id, p.delivery.delivery_date.isoformat(), p.status, rows_in, accepted,
            rows_in - accepted, by_rule.get(i, {}), [f"{p.file_path}: {m}" for m in p.messages] + errors.get(i, []),
            p.delivery.department_id_valid,
        ))
    files = [{"file_path": p.file_path, "size": p.delivery.file_stat[0], "mtime_ns": p.delivery.file_stat[1],
              "delivery_id": p.delivery_id, "duplicate": False, "batch_id": batch_id} for p in batch]
    files += [{"file_path": rel, "size": size, "mtime_ns": mtime, "delivery_id": did, "duplicate": dup, "batch_id": batch_id}
              for rel, size, mtime, did, dup in repeats]
    con.register("batch_ledger", _arrow(ledger, LEDGER))
    con.register("batch_files", _arrow(files, FILES))
    if observe and batch:
        observe(_quality_frame(con, feed, batch))
    lake.commit(con, feed.feed, batch_id, rows="select * from batch_accepted", set_aside="select * from batch_set_aside",
                files="select * from batch_files", ledger="select * from batch_ledger")
    report.batches.append(batch_id)
    return outcomes


_ARROW_TYPES = {"VARCHAR": pa.string(), "DATE": pa.date32(), "INTEGER": pa.int32(), "BIGINT": pa.int64(),
                "VARCHAR[]": pa.list_(pa.string()), "TIMESTAMP": pa.timestamp("us"), "BOOLEAN": pa.bool_()}


def _arrow(rows: list[dict], columns) -> pa.Table:
    # Explicit types: inferred from the first rows, an all-empty list or message column would be typed NULL.
    return pa.Table.from_pylist(rows, schema=pa.schema([(n, _ARROW_TYPES[t]) for n, t in columns]))


def _quality_frame(con: duckdb.DuckDBPyConnection, feed: Feed, batch: list[Pending]) -> pd.DataFrame:
    """One row per delivery of the batch: rows in, the share of complete records, and per item the share set aside for it."""
    shares = ", ".join(
        f"count(*) filter (where item = {literal(i.item)}) / count(*) as {quote(SET_ASIDE_SHARE + i.item)}" for i in feed.items
    )
    frame = con.execute(
        f"select delivery, count(*) as rows_in, count(*) filter (where rule is null) / count(*) as {COMPLETE_SHARE}, {shares} "
        "from batch_checks group by delivery order by delivery"
    ).df()
    frame.insert(0, "file_path", [batch[d].file_path for d in frame.pop("delivery")])
    return frame
