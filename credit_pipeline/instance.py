"""The Dagster instance the CLI and `make ui` share: $DAGSTER_HOME, by default $CREDIT_HOME/dagster.

By default Dagster keeps its runs, event logs and schedule and sensor state in SQLite files there: one machine,
one user. For a deployment with several users, the webserver and the daemon (and any number of run workers), set
DAGSTER_PG_URL (postgresql://user:password@host:5432/dagster) before the instance is first prepared: its
dagster.yaml then keeps all of that in PostgreSQL (dagster-postgres), and every process reads the same state.
"""

from __future__ import annotations

import os
from pathlib import Path

from credit_pipeline.settings import load_settings

POSTGRES_URL_VARIABLE = "DAGSTER_PG_URL"

# One run at a time: the warehouse is a single-writer DuckDB file (and a local Spark's metastore takes one process).
# No telemetry: no network here.
DAGSTER_YAML = """\
concurrency:
  runs:
    max_concurrent_runs: 1
telemetry:
  enabled: false
"""

# Runs, event logs and schedule and sensor state in PostgreSQL; the URL (with its password) stays in the
# environment, never in the file.
POSTGRES_STORAGE = f"""\
storage:
  postgres:
    postgres_url:
      env: {POSTGRES_URL_VARIABLE}
"""


def instance_yaml() -> str:
    return (POSTGRES_STORAGE if os.environ.get(POSTGRES_URL_VARIABLE) else "") + DAGSTER_YAML


def prepare_instance() -> Path:
    home = load_settings().dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(instance_yaml(), encoding="utf-8")
    elif os.environ.get(POSTGRES_URL_VARIABLE) and "postgres" not in config.read_text(encoding="utf-8"):
        print(f"{POSTGRES_URL_VARIABLE} is set but {config} keeps Dagster's storage in SQLite: remove the file (or add "
              f"the storage section the README shows) to move to PostgreSQL")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
