"""Publishing the marts for BI and the disclosure site, atomically (SPEC §6).

Each publication is a new release folder, immutable once written:

    releases/<name>/<mart>/bucket=NN/part-0.parquet   a mart with subject_id, split by subject (hive style)
    releases/<name>/<mart>/part-0.parquet             a mart without (the measure list)
    releases/<name>/published.duckdb                  one view per mart over its files, with the dbt descriptions
                                                      of the mart and its columns as comments
    releases/<name>/manifest.json                     as-of date, run, rows, buckets, what was republished

`$CREDIT_HOME/publish` is a symlink switched to the new release with one rename, so a reader sees the old set or
the new one, never half. Readers never open the warehouse, so they never block the pipeline.

A subject's rows sit in the bucket its id hashes to (`bucket_sql`, the same on every engine). After scoped
ratings only the buckets holding a re-rated subject are written again; every other file is a hard link to the
previous release's. A mart is written whole after a full rating, when its columns changed, or when its number
of buckets changed with its size, or when the previous release was built by the other engine.

This module writes a release from the DuckDB warehouse; spark_publish.py writes the marts' files from Spark in
the same layout and finishes the release with the same views, manifest and switch (`finish_release`).
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import duckdb

from credit_pipeline.ingest.rules import literal, quote
from credit_pipeline.settings import DBT_MANIFEST, duckdb_memory

KEEP_RELEASES = 3
ROWS_PER_BUCKET = 100_000  # a repair rewrites one file per mart of about this many rows, whatever the archive's size
MAX_BUCKETS = 256
PUBLIC_MART = "public_disclosure"  # its subject_id is masked: rows are bucketed by the masked id


def bucket_sql(column: str, buckets: int) -> str:
    """The bucket of a subject id: the first 32 bits of its md5, modulo the mart's number of buckets (md5 is the same
    on every engine and version, unlike hash()). In DuckDB's SQL; Spark's is in dbt_project/macros/publication.sql."""
    return f"(('0x' || substr(md5({column}), 1, 8))::bigint % {buckets})::integer"


@cache
def _mart_models(manifest_path: Path = DBT_MANIFEST) -> dict[str, dict]:
    """Every model of the dbt project's marts folder, by name, as the dbt manifest describes it."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    return {node["alias"]: node for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["fqn"][1:2] == ["marts"]}


def published_marts(manifest_path: Path = DBT_MANIFEST) -> tuple[str, ...]:
    """Every model of the dbt project's marts folder, in name order: what a release holds."""
    return tuple(sorted(_mart_models(manifest_path)))


BUCKET_DESCRIPTION = ("The release's bucket of the row's subject: the first 32 bits of md5(subject_id), modulo the "
                      "mart's number of buckets (the folder bucket=NNN its file lies in). Not a column of the mart.")


def describe_views(con: duckdb.DuckDBPyConnection, marts: list[str], manifest_path: Path = DBT_MANIFEST) -> None:
    """The dbt project's descriptions of each mart and its columns as comments on the mart's view in
    published.duckdb (COMMENT ON VIEW / COLUMN), so that BI sees them where it reads: duckdb_views().comment,
    duckdb_columns().comment, and the column lists of tools that show comments."""
    models = _mart_models(manifest_path)
    for mart in marts:
        model = models.get(mart, {})
        if model.get("description", "").strip():
            con.execute(f"comment on view {quote(mart)} is {literal(model['description'].strip())}")
        columns = {name for (name,) in con.execute(
            "select column_name from duckdb_columns() where table_name = ?", [mart]).fetchall()}
        described = {name: spec.get("description", "").strip() for name, spec in model.get("columns", {}).items()}
        if "bucket" in columns:
            described["bucket"] = BUCKET_DESCRIPTION
        for name, text in described.items():
            if text and name in columns:
                con.execute(f"comment on column {quote(mart)}.{quote(name)} is {literal(text)}")


def buckets_for(rows: int) -> int:
    """A power of two so that a bucket holds about ROWS_PER_BUCKET rows (1 for a small mart)."""
    return min(MAX_BUCKETS, 2 ** max(0, math.ceil(math.log2(max(rows, 1) / ROWS_PER_BUCKET))))


@dataclass
class MartPlan:
    name: str
    keyed: bool  # has subject_id: split into buckets
    buckets: int
    rows: int
    columns: list[tuple[str, str]]
    rewrite: set[int] | None  # buckets to write; None: all of them


def release_name(run_id: str) -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S%f") + "-" + run_id[:8]


