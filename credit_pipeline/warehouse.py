"""The warehouse: the DuckDB file dbt builds the models in, and the pipeline's own bookkeeping (schema `pipeline`).

Delivered data is not here: it is the lake's raw layer (ingest/lake.py), which dbt reads in place. What the
pipeline records about itself is: every rating (full or scoped, as of which date, with which models), the
deliveries each rating took in, and the subjects a scoped rating replaced (publication republishes those).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

BOOKKEEPING_DDL = """
create schema if not exists pipeline;
create table if not exists pipeline.ratings (
    run_id     varchar primary key,
    mode       varchar not null,          -- full | scoped
    as_of_date date not null,
    rated_at   timestamp not null,
    models_fingerprint varchar            -- the dbt models and seeds it was built with
);
create table if not exists pipeline.rated_deliveries (
    delivery_id varchar primary key,
    run_id      varchar not null          -- the rating that took it in
);
create table if not exists pipeline.rerated_subjects (
    run_id     varchar not null,
    subject_id varchar not null
);
-- The as-of date of the rating being built (one row): every model and view reads it (dbt macro as_of()).
create table if not exists pipeline.run_as_of (
    as_of_date date not null
);
"""


def connect(warehouse: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse), read_only=read_only)


def ensure_bookkeeping(warehouse: Path) -> None:
    with connect(warehouse) as con:
        con.execute(BOOKKEEPING_DDL)


def set_run_as_of(warehouse: Path, as_of: date) -> None:
    """The date the models are about to be built as of (before dbt runs)."""
    with connect(warehouse) as con:
        con.execute(BOOKKEEPING_DDL)
        con.execute("begin")
        con.execute("delete from pipeline.run_as_of")
        con.execute("insert into pipeline.run_as_of values (?)", [as_of])
        con.execute("commit")
