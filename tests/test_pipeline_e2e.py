"""End to end through Dagster: the hand-made scenario drop, materialised as the daily job does, and
the published marts read as BI reads them (Parquet and published.duckdb, never the warehouse)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from credit_pipeline.cli import run_pipeline
from credit_pipeline.publish import published_marts
from credit_pipeline.settings import DBT_PROJECT_DIR
from tests import scenario
from tests.conftest import copy_home
from tests.environment import credit_environment
from tests.marts import read_marts

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster




@pytest.fixture(scope="module")
def runs(scenario_home, tmp_path_factory):
    home = copy_home(scenario_home, tmp_path_factory.mktemp("e2e") / "home")
    with credit_environment(home, scenario.AS_OF) as settings:
        first_release = settings.publish_dir.resolve()
        first = read_marts(settings.publish_dir)
        second_ok = run_pipeline()
        yield {"settings": settings, "ok": (True, second_ok), "first": first, "first_release": first_release,
               "marts": read_marts(settings.publish_dir)}


def organisations(runs) -> set[str]:
    rating = runs["marts"]["credit_rating"]
    return set(rating.loc[rating.subject_type != "自然人", "subject_id"])


def by_subject(frame: pd.DataFrame) -> dict:
    return frame.set_index("subject_id").to_dict("index")


def test_runs_succeed_and_publish(runs):
    assert runs["ok"] == (True, True)
    publish_dir = runs["settings"].publish_dir
    assert publish_dir.is_symlink() and (publish_dir / "published.duckdb").exists()
    con = duckdb.connect(str(publish_dir / "published.duckdb"), read_only=True)
    assert {r[0] for r in con.execute("show tables").fetchall()} == set(published_marts())
    con.close()


def test_bi_reads_the_dbt_descriptions_in_published_duckdb(runs):
    """Every mart's view and every described column carry the dbt project's description as a comment."""
    from credit_pipeline.publish import BUCKET_DESCRIPTION
    from credit_pipeline.settings import DBT_MANIFEST

    nodes = json.loads(DBT_MANIFEST.read_text(encoding="utf-8"))["nodes"]
    with duckdb.connect(str(runs["settings"].publish_dir / "published.duckdb"), read_only=True) as con:
        columns = {(t, c): comment for t, c, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns()").fetchall()}
        views = dict(con.execute("select view_name, comment from duckdb_views() where not internal").fetchall())
    assert columns[("credit_rating", "score")] == "base_score plus the points of every record counting on the as-of date."
    assert columns[("credit_rating", "bucket")] == BUCKET_DESCRIPTION
    assert views["public_disclosure"].startswith("What the public-disclosure site shows")
    for mart in published_marts():
        model = nodes[f"model.credit.{mart}"]
        assert views[mart] == model["description"].strip()
        for name, spec in model["columns"].items():
            assert columns[(mart, name)] == spec["description"].strip(), f"{mart}.{name}"


def test_every_subject_gets_its_known_class(runs):
    rating = by_subject(runs["marts"]["credit_rating"])
    assert {sid: rating[sid]["credit_class"] for sid in scenario.EXPECTED_CLASS} == scenario.EXPECTED_CLASS
    assert "澄信认〔2026〕1号" in rating[scenario.A]["reasons"]  # every class comes with its reasons


def test_class_since_is_the_day_the_current_class_began(runs):
    # E: 严重失信 from its court listing (2026-02-15); its 一般 penalty of 2026-04-20 moved the score, not the class.
    e = by_subject(runs["marts"]["credit_rating"])[scenario.E]
    assert pd.Timestamp(e["class_since"]) == pd.Timestamp(2026, 2, 15)
    history = runs["marts"]["rating_history"]
    current = history[(history.subject_id == scenario.E) & history.valid_to.isna()]
    assert pd.Timestamp(current.valid_from.item()) == pd.Timestamp(e["class_since"])


def test_related_party_risk_and_red_black_conflicts_are_marts_of_their_own(runs):
    risks = runs["marts"]["related_party_risks"]
    # A2 shares its legal representative P1 with A (严重失信); nobody else is tied to a 严重失信 subject.
    assert risks[["subject_id", "related_subject_id", "person_id", "person_role"]].values.tolist() == [
        [scenario.A2, scenario.A, scenario.P1, "法定代表人"]
    ]
    conflicts = runs["marts"]["red_black_conflicts"]
    assert conflicts.subject_id.tolist() == [scenario.RB]  # R is red-listed too, but with nothing serious
    k = conflicts.iloc[0]
    assert list(k.red_list_document_nos) == ["澄信红〔2026〕1号"] and list(k.serious_document_nos) == ["澄市监罚〔2026〕11号"]
    rating = by_subject(runs["marts"]["credit_rating"])
    assert rating[scenario.RB]["red_black_conflict"] and not rating[scenario.R]["red_black_conflict"]


def test_rows_reconcile_and_bad_rows_are_set_aside_by_rule(runs):
    quality = runs["marts"]["department_quality"]
    assert (quality.rows_in == quality.rows_accepted + quality.rows_set_aside).all()
    by_rule = quality.set_aside_by_rule.dropna().str.split(";").explode().str.split(":").apply(lambda p: (p[0], int(p[1])))
    assert dict(by_rule.tolist()) == scenario.EXPECTED_SET_ASIDE
    assert set(quality.failed_items.dropna().str.split(";").explode()) == {"行政处罚决定书文号:1", "统一社会信用代码:1"}
    assert quality.late_records.sum() > 0
    assert quality.overdue_objections.sum() == 1  # YY-001, pending past its 5 working days


def test_timeliness_is_judged_on_a_records_first_delivery(runs):
    quality = runs["marts"]["department_quality"].set_index("file_path")
    # L1's penalty: delivered on time on 2026-04-03, corrected on 2026-06-01; neither delivery has a late record.
    assert quality.loc[f"xzcf/{scenario.DEPT_SAMR}_20260403.csv", "late_records"] == 0
    assert quality.loc[f"xzcf/{scenario.DEPT_SAMR}_20260601.csv", "late_records"] == 0
    record = runs["marts"]["credit_archive"].set_index(["subject_id", "document_no"]).loc[(scenario.L1, "澄市监罚〔2026〕50号")]
    assert record.source_file == f"xzcf/{scenario.DEPT_SAMR}_20260601.csv"  # the correction is the current version


def test_objections_repairs_and_leniency_show_in_the_archive(runs):
    archive = runs["marts"]["credit_archive"]
    status = {(r.subject_id, r.document_no, r.role): r.status for r in archive.itertuples()}
    assert status[(scenario.D, "澄市监罚〔2025〕4号", "本人")] == "已修复"
    assert status[(scenario.G, "澄市监罚〔2026〕7号", "本人")] == "已撤销"
    assert status[(scenario.F, "澄市监罚〔2026〕6号", "本人")] == "异议处理中"
    assert status[(scenario.P_MINOR, "澄市监罚〔2026〕5号", "本人")] == "从轻不计"
    assert status[(scenario.H, "澄市监罚〔2026〕8号", "本人")] == "有效"  # repair applied too early: refused
    # The legal representative carries the 严重失信主体名单 record in his own archive.
    assert status[(scenario.P1, "澄信认〔2026〕1号", "法定代表人")] == "有效"
    # 更正 replaced the severity everywhere.
    assert archive.set_index("document_no").loc["澄市监罚〔2026〕9号", "severity"] == "一般"


def test_the_latest_delivery_wins_by_its_sequence_as_a_number(runs):
    # K9's penalty came as _9 (吊销: 严重) and, the same day, as _10 (一般): _10 is the later delivery.
    record = runs["marts"]["credit_archive"].set_index(["subject_id", "document_no"]).loc[(scenario.K9, "澄市监罚〔2026〕90号")]
    assert record.source_file == f"xzcf/{scenario.DEPT_SAMR}_20260603_10.csv" and record.severity == "一般"
    assert by_subject(runs["marts"]["credit_rating"])[scenario.K9]["credit_class"] == "轻微失信"


def test_what_is_decided_or_delivered_after_the_as_of_date_does_not_exist_yet(runs):
    marts = runs["marts"]
    # C's penalty decided 2026-07-02 (delivered 07-03) and its deregistration delivered 07-02, as of 06-30.
    assert "澄市监罚〔2026〕99号" not in set(marts["credit_archive"].document_no)
    assert "澄市监罚〔2026〕99号" not in set(marts["public_disclosure"].document_no)
    assert by_subject(marts["credit_rating"])[scenario.C]["credit_class"] == "诚信守法"
    assert scenario.C in set(marts["supervision_plan"].subject_id)  # still registered (存续) on the as-of date
    assert (pd.to_datetime(marts["department_quality"].delivery_date) <= pd.Timestamp(scenario.AS_OF)).all()


def test_periods_end_with_their_anniversary_and_a_minor_penalty_is_repaired_at_any_time(runs):
    archive = runs["marts"]["credit_archive"].set_index(["subject_id", "document_no"])
    published = set(runs["marts"]["public_disclosure"].document_no)
    # 民法典 201-202: a year from 2025-06-30 ends with 2026-06-30 (AS_OF), so it is still published on it.
    assert archive.loc[(scenario.N1, "澄市监罚〔2025〕30号"), "status"] == "有效" and "澄市监罚〔2025〕30号" in published
    assert archive.loc[(scenario.N1, "澄市监罚〔2025〕31号"), "status"] == "已过公示期" and "澄市监罚〔2025〕31号" not in published
    assert pd.Timestamp(archive.loc[(scenario.N1, "澄市监罚〔2025〕30号"), "publish_until"]) == pd.Timestamp(scenario.AS_OF)
    # A 轻微 penalty may be repaired at once (NDRC Order No. 36): granted, it stops counting.
    assert archive.loc[(scenario.M1, "澄市监罚〔2026〕40号"), "status"] == "已修复"
    history = runs["marts"]["lifecycle_history"]
    assert history[history.case_id == "XF-003"].sort_values("transition_seq").to_state.tolist()[-1] == "同意"


def test_every_date_in_the_marts_is_a_date(runs):
    # SPEC §6: dates are DATE columns, never timestamps; only the instants *_at (recorded_at) are.
    for mart in published_marts():
        schema = pq.read_schema(next((runs["settings"].publish_dir / mart).rglob("*.parquet")))
        assert [f.name for f in schema if pa.types.is_timestamp(f.type) and not f.name.endswith("_at")] == [], mart


def test_a_minor_on_any_feed_is_archived_but_counts_in_nothing(runs):
    # A 15-year-old on the court's list: 从轻不计, not 严重失信, no 限制高消费, not published (seed 003).
    marts = runs["marts"]
    record = marts["credit_archive"].set_index(["subject_id", "document_no"]).loc[(scenario.P_MINOR_DEBTOR, "（2026）苏0281执200号")]
    assert (record.status, record.leniency) == ("从轻不计", "未成年人")
    assert by_subject(marts["credit_rating"])[scenario.P_MINOR_DEBTOR]["credit_class"] == "诚信守法"
    assert scenario.P_MINOR_DEBTOR not in set(marts["joint_measures"].subject_id)
    assert "（2026）苏0281执200号" not in set(marts["public_disclosure"].document_no)


def test_sharing_follows_the_catalogue_and_stops_with_repair_revocation_and_leniency(runs):
    sharing = runs["marts"]["data_sharing"].set_index(["subject_id", "document_no", "recipient"]).sort_index()
    recipients = {"全市各部门", "授权部门"}  # the catalogue's shared_with for xzcf and sxbzxr items
    # D's penalty was repaired on 2026-03-10 (NDRC Order No. 36 第三条: publication and sharing end together).
    repaired = sharing.loc[scenario.D, "澄市监罚〔2025〕4号"]
    assert set(repaired.index) == recipients and set(repaired.status) == {"停止共享"} and set(repaired.reason) == {"已修复"}
    assert set(pd.to_datetime(repaired.since)) == {pd.Timestamp(2026, 3, 10)}
    assert set(sharing.loc[scenario.G, "澄市监罚〔2026〕7号"].reason) == {"已撤销"}
    assert set(sharing.loc[scenario.P_MINOR_DEBTOR, "（2026）苏0281执200号"].status) == {"停止共享"}  # never shared
    shared = sharing.loc[scenario.B, "澄市监罚〔2026〕1号"]
    assert set(shared.status) == {"共享"} and shared.reason.isna().all()
    assert set(sharing.loc[scenario.F, "澄市监罚〔2026〕6号"].reason) == {"异议处理中"}  # shared while contested


def test_rating_history_keeps_every_change_with_its_cause(runs):
    history = runs["marts"]["rating_history"]
    d = history[history.subject_id == scenario.D].sort_values("valid_from")
    assert d.credit_class.tolist() == ["诚信守法", "轻微失信", "诚信守法"]
    assert "信用修复" in d.cause.iloc[-1] and str(d.valid_from.iloc[-1])[:10] == "2026-03-10"
    g = history[history.subject_id == scenario.G].sort_values("valid_from")
    assert "异议撤销" in g.cause.iloc[-1]


def test_public_disclosure_publishes_only_what_may_be_published_and_masks_persons(runs):
    disclosure = runs["marts"]["public_disclosure"]
    documents = set(disclosure.document_no)
    assert "澄市监罚〔2025〕4号" not in documents  # repaired
    assert "澄市监罚〔2026〕7号" not in documents  # revoked
    assert "澄市监罚〔2026〕5号" not in documents  # minor: lenient
    assert disclosure.set_index("document_no").loc["澄市监罚〔2026〕6号", "status"] == "异议处理中"
    debtor = disclosure.set_index("document_no").loc["（2026）苏0281执123号"]
    assert (debtor.subject_id, debtor.subject_name) == (scenario.P_DEBTOR[:6] + "********" + scenario.P_DEBTOR[-4:], "赵**")
    items = disclosure.set_index("document_no")["items"].map(json.loads)
    assert {i.get("法定代表人") for i in items} - {None} == {"王**"}
    # Inside free text (处罚内容, 违法事实): the subject's name and ID, and any other ID-shaped string, masked.
    fined = items["澄市监罚〔2026〕70号"]
    assert fined["处罚内容"] == "对孙**处以罚款1万元"
    assert fined["违法事实"] == (f"孙**（身份证号码{scenario.P_FINED[:6]}********{scenario.P_FINED[-4:]}）"
                             f"伙同{scenario.STRANGER_ID[:6]}********{scenario.STRANGER_ID[-4:]}无证经营")
    assert items["澄市监罚〔2026〕60号"]["处罚内容"] == "对戌公司处以罚款5万元，对法定代表人王**予以警告"
    # Only the items the catalogue marks public: 证件号码 masked, the legal representative's ID not there at all.
    assert "法定代表人证件号码" not in fined and "从轻情形" not in fined and fined["证件号码"].count("*") == 8
    cells = [str(c) for c in disclosure.drop(columns="items").to_numpy().ravel() if c is not None and c == c]
    cells += [str(v) for i in items for v in i.values() if v is not None]
    people = {scenario.P1, scenario.P_MINOR, scenario.P_DEBTOR, scenario.P_CONTROLLER, scenario.P_FINED, scenario.STRANGER_ID,
              scenario.P_E_REP, scenario.P_E_CONTROLLER, "赵大海", "李小明", "王建国", "钱多多", "孙小红", "王大力", "孙强"}
    assert not any(p in c for c in cells for p in people)
    assert not any(re.search(r"\d{17}[\dX]", c) for c in cells if c not in organisations(runs))


def test_the_guard_looks_inside_text_and_names_the_record_that_leaks(scenario_home, tmp_path):
    # Undo the masking of one name inside 处罚内容 in a copy of the warehouse, then run the guard as dbt build does.
    home = copy_home(scenario_home, tmp_path / "home")
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute("update intermediate.int_public_items set items = replace(items, '对孙**处以', '对孙小红处以') "
                    "where document_no = '澄市监罚〔2026〕70号'")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "test", "--select", "assert_public_disclosure_masks_persons",
         "--vars", json.dumps({"as_of_date": scenario.AS_OF.isoformat()}), "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target")],
        env=os.environ | {"CREDIT_HOME": str(home)}, capture_output=True, text=True)
    assert result.returncode == 1 and "assert_public_disclosure_masks_persons" in result.stdout
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        failures = con.execute("select * from dbt_test__audit.assert_public_disclosure_masks_persons").fetchall()
    # The failure names the record (feed, document, file and line) and where the name stands, never the name itself.
    assert failures == [("xzcf", "澄市监罚〔2026〕70号", f"xzcf/{scenario.DEPT_SAMR}_20260513.csv", 2, "items.处罚内容", "name")]


def test_joint_measures_follow_lists_classes_and_reach_the_legal_representative(runs):
    measures = runs["marts"]["joint_measures"].groupby("subject_id").measure_code.apply(set).to_dict()
    assert {"P01", "P02", "P03", "P04", "P05"} <= measures[scenario.A]
    assert "P08" in measures[scenario.P1]
    assert {"P06", "P07"} <= measures[scenario.P_DEBTOR]
    # Seed 004 三（五） attaches 财政性资金 and 评优评先 to the 严重失信 class: a 失信被执行人 company gets them, and
    # its legal representative and actual controller bear 限制高消费 (最高人民法院 限制消费规定 第三条).
    assert {"P01", "P02", "P04", "P05", "P06", "P07"} <= measures[scenario.E]
    assert measures[scenario.P_E_REP] == {"P10"} and measures[scenario.P_E_CONTROLLER] == {"P11"}
    basis = runs["marts"]["measure_list"].set_index("measure_code").legal_basis
    assert "最高人民法院" in basis["P10"] and "第三条" in basis["P10"] and "国发〔2016〕33号" in basis["P01"]
    assert {"I01", "I02", "I03"} <= measures[scenario.C]
    assert not any(code.startswith("I") for code in measures.get(scenario.B, set()))  # 一般失信: no incentives
    # Red-listed and 诚信守法: class and red-list incentives; red-listed with a serious penalty: none (conflict).
    assert measures[scenario.R] == {"I01", "I02", "I03", "I04", "I05", "I06", "I07"}
    assert not any(code.startswith("I") for code in measures.get(scenario.RB, set()))
    # Class incentives are for market subjects (seed 004): a 诚信守法 natural person gets none.
    assert scenario.P_MINOR not in measures and scenario.P1 in measures  # P1 only for his personal P08


def test_the_measure_list_is_published_with_matters_departments_basis_and_duration(runs):
    measure_list = runs["marts"]["measure_list"].set_index("measure_code")
    assert measure_list.loc["P03", "matters"] == "政府采购" and measure_list.loc["P03", "duration_months"] == 36
    assert measure_list.loc["P06", ["trigger", "departments"]].tolist() == ["court_失信被执行人", "人民法院"]
    assert measure_list.loc["I01", "subject_types"] == "法人及非法人组织;个体工商户"


def test_supervision_plan_follows_class_ratios(runs):
    plan = by_subject(runs["marts"]["supervision_plan"])
    assert plan[scenario.A]["inspection_ratio"] == 1.0 and plan[scenario.A]["selected"]
    assert plan[scenario.C]["inspection_ratio"] == 0.05
    assert scenario.P_DEBTOR not in plan  # natural persons are not market subjects to inspect


def test_a_repeated_run_changes_nothing_and_publishes_nothing(runs):
    for mart in published_marts():
        frame = runs["first"][mart]
        keys = [c for c in frame.columns if not frame[c].map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).any()][:6]
        first = frame.sort_values(keys).reset_index(drop=True)
        second = runs["marts"][mart].sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(first, second, obj=mart)
    # Nothing new, the same day: the release readers have stands (no new release, no switch).
    assert runs["settings"].publish_dir.resolve() == runs["first_release"]
