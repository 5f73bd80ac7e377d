"""The Dagster code location: every asset, check, schedule and sensor loads; the sensor's cursor holds."""

from __future__ import annotations

import dagster as dg

from tests import scenario
from credit_pipeline.catalogue import load_catalogue
from credit_tools.demo.writers import write_delivery
from credit_pipeline.publish import published_marts
from tests.environment import credit_resources


def test_definitions_load_with_schedule_sensor_and_checks():
    from credit_pipeline.definitions import defs

    defs = defs()
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {f"raw/{feed}" for feed in load_catalogue()} <= keys
    assert {f"marts/{m}" for m in published_marts()} <= keys and "publish/published_marts" in keys
    checks = {c.name for c in graph.asset_check_keys}
    assert "rows_reconcile" in checks
    assert any(name.startswith("accepted_values_credit_rating_credit_class") for name in checks)
    assert defs.resolve_schedule_def("credit_daily_schedule").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("feed_drop_sensor") is not None
    assert defs.resolve_sensor_def("lifecycle_sensor").minimum_interval_seconds <= 60  # within a minute of landing
    assert defs.resolve_job_def("credit_daily") is not None
    assert defs.resolve_job_def("credit_full_rebuild").tags["credit/rating"] == "full"


def test_the_drop_sensor_neither_loses_nor_repeats_a_delivery(credit_env):
    from credit_pipeline.defs.ingestion.sensors import feed_drop_sensor

    def evaluate(cursor):
        with dg.build_sensor_context(cursor=cursor, resources=credit_resources(credit_env)) as context:
            result = feed_drop_sensor(context)
            return result, context.cursor if not isinstance(result, dg.SensorResult) else result.cursor

    result, cursor = evaluate(None)
    assert isinstance(result, dg.SkipReason)

    write_delivery(scenario._frame("xzcf", []), credit_env.feed_dir / "xzcf" / f"{scenario.DEPT_SAMR}_20260505.csv")
    result, cursor = evaluate(cursor)
    assert len(result.run_requests) == 1
    first_key = result.run_requests[0].run_key

    # A restart resumes from the stored cursor: the same delivery is not requested again.
    again, _ = evaluate(cursor)
    assert isinstance(again, dg.SkipReason)

    # A restart that lost its cursor update asks again with the same run key, which Dagster deduplicates.
    lost, _ = evaluate(None)
    assert lost.run_requests[0].run_key == first_key

    write_delivery(scenario._frame("xzcf", []), credit_env.feed_dir / "xzcf" / f"{scenario.DEPT_SAMR}_20260506.csv")
    second, _ = evaluate(cursor)
    assert len(second.run_requests) == 1 and second.run_requests[0].run_key != first_key


def test_a_scheduled_tick_at_six_in_shanghai_evaluates_that_day_on_a_utc_host(monkeypatch):
    """06:00 in Asia/Shanghai is 22:00 UTC the day before: the run must still be as of the tick's day."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from credit_pipeline.defs.rating.schedules import daily_schedule
    from credit_pipeline.resources import AS_OF_TAG

    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("CREDIT_AS_OF", raising=False)
    tick = datetime(2026, 12, 1, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with dg.build_schedule_context(scheduled_execution_time=tick) as context:
        request = daily_schedule.evaluate_tick(context).run_requests[0]
    assert tick.astimezone(ZoneInfo("UTC")).date().isoformat() == "2026-11-30"
    assert request.tags[AS_OF_TAG] == "2026-12-01"


def test_one_run_has_one_as_of_date_for_every_step(monkeypatch, tmp_path):
    """The run's tag decides; without one (a run launched by hand), CREDIT_AS_OF, else the day the run was created."""
    from datetime import date

    from credit_pipeline.resources import AS_OF_TAG, run_as_of

    monkeypatch.setenv("CREDIT_AS_OF", "2026-11-20")
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        tagged = instance.create_run_for_job(dg.GraphDefinition("g").to_job(), tags={AS_OF_TAG: "2026-12-01"})
        assert run_as_of(tagged, instance) == date(2026, 12, 1)
        untagged = instance.create_run_for_job(dg.GraphDefinition("g").to_job())
        assert run_as_of(untagged, instance) == date(2026, 11, 20)
        monkeypatch.delenv("CREDIT_AS_OF")
        created = instance.get_run_record_by_id(untagged.run_id).create_timestamp
        assert run_as_of(untagged, instance) == created.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date()


def test_dg_check_defs_passes():
    import os
    import subprocess
    import sys
    from pathlib import Path

    venv = Path(sys.executable).parent.parent
    env = {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([str(venv / "bin" / "dg"), "check", "defs"], cwd=Path(__file__).parent.parent, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout + result.stderr
