"""The Dagster instance the CLI and `make ui` share: $DAGSTER_HOME, by default $CREDIT_HOME/dagster.

By default Dagster keeps its runs, event logs and schedule and sensor state in SQLite files there: one machine,
one user. For a deployment with several users, the webserver and the daemon (and any number of run workers), set
DAGSTER_PG_URL (postgresql://user:password@host:5432/dagster) before the instance is prepared: its dagster.yaml
then keeps all of that in PostgreSQL (dagster-postgres), and every process reads the same state.
"""

from __future__ import annotations

import os
from pathlib import Path

from credit_pipeline.settings import load_settings

MARKER = "# Written by `credit-pipeline prepare-instance`"
POSTGRES_URL_VARIABLE = "DAGSTER_PG_URL"

# - One run at a time: the warehouse is a single-writer DuckDB file, a local Spark's metastore takes one process
#   (and `credit-pipeline run`, which runs outside this queue, takes the pipeline's lock: writer_lock.py).
# - A run that fails before any step ran (it waited too long for the lock, its worker was killed) is launched again,
#   twice at most; a run whose step failed (a blocking check, a dbt test) is not: the same data would fail the same way.
# - Ticks: the sensors tick every 10 and 30 s and nearly every tick is skipped; those are kept one day. Runs and their
#   logs are kept RUN_RETENTION_DAYS by the housekeeping schedule (defs/housekeeping.py): dagster.yaml has no
#   setting for them.
# - No telemetry: no network here.
DAGSTER_YAML = f"""\
{MARKER}; edit freely, then delete this line so that it stays as you left it.
concurrency:
  runs:
    max_concurrent_runs: 1
run_retries:
  enabled: true
  max_retries: 2
  retry_on_asset_or_op_failure: false
retention:
  schedule:
    purge_after_days: 90
  sensor:
    purge_after_days:
      skipped: 1
      failure: 30
      success: 90
telemetry:
  enabled: false
"""
# What earlier versions wrote: replaced like our own.
EARLIER_YAML = ("concurrency:\n  runs:\n    max_concurrent_runs: 1\ntelemetry:\n  enabled: false\n",)

# Runs, event logs and schedule and sensor state in PostgreSQL; the URL (with its password) stays in the
# environment, never in the file.
POSTGRES_STORAGE = f"""\
storage:
  postgres:
    postgres_url:
      env: {POSTGRES_URL_VARIABLE}
"""


def instance_yaml(postgres: bool) -> str:
    head, rest = DAGSTER_YAML.split("\n", 1)
    return f"{head}\n{POSTGRES_STORAGE if postgres else ''}{rest}"


def prepare_instance() -> Path:
    """$DAGSTER_HOME with our dagster.yaml: written when missing, brought up to date while it carries our marker.
    Once on PostgreSQL it stays there (a process started without DAGSTER_PG_URL then fails to open the instance,
    saying so, rather than writing its runs into SQLite files nobody else reads)."""
    home = load_settings().dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    current = config.read_text(encoding="utf-8") if config.exists() else None
    ours = current is None or current in EARLIER_YAML or current.startswith(MARKER)
    if ours:
        wanted = instance_yaml(bool(os.environ.get(POSTGRES_URL_VARIABLE)) or POSTGRES_STORAGE in (current or ""))
        if current != wanted:
            config.write_text(wanted, encoding="utf-8")
    elif os.environ.get(POSTGRES_URL_VARIABLE) and "postgres" not in current:
        print(f"{POSTGRES_URL_VARIABLE} is set but {config}, edited by hand, keeps Dagster's storage in SQLite: add the "
              f"storage section of docs/deployment.md to move to PostgreSQL")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
