"""Sensors on the feed drop: new deliveries re-rate the subjects they touch and republish them."""

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import dagster as dg

from credit_pipeline.catalogue import load_catalogue
from credit_pipeline.defs.jobs import changes_job, daily_job
from credit_pipeline.ingest.drop import list_feed_files
from credit_pipeline.publish import read_manifest
from credit_pipeline.resources import CreditResource, as_of_tags


def drop_state(feed_dir: Path, feeds: Iterable[str]) -> dict[str, str]:
    """Every file in the given feed folders as `feed/name` -> `size:mtime_ns`, as ingestion lists them (stat only)."""
    return {
        f"{feed}/{name}": f"{size}:{mtime_ns}"
        for feed in feeds
        for name, (size, mtime_ns) in list_feed_files(feed_dir, feed)
    }


def new_files(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    return sorted(path for path, signature in current.items() if previous.get(path) != signature)


def drop_sensor(name: str, feeds: tuple[str, ...], interval: int, description: str) -> dg.SensorDefinition:
    """A sensor on some feed folders. The cursor holds those folders as last seen and the run key names
    the new files, so a restart neither loses nor repeats a delivery. Until a first release exists it
    launches the full build; then the scoped re-rating."""

    @dg.sensor(name=name, jobs=[daily_job, changes_job], minimum_interval_seconds=interval,
               default_status=dg.DefaultSensorStatus.RUNNING, description=description)
    def _sensor(context: dg.SensorEvaluationContext, credit: CreditResource):
        settings = credit.settings
        previous = json.loads(context.cursor) if context.cursor else {}
        current = drop_state(settings.feed_dir, feeds)
        arrived = new_files(previous, current)
        if not arrived:
            return dg.SkipReason(f"no new delivery among {len(current)} files")
        run_key = hashlib.sha256("\n".join(f"{p}={current[p]}" for p in arrived).encode()).hexdigest()[:32]
        job = changes_job if read_manifest(settings.publish_dir) else daily_job
        tags = {"credit/new_files": str(len(arrived)), "credit/first_file": arrived[0], **as_of_tags()}
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=run_key, job_name=job.name, tags=tags)],
            cursor=json.dumps(current, separators=(",", ":")),
        )

    return _sensor


LIFECYCLE_FEEDS = ("yysq", "xyxf")

lifecycle_sensor = drop_sensor(
    "lifecycle_sensor", LIFECYCLE_FEEDS, interval=10,
    description="Objections (yysq) and repairs (xyxf): a new application or outcome re-rates the subjects it concerns "
    "and republishes them, within seconds of landing.",
)
feed_drop_sensor = drop_sensor(
    "feed_drop_sensor", tuple(f for f in load_catalogue() if f not in LIFECYCLE_FEEDS), interval=30,
    description="Every other feed folder: new deliveries re-rate the subjects they name and republish them.",
)
