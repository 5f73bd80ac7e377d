"""Run-wide facts as Dagster resources: where the pipeline's files are, and the one date a run is evaluated as of.

A run's as-of date is resolved once, when the run is created, and carried in its tags (AS_OF_TAG): the schedule
takes its tick's date in Asia/Shanghai, the sensors the date they fire on, the command line CREDIT_AS_OF or today.
Every step reads it from the run, so a run that crosses midnight, or a host clock in UTC, cannot split it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from credit_pipeline.settings import Settings, as_of_from_environment, load_settings, parse_as_of, platform_today
from credit_pipeline.writer_lock import Holder, writer_lock

AS_OF_TAG = "credit/as_of"
# The engine that builds the dbt models in a run (duckdb | spark): every job carries it, from CREDIT_ENGINE where the
# code location loads, so that the UI shows what built each run and every step of a run uses the same.
ENGINE_TAG = "credit/engine"
LAUNCHED_BY_TAG = "credit/launched_by"  # set by `credit-pipeline run`; a run without it came from the daemon or the UI


def as_of_tags(at: datetime | None = None) -> dict[str, str]:
    """Tags for a new run: CREDIT_AS_OF where set, else the platform's date at `at` (default now)."""
    return {AS_OF_TAG: (as_of_from_environment() or platform_today(at)).isoformat()}


def run_as_of(run: dg.DagsterRun, instance: dg.DagsterInstance | None) -> date:
    """The run's as-of date: its tag; for a run launched without one (say by hand in the UI), CREDIT_AS_OF or
    the platform's date when the run was created, the same answer for every step."""
    tagged = run.tags.get(AS_OF_TAG)
    if tagged:
        return parse_as_of(tagged, f"the run tag {AS_OF_TAG}")
    from_env = as_of_from_environment()
    if from_env:
        return from_env
    record = instance.get_run_record_by_id(run.run_id) if instance else None
    return platform_today(record.create_timestamp if record else None)


class CreditResource(dg.ConfigurableResource):
    """The pipeline's places (CREDIT_HOME, the feed drop), the as-of date and the engine of the run using it.

    Paths default to the environment (CREDIT_HOME, CREDIT_FEED_DIR); tests and other deployments pass them.
    """

    home: str | None = None
    feed_dir: str | None = None
    # A run that finds another one writing waits this long for it, then fails; the instance retries it (instance.py).
    lock_wait_seconds: float = 1800

    _as_of: date | None = PrivateAttr(default=None)
    _engine: str | None = PrivateAttr(default=None)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[CreditResource]:
        """In a run: its as-of date and engine, a drop to read, and the pipeline's lock for the whole run (every run
        that uses this resource writes). Sensors and schedules only read: they take no lock."""
        if context.run is None:
            yield self
            return
        self._as_of = run_as_of(context.run, context.instance)
        self._engine = context.run.tags.get(ENGINE_TAG)
        settings = self.settings
        settings.check_feed_dir()
        run = context.run
        holder = Holder(run.run_id, run.job_name, run.tags.get(LAUNCHED_BY_TAG, "the Dagster daemon or UI"))

        def waiting(other: Holder | None) -> None:
            context.log.warning(f"waiting up to {self.lock_wait_seconds:.0f} s for the pipeline lock: "
                                f"{other.describe() if other else 'another process'} is writing")

        with writer_lock(settings.home, holder, self.lock_wait_seconds, waiting):
            yield self

    @property
    def settings(self) -> Settings:
        return load_settings(
            as_of=self._as_of,
            home=Path(self.home) if self.home else None,
            feed_dir=Path(self.feed_dir) if self.feed_dir else None,
            engine=self._engine,
        )
