"""The daily schedule: every subject re-rated as of the tick's day in Asia/Shanghai."""

import dagster as dg

from credit_pipeline.defs.jobs import daily_job
from credit_pipeline.resources import as_of_tags
from credit_pipeline.settings import PLATFORM_TIMEZONE


@dg.schedule(
    name="credit_daily_schedule",
    job=daily_job,
    cron_schedule="0 6 * * *",
    execution_timezone=str(PLATFORM_TIMEZONE),
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def daily_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """The run evaluates as of the tick's date (not the host's, which may be UTC and still on yesterday)."""
    return dg.RunRequest(tags=as_of_tags(context.scheduled_execution_time))
