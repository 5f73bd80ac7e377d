"""The Dagster code location: every asset, check, schedule and sensor loads; the sensor's cursor holds."""

from __future__ import annotations

import os
from datetime import UTC

import dagster as dg
import pytest

from credit_pipeline.catalogue import load_catalogue
from credit_pipeline.publish import published_marts
from credit_tools.demo.writers import write_delivery
from tests import scenario
from tests.environment import evaluate_sensor as evaluate_sensor_tick
from tests.environment import quick_settle as settle_quickly


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


@pytest.fixture
def quick_settle():
    with settle_quickly() as wait:
        yield wait


def evaluate_sensor(settings, cursor, sensor=None):
    from credit_pipeline.defs.ingestion.sensors import feed_drop_sensor

    return evaluate_sensor_tick(sensor or feed_drop_sensor, settings, cursor)


def test_the_drop_sensor_neither_loses_nor_repeats_a_delivery(credit_env, quick_settle):
    (credit_env.feed_dir / "xzcf").mkdir(parents=True)
    result, cursor = evaluate_sensor(credit_env, None)
    assert isinstance(result, dg.SkipReason)

    write_delivery(scenario._frame("xzcf", []), credit_env.feed_dir / "xzcf" / f"{scenario.DEPT_SAMR}_20260505.csv")
    quick_settle()
    result, cursor = evaluate_sensor(credit_env, cursor)
    assert len(result.run_requests) == 1
    first_key = result.run_requests[0].run_key

    # A restart resumes from the stored cursor: the same delivery is not requested again.
    again, _ = evaluate_sensor(credit_env, cursor)
    assert isinstance(again, dg.SkipReason)

    # A restart that lost its cursor update asks again with the same run key, which Dagster deduplicates.
    lost, _ = evaluate_sensor(credit_env, None)
    assert lost.run_requests[0].run_key == first_key

    write_delivery(scenario._frame("xzcf", []), credit_env.feed_dir / "xzcf" / f"{scenario.DEPT_SAMR}_20260506.csv")
    quick_settle()
    second, _ = evaluate_sensor(credit_env, cursor)
    assert len(second.run_requests) == 1 and second.run_requests[0].run_key != first_key
    assert second.run_requests[0].tags["credit/new_files"] == "1"


def test_the_sensor_cursor_stays_small_whatever_the_size_of_the_drop(credit_env, quick_settle):
    folder = credit_env.feed_dir / "xzcf"
    folder.mkdir(parents=True)
    for n in range(400):
        (folder / f"{scenario.DEPT_SAMR}_20260505_{n}.csv").write_bytes(b"x")
    quick_settle()
    result, cursor = evaluate_sensor(credit_env, None)
    assert result.run_requests[0].tags["credit/new_files"] == "400"
    assert len(cursor) < 64, cursor  # a mark, not the 400 files' stat
    skipped, cursor = evaluate_sensor(credit_env, cursor)
    assert isinstance(skipped, dg.SkipReason) and len(cursor) < 64


def test_nothing_is_launched_for_deliveries_a_run_already_ingested(credit_env, quick_settle):
    """The first look after `make run` (opening the UI the first time) finds nothing new: it asks the lake."""
    from credit_pipeline.ingest.engine import ingestion_engine
    from credit_pipeline.ingest.load import ingest_feed

    folder = credit_env.feed_dir / "xzcf"
    write_delivery(scenario._frame("xzcf", []), folder / f"{scenario.DEPT_SAMR}_20260505.csv")
    write_delivery(scenario._frame("xymd", []), credit_env.feed_dir / "xymd" / f"{scenario.DEPT_CREDIT}_20260505.csv")
    (folder / "penalties.csv").write_bytes(b"x")  # misnamed: reported by ingestion, no reason for a run
    with ingestion_engine(credit_env) as (con, lake):
        for feed in load_catalogue().values():
            ingest_feed(lake, credit_env.feed_dir, feed, con)
    quick_settle()
    first, cursor = evaluate_sensor(credit_env, None)
    assert isinstance(first, dg.SkipReason), first

    # A file lost with the cursor: only the one not ingested yet is asked for.
    write_delivery(scenario._frame("xzcf", []), folder / f"{scenario.DEPT_SAMR}_20260506.csv")
    quick_settle()
    lost, _ = evaluate_sensor(credit_env, None)
    assert lost.run_requests[0].tags["credit/new_files"] == "1"
    assert lost.run_requests[0].tags["credit/first_file"] == f"xzcf/{scenario.DEPT_SAMR}_20260506.csv"


