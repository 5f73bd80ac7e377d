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

MARTS = (
    "credit_archive",
    "credit_rating",
    "rating_history",
    "public_disclosure",
    "supervision_plan",
    "joint_measures",
    "department_quality",
)
KEEP_RELEASES = 3


def _release_name(run_id: str) -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S%f") + "-" + run_id[:8]


def build_release(warehouse: Path, releases_dir: Path, run_id: str, as_of: str) -> Path:
    """Write every mart into a new release folder; nothing a reader sees changes yet."""
    release = releases_dir / _release_name(run_id)
    release.mkdir(parents=True)
    con = duckdb.connect(str(release / "published.duckdb"))
    try:
        con.execute(f"attach '{warehouse}' as warehouse (read_only)")
        counts = {}
        for mart in MARTS:
            con.execute(f"create table main.{mart} as select * from warehouse.marts.{mart}")
            con.execute(f"copy main.{mart} to '{release / (mart + '.parquet')}' (format parquet, compression zstd)")
            counts[mart] = con.execute(f"select count(*) from main.{mart}").fetchone()[0]
        con.execute("detach warehouse")
    finally:
        con.close()
    manifest = {"as_of_date": as_of, "run_id": run_id, "published_at": datetime.now().isoformat(timespec="seconds"), "rows": counts}
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
    release = build_release(warehouse, releases_dir, run_id, as_of)
    switch_to(release, publish_dir)
    prune_releases(releases_dir, publish_dir)
    return json.loads((release / "manifest.json").read_text(encoding="utf-8")) | {"release": str(release)}


def read_manifest(publish_dir: Path) -> dict | None:
    path = publish_dir / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
