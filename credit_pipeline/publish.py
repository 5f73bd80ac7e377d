"""Publishing the marts for BI and the disclosure site, atomically (SPEC §6).

Each publication is a new release folder (Parquet per mart + published.duckdb + manifest.json);
$CREDIT_HOME/publish is a symlink switched to it with one rename, so a reader sees the old set or
the new one, never half. Readers never open the warehouse, so they never block the pipeline.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import duckdb

from credit_pipeline.rerating import per_subject_tables
from credit_pipeline.settings import DBT_MANIFEST

MARTS = (
    "credit_archive",
    "credit_rating",
    "rating_history",
    "public_disclosure",
    "supervision_plan",
    "joint_measures",
    "department_quality",
    "lifecycle_history",
    "measure_list",
    "red_black_conflicts",
    "related_party_risks",
    "data_sharing",
)
KEEP_RELEASES = 3
LITERAL_FILTER_MAX = 10_000  # records whose disclosure rows are replaced by a constant filter


def _release_name(run_id: str) -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S%f") + "-" + run_id[:8]


def _republished_subjects(con: duckdb.DuckDBPyConnection, previous: dict | None) -> str | None:
    """SQL listing the subjects re-rated since the previous release, or None when a full release is needed:
    no previous release, or a full rating since (every subject may have changed, e.g. a new as-of date)."""
    since = (previous or {}).get("rated_through")
    if since is None:
        return None
    last_full = con.execute("select max(rated_at) from warehouse.raw.ratings where mode = 'full'").fetchone()[0]
    if last_full is not None and last_full.isoformat() > since:
        return None
    return (
        "select distinct s.subject_id from warehouse.raw.rerated_subjects s join warehouse.raw.ratings r using (run_id) "
        f"where r.rated_at > timestamp '{since}'"
    )


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, mart: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, mart],
    ).fetchall()


def _same_columns(con: duckdb.DuckDBPyConnection, mart: str) -> bool:
    return _columns(con, "published", "main", mart) == _columns(con, "warehouse", "marts", mart)


def _has_subject_id(con: duckdb.DuckDBPyConnection, mart: str) -> bool:
    return any(name == "subject_id" for name, _ in _columns(con, "warehouse", "marts", mart))


def _apply_changes(con: duckdb.DuckDBPyConnection, subjects: str, per_subject: set[str]) -> set[str]:
    """Replace the re-rated subjects' rows in the copied release's keyed marts; return those that changed."""
    changed = set()
    # public_disclosure has no unmasked subject key, so its rows are replaced by record: every record of
    # the subjects as published before and as rated now (a record shared with another subject is
    # rewritten from the warehouse unchanged).
    con.execute(f"""
        create temp table changed_records as
        select feed, document_no from main.credit_archive where role = '本人' and subject_id in ({subjects})
        union
        select feed, document_no from warehouse.marts.credit_archive where role = '本人' and subject_id in ({subjects})
    """)
    for mart in MARTS:
        if mart in per_subject:
            key, keys = "subject_id", f"({subjects})"
        elif mart == "public_disclosure":
            key, keys = "(feed, document_no)", "(select feed, document_no from changed_records)"
            documents = [r[0] for r in con.execute("select distinct document_no from changed_records").fetchall()]
            if len(documents) <= LITERAL_FILTER_MAX:
                # As constants the filter reaches the archive scan under the view; as a join it would not.
                literal = ", ".join("'" + d.replace("'", "''") + "'" for d in documents) or "null"
                keys = f"{keys} and document_no in ({literal})"
        else:
            continue  # rewritten whole by build_release
        removed = con.execute(f"delete from main.{mart} where {key} in {keys}").fetchone()[0]
        written = con.execute(f"insert into main.{mart} by name select * from warehouse.marts.{mart} where {key} in {keys}").fetchone()[0]
        if removed or written:
            changed.add(mart)
    con.execute("drop table changed_records")
    return changed


def build_release(warehouse: Path, releases_dir: Path, run_id: str, as_of: str, previous: Path | None = None) -> Path:
    """Write every mart into a new release folder; nothing a reader sees changes yet.

    With a previous release and only scoped ratings since, its published.duckdb is copied and just the
    re-rated subjects' rows are replaced (per_subject marts, and their records in public_disclosure; the
    small rest is rewritten), and unchanged marts keep their Parquet file. Otherwise every mart is
    written from the warehouse.
    """
    release = releases_dir / _release_name(run_id)
    release.mkdir(parents=True)
    previous_manifest = read_manifest(previous) if previous else None
    if previous_manifest:
        shutil.copyfile(previous / "published.duckdb", release / "published.duckdb")
    con = duckdb.connect(str(release / "published.duckdb"))
    try:
        con.execute("set preserve_insertion_order = false")  # lets the Parquet writer use every core
        con.execute(f"attach '{warehouse}' as warehouse (read_only)")
        rated_through = con.execute("select max(rated_at) from warehouse.raw.ratings").fetchone()[0]
        subjects = _republished_subjects(con, previous_manifest) if previous_manifest else None
        per_subject = {table for schema, table in per_subject_tables(DBT_MANIFEST) if schema == "marts"}
        if subjects is not None and not all(_same_columns(con, mart) for mart in MARTS):
            subjects = None
        keyed = per_subject | {"public_disclosure"} if subjects is not None else set()
        con.execute("begin")
        changed = _apply_changes(con, subjects, per_subject) if keyed else set()
        for mart in MARTS:
            if mart not in keyed:
                # Sorted by subject, so a look-up of one subject (credit-pipeline check) reads a few row groups
                # of each table instead of all of them; rows replaced later are appended at the end.
                order = " order by subject_id" if _has_subject_id(con, mart) else ""
                con.execute(f"create or replace table main.{mart} as select * from warehouse.marts.{mart}{order}")
                changed.add(mart)
        con.execute("commit")
        republished = con.execute(f"select count(*) from ({subjects})").fetchone()[0] if subjects is not None else None
        counts = {}
        for mart in MARTS:
            target = release / f"{mart}.parquet"
            if mart in changed:
                # snappy: about a third faster to write than zstd at city scale, for files ~1.3× larger.
                con.execute(f"copy main.{mart} to '{target}' (format parquet, compression snappy)")
            else:
                os.link(previous / target.name, target)  # unchanged: the previous release's file, not a copy
            counts[mart] = con.execute(f"select count(*) from main.{mart}").fetchone()[0]
        con.execute("detach warehouse")
    finally:
        con.close()
    manifest = {
        "as_of_date": as_of,
        "run_id": run_id,
        "published_at": datetime.now().isoformat(timespec="seconds"),
        "rated_through": rated_through.isoformat() if rated_through else None,
        "mode": "full" if republished is None else "incremental",
        "subjects_republished": republished,
        "rows": counts,
    }
    (release / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return release


def switch_to(release: Path, publish_dir: Path) -> None:
    """Point publish_dir at the release with an atomic rename of a symlink."""
    if publish_dir.exists() and not publish_dir.is_symlink():
        # A plain folder from elsewhere: keep it as a release rather than delete it.
        publish_dir.rename(release.parent / f"previous-{datetime.now():%Y%m%dT%H%M%S}")
    staging_link = publish_dir.with_name(publish_dir.name + ".switching")
    if staging_link.is_symlink():
        staging_link.unlink()
    staging_link.symlink_to(os.path.relpath(release, publish_dir.parent), target_is_directory=True)
    os.replace(staging_link, publish_dir)


def prune_releases(releases_dir: Path, publish_dir: Path, keep: int = KEEP_RELEASES) -> None:
    current = publish_dir.resolve() if publish_dir.exists() else None
    releases = sorted(p for p in releases_dir.iterdir() if p.is_dir())
    for old in releases[:-keep]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def publish(warehouse: Path, home: Path, run_id: str, as_of: str) -> dict:
    releases_dir, publish_dir = home / "releases", home / "publish"
    previous = publish_dir.resolve() if publish_dir.exists() else None
    release = build_release(warehouse, releases_dir, run_id, as_of, previous)
    switch_to(release, publish_dir)
    prune_releases(releases_dir, publish_dir)
    return json.loads((release / "manifest.json").read_text(encoding="utf-8")) | {"release": str(release)}


def read_manifest(publish_dir: Path) -> dict | None:
    path = publish_dir / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
