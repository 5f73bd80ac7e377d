"""The warehouse's raw layer: one table per feed, the delivery ledger and the rows set aside.

Every delivery is written in one transaction (rows, set-aside rows, ledger entry), so an
interrupted run leaves nothing half-ingested and a rerun picks the delivery up again.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from credit_pipeline.catalogue import Feed

SQL_TYPES = {"date": "DATE", "amount": "DOUBLE"}

LEDGER_DDL = """
create schema if not exists raw;
create table if not exists raw.deliveries (
    delivery_id     varchar primary key,  -- sha256 of the file's bytes
    feed            varchar not null,
    file_path       varchar not null,     -- relative to the feed drop
    department_id   varchar not null,
    delivery_date   date not null,
    seq             integer not null,
    file_format     varchar not null,
    encoding        varchar,
    status          varchar not null,     -- ingested | unreadable | missing_required_column
    message         varchar,
    rows_in         integer not null,
    rows_accepted   integer not null,
    rows_set_aside  integer not null,
    missing_columns varchar[],
    extra_columns   varchar[],
    ingested_at     timestamp not null
);
create table if not exists raw.seen_files (
    file_path   varchar primary key,
    size        bigint not null,
    mtime_ns    bigint not null,
    delivery_id varchar not null,
    duplicate   boolean not null          -- true when its bytes were already delivered under another name
);
-- Deliveries whose subjects have been re-rated (full or scoped run): the rest form the next scope.
create table if not exists raw.rated_deliveries (
    delivery_id varchar primary key,
    run_id      varchar not null          -- the rating (raw.ratings) that took it in
);
-- Every rating (full: every subject; scoped: the subjects new deliveries touched), and the subjects a
-- scoped rating replaced: publication republishes exactly those since its previous release.
create table if not exists raw.ratings (
    run_id     varchar primary key,
    mode       varchar not null,          -- full | scoped
    as_of_date date not null,
    rated_at   timestamp not null,
    models_fingerprint varchar          -- the dbt models and seeds it was built with
);
alter table raw.ratings add column if not exists models_fingerprint varchar;
create table if not exists raw.rerated_subjects (
    run_id     varchar not null,
    subject_id varchar not null
);
create table if not exists raw.set_aside (
    delivery_id varchar not null,
    feed        varchar not null,
    file_path   varchar not null,
    _line       integer not null,
    rule        varchar not null,
    rules       varchar not null,
    item        varchar,
    value       varchar,
    record      json
);
"""


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse))


def ensure_feed_table(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    """Create the feed's raw table from the catalogue, adding columns the catalogue gained since."""
    con.execute(LEDGER_DDL)
    columns = [(i.item, SQL_TYPES.get(i.format, "VARCHAR")) for i in feed.items] + [
        ("_delivery_id", "VARCHAR"),
        ("_file", "VARCHAR"),
        ("_line", "INTEGER"),
        ("_delivery_date", "DATE"),
        ("_delivery_seq", "INTEGER"),  # the file name's _<n> (0 without): orders deliveries of one day
        ("_department_id", "VARCHAR"),
        ("_extra", "JSON"),
    ]
    con.execute(f'create table if not exists raw.{feed.feed} ({", ".join(f""""{n}" {t}""" for n, t in columns)})')
    existing = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema='raw' and table_name=?", [feed.feed]
    ).fetchall()}
    for name, sql_type in columns:
        if name not in existing:
            con.execute(f'alter table raw.{feed.feed} add column "{name}" {sql_type}')


def seen_files(con: duckdb.DuckDBPyConnection, feed: str) -> dict[str, tuple[int, int]]:
    rows = con.execute(
        "select s.file_path, s.size, s.mtime_ns from raw.seen_files s where s.file_path like ?", [f"{feed}/%"]
    ).fetchall()
    return {path: (size, mtime) for path, size, mtime in rows}


def delivered_paths(con: duckdb.DuckDBPyConnection, feed: str) -> dict[str, str]:
    """delivery_id -> the file path under which those bytes were first delivered."""
    return dict(con.execute("select delivery_id, file_path from raw.deliveries where feed = ?", [feed]).fetchall())


def mark_seen(con: duckdb.DuckDBPyConnection, files: list[tuple[str, int, int, str, bool]]) -> None:
    """Record files as seen: (file_path, size, mtime_ns, delivery_id, duplicate)."""
    if files:
        rows = pd.DataFrame(files, columns=["file_path", "size", "mtime_ns", "delivery_id", "duplicate"])
        con.register("seen_rows", rows)
        con.execute("insert or replace into raw.seen_files by name select * from seen_rows")
        con.unregister("seen_rows")


# Explicit types: inferred from the first rows, an all-empty list or message column would be typed NULL.
LEDGER_SCHEMA = pa.schema([
    ("delivery_id", pa.string()), ("feed", pa.string()), ("file_path", pa.string()), ("department_id", pa.string()),
    ("delivery_date", pa.date32()), ("seq", pa.int32()), ("file_format", pa.string()), ("encoding", pa.string()),
    ("status", pa.string()), ("message", pa.string()), ("rows_in", pa.int64()), ("rows_accepted", pa.int64()),
    ("rows_set_aside", pa.int64()), ("missing_columns", pa.list_(pa.string())), ("extra_columns", pa.list_(pa.string())),
    ("ingested_at", pa.timestamp("us")),
])


def _ledger_table(ledgers: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(ledgers, schema=LEDGER_SCHEMA)


def write_batch(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    ledgers: list[dict],
    accepted: pd.DataFrame,
    set_aside: pd.DataFrame,
    seen: list[tuple[str, int, int, str]],
) -> None:
    """Write a batch of deliveries in one transaction: their rows (with lineage columns), set-aside rows
    (with delivery_id, feed, file_path), ledger entries (raw.deliveries columns) and the files seen."""
    con.execute("begin transaction")
    try:
        mark_seen(con, [(*file, False) for file in seen])
        if not accepted.empty:
            con.register("accepted_rows", accepted)
            con.execute(f"insert into raw.{feed.feed} by name select * from accepted_rows")
            con.unregister("accepted_rows")
        if not set_aside.empty:
            rows = set_aside.assign(value=set_aside["value"].astype("string"))
            con.register("set_aside_rows", rows)
            con.execute("insert into raw.set_aside by name select * from set_aside_rows")
            con.unregister("set_aside_rows")
        con.register("ledger_rows", _ledger_table(ledgers))
        con.execute("insert into raw.deliveries by name select * from ledger_rows")
        con.unregister("ledger_rows")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
