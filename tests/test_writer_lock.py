"""One writer at a time on a CREDIT_HOME, whoever starts the run: real processes holding and asking for the lock."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from credit_pipeline.resources import CreditResource
from credit_pipeline.writer_lock import Holder, PipelineBusy, read_holder, writer_lock
from tests import scenario
from tests.environment import credit_environment
from credit_pipeline.publish import published_marts
from tests.marts import assert_same_marts, read_marts

CLI = str(Path(sys.executable).parent / "credit-pipeline")


def hold_in_another_process(home: Path, run_id: str = "run-A") -> subprocess.Popen:
    """A process that takes the lock as a run would and keeps it until killed."""
    process = subprocess.Popen([sys.executable, "-c", f"""
import time
from pathlib import Path
from credit_pipeline.writer_lock import Holder, writer_lock
with writer_lock(Path({str(home)!r}), Holder({run_id!r}, "credit_daily", "credit-pipeline run")):
    print("held", flush=True)
    time.sleep(600)
"""], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_writer_waits_then_gives_up_naming_the_run_that_holds_the_lock(tmp_path):
    other = hold_in_another_process(tmp_path)
    try:
        heard = []
        started = time.monotonic()
        with pytest.raises(PipelineBusy) as busy:
            with writer_lock(tmp_path, Holder("run-B", "credit_changes", "test"), wait_seconds=1.5, on_wait=heard.append):
                pass
        assert time.monotonic() - started >= 1.5
        assert [h.run_id for h in heard] == ["run-A"]
        message = str(busy.value)
        assert "run-A" in message and f"pid {other.pid}" in message and "credit-pipeline run" in message
    finally:
        other.kill()
        other.wait()


def test_the_lock_goes_with_its_process_however_it_ends(tmp_path):
    other = hold_in_another_process(tmp_path)
    other.send_signal(signal.SIGKILL)
    other.wait()
    with writer_lock(tmp_path, Holder("run-B", "credit_daily", "test"), wait_seconds=0) as holder:
        assert read_holder(tmp_path) == holder
    assert read_holder(tmp_path) is None  # free again, and says so


def test_the_command_line_holds_the_lock_its_own_run_takes_again(tmp_path):
    outer = Holder("not started yet", "credit_daily", "credit-pipeline run")
    with writer_lock(tmp_path, outer, wait_seconds=0):
        with writer_lock(tmp_path, Holder("run-1", "credit_daily", "credit-pipeline run"), wait_seconds=0):
            assert read_holder(tmp_path).run_id == "run-1"  # who waits is told the run, not the command
        assert read_holder(tmp_path) == outer


@dg.op
def first_step(context: dg.OpExecutionContext, credit: CreditResource) -> str:
    return read_holder(credit.settings.home).run_id


@dg.op
def second_step(context: dg.OpExecutionContext, credit: CreditResource, before: str) -> None:
    assert before == read_holder(credit.settings.home).run_id == context.run_id


@dg.job
def two_steps():
    second_step(first_step())


def test_a_run_holds_the_lock_across_all_its_steps(tmp_path):
    (tmp_path / "feeds").mkdir()
    credit = CreditResource(home=str(tmp_path), feed_dir=str(tmp_path / "feeds"), lock_wait_seconds=0)
    with dg.instance_for_test() as instance:
        assert two_steps.execute_in_process(instance=instance, resources={"credit": credit}).success
    assert read_holder(tmp_path) is None


def test_a_run_launched_while_another_writes_fails_before_any_step_so_the_instance_retries_it(tmp_path):
    from dagster._core.execution.retries import auto_reexecution_should_retry_run
    from dagster._core.storage.tags import RUN_FAILURE_REASON_TAG
    from dagster._core.events import RunFailureReason

    (tmp_path / "feeds").mkdir()
    other = hold_in_another_process(tmp_path)
    credit = CreditResource(home=str(tmp_path), feed_dir=str(tmp_path / "feeds"), lock_wait_seconds=1)
    overrides = {"run_retries": {"enabled": True, "max_retries": 2, "retry_on_asset_or_op_failure": False}}
    try:
        with dg.instance_for_test(overrides=overrides) as instance:
            result = two_steps.execute_in_process(instance=instance, resources={"credit": credit}, raise_on_error=False)
            assert not result.success
            failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
            assert "run-A" in str(failure.event_specific_data.error) and "another pipeline run is writing" in str(
                failure.event_specific_data.error)
            assert not any(e.event_type_value == "STEP_START" for e in result.all_events)
            run = instance.get_run_by_id(result.run_id)
            reason = RunFailureReason(run.tags[RUN_FAILURE_REASON_TAG])
            assert reason != RunFailureReason.STEP_FAILURE
            assert auto_reexecution_should_retry_run(instance, run, reason)
    finally:
        other.kill()
        other.wait()


def test_a_run_with_no_drop_to_read_fails_naming_the_variable(tmp_path):
    credit = CreditResource(home=str(tmp_path), feed_dir=str(tmp_path / "nowhere"), lock_wait_seconds=0)
    with dg.instance_for_test() as instance:
        result = two_steps.execute_in_process(instance=instance, resources={"credit": credit}, raise_on_error=False)
    failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
    assert "CREDIT_FEED_DIR" in str(failure.event_specific_data.error) and "does not exist" in str(
        failure.event_specific_data.error)


@pytest.mark.e2e
def test_two_command_line_runs_started_together_publish_one_release_equal_to_a_single_runs(scenario_home, tmp_path):
    with credit_environment(tmp_path / "home", scenario.AS_OF) as settings:
        scenario.write_scenario(settings.feed_dir)
        env = dict(os.environ)
    first = subprocess.Popen([CLI, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while (read_holder(settings.home) is None or read_holder(settings.home).run_id == "not started yet") \
            and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    holder = read_holder(settings.home)
    assert holder is not None and holder.pid == first.pid, "the first run never took the lock"
    impatient = subprocess.run([CLI, "run", "--wait", "0"], env=env, capture_output=True, text=True, timeout=300)
    patient = subprocess.Popen([CLI, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first_out, first_err = first.communicate(timeout=900)
    patient_out, patient_err = patient.communicate(timeout=900)

    assert first.returncode == 0, first_err
    assert impatient.returncode == 3
    assert impatient.stderr.strip().count("\n") == 0 and holder.run_id in impatient.stderr
    assert "another pipeline run is writing" in impatient.stderr
    assert patient.returncode == 0, patient_err
    assert holder.run_id in patient_err and "waiting for it to finish" in patient_err
    assert "nothing published" in patient_out + patient_err  # it found the first run's release current

    releases = [p for p in settings.releases_dir.iterdir() if p.is_dir()]
    assert len(releases) == 1 and settings.publish_dir.resolve() == releases[0]
    assert (settings.publish_dir / "manifest.json").read_text().count(holder.run_id) == 1
    assert_same_marts(read_marts(settings.publish_dir), read_marts(scenario_home / "publish"), published_marts())


def test_a_command_line_run_left_going_by_a_killed_process_is_marked_failed_and_frees_the_queue(tmp_path):
    from credit_pipeline.resources import LAUNCHED_BY_TAG
    from credit_pipeline.run_once import COMMAND_LINE, fail_abandoned_runs

    with dg.instance_for_test() as instance:
        killed = instance.create_run_for_job(two_steps, status=dg.DagsterRunStatus.STARTED,
                                             tags={LAUNCHED_BY_TAG: COMMAND_LINE})
        daemons = instance.create_run_for_job(two_steps, status=dg.DagsterRunStatus.STARTED)  # not ours to judge
        assert fail_abandoned_runs(instance) == [killed.run_id]
        assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(daemons.run_id).status == dg.DagsterRunStatus.STARTED


def test_the_sensors_read_while_a_run_writes(credit_env):
    from credit_pipeline.defs.ingestion.sensors import lifecycle_sensor
    from tests.environment import evaluate_sensor

    credit_env.feed_dir.mkdir(parents=True)
    other = hold_in_another_process(credit_env.home)
    try:
        started = time.monotonic()
        result, _ = evaluate_sensor(lifecycle_sensor, credit_env, None)
        assert isinstance(result, dg.SkipReason) and time.monotonic() - started < 10
    finally:
        other.kill()
        other.wait()
