"""Re-rating only what changed (SPEC §5, §7): after a repair, an objection outcome, any new delivery, or a new day,
re-rate only the subjects it touches and republish them, without rebuilding what did not change.

The dbt models are the same in both modes. A scoped run builds them with the `scoped` target into
scoped_<layer> schemas, where every staging model keeps only the rows of the subjects in rating_scope (named in
new deliveries, tied to those, or with a date between the last rating's as-of date and this one); `merge_scope`
then replaces, in one transaction, the rows of the scope's core subjects in every table tagged `per_subject`.
Deliveries are marked rated in that same transaction, so a run that fails before it leaves them in the next
scope, and a rerun gives the same result. `rating_plan` says when every subject must be built instead.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from credit_pipeline.ingest.lake import Lake

# Run tag forcing how the models are built: "full" builds every subject; without it (or "auto") a run re-rates
# only what changed whenever that gives what a full build would (rating_plan).
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


@dataclass(frozen=True)
class RatingPlan:
    mode: str  # full | scoped
    reason: str


def _last_ratings(warehouse: Path) -> tuple[tuple | None, tuple | None]:
    """(fingerprint,) of the last full rating and (as_of_date,) of the last rating of any mode, or None."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        has_ratings = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'pipeline' and table_name = 'ratings'"
        ).fetchone()[0]
        if not has_ratings:
            return None, None
        last_full = con.execute(
            "select models_fingerprint from pipeline.ratings where mode = 'full' order by rated_at desc limit 1").fetchone()
        last = con.execute("select as_of_date from pipeline.ratings order by rated_at desc limit 1").fetchone()
    return last_full, last


def rules_coming_into_force(seeds_dir: Path, after: date, until: date) -> list[str]:
    """Seed rows (rules, catalogue) whose valid_from falls in (after, until]: from that day every subject may change."""
    found = []
    for path in sorted(Path(seeds_dir).rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                since = (row.get("valid_from") or "").strip()
                if since and after < date.fromisoformat(since) <= until:
                    found.append(f"{path.stem} from {since}")
    return sorted(set(found))


def supervision_period(seeds_dir: Path, day: date) -> str:
    """The inspection draw's period containing `day` (rule_settings.supervision_period; supervision_plan.sql draws per it)."""
    granularity = "quarter"
    with (Path(seeds_dir) / "rules" / "rule_settings.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["setting"] == "supervision_period" and date.fromisoformat(r["valid_from"]) <= day]
    if rows:
        granularity = max(rows, key=lambda r: r["valid_from"])["value"]
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if granularity == "quarter" else f"{day:%Y-%m}"


def rating_plan(warehouse: Path, manifest_path: Path, seeds_dir: Path, as_of: date, forced: str | None = None) -> RatingPlan:
    """Whether this run may re-rate only what changed (scoped) or must build every subject (full), and why.

    Scoped needs a full rating to merge into, built by the same models and rules (after a deploy the tables' columns
    may differ), and an as-of date that did not go back. Every subject is built again when a rule comes into force
    between the last as-of date and this one, or when the inspection draw enters a new period."""
    if forced == "full":
        return RatingPlan("full", "a full rating was asked for")
    if not warehouse.exists():
        return RatingPlan("full", "no warehouse yet")
    last_full, last = _last_ratings(warehouse)
    if last_full is None or last is None:
        return RatingPlan("full", "no full rating to merge into yet")
    if last_full[0] != models_fingerprint(manifest_path):
        return RatingPlan("full", "the dbt models or rules changed since the last full rating")
    last_as_of = last[0]
    if as_of < last_as_of:
        return RatingPlan("full", f"the as-of date {as_of} is before the last rating's {last_as_of}")
    rules = rules_coming_into_force(seeds_dir, last_as_of, as_of)
    if rules:
        return RatingPlan("full", f"rules come into force since {last_as_of}: {', '.join(rules[:5])}")
    if supervision_period(seeds_dir, last_as_of) != supervision_period(seeds_dir, as_of):
        return RatingPlan("full", f"a new inspection period begins ({supervision_period(seeds_dir, as_of)})")
    if as_of > last_as_of:
        return RatingPlan("scoped", f"as of {as_of}: the subjects with new deliveries and those with a date since {last_as_of}")
    return RatingPlan("scoped", "the subjects with new deliveries")


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
            # The subjects not re-rated have nothing dated between the two as-of dates: their rating holds as of the
            # new one, and says so (the column BI reads; every other mart's date is the release's).
            moved = con.execute("update marts.credit_rating set as_of_date = ? where as_of_date <> ?", [as_of, as_of]).fetchone()[0]
            rows["marts.credit_rating (as_of_date)"] = (0, moved)
            deliveries = record_rating(con, lake, run_id, "scoped", as_of, models_fingerprint(manifest_path))
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return MergeReport(core_subjects=core, context_subjects=context, deliveries=deliveries, rows=rows)
