"""One run of a job in this process, as `credit-pipeline run` (and the tests, and the benchmark) start it.

It executes outside the instance's run queue, so it takes the pipeline's lock first (writer_lock.py): a run the
daemon launched is finished before it starts, and none starts before it ends. Its outcome says what the command
prints: whether it published, which checks blocked publication, which steps failed, and what the ingestion found
wrong in the drop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import uuid4

from credit_pipeline.settings import Settings, load_settings
from credit_pipeline.writer_lock import Holder, writer_lock

COMMAND_LINE = "credit-pipeline run"
PUBLISH_KEY = ["publish", "published_marts"]


@dataclass
class RunOutcome:
    run_id: str
    success: bool = False
    published: bool = False  # the publication step ran (a new release, or nothing changed and the current one stands)
    blocked_by: list[str] = field(default_factory=list)  # failed blocking checks, each with what it found
    failures: list[str] = field(default_factory=list)  # failed steps, each with the first line of its error
    attention: list[str] = field(default_factory=list)  # what the ingestion found wrong: files, folders, deliveries

    def __bool__(self) -> bool:
        return self.success and self.published


def fail_abandoned_runs(instance) -> list[str]:
    """Mark failed the command-line runs still shown as going: one that was going would hold the lock we hold, so
    their process ended without saying so (killed). Left as they are, they would hold the instance's one run slot
    and keep the daemon from launching anything."""
    from dagster import DagsterRunStatus, RunsFilter

    from credit_pipeline.resources import LAUNCHED_BY_TAG

    abandoned = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING],
                                             tags={LAUNCHED_BY_TAG: COMMAND_LINE}))
    for run in abandoned:
        instance.report_run_failed(run, "the process of this run ended without finishing it (found by a later "
                                        "`credit-pipeline run` holding the pipeline lock)")
    return [run.run_id for run in abandoned]


def run_pipeline(settings: Settings | None = None, job: str = "credit_daily", wait_seconds: float | None = None,
                 on_wait: Callable[[Holder | None], None] | None = None, log_level: str = "WARNING") -> RunOutcome:
    """Materialise the job once, as of settings.as_of (default: CREDIT_AS_OF or today in Asia/Shanghai), holding the
    pipeline's lock. Raises SettingError for a drop that is not a folder, PipelineBusy when another run kept the lock
    past `wait_seconds` (None: wait as long as it takes)."""
    from dagster import DagsterInstance

    from credit_pipeline.definitions import defs
    from credit_pipeline.instance import prepare_instance
    from credit_pipeline.resources import AS_OF_TAG, ENGINE_TAG, LAUNCHED_BY_TAG

    settings = settings or load_settings()
    settings.check_feed_dir()
    prepare_instance()
    outcome = RunOutcome(run_id=str(uuid4()))  # known before the run starts: the lock names it
    resources = {"credit": {"config": {"home": str(settings.home), "feed_dir": str(settings.feed_dir)}}}
    with writer_lock(settings.home, Holder(outcome.run_id, job, COMMAND_LINE), wait_seconds, on_wait):
        with DagsterInstance.get() as instance:
            fail_abandoned_runs(instance)
            result = defs().resolve_job_def(job).execute_in_process(
                instance=instance,
                run_id=outcome.run_id,
                raise_on_error=False,
                tags={AS_OF_TAG: settings.as_of.isoformat(), LAUNCHED_BY_TAG: COMMAND_LINE, ENGINE_TAG: settings.engine},
                run_config={"resources": resources, "loggers": {"console": {"config": {"log_level": log_level}}}},
            )
    outcome.success = result.success
    for event in result.all_events:
        _take(outcome, event)
    return outcome


def _take(outcome: RunOutcome, event) -> None:
    kind, data = event.event_type_value, event.event_specific_data
    if kind == "ASSET_MATERIALIZATION" and event.asset_key:
        if event.asset_key.path == PUBLISH_KEY:
            outcome.published = True
        elif event.asset_key.path[0] == "raw":
            metadata = event.materialization.metadata
            for name in ("problems", "attention"):
                value = metadata.get(name)
                found = getattr(value, "value", value) or []
                outcome.attention += [p for p in found if p not in outcome.attention] if isinstance(found, list) else []
    elif kind == "ASSET_CHECK_EVALUATION" and not data.passed and data.severity.value == "ERROR":
        blocking = getattr(data.metadata.get("blocking"), "value", None) or []
        what = "; ".join(blocking[:5]) + (f"; … {len(blocking) - 5} more" if len(blocking) > 5 else "")
        outcome.blocked_by.append(f"{data.asset_key.to_user_string()} {data.check_name}" + (f": {what}" if what else ""))
    elif kind == "STEP_FAILURE":
        error = data.error
        while error is not None and error.cause is not None:  # the framework's wrapping says nothing: its cause does
            error = error.cause
        message = (error.message if error else "").strip().splitlines()
        outcome.failures.append(f"{event.step_key}: {message[0] if message else 'failed'}")
