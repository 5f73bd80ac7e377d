"""The commands the README and the docs give for reading the published marts work on a fresh machine:
the project's Python, no DuckDB command-line program."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e  # reads a release built through Dagster

PROJECT = Path(__file__).resolve().parent.parent
DOCS = [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md"))]


def commands() -> list[str]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        spans = re.findall(r"`([^`\n]+)`", text) + [line.strip() for line in text.splitlines() if line.strip().startswith(".venv/")]
        found += [s for s in spans if "published.duckdb" in s and re.match(r"(\.venv/bin/python|duckdb)\s", s)]
    return found


def test_the_documented_duckdb_commands_run_against_a_release(scenario_home):
    found = commands()
    assert len(found) >= 3
    for command in found:
        argv = shlex.split(command.replace(".credit_home/publish", str(scenario_home / "publish")))
        assert argv[0] != "duckdb" or shutil.which("duckdb"), f"needs a DuckDB CLI the project does not install: {command}"
        if argv[0] == ".venv/bin/python":
            argv[0] = sys.executable
        result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        assert "credit_class" in result.stdout or "subject_id" in result.stdout, command
