"""Dagster's own storage on PostgreSQL (a deployment with several users and the daemon): a server from the system's
packages, started here in a temporary folder on a free port; the instance prepared with DAGSTER_PG_URL keeps runs,
event logs, sensor ticks and the daemon's heartbeats there, readable by every other process."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests import scenario
from tests.conftest import copy_home
from tests.environment import credit_environment

pytestmark = pytest.mark.e2e  # runs the pipeline and the daemon


def _postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    assert found, f"{name} not found: `make postgres` installs PostgreSQL from the system's packages"
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}"


@pytest.fixture(scope="module")
def postgres_url():
    """A throwaway PostgreSQL server on loopback; as root, run as the `postgres` user (initdb refuses root). Its
    folder is a temporary one of its own: pytest's are private to the user running the tests, so the `postgres`
    user could not reach a folder inside them."""
    folder = Path(tempfile.mkdtemp(prefix="credit-postgres-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    as_user = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    if as_user:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    _run([*as_user, _postgres_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "dagster", "-E", "UTF8"])
    pg_ctl = [*as_user, _postgres_bin("pg_ctl"), "-D", str(data)]
    _run([*pg_ctl, "-l", str(folder / "server.log"), "-w", "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1",
          "start"])
    try:
        yield f"postgresql://dagster@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _query(url: str, sql: str) -> list[tuple]:
    import psycopg2

    with psycopg2.connect(url) as con, con.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_runs_and_the_daemon_keep_their_state_in_postgresql(postgres_url, scenario_home, tmp_path, monkeypatch):
    from dagster import DagsterInstance
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    from credit_pipeline.cli import run_pipeline
    from credit_pipeline.instance import prepare_instance

    monkeypatch.setenv("DAGSTER_PG_URL", postgres_url)
    home = copy_home(scenario_home, tmp_path / "home")
    shutil.rmtree(home / "dagster")  # the scenario's instance was SQLite; this one is prepared anew
    with credit_environment(home, scenario.AS_OF):
        assert "postgres_url" in (prepare_instance() / "dagster.yaml").read_text()
        with DagsterInstance.get() as instance:
            assert isinstance(instance.run_storage, PostgresRunStorage)
            assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
            assert isinstance(instance.schedule_storage, PostgresScheduleStorage)

        # A run through the instance (every subject rated again, so that it publishes): it is in PostgreSQL, with
        # its events, for any other process to read.
        assert run_pipeline(job="credit_full_rebuild"), "the run failed"
        (status,) = _query(postgres_url, "select status from runs where pipeline_name = 'credit_full_rebuild'")[0]
        assert status == "SUCCESS"
        published = _query(postgres_url, "select count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION' "
                                         "and asset_key like '%published_marts%'")
        assert published[0][0] == 1

        # The daemon, as a deployment runs it beside the webserver: its heartbeats and the sensors' ticks land in
        # PostgreSQL. An empty drop, so the sensors evaluate and skip (nothing to launch).
        monkeypatch.setenv("CREDIT_FEED_DIR", str(tmp_path / "empty_drop"))
        (tmp_path / "empty_drop").mkdir()
        daemon = subprocess.Popen([str(Path(shutil.which("dagster-daemon") or Path(os.sys.executable).parent / "dagster-daemon")),
                                   "run", "-w", "workspace.yaml"], cwd=Path(__file__).parent.parent,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 240
            ticks = []
            while time.monotonic() < deadline and not ticks:
                time.sleep(5)
                assert daemon.poll() is None, "the daemon stopped"
                ticks = _query(postgres_url, "select selector_id from job_ticks where type = 'SENSOR'")
            assert ticks, "no sensor tick reached PostgreSQL in 4 minutes"
            daemons = {r[0] for r in _query(postgres_url, "select daemon_type from daemon_heartbeats")}
            assert {"SENSOR", "SCHEDULER"} <= daemons
        finally:
            os.killpg(daemon.pid, signal.SIGTERM)
            daemon.wait(timeout=60)
