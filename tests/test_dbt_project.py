"""The dbt project's promises to the marts' readers, read from its manifest (no pipeline run): every published mart is
under an enforced contract with every column typed, the exposures name who reads what, and no usage statistics
leave the machine (dbt, Dagster, GX)."""

from __future__ import annotations

import json

import pytest

from credit_pipeline.publish import published_marts
from credit_pipeline.settings import DBT_MANIFEST

PUBLIC_EXPOSURES = {"public_disclosure_site", "public_credit_search"}
PUBLIC_MARTS = {"public_disclosure", "credit_rating"}  # credit_rating: only its masked public_* columns


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(DBT_MANIFEST.read_text(encoding="utf-8"))


def test_every_published_mart_has_an_enforced_contract_with_every_column_typed(manifest):
    assert len(published_marts()) == 12
    for mart in published_marts():
        node = manifest["nodes"][f"model.credit.{mart}"]
        assert node["config"]["contract"]["enforced"], mart
        assert node["columns"] and all(c.get("data_type") for c in node["columns"].values()), mart
        assert all(c.get("description") for c in node["columns"].values()), mart
        assert node["config"]["persist_docs"] == {"relation": True, "columns": True}, mart


def test_exposures_name_owners_and_read_only_published_marts(manifest):
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert {"credit_centre_bi", "public_disclosure_site", "public_credit_search", "credit_service"} <= set(exposures)
    read = set()
    for name, exposure in exposures.items():
        marts = {node.split(".")[-1] for node in exposure["depends_on"]["nodes"]}
        assert marts and marts <= set(published_marts()), name
        assert exposure["owner"]["email"].endswith("@example.org") and exposure["owner"]["name"], name
        if name in PUBLIC_EXPOSURES:
            assert marts == PUBLIC_MARTS, f"{name} is public: it reads only {PUBLIC_MARTS}"
        read |= marts
    assert read == set(published_marts()), "every published mart has a reader, or it should not be published"


def test_public_exposures_read_only_masked_columns_of_credit_rating():
    from credit_use.report import SITE_RATING_COLUMNS

    columns = {c.strip() for c in SITE_RATING_COLUMNS.split(",")}
    assert not columns & {"subject_id", "subject_name", "reasons"}, "the site never reads unmasked identities"


def test_no_usage_statistics_leave_the_machine(manifest, credit_env):
    from dagster_shared.telemetry import get_telemetry_enabled_from_dagster_yaml

    from credit_pipeline.instance import prepare_instance
    from credit_pipeline.quality.suites import gx_context

    assert manifest["metadata"]["send_anonymous_usage_stats"] is False  # dbt_project.yml flags
    prepare_instance()  # the instance `make ui`, `dg` and the daemon use
    assert get_telemetry_enabled_from_dagster_yaml() is False
    assert gx_context().config.analytics_enabled is False


def test_class_floors_are_the_specs():
    """SPEC §4: 严重失信 with an active 严重失信主体名单 entry or 失信被执行人 record, at least 一般失信 with an active 严重
    penalty, and no other floor. The floors are data (rule_record_points.class_floor); int_class_timeline's unit test
    checks what the model does with them."""
    import csv

    from credit_pipeline.settings import DBT_PROJECT_DIR

    with open(DBT_PROJECT_DIR / "seeds" / "rules" / "rule_record_points.csv", encoding="utf-8") as f:
        floors = {row["record_kind"]: row["class_floor"] for row in csv.DictReader(f) if row["class_floor"]}
    assert floors == {"court_失信被执行人": "严重失信", "list_严重失信主体名单": "严重失信", "penalty_严重": "一般失信"}


def test_dbt_and_publication_default_to_the_same_duckdb_memory(monkeypatch):
    """One memory budget for DuckDB's heavy work: the profile's default for dbt builds is the one publication uses."""
    from credit_pipeline.settings import DBT_PROJECT_DIR, DUCKDB_MEMORY, duckdb_memory

    profile = (DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    assert f"env_var('CREDIT_DUCKDB_MEMORY', '{DUCKDB_MEMORY}')" in profile
    monkeypatch.delenv("CREDIT_DUCKDB_MEMORY", raising=False)
    assert duckdb_memory() == DUCKDB_MEMORY
    monkeypatch.setenv("CREDIT_DUCKDB_MEMORY", "3GB")
    assert duckdb_memory() == "3GB"
