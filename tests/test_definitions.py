"""The Dagster code location: every asset, check, schedule and sensor loads; the sensor's cursor holds."""

from __future__ import annotations

import dagster as dg

from tests import scenario
from credit_pipeline.catalogue import load_catalogue
from credit_tools.demo.writers import write_delivery
from credit_pipeline.publish import MARTS


def test_definitions_load_with_schedule_sensor_and_checks():
    from credit_pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {f"raw/{feed}" for feed in load_catalogue()} <= keys
    assert {f"marts/{m}" for m in MARTS} <= keys and "publish/published_marts" in keys
    checks = {c.name for c in graph.asset_check_keys}
    assert "rows_reconcile" in checks
    assert any(name.startswith("accepted_values_credit_rating_credit_class") for name in checks)
    assert defs.resolve_schedule_def("credit_daily_schedule").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("feed_drop_sensor") is not None
    assert defs.resolve_sensor_def("lifecycle_sensor").minimum_interval_seconds <= 60  # within a minute of landing
    assert defs.resolve_job_def("credit_daily") is not None
    assert defs.resolve_job_def("credit_changes").tags["credit/rating"] == "scoped"


def test_the_drop_sensor_neither_loses_nor_repeats_a_delivery(credit_env):
    from credit_pipeline.automation import feed_drop_sensor

    def evaluate(cursor):
        with dg.build_sensor_context(cursor=cursor) as context:
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