def test_a_file_still_landing_is_left_for_the_next_look_and_then_found(credit_env):
    from credit_pipeline.ingest.arrivals import SETTLE_NS, Cursor, look
    from credit_pipeline.ingest.lake import Lake

    folder = credit_env.feed_dir / "xzcf"
    folder.mkdir(parents=True)
    path = folder / f"{scenario.DEPT_SAMR}_20260505.csv"
    path.write_bytes(b"x")
    os.utime(path, ns=(0, 10**18))  # an old mtime, as `cp -p` keeps: the ctime of its landing still counts
    changed = max(path.stat().st_mtime_ns, path.stat().st_ctime_ns)
    lake = Lake(credit_env.lake_dir)
    early = look(credit_env.feed_dir, ["xzcf"], lake, Cursor(), now_ns=changed + SETTLE_NS - 1)
    assert not early.new and early.cursor.mark < changed
    later = look(credit_env.feed_dir, ["xzcf"], lake, early.cursor, now_ns=changed + SETTLE_NS)
    assert list(later.new) == [f"xzcf/{path.name}"]
    assert not look(credit_env.feed_dir, ["xzcf"], lake, later.cursor, now_ns=changed + 2 * SETTLE_NS).new


def test_a_symlink_in_the_drop_does_not_stop_the_sensor(credit_env, quick_settle, tmp_path):
    folder = credit_env.feed_dir / "xzcf"
    folder.mkdir(parents=True)
    (tmp_path / "outside.csv").write_bytes(b"secret")
    (folder / f"{scenario.DEPT_SAMR}_20260504.csv").symlink_to(tmp_path / "outside.csv")
    write_delivery(scenario._frame("xzcf", []), folder / f"{scenario.DEPT_SAMR}_20260505.csv")
    quick_settle()
    result, _ = evaluate_sensor(credit_env, None)
    assert result.run_requests[0].tags["credit/new_files"] == "1"


def test_a_missing_drop_is_a_skip_that_names_the_variable(credit_env):
    result, _ = evaluate_sensor(credit_env, None)
    assert isinstance(result, dg.SkipReason) and "CREDIT_FEED_DIR" in result.skip_message


def test_the_instance_retries_runs_that_never_started_and_bounds_ticks_and_runs(credit_env):
    from dagster._core.definitions.run_request import InstigatorType
    from dagster._core.scheduler.instigation import TickStatus

    from credit_pipeline.defs.housekeeping import RUN_RETENTION_DAYS
    from credit_pipeline.instance import prepare_instance

    home = prepare_instance()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 2
        assert not instance.run_retries_retry_on_asset_or_op_failure  # a blocked publication is not rerun
        sensor = instance.get_tick_retention_settings(InstigatorType.SENSOR)
        assert sensor[TickStatus.SKIPPED] == 1 and sensor[TickStatus.SUCCESS] == 90
        assert all(days > 0 for days in instance.get_tick_retention_settings(InstigatorType.SCHEDULE).values())
    from credit_pipeline.definitions import defs

    schedule = defs().resolve_schedule_def("dagster_housekeeping_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING and RUN_RETENTION_DAYS == 90


def test_the_instance_moves_to_postgresql_with_its_settings_and_stays_there(credit_env, monkeypatch):
    from credit_pipeline.instance import DAGSTER_YAML, MARKER, prepare_instance

    home = prepare_instance()
    config = home / "dagster.yaml"
    assert config.read_text() == DAGSTER_YAML and "postgres" not in DAGSTER_YAML  # SQLite by default
    monkeypatch.setenv("DAGSTER_PG_URL", "postgresql://dagster:secret@db.example:5432/dagster")
    prepare_instance()
    moved = config.read_text()
    assert moved.startswith(MARKER) and "env: DAGSTER_PG_URL" in moved and "secret" not in moved
    assert set(DAGSTER_YAML.splitlines()) < set(moved.splitlines())  # one run at a time, retries, retention kept
    # A process started without the variable must not put its runs into SQLite files the others never read.
    monkeypatch.delenv("DAGSTER_PG_URL")
    prepare_instance()
    assert config.read_text() == moved
    # A file edited by hand (the marker line removed) is left alone.
    edited = moved.split("\n", 1)[1]
    config.write_text(edited)
    prepare_instance()
    assert config.read_text() == edited


def test_housekeeping_deletes_finished_runs_past_retention_and_keeps_the_rest(tmp_path):
    from datetime import datetime, timedelta

    from credit_pipeline.defs.housekeeping import purge_runs

    job = dg.GraphDefinition("g").to_job()
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        done = instance.create_run_for_job(job, status=dg.DagsterRunStatus.SUCCESS)
        going = instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED)
        assert purge_runs(instance, 1) == []  # nothing is a day old yet
        later = datetime.now(UTC) + timedelta(days=2)
        assert purge_runs(instance, 1, now=later) == [done.run_id]
        assert instance.get_run_by_id(done.run_id) is None and instance.get_run_by_id(going.run_id) is not None


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


def test_dg_check_defs_passes(credit_env):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from credit_pipeline.instance import prepare_instance

    prepare_instance()  # dg reads DAGSTER_HOME's dagster.yaml: telemetry off, as in `make ui`
    venv = Path(sys.executable).parent.parent
    env = {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([str(venv / "bin" / "dg"), "check", "defs"], cwd=Path(__file__).parent.parent, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout + result.stderr
