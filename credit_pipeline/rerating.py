"""Scoped re-rating (SPEC §5): after a repair, an objection outcome or any new delivery, re-rate only
the subjects it touches and republish, without rebuilding what did not change.

The dbt models are the same in both modes. A scoped run builds them with the `scoped` target into
scoped_<layer> schemas, where every staging model keeps only the rows of the subjects in
rating_scope; `merge_scope` then replaces, in one transaction, the rows of the scope's core subjects
in every table tagged `per_subject`. Deliveries are marked rated in that same transaction, so a run
that fails before it leaves them in the next scope, and a rerun gives the same result.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from credit_pipeline.ingest.lake import Lake

# Run tag choosing how the models are built: "full" (every subject, the daily job) or "scoped"
# (only the subjects new deliveries touch, merged into the warehouse; the sensors' job).
RATING_MODE_TAG = "credit/rating"
PER_SUBJECT_TAG = "per_subject"
SCOPED_PREFIX = "scoped_"
CORE_SUBJECTS = f"select subject_id from {SCOPED_PREFIX}scope.rating_scope where is_core"


@dataclass(frozen=True)
class MergeReport:
    core_subjects: int
    context_subjects: int
    deliveries: int
    rows: dict[str, tuple[int, int]]  # table -> (rows removed, rows written)


def per_subject_tables(manifest_path: Path) -> list[tuple[str, str]]:
    """(schema, table) of every model tagged per_subject, from the dbt manifest (the default target's schemas)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return sorted(
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and PER_SUBJECT_TAG in node["tags"]
    )


def models_fingerprint(manifest_path: Path) -> str:
    """The dbt models' code (their checksums in the manifest): a scoped rating merges into tables built by the same code."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    checksums = sorted(
        (uid, node["checksum"]["checksum"]) for uid, node in manifest["nodes"].items() if node["resource_type"] in ("model", "seed")
    )
    return hashlib.sha256(json.dumps(checksums).encode()).hexdigest()


def scope_refusal(warehouse: Path, manifest_path: Path) -> str | None:
    """Why a scoped rating cannot run now (then the full build runs), or None. It needs a full rating to
    merge into, built by the same models and rules: after a deploy the tables' columns may differ."""
    if not warehouse.exists():
        return "no warehouse yet"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        has_ratings = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'pipeline' and table_name = 'ratings'"
        ).fetchone()[0]
        last_full = con.execute(
            "select models_fingerprint from pipeline.ratings where mode = 'full' order by rated_at desc limit 1"
        ).fetchone() if has_ratings else None
    if last_full is None:
        return "no full rating to merge into yet"
    if last_full[0] != models_fingerprint(manifest_path):
        return "the dbt models or rules changed since the last full rating"
    return None


def record_rating(con: duckdb.DuckDBPyConnection, lake: Lake, run_id: str, mode: str, as_of: date, fingerprint: str) -> int:
    """Log the rating; every delivery in the lake's ledger not yet rated now is (the run ingested before it
    rated, and no other run writes meanwhile), and leaves the next rating_scope."""
    con.execute("insert or replace into pipeline.ratings values (?, ?, ?, now()::timestamp, ?)", [run_id, mode, as_of, fingerprint])
    return con.execute(
        f"""
        insert into pipeline.rated_deliveries
        select distinct delivery_id, ? from {lake.glob('_deliveries')}
        where delivery_id not in (select delivery_id from pipeline.rated_deliveries)
        """,
        [run_id],
    ).fetchone()[0]


def record_full_rating(warehouse: Path, lake: Lake, manifest_path: Path, run_id: str, as_of: date) -> int:
    with duckdb.connect(str(warehouse)) as con:
        return record_rating(con, lake, run_id, "full", as_of, models_fingerprint(manifest_path))


def merge_scope(warehouse: Path, lake: Lake, manifest_path: Path, run_id: str, as_of: date) -> MergeReport:
    """Replace the core subjects' rows in every per-subject table with the scoped build's, atomically."""
    tables = per_subject_tables(manifest_path)
    with duckdb.connect(str(warehouse)) as con:
        core, context = con.execute(
            f"select count(*) filter (where is_core), count(*) filter (where not is_core) from {SCOPED_PREFIX}scope.rating_scope"
        ).fetchone()
        con.execute("begin")
        try:
            rows = {}
            for schema, table in tables:
                removed = con.execute(f"delete from {schema}.{table} where subject_id in ({CORE_SUBJECTS})").fetchone()[0]
                written = con.execute(
                    f"insert into {schema}.{table} by name "
                    f"select * from {SCOPED_PREFIX}{schema}.{table} where subject_id in ({CORE_SUBJECTS})"
                ).fetchone()[0]
                rows[f"{schema}.{table}"] = (removed, written)
            con.execute(f"insert into pipeline.rerated_subjects select ?, subject_id from ({CORE_SUBJECTS})", [run_id])
            deliveries = record_rating(con, lake, run_id, "scoped", as_of, models_fingerprint(manifest_path))
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return MergeReport(core_subjects=core, context_subjects=context, deliveries=deliveries, rows=rows)
