"""The raw layer: Parquet files under $CREDIT_HOME/lake/raw, append-only, one folder per feed.

Every ingested batch adds one file to each of:

    raw/<feed>/<batch>.parquet                 accepted rows, typed, with their lineage (file, line, delivery)
    raw/_set_aside/<feed>__<batch>.parquet     rows set aside, with file, line, rule and the original record
    raw/_files/<feed>__<batch>.parquet         the files the batch looked at (stat, content hash)
    raw/_deliveries/<feed>__<batch>.parquet    the ledger: one row per delivery with rows in, accepted, set aside

and every ingestion that finds something in the drop that is not a delivery (a misnamed file, a symlink, an unknown
folder, a file it cannot read) and was not recorded before adds `raw/_drop_problems/<batch>.parquet`, one file
written then renamed, complete by itself. Each folder has its columns in raw/<folder>/_schema.parquet (zero rows),
copied to schemas/<folder>.parquet for Spark, which skips files whose names start with an underscore.

Each file is written under a temporary name and renamed into place; the ledger file is renamed last and is the
batch's commit mark. A batch interrupted before its ledger landed leaves files no ledger names: `clean` removes
them before the next ingestion, whose scan then finds those deliveries new again. Readers (dbt on DuckDB or
Spark, anything that reads Parquet) need no lock on anything, and ingestion needs none on the warehouse.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import duckdb

from credit_pipeline.catalogue import Feed
from credit_pipeline.ingest.rules import literal, quote

SQL_TYPES = {"date": "DATE", "amount": "DOUBLE"}
LINEAGE = (
    ("_delivery_id", "VARCHAR"),
    ("_file", "VARCHAR"),
    ("_line", "BIGINT"),  # as every batch writes it
    ("_delivery_date", "DATE"),
    ("_delivery_seq", "INTEGER"),
    ("_department_id", "VARCHAR"),
    ("_extra", "VARCHAR"),  # unknown columns of the delivery, as a JSON object
)
LEDGER = (
    ("delivery_id", "VARCHAR"),  # sha256 of the file's bytes
    ("feed", "VARCHAR"),
    ("file_path", "VARCHAR"),  # relative to the feed drop
    ("department_id", "VARCHAR"),
    ("department_id_valid", "BOOLEAN"),  # the USCC in the file name has a right check character
    ("delivery_date", "DATE"),
    ("seq", "INTEGER"),  # the _<n> of the file name, 0 without one
    ("file_format", "VARCHAR"),
    ("encoding", "VARCHAR"),
    ("status", "VARCHAR"),  # ingested | unreadable | missing_required_column | duplicated_column
    ("message", "VARCHAR"),
    ("rows_in", "BIGINT"),
    ("rows_accepted", "BIGINT"),
    ("rows_set_aside", "BIGINT"),
    ("missing_columns", "VARCHAR[]"),
    ("extra_columns", "VARCHAR[]"),
    ("ingested_at", "TIMESTAMP"),
    ("batch_id", "VARCHAR"),
)
SET_ASIDE = (
    ("delivery_id", "VARCHAR"),
    ("feed", "VARCHAR"),
    ("file_path", "VARCHAR"),
    ("_line", "BIGINT"),  # as every batch writes it
    ("rule", "VARCHAR"),  # the first rule broken (rules.RULE_ORDER)
    ("rules", "VARCHAR"),  # every rule broken, |-separated
    ("item", "VARCHAR"),
    ("value", "VARCHAR"),
    ("record", "VARCHAR"),  # the original record as delivered, a JSON object (or the line's text)
)
FILES = (
    ("file_path", "VARCHAR"),
    ("size", "BIGINT"),
    ("mtime_ns", "BIGINT"),
    ("delivery_id", "VARCHAR"),
    ("duplicate", "BOOLEAN"),  # its bytes were delivered before under another name
    ("batch_id", "VARCHAR"),
)
DROP_PROBLEMS = (
    ("file_path", "VARCHAR"),  # relative to the feed drop; a folder ends with /
    ("problem", "VARCHAR"),
    ("found_at", "TIMESTAMP"),
)
SELF_COMMITTED = ("_drop_problems",)  # folders whose files need no ledger file to count as written
SCHEMA_FILE = "_schema.parquet"  # zero rows, the current columns: a folder with no batch yet still reads as a table
# The same zero-row files under names Spark reads (it skips every file whose name starts with _ or .): the Spark
# target registers each raw table with these columns, so a feed with no delivery yet is an empty table there too.
SCHEMAS_DIR = "schemas"


def feed_columns(feed: Feed) -> list[tuple[str, str]]:
    return [(i.item, SQL_TYPES.get(i.format, "VARCHAR")) for i in feed.items] + list(LINEAGE)


def _empty_select(columns) -> str:
    return "select " + ", ".join(f"cast(null as {t}) as {quote(n)}" for n, t in columns) + " where false"


class Lake:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.raw = self.root / "raw"

    def folder(self, name: str) -> Path:
        """A feed's folder, or one of the shared ones: _deliveries, _set_aside, _files."""
        return self.raw / name

    def glob(self, name: str) -> str:
        """SQL reading every file of a folder as one table (columns matched by name)."""
        return f"read_parquet({literal(str(self.folder(name) / '*.parquet'))}, union_by_name = true)"

    def ensure(self, con: duckdb.DuckDBPyConnection, feeds: list[Feed]) -> None:
        """Folders and their schema files, rewritten when the catalogue's columns changed."""
        tables = {"_deliveries": list(LEDGER), "_set_aside": list(SET_ASIDE), "_files": list(FILES),
                  "_drop_problems": list(DROP_PROBLEMS)}
        tables |= {f.feed: feed_columns(f) for f in feeds}
        for name, columns in tables.items():
            folder = self.folder(name)
            folder.mkdir(parents=True, exist_ok=True)
            schema, visible = folder / SCHEMA_FILE, self.schema_file(name)
            current = schema.exists() and columns == [
                tuple(r[:2]) for r in con.execute(f"describe select * from read_parquet({literal(str(schema))})").fetchall()]
            if not current:
                self._write(con, _empty_select(columns), schema)
            elif visible.exists():
                continue
            visible.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(schema, visible)

    def schema_file(self, name: str) -> Path:
        """The columns of a raw folder as a zero-row Parquet file Spark reads: schemas/<name without leading _>.parquet."""
        return self.root / SCHEMAS_DIR / f"{name.lstrip('_')}.parquet"

    def clean(self) -> list[Path]:
        """Remove what an interrupted batch left: temporary files, and files of batches without a ledger file."""
        if not self.raw.exists():
            return []
        committed = {p.name.split("__", 1)[1] for p in self.folder("_deliveries").glob("*__*.parquet")}
        removed = []
        for folder in (p for p in self.raw.iterdir() if p.is_dir()):
            for path in folder.iterdir():
                if folder.name in SELF_COMMITTED and not path.name.endswith(".tmp"):
                    continue
                batch = path.name.split("__", 1)[-1]
                if path.name.endswith(".tmp") or (path.name != SCHEMA_FILE and path.suffix == ".parquet" and batch not in committed):
                    path.unlink()
                    removed.append(path)
        return removed

    @staticmethod
    def new_batch_id() -> str:
        # Sorts by time: listing a folder gives the batches in the order they were ingested.
        return datetime.now().strftime("%Y%m%dT%H%M%S%f") + "-" + uuid4().hex[:8]

    def commit(self, con: duckdb.DuckDBPyConnection, feed: str, batch_id: str, rows: str, set_aside: str,
               files: str, ledger: str) -> None:
        """Write a batch: each relation (SQL) to a temporary file, then renamed into place, the ledger last."""
        targets = [
            (rows, self.folder(feed) / f"{batch_id}.parquet"),
            (set_aside, self.folder("_set_aside") / f"{feed}__{batch_id}.parquet"),
            (files, self.folder("_files") / f"{feed}__{batch_id}.parquet"),
            (ledger, self.folder("_deliveries") / f"{feed}__{batch_id}.parquet"),
        ]
        written = []
        for sql, target in targets:
            temporary = target.with_name(target.name + ".tmp")
            self._write(con, sql, temporary)
            written.append((temporary, target))
        for temporary, target in written:
            os.replace(temporary, target)

    def record_drop_problems(self, con: duckdb.DuckDBPyConnection, problems: list[tuple[str, str]]) -> int:
        """Add the (file_path, problem) pairs not recorded before; how many were new."""
        known = set(con.execute(f"select file_path, problem from {self.glob('_drop_problems')}").fetchall())
        new = sorted(set(problems) - known)
        if new:
            rows = ", ".join(f"({literal(path)}, {literal(problem)})" for path, problem in new)
            self._write(con, f"select file_path, problem, localtimestamp as found_at from (values {rows}) v(file_path, problem)",
                        self.folder("_drop_problems") / f"{self.new_batch_id()}.parquet")
        return len(new)

    @staticmethod
    def _write(con: duckdb.DuckDBPyConnection, sql: str, target: Path) -> None:
        temporary = target if target.name.endswith(".tmp") else target.with_name(target.name + ".tmp")
        con.execute(f"copy ({sql}) to {literal(str(temporary))} (format parquet, compression zstd)")
        if temporary != target:
            os.replace(temporary, target)
