"""The engine ingestion runs on: an in-memory DuckDB on every core, over the lake (no warehouse, no lock)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from credit_pipeline.catalogue import load_catalogue
from credit_pipeline.ingest.lake import Lake
from credit_pipeline.settings import Settings

MEMORY_LIMIT = "3GB"  # a batch is ~100 MB of text; the rest is room for the sort before the Parquet write


@contextmanager
def ingestion_engine(settings: Settings) -> Iterator[tuple[duckdb.DuckDBPyConnection, Lake]]:
    """A DuckDB connection for ingestion and the lake it writes, cleaned of any interrupted batch first."""
    lake = Lake(settings.lake_dir)
    lake.clean()
    con = duckdb.connect(config={"threads": os.cpu_count() or 1, "memory_limit": MEMORY_LIMIT,
                                 "temp_directory": str(settings.home / "tmp" / "ingest")})
    try:
        lake.ensure(con, list(load_catalogue().values()))
        yield con, lake
    finally:
        con.close()