def _columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'warehouse' and table_schema = 'marts' and table_name = ? order by ordinal_position",
        [mart],
    ).fetchall()]


def _republished_subjects(con: duckdb.DuckDBPyConnection, previous: dict | None) -> str | None:
    """SQL listing the subjects re-rated since the previous release, or None when every subject may have changed:
    no previous release, or a full rating since it."""
    since = (previous or {}).get("rated_through")
    if since is None:
        return None
    last_full = con.execute("select max(rated_at) from warehouse.pipeline.ratings where mode = 'full'").fetchone()[0]
    if last_full is not None and last_full.isoformat() > since:
        return None
    return ("select distinct s.subject_id from warehouse.pipeline.rerated_subjects s "
            f"join warehouse.pipeline.ratings r using (run_id) where r.rated_at > timestamp {literal(since)}")


def _plan(con: duckdb.DuckDBPyConnection, marts: tuple[str, ...], previous: dict | None, subjects: str | None) -> list[MartPlan]:
    plans = []
    before = (previous or {}).get("marts", {})
    for mart in marts:
        columns = _columns(con, mart)
        keyed = any(name == "subject_id" for name, _ in columns)
        rows = con.execute(f"select count(*) from warehouse.marts.{quote(mart)}").fetchone()[0]
        buckets = buckets_for(rows) if keyed else 1
        earlier = before.get(mart, {})
        same_shape = earlier.get("columns") == [list(c) for c in columns] and earlier.get("buckets") == buckets
        rewrite = None
        if subjects is not None and keyed and same_shape:
            # The masked id of a natural person is what public_disclosure is split by.
            key = ("coalesce(r.public_subject_id, s.subject_id)" if mart == PUBLIC_MART else "s.subject_id")
            rewrite = {b for (b,) in con.execute(
                f"select distinct {bucket_sql(key, buckets)} from ({subjects}) s "
                "left join warehouse.marts.credit_rating r using (subject_id)"
            ).fetchall()}
        plans.append(MartPlan(mart, keyed, buckets, rows, columns, rewrite))
    return plans


def _write_mart(con: duckdb.DuckDBPyConnection, plan: MartPlan, release: Path, previous: Path | None) -> None:
    folder = release / plan.name
    folder.mkdir()
    source = f"warehouse.marts.{quote(plan.name)}"
    if not plan.keyed:
        con.execute(f"copy (select * from {source}) to {literal(str(folder / 'part-0.parquet'))} (format parquet, compression zstd)")
        return
    bucket = bucket_sql("subject_id", plan.buckets)
    wanted = range(plan.buckets) if plan.rewrite is None else sorted(plan.rewrite)
    if plan.rewrite is not None:
        for b in range(plan.buckets):
            if b not in plan.rewrite and (previous / plan.name / f"bucket={b:03d}").exists():
                (folder / f"bucket={b:03d}").mkdir()
                for part in (previous / plan.name / f"bucket={b:03d}").iterdir():
                    os.link(part, folder / f"bucket={b:03d}" / part.name)  # unchanged: the same file, not a copy
    if wanted:
        # Sorted by subject within a bucket: a look-up of one subject reads a few row groups of one file.
        filter_ = "" if plan.rewrite is None else f"where {bucket} in ({', '.join(map(str, wanted))})"
        con.execute(
            f"copy (select *, {bucket} as bucket from {source} {filter_} order by bucket, subject_id) "
            f"to {literal(str(folder))} (format parquet, compression zstd, partition_by (bucket), "
            "filename_pattern 'part-{i}', overwrite_or_ignore true)"
        )
        _normalise_bucket_folders(folder)
    for b in wanted:
        write_empty_bucket(con, source, folder, b)


def write_empty_bucket(con: duckdb.DuckDBPyConnection, source: str, folder: Path, bucket: int) -> None:
    """A bucket no row hashes to is still there, with one empty file, so that every reader sees every bucket."""
    target = folder / f"bucket={bucket:03d}"
    if not target.exists():
        target.mkdir()
        con.execute(
            f"copy (select *, 0 as bucket from {source} where false) to {literal(str(target / 'part-0.parquet'))} "
            "(format parquet)"
        )


def _normalise_bucket_folders(folder: Path) -> None:
    """DuckDB names partition folders bucket=7; releases name them bucket=007 so they list in order."""
    for path in list(folder.iterdir()):
        name = path.name
        if name.startswith("bucket=") and len(name) != len("bucket=000"):
            path.rename(folder / f"bucket={int(name.split('=')[1]):03d}")


