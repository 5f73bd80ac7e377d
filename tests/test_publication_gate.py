"""The publication gate through Dagster: a broken delivery blocks publication and leaves the published
marts as they were, keeps blocking on reruns until the department re-delivers; 2% bad rows publish."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from credit_pipeline.cli import main
from credit_tools.demo.writers import write_delivery
from tests import scenario
from tests.environment import credit_environment
from tests.marts import read_mart

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster


def penalties(n: int, bad: int = 0) -> pd.DataFrame:
    rows = [scenario._penalty(scenario.B, "乙公司", f"澄市监罚〔2026〕2{i:03d}号", "2026-06-01", "罚款", "20") for i in range(n)]
    for row in rows[:bad]:
        row["违法事实"] = ""
    return scenario._frame("xzcf", rows)


@pytest.fixture(scope="module")
def gate(tmp_path_factory):
    with credit_environment(tmp_path_factory.mktemp("gate") / "home", scenario.AS_OF) as settings:
        folder = settings.feed_dir / "xzcf"
        write_delivery(penalties(50, bad=1), folder / f"{scenario.DEPT_SAMR}_20260605.csv")  # 2% bad
        outcome = {"good": main(["run"]), "good_manifest": json.loads((settings.publish_dir / "manifest.json").read_text()),
                   "good_quality": read_mart(settings.publish_dir, "department_quality")}
        release = settings.publish_dir.resolve()

        write_delivery(penalties(30).drop(columns=["处罚依据"]), folder / f"{scenario.DEPT_SAMR}_20260610.csv")
        outcome["broken"] = main(["run"])
        outcome["broken_release_unchanged"] = settings.publish_dir.resolve() == release
        outcome["rerun"] = main(["run"])
        outcome["rerun_release_unchanged"] = settings.publish_dir.resolve() == release

        write_delivery(penalties(30), folder / f"{scenario.DEPT_SAMR}_20260611.csv")  # the department re-delivers
        outcome["redelivered"] = main(["run"])
        outcome["published_rows"] = json.loads((settings.publish_dir / "manifest.json").read_text())["rows"]
        yield outcome


def test_two_percent_bad_rows_publish_with_the_rows_set_aside(gate):
    assert gate["good"] == 0
    assert gate["good_manifest"]["rows"]["department_quality"] == 1
    quality = gate["good_quality"].iloc[0]
    assert (quality.rows_in, quality.rows_accepted, quality.rows_set_aside) == (50, 49, 1)
    assert quality.failed_items == "违法事实:1"


def test_a_missing_required_column_blocks_publication_and_leaves_the_marts(gate):
    assert gate["broken"] == 1 and gate["broken_release_unchanged"]


def test_the_block_holds_on_rerun_until_the_department_redelivers(gate):
    assert gate["rerun"] == 1 and gate["rerun_release_unchanged"]
    assert gate["redelivered"] == 0
    assert gate["published_rows"]["department_quality"] == 3
