"""End to end on a generated drop: every planted defect is set aside under its rule, nothing is lost,
duplicate files are one delivery, and the public disclosure holds no unmasked personal data."""

from __future__ import annotations

import json
import re
from datetime import date

import duckdb
import pytest

from credit_pipeline.cli import run_pipeline
from credit_pipeline.ingest.lake import Lake
from credit_tools.demo.generator import generate_drop
from tests.environment import credit_environment
from tests.marts import read_mart

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster

AS_OF = date(2026, 11, 20)
ID_NUMBER = re.compile(r"[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    with credit_environment(tmp_path_factory.mktemp("generated") / "home", AS_OF) as settings:
        summary = generate_drop(settings.feed_dir, subjects=400, seed=11, as_of=AS_OF)
        ok = run_pipeline()
        lake = Lake(settings.lake_dir)
        with duckdb.connect() as con:
            raw = {
                "set_aside": con.sql(f"select rule, count(*) as n from {lake.glob('_set_aside')} group by rule").df(),
                "duplicates": con.execute(f"select count(*) from {lake.glob('_files')} where duplicate").fetchone()[0],
            }
        yield {"ok": ok, "summary": summary, "raw": raw, "publish": settings.publish_dir}


def test_the_run_publishes(generated):
    assert generated["ok"]
    assert json.loads((generated["publish"] / "manifest.json").read_text())["as_of_date"] == AS_OF.isoformat()


def test_every_planted_defect_is_set_aside_under_its_rule(generated):
    planted = {rule: n for rule, n in generated["summary"]["defects"].items() if n}
    found = dict(zip(generated["raw"]["set_aside"]["rule"], generated["raw"]["set_aside"]["n"]))
    assert found == planted


def test_nothing_is_lost_and_duplicates_are_one_delivery(generated):
    quality = read_mart(generated["publish"], "department_quality")
    assert (quality.rows_in == quality.rows_accepted + quality.rows_set_aside).all()
    written = sum(generated["summary"]["records"].values())
    assert quality.rows_in.sum() == written
    assert generated["raw"]["duplicates"] == generated["summary"]["duplicate_files"]


def test_every_class_occurs_and_disclosure_is_masked(generated):
    rating = read_mart(generated["publish"], "credit_rating")
    assert set(rating.credit_class) == {"诚信守法", "轻微失信", "一般失信", "严重失信"}
    disclosure = read_mart(generated["publish"], "public_disclosure")
    people = rating[rating.subject_type == "自然人"]
    persons, names = set(people.subject_id), {n for n in people.subject_name if len(n) > 1}
    # Every column, and every published item inside `items` on its own (licence numbers and the 个体工商户 placeholder
    # USCC hold 18 digits too: what must not show is a 身份证, GB 11643-shaped with a birth date, or a person).
    cells = [str(c) for c in disclosure.drop(columns="items").to_numpy().ravel() if c is not None and c == c]
    cells += [str(v) for items in disclosure["items"] for v in json.loads(items).values() if v is not None]
    assert not [c for c in cells if any(p in c for p in persons) or any(n in c for n in names) or ID_NUMBER.search(c)]
    assert disclosure.loc[disclosure.subject_type == "自然人", "subject_id"].str.contains("*", regex=False).all()