def mart_glob(release: Path, mart: str, keyed: bool) -> str:
    return str(release / mart / ("*/*.parquet" if keyed else "*.parquet"))


def build_release(warehouse: Path, releases_dir: Path, run_id: str, as_of: str, previous: Path | None = None,
                  engine: str = "duckdb", on_mart: Callable[[int], None] | None = None) -> Path | None:
    """Write a new release folder (nothing a reader sees changes yet); None when nothing changed since `previous`."""
    previous_manifest = read_manifest(previous) if previous else None
    # Within dbt's memory, spilling under the home: unbounded, a city's full release held 14.4 GiB.
    spill = releases_dir.parent / "tmp" / "publish"
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"preserve_insertion_order": False, "memory_limit": duckdb_memory(),
                                 "temp_directory": str(spill)})
    try:
        con.execute(f"attach {literal(str(warehouse))} as warehouse (read_only)")
        rated_through = con.execute("select max(rated_at) from warehouse.pipeline.ratings").fetchone()[0]
        deliveries = con.execute("select count(*) from warehouse.pipeline.rated_deliveries").fetchone()[0]
        # A release of the other engine shares no files with this one: write every bucket.
        same_engine = previous_manifest and previous_manifest.get("engine", "duckdb") == engine
        subjects = _republished_subjects(con, previous_manifest) if same_engine else None
        if (subjects is not None and previous_manifest.get("as_of_date") == as_of
                and previous_manifest.get("deliveries_rated") == deliveries
                and not con.execute(f"select count(*) from ({subjects})").fetchone()[0]):
            return None  # no new delivery, no subject re-rated, the same day: the release readers have stands
        plans = _plan(con, published_marts(), previous_manifest, subjects)
        release = releases_dir / release_name(run_id)
        release.mkdir(parents=True)
        for plan in plans:
            _write_mart(con, plan, release, previous)
            if on_mart:
                on_mart(1)
        republished = con.execute(f"select count(*) from ({subjects})").fetchone()[0] if subjects is not None else None
        con.execute("detach warehouse")
    finally:
        con.close()
    finish_release(release, plans, {
        "as_of_date": as_of,
        "run_id": run_id,
        "engine": engine,
        "published_at": datetime.now().isoformat(timespec="seconds"),
        "rated_through": rated_through.isoformat() if rated_through else None,
        "mode": "full" if republished is None else "incremental",
        "subjects_republished": republished,
        "deliveries_rated": deliveries,
    })
    return release


def finish_release(release: Path, plans: list[MartPlan], manifest: dict) -> None:
    """published.duckdb (a view per mart over its files) and manifest.json, whichever engine wrote the files."""
    with duckdb.connect(str(release / "published.duckdb")) as views:
        for plan in plans:
            views.execute(
                f"create view {quote(plan.name)} as select * from read_parquet({literal(mart_glob(release, plan.name, plan.keyed))}, "
                f"hive_partitioning = {'true' if plan.keyed else 'false'})"
            )
        describe_views(views, [plan.name for plan in plans])
    manifest = manifest | {
        "rows": {p.name: p.rows for p in plans},
        "marts": {p.name: {"buckets": p.buckets if p.keyed else None, "columns": [list(c) for c in p.columns],
                           "rewritten": p.buckets if p.rewrite is None else len(p.rewrite)} for p in plans},
    }
    (release / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


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


def publish(warehouse: Path, home: Path, run_id: str, as_of: str,
            on_mart: Callable[[int], None] | None = None) -> dict | None:
    """Publish a new release and switch readers to it; None when nothing changed since the current one.
    `on_mart` hears of each mart written."""
    releases_dir, publish_dir = home / "releases", home / "publish"
    previous = publish_dir.resolve() if publish_dir.exists() else None
    release = build_release(warehouse, releases_dir, run_id, as_of, previous, on_mart=on_mart)
    return None if release is None else install_release(release, home)


def install_release(release: Path, home: Path) -> dict:
    """Switch readers to a finished release, prune the old ones; its manifest, with where it is."""
    releases_dir, publish_dir = home / "releases", home / "publish"
    switch_to(release, publish_dir)
    prune_releases(releases_dir, publish_dir)
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    rewritten = sum(1 for m in manifest["marts"].values() if m["rewritten"])
    return manifest | {"release": str(release), "marts_rewritten": rewritten}


def read_manifest(publish_dir: Path) -> dict | None:
    path = publish_dir / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
