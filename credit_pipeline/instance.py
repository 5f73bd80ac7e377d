"""The Dagster instance the CLI and `make ui` share: $DAGSTER_HOME, by default $CREDIT_HOME/dagster."""

from __future__ import annotations

import os
from pathlib import Path

from credit_pipeline.settings import load_settings

MARKER = "# Written by `credit-pipeline prepare-instance`"

# - One run at a time: the warehouse is a single-writer DuckDB file (and `credit-pipeline run`, which runs outside
#   this queue, takes the pipeline's lock: writer_lock.py).
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


def prepare_instance() -> Path:
    home = load_settings().dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    current = config.read_text(encoding="utf-8") if config.exists() else None
    if current is None or current in EARLIER_YAML or (current.startswith(MARKER) and current != DAGSTER_YAML):
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
