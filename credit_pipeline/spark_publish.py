"""Publishing a release built on Spark, in the very layout of publish.py (SPEC §6).

Spark writes the marts' files itself, into the new release folder: `dbt run-operation publish_marts` (macros/
publication.sql) over the dbt target the build used, so it runs wherever the build ran (a local session, a
cluster's Thrift or Connect server). A Spark-built release is always written in full: every Spark run builds every
subject (plain Parquet tables have no DELETE to merge a scoped re-rating into), so every file may have changed.

This side then makes the folder what publish.py makes: one part-N.parquet per bucket folder, every bucket folder
there (an empty file where no subject hashes), no Spark bookkeeping files; the same views in published.duckdb, the
same manifest (engine: spark) and the same atomic switch of $CREDIT_HOME/publish. The release folder must be
where Spark writes and the readers read alike (on a cluster: a shared file system mounted at the same path).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb

from credit_pipeline.ingest.lake import Lake
from credit_pipeline.ingest.rules import literal
from credit_pipeline.publish import (
    MAX_BUCKETS,
    ROWS_PER_BUCKET,
    MartPlan,
    buckets_for,
    finish_release,
    install_release,
    mart_glob,
    published_marts,
    release_name,
    write_empty_bucket,
)

SCRATCH = ".spark"  # what the Spark side leaves for this one: each mart's rows, buckets and columns

# A run-operation of the dbt project on the Spark target: (macro, its arguments) -> None, raising when it fails.
RunOperation = Callable[[str, dict], None]


def publish_from_spark(home: Path, run_id: str, as_of: str, run_operation: RunOperation,
                       on_mart: Callable[[int], None] | None = None) -> dict:
    """Have Spark write every mart into a new release, finish it, and switch readers to it; its manifest.
    `on_mart` hears of each mart checked."""
    release = home / "releases" / release_name(run_id)
    release.mkdir(parents=True)
    try:
        run_operation("publish_marts", {"release": str(release), "marts": list(published_marts()),
                                        "rows_per_bucket": ROWS_PER_BUCKET, "max_buckets": MAX_BUCKETS})
        plans = tidy_release(release, on_mart)
        finish_release(release, plans, {
            "as_of_date": as_of,
            "run_id": run_id,
            "engine": "spark",
            "published_at": datetime.now().isoformat(timespec="seconds"),
            "rated_through": datetime.now().isoformat(),
            "mode": "full",
            "subjects_republished": None,
            "deliveries_rated": _deliveries(home),
        })
    except BaseException:
        shutil.rmtree(release, ignore_errors=True)  # never half a release: readers keep the current one
        raise
    return install_release(release, home)


def tidy_release(release: Path, on_mart: Callable[[int], None] | None = None) -> list[MartPlan]:
    """Turn what Spark wrote into publish.py's layout, checking it against what Spark said it wrote."""
    written = [json.loads(line) for part in sorted((release / SCRATCH / "marts").glob("*.json"))
               for line in part.read_text(encoding="utf-8").splitlines() if line.strip()]
    if sorted(m["name"] for m in written) != sorted(published_marts()):
        raise RuntimeError(f"Spark published {sorted(m['name'] for m in written)}, not the marts {list(published_marts())}")
    plans = []
    with duckdb.connect() as con:
        for mart in sorted(written, key=lambda m: m["name"]):
            name, keyed, rows, buckets = mart["name"], mart["keyed"], mart["rows"], mart["buckets"]
            if buckets != (buckets_for(rows) if keyed else 1):
                raise RuntimeError(f"{name}: Spark wrote {buckets} buckets for {rows:,} rows, publish.buckets_for says "
                                   f"{buckets_for(rows)}")
            folder = release / name
            folder.mkdir(exist_ok=True)  # an empty mart without subjects: Spark wrote no folder
            _name_parts(folder)
            schema = f"read_parquet({literal(str(release / SCRATCH / 'schema' / name / '*.parquet'))})"
            if keyed:
                for bucket in range(buckets):
                    write_empty_bucket(con, schema, folder, bucket)
                    _name_parts(folder / f"bucket={bucket:03d}")
                if sorted(p.name for p in folder.iterdir()) != [f"bucket={b:03d}" for b in range(buckets)]:
                    raise RuntimeError(f"{name}: bucket folders other than 0..{buckets - 1}: {sorted(p.name for p in folder.iterdir())}")
            elif not any(folder.glob("*.parquet")):
                con.execute(f"copy (select * from {schema}) to {literal(str(folder / 'part-0.parquet'))} (format parquet)")
            found = con.execute(f"select count(*) from read_parquet({literal(mart_glob(release, name, keyed))})").fetchone()[0]
            if found != rows:
                raise RuntimeError(f"{name}: {found:,} rows in the files Spark wrote, {rows:,} in the mart")
            columns = [tuple(r[:2]) for r in con.execute(f"describe select * from {schema}").fetchall()]
            plans.append(MartPlan(name, keyed, buckets, rows, columns, None))
            if on_mart:
                on_mart(1)
    shutil.rmtree(release / SCRATCH)
    return plans


def _name_parts(folder: Path) -> None:
    """part-0.parquet, part-1.parquet …, as DuckDB names them; Spark's checksum files and markers go."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.is_file() and (path.name.endswith(".crc") or path.name.startswith("_")):
            path.unlink()
    for i, path in enumerate(sorted(folder.glob("*.parquet"))):
        if path.name != f"part-{i}.parquet":
            path.rename(folder / f"part-{i}.parquet")


def _deliveries(home: Path) -> int:
    """Deliveries in the lake's ledger: the Spark build rated every one of them."""
    with duckdb.connect() as con:
        return con.execute(f"select count(distinct delivery_id) from {Lake(home / 'lake').glob('_deliveries')}").fetchone()[0]
