"""When a scoped re-rating may run: only on top of a full rating built by the same models and rules."""

from __future__ import annotations

import json
from datetime import date

import duckdb

from credit_pipeline.ingest.lake import Lake
from credit_pipeline.warehouse import BOOKKEEPING_DDL
from credit_pipeline.rerating import models_fingerprint, record_rating, scope_refusal


def manifest(tmp_path, checksum: str):
    path = tmp_path / f"manifest-{checksum}.json"
    node = {"resource_type": "model", "checksum": {"checksum": checksum}, "tags": []}
    path.write_text(json.dumps({"nodes": {"model.credit.credit_rating": node}}), encoding="utf-8")
    return path


def test_a_scoped_rating_needs_a_full_rating_by_the_same_models(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    deployed, changed = manifest(tmp_path, "a"), manifest(tmp_path, "b")
    assert scope_refusal(warehouse, deployed) == "no warehouse yet"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(BOOKKEEPING_DDL)
    assert scope_refusal(warehouse, deployed) == "no full rating to merge into yet"
    with duckdb.connect(str(warehouse)) as con:
        lake = Lake(tmp_path / "lake")
        lake.ensure(con, [])  # an empty ledger: nothing delivered yet
        record_rating(con, lake, "run-1", "full", date(2026, 6, 30), models_fingerprint(deployed))
    assert scope_refusal(warehouse, deployed) is None
    # After a deploy that changed a model, the tables may have other columns: the full build runs first.
    assert scope_refusal(warehouse, changed) == "the dbt models or rules changed since the last full rating"
    assert models_fingerprint(deployed) != models_fingerprint(changed)
