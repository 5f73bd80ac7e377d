"""The service's copy in memory of the marts a check reads (`published.HeldMarts`) against the SQL path, on the
scenario published with small buckets (several bucket files a mart, as at city scale): every field of every
subject's check and report is the same either way, before and after a release switch, and after the switch
only the bucket files the new release rewrote are loaded again; the others are the very objects the
previous release held."""

from __future__ import annotations

import dataclasses
import time

import duckdb
import pytest

from credit_pipeline import publish
from credit_pipeline.cli import run_pipeline
from credit_tools.demo.writers import write_delivery
from credit_use.matching import CHECK_READS, known_matters, match_subject
from credit_use.published import HeldMarts, LiveRelease, bucket_files, open_release
from credit_use.report import report_data
from tests import scenario
from tests.conftest import copy_home
from tests.environment import credit_environment

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster

LIST_DOC = "澄信认〔2026〕1号"  # A's 严重失信主体名单 entry
ABSENT = [scenario.make_uscc("91320281MA1WWWWWX"), "320281000099999"]  # no archive: found False either way


@pytest.fixture(scope="module")
def bucketed(scenario_home, tmp_path_factory):
    """The scenario republished with a handful of rows a bucket, so each mart is split into several files."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(publish, "ROWS_PER_BUCKET", 4)  # read when each publication plans its marts
        home = copy_home(scenario_home, tmp_path_factory.mktemp("held") / "home")
        with credit_environment(home, scenario.AS_OF) as settings:
            release = publish.build_release(settings.warehouse_path, settings.releases_dir, "bucketed",
                                            scenario.AS_OF.isoformat())
            publish.switch_to(release, settings.publish_dir)
            yield settings


def loaded(live: LiveRelease, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    with live.use():
        pass  # opens the current release and starts loading it
    while live.loading:
        assert time.monotonic() < deadline, "the marts were not loaded in time"
        time.sleep(0.05)
    assert live.held_status()["done"]


def from_memory_only(release):
    """The release with its SQL connection closed: a look-up that did not come from memory would fail."""
    con = duckdb.connect()
    con.close()
    return dataclasses.replace(release, con=con)


def every_subject(release) -> list[str]:
    return [r["subject_id"] for r in release.rows("select subject_id from credit_rating order by subject_id")]


def assert_same_answers(live: LiveRelease, publish_dir) -> list[dict]:
    """Every subject's check for every matter, and its reports, from memory and from SQL; the checks returned."""
    checks = []
    with live.use() as held, open_release(publish_dir) as sql:
        assert held.path == sql.path and held.held is not None
        memory = from_memory_only(held)
        matters = known_matters(sql)
        for subject in every_subject(sql) + ABSENT:
            for matter in matters:
                answer = match_subject(memory, subject, matter)
                assert answer == match_subject(sql, subject, matter), (subject, matter)
                checks.append(answer)
            if answer["found"]:
                for internal in (False, True):  # reports read some held marts, the rest by SQL
                    assert report_data(held, subject, internal) == report_data(sql, subject, internal), (subject, internal)
    return checks


def test_answers_from_memory_equal_the_sql_path_field_for_field(bucketed):
    manifest = publish.read_manifest(bucketed.publish_dir)
    assert {m: manifest["marts"][m]["buckets"] for m in CHECK_READS} == {
        m: publish.buckets_for(manifest["rows"][m]) for m in CHECK_READS}
    # Several files a mart (related_party_risks has one row): the right bucket must really be found.
    assert all(manifest["marts"][m]["buckets"] > 1 for m in ("credit_rating", "joint_measures", "credit_archive"))
    live = LiveRelease(bucketed.publish_dir, hold=CHECK_READS)
    loaded(live)
    checks = assert_same_answers(live, bucketed.publish_dir)
    live.close()
    found = [c for c in checks if c["found"]]
    # What was compared covers what a check can hold: persons, measures, the records behind them, a red/black
    # conflict, related-party ties, and subjects without an archive.
    assert {c["subject_type"] for c in found} >= {"自然人", "法人及非法人组织", "个体工商户"}
    assert any(c["measures"] for c in found) and any(len(c["records"]) > 1 for c in found)
    assert any(c["red_black_conflict"] for c in found) and any(c["related_party_risks"] for c in found)
    assert any(not c["found"] for c in checks)
    a = next(c for c in found if c["subject_id"] == scenario.A and c["matter"] == "政府采购")
    assert a["credit_class"] == "严重失信" and [r["document_no"] for r in a["records"]] == [LIST_DOC]


def test_before_a_bucket_is_loaded_its_look_ups_go_to_sql(bucketed):
    with open_release(bucketed.publish_dir) as sql:
        unloaded = HeldMarts(sql.path, sql.manifest, CHECK_READS)
        assert unloaded.rows("credit_rating", scenario.A, ["subject_id"], [], None) is None  # not loaded: ask SQL
        waiting = dataclasses.replace(sql, held=unloaded)
        assert match_subject(waiting, scenario.A, "政府采购") == match_subject(sql, scenario.A, "政府采购")


def test_after_a_switch_only_the_rewritten_buckets_are_loaded_again(bucketed):
    """A repair lands and the pipeline publishes an incremental release: the re-rated subject's buckets are new
    files, every other bucket a hard link to the previous release's file."""
    live = LiveRelease(bucketed.publish_dir, hold=CHECK_READS)
    loaded(live)
    old_path = bucketed.publish_dir.resolve()
    with live.use() as release:
        old = release.held
    repair = {"修复编号": "XF-401", "统一社会信用代码": scenario.A, "涉及信息类别": "xymd", "涉及文书号": LIST_DOC,
              "修复方式": "整改失信", "申请日期": "2026-06-25", "决定": "同意", "决定日期": "2026-06-29", "不同意理由": ""}
    write_delivery(scenario._frame("xyxf", [repair]), bucketed.feed_dir / "xyxf" / f"{scenario.DEPT_CREDIT}_20260629.csv")
    with pytest.MonkeyPatch.context() as mp, credit_environment(bucketed.home, scenario.AS_OF):
        mp.setattr(publish, "ROWS_PER_BUCKET", 4)
        assert run_pipeline()
    new_path = bucketed.publish_dir.resolve()
    manifest = publish.read_manifest(bucketed.publish_dir)
    assert new_path != old_path and manifest["mode"] == "incremental"
    loaded(live)
    with live.use() as release:
        new = release.held
        assert release.path == new_path and new is not old
    rewritten = kept = 0
    for mart in CHECK_READS:
        for bucket in range(new.buckets[mart]):
            before, after = old.bucket(mart, bucket), new.bucket(mart, bucket)
            old_files, new_files = bucket_files(old_path, mart, bucket), bucket_files(new_path, mart, bucket)
            linked = [o.stat().st_ino for o in old_files] == [n.stat().st_ino for n in new_files]
            if linked:
                kept += len(new_files)
                assert all(a is b for a, b in zip(after, before, strict=True)), (mart, bucket)  # taken over, not loaded
            else:
                rewritten += len(new_files)
                assert not any(a is b for a in after for b in before), (mart, bucket)
    assert rewritten and kept  # the test saw both kinds
    status = live.held_status()
    assert (status["files_loaded"], status["files_taken_over"]) == (rewritten, kept)
    checks = assert_same_answers(live, bucketed.publish_dir)
    a = next(c for c in checks if c["subject_id"] == scenario.A and c["matter"] == "政府采购")
    assert a["credit_class"] == "诚信守法" and a["measures"] == []  # the new release's answer, from memory
    live.close()
