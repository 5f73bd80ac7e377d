"""The daily schedule, and the sensor that reacts to new deliveries in the feed drop."""


import hashlib
import json

import dagster as dg

from credit_pipeline.catalogue import load_catalogue
from credit_pipeline.settings import load_settings

daily_job = dg.define_asset_job(
    "credit_daily",
    selection=dg.AssetSelection.all(),
    description="Everything once, as of CREDIT_AS_OF (default today): ingest new deliveries, dbt build, publish.",
)

daily_schedule = dg.ScheduleDefinition(
    name="credit_daily_schedule",
    job=daily_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def drop_state() -> dict[str, str]:
    """Every file in the feed folders as `feed/name` -> `size:mtime_ns` (stat only; the drop is not read)."""
    feed_dir = load_settings().feed_dir
    state = {}
    for feed in load_catalogue():
        folder = feed_dir / feed
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file() and not path.name.startswith("."):
                    stat = path.stat()
                    state[f"{feed}/{path.name}"] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return state


def new_files(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    return sorted(path for path, signature in current.items() if previous.get(path) != signature)


@dg.sensor(
    name="feed_drop_sensor",
    job=daily_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Launches the pipeline when files appear or change in $CREDIT_FEED_DIR. The cursor holds the drop as "
    "last seen and the run key names the new files, so a restart neither loses nor repeats a delivery.",
)
def feed_drop_sensor(context: dg.SensorEvaluationContext):
    previous = json.loads(context.cursor) if context.cursor else {}
    current = drop_state()
    arrived = new_files(previous, current)
    if not arrived:
        return dg.SkipReason(f"no new delivery among {len(current)} files")
    run_key = hashlib.sha256("\n".join(f"{p}={current[p]}" for p in arrived).encode()).hexdigest()[:32]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, tags={"credit/new_files": str(len(arrived))})],
        cursor=json.dumps(current, separators=(",", ":")),
    )
