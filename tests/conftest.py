"""Every test runs against its own CREDIT_HOME and feed drop; nothing touches the developer's state."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/scenario.py


@contextmanager
def credit_environment(home: Path, as_of: date | None = None):
    """CREDIT_HOME, the feed drop and the Dagster instance under `home`, evaluated as of `as_of`."""
    from credit_pipeline.settings import load_settings

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CREDIT_HOME", str(home))
        mp.setenv("CREDIT_FEED_DIR", str(home / "feeds"))
        mp.setenv("DAGSTER_HOME", str(home / "dagster"))
        if as_of:
            mp.setenv("CREDIT_AS_OF", as_of.isoformat())
        else:
            mp.delenv("CREDIT_AS_OF", raising=False)
        yield load_settings()


@pytest.fixture
def credit_env(tmp_path):
    with credit_environment(tmp_path / "home") as settings:
        yield settings
