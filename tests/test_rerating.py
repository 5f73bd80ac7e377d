"""When a run may re-rate only what changed: on top of a full rating built by the same models and rules, with the
as-of date not going back, no rule coming into force and no new inspection period in between."""

from __future__ import annotations

import json
from datetime import date

import duckdb

from credit_pipeline.ingest.lake import Lake
from credit_pipeline.rerating import models_fingerprint, rating_plan, record_rating, rules_coming_into_force
from credit_pipeline.settings import DBT_PROJECT_DIR
from credit_pipeline.warehouse import BOOKKEEPING_DDL

SEEDS = DBT_PROJECT_DIR / "seeds"


def manifest(tmp_path, checksum: str):
    path = tmp_path / f"manifest-{checksum}.json"
    node = {"resource_type": "model", "checksum": {"checksum": checksum}, "tags": []}
    path.write_text(json.dumps({"nodes": {"model.credit.credit_rating": node}}), encoding="utf-8")
    return path


def test_a_scoped_rating_needs_a_full_rating_by_the_same_models(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    deployed, changed = manifest(tmp_path, "a"), manifest(tmp_path, "b")
    day = date(2026, 6, 10)

    def plan(as_of=day, manifest_path=deployed, forced=None):
        return rating_plan(warehouse, manifest_path, SEEDS, as_of, forced)

    assert plan().reason == "no warehouse yet"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(BOOKKEEPING_DDL)
    assert (plan().mode, plan().reason) == ("full", "no full rating to merge into yet")
    with duckdb.connect(str(warehouse)) as con:
        lake = Lake(tmp_path / "lake")
        lake.ensure(con, [])  # an empty ledger: nothing delivered yet
        record_rating(con, lake, "run-1", "full", day, models_fingerprint(deployed))
    assert plan().mode == "scoped"
    assert plan(date(2026, 6, 11)).mode == "scoped"  # the next day: new deliveries and what is dated in between
    assert plan(forced="full").mode == "full"
    # After a deploy that changed a model, the tables may have other columns: the full build runs first.
    assert plan(manifest_path=changed).reason == "the dbt models or rules changed since the last full rating"
    assert "before the last rating" in plan(date(2026, 6, 1)).reason
    assert "new inspection period" in plan(date(2026, 8, 3)).reason  # the draw is per quarter


def test_a_rule_coming_into_force_between_two_days_rates_every_subject(tmp_path):
    seeds = tmp_path / "seeds"
    (seeds / "rules").mkdir(parents=True)
    (seeds / "rules" / "rule_settings.csv").write_text(
        (SEEDS / "rules" / "rule_settings.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (seeds / "rules" / "rule_record_points.csv").write_text(
        "valid_from,record_kind,indicator,is_negative,points,active_months,class_floor,description\n"
        "2020-01-01,rating_A,行业评价,false,8,,,A\n2026-07-02,rating_A,行业评价,false,10,,,A（新权重）\n", encoding="utf-8")
    assert rules_coming_into_force(seeds, date(2026, 7, 1), date(2026, 7, 2)) == ["rule_record_points from 2026-07-02"]
    assert rules_coming_into_force(seeds, date(2026, 7, 2), date(2026, 7, 3)) == []
