"""Every test runs against its own CREDIT_HOME and feed drop; nothing touches the developer's state."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/scenario.py


@pytest.fixture
def credit_env(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CREDIT_HOME", str(home))
    monkeypatch.setenv("CREDIT_FEED_DIR", str(home / "feeds"))
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    monkeypatch.delenv("CREDIT_AS_OF", raising=False)
    from credit_pipeline.settings import load_settings

    return load_settings()
