"""Shared fixtures. The hand-made scenario is built once per session (its drop ingested, rated and published
through Dagster); tests that change it work on a copy of that home."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import scenario
from tests.environment import credit_environment


@pytest.fixture
def credit_env(tmp_path):
    with credit_environment(tmp_path / "home") as settings:
        yield settings


@pytest.fixture(scope="session")
def scenario_home(tmp_path_factory) -> Path:
    """A CREDIT_HOME where the scenario drop has been run once, as of scenario.AS_OF. Do not change it: copy it."""
    from credit_pipeline.cli import run_pipeline

    home = tmp_path_factory.mktemp("scenario") / "home"
    with credit_environment(home, scenario.AS_OF) as settings:
        scenario.write_scenario(settings.feed_dir)
        assert run_pipeline(), "the scenario run failed"
    return home


def copy_home(source: Path, target: Path) -> Path:
    """A copy of a built CREDIT_HOME (the publish symlink is relative, so it follows the copy)."""
    shutil.copytree(source, target, symlinks=True)
    return target
