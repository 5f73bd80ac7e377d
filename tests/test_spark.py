"""The same dbt models on Apache Spark: the hand-made scenario built through Dagster on a local Spark session
publishes, mart for mart and row for row, what the DuckDB build of the same lake published, in the same release
layout, so that BI, check and report read either alike."""

from __future__ import annotations

import json
import time

import duckdb
import pandas as pd
import pytest

from credit_pipeline.cli import run_pipeline
from credit_pipeline.publish import published_marts, read_manifest
from credit_pipeline.settings import load_settings
from credit_use.matching import check
from tests import scenario
from tests.conftest import copy_home
from tests.environment import credit_environment

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster, on Spark



@pytest.fixture(scope="module")
def releases(scenario_home, tmp_path_factory):
    """The scenario's DuckDB release (the session's scenario home) and a Spark build of a copy of that home, whose
    lake holds the same deliveries: ingestion finds nothing new, Spark builds every model and publishes."""
    home = copy_home(scenario_home, tmp_path_factory.mktemp("spark") / "home")
    duckdb_release = (home / "publish").resolve()
    with credit_environment(home, scenario.AS_OF) as settings:
        started = time.perf_counter()
        ok = run_pipeline(load_settings(engine="spark"))
        seconds = time.perf_counter() - started
        yield {"ok": ok, "seconds": seconds, "settings": settings, "duckdb": duckdb_release,
               "spark": (home / "publish").resolve()}


def _marts(release) -> dict[str, pd.DataFrame]:
    """Every mart as the release's published.duckdb shows it, with the bucket each row lies in."""
    with duckdb.connect(str(release / "published.duckdb"), read_only=True) as con:
        return {m: con.execute(f'select * from "{m}"').df() for m in published_marts()}


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    text = frame.astype(str)  # lists and dates compared as they print
    return text.sort_values(list(text.columns)).reset_index(drop=True)


def test_spark_publishes_a_release_of_its_own(releases):
    print(f"\nthe scenario on Spark, through Dagster: {releases['seconds']:.0f} s")
    assert releases["ok"], "the Spark run failed or did not publish"
    assert releases["spark"] != releases["duckdb"] and releases["spark"].parent == releases["duckdb"].parent
    manifest = read_manifest(releases["spark"])
    assert manifest["engine"] == "spark" and read_manifest(releases["duckdb"])["engine"] == "duckdb"
    assert manifest["as_of_date"] == scenario.AS_OF.isoformat() and manifest["mode"] == "full"


def test_every_mart_is_identical_row_for_row(releases):
    duck, spark = _marts(releases["duckdb"]), _marts(releases["spark"])
    assert sorted(spark) == sorted(duck) == sorted(published_marts())
    for mart in published_marts():
        assert list(spark[mart].columns) == list(duck[mart].columns), mart
        assert len(spark[mart]) == len(duck[mart]) > 0, mart
        # Same rows, each in the same bucket (the bucket column comes from the folder a row's file lies in).
        pd.testing.assert_frame_equal(_sorted(spark[mart]), _sorted(duck[mart]), obj=mart)


def test_the_layout_and_types_are_publish_pys(releases):
    duck, spark = read_manifest(releases["duckdb"]), read_manifest(releases["spark"])
    assert spark["rows"] == duck["rows"]
    for mart, described in duck["marts"].items():
        assert spark["marts"][mart]["columns"] == described["columns"], mart  # DATE stays DATE, lists stay lists
        assert spark["marts"][mart]["buckets"] == described["buckets"], mart
        folder = releases["spark"] / mart
        if described["buckets"]:
            assert sorted(p.name for p in folder.iterdir()) == [f"bucket={b:03d}" for b in range(described["buckets"])]
            assert all(sorted(p.name for p in bucket.iterdir()) == ["part-0.parquet"] for bucket in folder.iterdir())
        else:
            assert sorted(p.name for p in folder.iterdir()) == ["part-0.parquet"]
    assert not list(releases["spark"].rglob("*.crc")) and not list(releases["spark"].rglob("_SUCCESS"))


def test_check_reads_a_spark_release_as_a_duckdb_one(releases):
    settings = releases["settings"]
    ids = [scenario.A, scenario.E, scenario.P_DEBTOR, scenario.C]
    on_spark = check(ids, "政府采购", "测试", "engines compared", settings=settings)
    link = settings.publish_dir
    spark_target = link.resolve()
    link.unlink()
    link.symlink_to(releases["duckdb"], target_is_directory=True)
    try:
        on_duckdb = check(ids, "政府采购", "测试", "engines compared", settings=settings)
    finally:
        link.unlink()
        link.symlink_to(spark_target, target_is_directory=True)
    def strip(answers):
        return json.loads(json.dumps([{k: v for k, v in a.items() if k != "query_id"} for a in answers],
                                                      default=str, ensure_ascii=False))
    assert strip(on_spark) == strip(on_duckdb)
    assert {a["subject_id"]: a["credit_class"] for a in on_spark} == {i: scenario.EXPECTED_CLASS[i] for i in ids}
