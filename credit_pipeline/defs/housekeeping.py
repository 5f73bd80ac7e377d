"""Run retention: the instance keeps runs, their event logs and their captured output for RUN_RETENTION_DAYS.

dagster.yaml bounds sensor and schedule ticks (instance.py) but has no setting for runs; this job deletes what is
older, every night before the daily run. It touches only the Dagster instance, never the lake, the warehouse or a
release (those keep their own history: the ledger, rating_history, the last releases).
"""

from datetime import datetime, timedelta, timezone

import dagster as dg

from credit_pipeline.settings import PLATFORM_TIMEZONE

RUN_RETENTION_DAYS = 90


def purge_runs(instance: dg.DagsterInstance, keep_days: float, now: datetime | None = None) -> list[str]:
    """Delete the finished runs created more than `keep_days` ago, with their logs; the ids deleted."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=keep_days)
    finished = [s for s in dg.DagsterRunStatus if s not in (dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED,
                                                            dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
                                                            dg.DagsterRunStatus.CANCELING)]
    records = instance.get_run_records(dg.RunsFilter(statuses=finished, created_before=cutoff))
    for record in records:
        run_id = record.dagster_run.run_id
        instance.delete_run(run_id)
        instance.compute_log_manager.delete_logs(prefix=[run_id])
    return [r.dagster_run.run_id for r in records]


class RetentionConfig(dg.Config):
    keep_days: float = RUN_RETENTION_DAYS


@dg.op(description="Delete the instance's finished runs older than keep_days, with their event logs and output.")
def purge_old_runs(context: dg.OpExecutionContext, config: RetentionConfig) -> None:
    deleted = purge_runs(context.instance, config.keep_days)
    context.log.info(f"deleted {len(deleted)} runs older than {config.keep_days:g} days")


@dg.job(name="dagster_housekeeping", description="Run retention: finished runs older than 90 days are deleted.")
def housekeeping_job() -> None:
    purge_old_runs()


housekeeping_schedule = dg.ScheduleDefinition(
    name="dagster_housekeeping_schedule", job=housekeeping_job, cron_schedule="30 5 * * *",
    execution_timezone=str(PLATFORM_TIMEZONE), default_status=dg.DefaultScheduleStatus.RUNNING,
)
