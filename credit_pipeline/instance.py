"""The Dagster instance the CLI and `make ui` share: $DAGSTER_HOME, by default $CREDIT_HOME/dagster."""

from __future__ import annotations

import os
from pathlib import Path

from credit_pipeline.settings import load_settings

# One run at a time: the warehouse is a single-writer DuckDB file. No telemetry: no network here.
DAGSTER_YAML = """\
concurrency:
  runs:
    max_concurrent_runs: 1
telemetry:
  enabled: false
"""


def prepare_instance() -> Path:
    home = load_settings().dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
