"""Sensors on the feed drop: new deliveries re-rate the subjects they touch and republish them."""

import dagster as dg

from credit_pipeline.catalogue import load_catalogue
from credit_pipeline.defs.jobs import changes_job, daily_job
from credit_pipeline.ingest.arrivals import Cursor, look
from credit_pipeline.ingest.lake import Lake
from credit_pipeline.publish import read_manifest
from credit_pipeline.resources import CreditResource, as_of_tags


def drop_sensor(name: str, feeds: tuple[str, ...], interval: int, description: str) -> dg.SensorDefinition:
    """A sensor on some feed folders. Its cursor is a high-water mark of the files' change times (ingest/arrivals.py),
    a few bytes whatever the drop's size; the run key names the new files, so a restart neither loses nor repeats
    a delivery. Nothing new, no run. Until a first release exists it launches the full build; then the scoped
    re-rating."""

    @dg.sensor(name=name, jobs=[daily_job, changes_job], minimum_interval_seconds=interval,
               default_status=dg.DefaultSensorStatus.RUNNING, description=description)
    def _sensor(context: dg.SensorEvaluationContext, credit: CreditResource):
        settings = credit.settings
        if not settings.feed_dir.is_dir():
            return dg.SkipReason(f"the feed drop {settings.feed_dir} is not a folder (CREDIT_FEED_DIR)")
        arrivals = look(settings.feed_dir, feeds, Lake(settings.lake_dir), Cursor.parse(context.cursor))
        cursor = arrivals.cursor.dumps()
        if not arrivals.new:
            context.update_cursor(cursor)
            return dg.SkipReason(f"no new delivery among {arrivals.files:,} files")
        paths = sorted(arrivals.new)
        job = changes_job if read_manifest(settings.publish_dir) else daily_job
        tags = {"credit/new_files": str(len(paths)), "credit/first_file": paths[0], **as_of_tags()}
        return dg.SensorResult(run_requests=[dg.RunRequest(run_key=arrivals.run_key, job_name=job.name, tags=tags)],
                               cursor=cursor)

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
