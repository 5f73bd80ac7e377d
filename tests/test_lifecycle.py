"""Objections and repairs through the lifecycle sensor (SPEC §5, issue 4): each outcome lands in the
drop, the sensor requests a run, the run re-rates only the subjects it touches and republishes, and
the published marts (read as BI reads them) show it everywhere at once."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd
import pytest

from tests import scenario
from tests.environment import credit_environment, evaluate_sensor, quick_settle
from credit_pipeline.cli import run_pipeline
from credit_tools.demo.writers import write_delivery
from credit_pipeline.publish import published_marts, read_manifest
from tests.marts import assert_same_marts, read_marts

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster

K = scenario.make_uscc("91320281MA1KKKKKX")  # a 一般 penalty of 2025-09-01, objected to across National Day 2025
LIST_DOC = "澄信认〔2026〕1号"  # A's 严重失信主体名单 entry


def objection(oid, sid, doc, applied, outcome="", corrections="", decided="", feed="xzcf", person=False):
    return {"异议编号": oid, "统一社会信用代码": "" if person else sid, "证件号码": sid if person else "", "涉及信息类别": feed, "涉及文书号": doc, "异议事由": "事实有误",
            "申请日期": applied, "处理结果": outcome, "更正内容": corrections, "处理日期": decided,
            "处理单位统一社会信用代码": scenario.DEPT_SAMR if outcome else ""}


def repair(rid, sid, doc, applied, decision="", decided="", feed="xzcf"):
    return {"修复编号": rid, "统一社会信用代码": sid, "涉及信息类别": feed, "涉及文书号": doc, "修复方式": "整改失信",
            "申请日期": applied, "决定": decision, "决定日期": decided, "不同意理由": ""}


def write_k(feed_dir) -> None:
    penalty = scenario._penalty(K, "壬公司", "澄市监罚〔2025〕20号", "2025-09-01", "罚款", "5")
    write_delivery(scenario._frame("xzcf", [penalty]), feed_dir / "xzcf" / f"{scenario.DEPT_SAMR}_20250905.csv")


class Drop:
    """Lands files in the drop and lets the lifecycle sensor request runs, as the daemon would."""

    def __init__(self, settings, instance, settled):
        from credit_pipeline.defs.ingestion.sensors import lifecycle_sensor

        self.settings, self.instance, self.sensor = settings, instance, lifecycle_sensor
        self.settled = settled
        _, self.cursor = self.evaluate(None)
        self.run_ids: list[str] = []

    def evaluate(self, cursor):
        return evaluate_sensor(self.sensor, self.settings, cursor, self.instance)

    def land(self, feed: str, rows: list[dict], name: str) -> dg.SensorResult:
        write_delivery(scenario._frame(feed, rows), self.settings.feed_dir / feed / name)
        self.settled()
        result, self.cursor = self.evaluate(self.cursor)
        assert isinstance(result, dg.SensorResult), result
        for request in result.run_requests:
            from credit_pipeline.definitions import defs

            run = defs().resolve_job_def(request.job_name).execute_in_process(instance=self.instance, tags=request.tags)
            assert run.success
            self.run_ids.append(run.run_id)
        return result


def published(settings) -> dict[str, pd.DataFrame]:
    return read_marts(settings.publish_dir)


def rerated(settings, run_id) -> set[str]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return {r[0] for r in con.execute("select subject_id from pipeline.rerated_subjects where run_id = ?", [run_id]).fetchall()}


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory):
    with credit_environment(tmp_path_factory.mktemp("lifecycle") / "home", scenario.AS_OF) as settings:
        scenario.write_scenario(settings.feed_dir)
        write_k(settings.feed_dir)
        assert run_pipeline()
        steps = {"full": published(settings)}
        with dg.DagsterInstance.get() as instance, quick_settle() as settled:
            drop = Drop(settings, instance, settled)
            # 1. A's list entry is repaired: A, its legal representative P1 and A2 (tied by P1) change.
            result = drop.land("xyxf", [repair("XF-101", scenario.A, LIST_DOC, "2026-06-25", "同意", "2026-06-29", feed="xymd")],
                               f"{scenario.DEPT_CREDIT}_20260629.csv")
            steps["list_repair"] = published(settings) | {"rerated": rerated(settings, drop.run_ids[-1]),
                                                          "job": result.run_requests[0].job_name,
                                                          "manifest": read_manifest(settings.publish_dir)}
            # 2. F's pending objection is revoked (撤销); B's 严重 penalty is corrected (更正) to 一般.
            drop.land("yysq", [objection("YY-001", scenario.F, "澄市监罚〔2026〕6号", "2026-05-08", "撤销", "", "2026-06-20"),
                               objection("YY-101", scenario.B, "澄市监罚〔2026〕1号", "2026-06-01", "更正", "失信程度=一般", "2026-06-05"),
                               # The court corrects its record of P_DEBTOR: the debt was revoked on 2026-06-10.
                               objection("YY-102", scenario.P_DEBTOR, "（2026）苏0281执123号", "2026-06-12", "更正",
                                         "撤销日期=2026-06-10", "2026-06-15", feed="sxbzxr", person=True)],
                      f"{scenario.DEPT_CREDIT}_20260626.csv")
            steps["objections"] = published(settings)
            # 3. A repair of B's penalty before its minimum publicity period (1 year for 严重; 一般 now: 3 months
            #    from 2026-03-01, so from 2026-06-02) applied on 2026-05-20 is refused whatever the department says.
            drop.land("xyxf", [repair("XF-102", scenario.B, "澄市监罚〔2026〕1号", "2026-05-20", "同意", "2026-06-28")],
                      f"{scenario.DEPT_CREDIT}_20260628.csv")
            # 4. Objections to K's penalty applied on 2025-09-30: 5 working days across National Day 2025.
            drop.land("yysq", [objection("YY-ND1", K, "澄市监罚〔2025〕20号", "2025-09-30", "维持", "", "2025-10-14"),
                               objection("YY-ND2", K, "澄市监罚〔2025〕20号", "2025-09-30", "维持", "", "2025-10-15")],
                      f"{scenario.DEPT_CREDIT}_20251016.csv")
            steps["last"] = published(settings) | {"manifest": read_manifest(settings.publish_dir)}
            steps["run_ids"] = list(drop.run_ids)
        yield settings, steps


def rating(frame) -> dict:
    return frame.set_index("subject_id").to_dict("index")


def measures(frame, subject) -> set[str]:
    return set(frame.loc[frame.subject_id == subject, "measure_code"])


def test_a_repair_leaves_disclosure_and_punishment_everywhere_at_once(lifecycle):
    _, steps = lifecycle
    before, after = steps["full"], steps["list_repair"]
    assert after["job"] == "credit_changes" and after["manifest"]["mode"] == "incremental"
    assert LIST_DOC in set(before["public_disclosure"].document_no)
    assert LIST_DOC not in set(after["public_disclosure"].document_no)
    archive = after["credit_archive"].set_index(["subject_id", "document_no", "role"])
    assert archive.loc[(scenario.A, LIST_DOC, "本人"), "status"] == "已修复"  # kept for the audit trail
    # Repair ends sharing too, in the same run (NDRC Order No. 36 第三条).
    def shared(step):
        sharing = step["data_sharing"]
        return set(sharing[(sharing.subject_id == scenario.A) & (sharing.document_no == LIST_DOC)].status)
    assert shared(before) == {"共享"} and shared(after) == {"停止共享"}
    assert rating(before["credit_rating"])[scenario.A]["credit_class"] == "严重失信"
    assert rating(after["credit_rating"])[scenario.A]["credit_class"] == "诚信守法"
    assert {"P01", "P02", "P03"} <= measures(before["joint_measures"], scenario.A)
    assert not any(code.startswith("P") for code in measures(after["joint_measures"], scenario.A))
    # The legal representative's personal measure and the related-party flag follow in the same run.
    assert "P08" in measures(before["joint_measures"], scenario.P1)
    assert "P08" not in measures(after["joint_measures"], scenario.P1)
    assert "P09" in measures(before["joint_measures"], scenario.P_CONTROLLER)
    assert "P09" not in measures(after["joint_measures"], scenario.P_CONTROLLER)
    assert scenario.A2 in set(before["related_party_risks"].subject_id)
    assert scenario.A2 not in set(after["related_party_risks"].subject_id)
    plan = rating(after["supervision_plan"])
    assert plan[scenario.A]["inspection_ratio"] == 0.05
    history = after["rating_history"]
    change = history[(history.subject_id == scenario.A) & (history.credit_class == "诚信守法") & pd.to_datetime(history.valid_from).eq(pd.Timestamp(2026, 6, 29))]
    assert change.cause_kinds.str.contains("信用修复").all() and len(change) == 1


def test_only_the_touched_subjects_and_their_ties_are_rebuilt(lifecycle):
    _, steps = lifecycle
    # A, its legal representative and actual controller (personal measures), and A2 (tied to A by P1).
    assert steps["list_repair"]["rerated"] == {scenario.A, scenario.A2, scenario.P1, scenario.P_CONTROLLER}
    untouched = [scenario.C, scenario.D, scenario.G, scenario.P_DEBTOR]
    for mart in ("credit_rating", "credit_archive", "joint_measures"):
        before, after = steps["full"][mart], steps["list_repair"][mart]

        def rows(frame):
            frame = frame[frame.subject_id.isin(untouched)].astype(str)
            return frame.sort_values(list(frame.columns)).reset_index(drop=True)

        pd.testing.assert_frame_equal(rows(before), rows(after), obj=mart)


def test_an_objection_revoked_or_corrected_changes_class_and_disclosure(lifecycle):
    _, steps = lifecycle
    before, after = steps["list_repair"], steps["objections"]
    disclosed = before["public_disclosure"].set_index("document_no")
    assert disclosed.loc["澄市监罚〔2026〕6号", "status"] == "异议处理中"  # pending objection, SPEC §5
    assert "澄市监罚〔2026〕6号" not in set(after["public_disclosure"].document_no)
    archive = after["credit_archive"].set_index(["subject_id", "document_no"])
    assert archive.loc[(scenario.F, "澄市监罚〔2026〕6号"), "status"] == "已撤销"
    assert rating(after["credit_rating"])[scenario.F]["credit_class"] == "诚信守法"
    history = after["rating_history"]
    assert history[history.subject_id == scenario.F].sort_values("valid_from").cause_kinds.iloc[-1] == "异议撤销"
    # 更正: B's penalty is 一般 now, everywhere: archive, disclosure and class.
    assert archive.loc[(scenario.B, "澄市监罚〔2026〕1号"), "severity"] == "一般"
    assert after["public_disclosure"].set_index("document_no").loc["澄市监罚〔2026〕1号", "severity"] == "一般"
    assert rating(before["credit_rating"])[scenario.B]["credit_class"] == "一般失信"
    assert rating(after["credit_rating"])[scenario.B]["credit_class"] == "轻微失信"
    # The history dates the change to the correction, as a correction: before it the penalty was 严重.
    b = history[history.subject_id == scenario.B].sort_values("valid_from")
    assert list(b.credit_class) == ["诚信守法", "一般失信", "轻微失信"]
    assert pd.to_datetime(b.valid_from).iloc[-1] == pd.Timestamp(2026, 6, 5) and b.cause_kinds.iloc[-1] == "异议更正"


def test_a_correction_applies_to_any_feed(lifecycle):
    _, steps = lifecycle
    before, after = steps["list_repair"], steps["objections"]
    assert rating(before["credit_rating"])[scenario.P_DEBTOR]["credit_class"] == "严重失信"
    assert rating(after["credit_rating"])[scenario.P_DEBTOR]["credit_class"] == "诚信守法"
    assert {"P06", "P07"} <= measures(before["joint_measures"], scenario.P_DEBTOR)
    assert not measures(after["joint_measures"], scenario.P_DEBTOR) & {"P06", "P07"}
    record = after["credit_archive"].set_index(["subject_id", "document_no"]).loc[(scenario.P_DEBTOR, "（2026）苏0281执123号")]
    assert pd.to_datetime(record.effective_until) == pd.Timestamp(2026, 6, 10) and pd.notna(record.corrected_on)


def test_a_repair_before_the_minimum_period_is_refused_with_its_reason(lifecycle):
    _, steps = lifecycle
    history = steps["last"]["lifecycle_history"]
    refused = history[history.case_id == "XF-102"].sort_values("transition_seq")
    assert list(refused.to_state) == ["已申请", "不同意"]
    assert refused.iloc[-1].decided_by == "规则" and "最短公示期" in refused.iloc[-1].detail
    archive = steps["last"]["credit_archive"].set_index(["subject_id", "document_no"])
    assert archive.loc[(scenario.B, "澄市监罚〔2026〕1号"), "status"] == "有效"
    assert "澄市监罚〔2026〕1号" in set(steps["last"]["public_disclosure"].document_no)


def test_every_transition_is_kept_with_when_and_why(lifecycle):
    _, steps = lifecycle
    history = steps["last"]["lifecycle_history"]
    revoked = history[history.case_id == "YY-001"].sort_values("transition_seq")
    assert list(revoked.to_state) == ["已接收", "异议处理中", "撤销"]
    assert list(pd.to_datetime(revoked.state_on)) == [pd.Timestamp(2026, 5, 8), pd.Timestamp(2026, 5, 8), pd.Timestamp(2026, 6, 20)]
    assert revoked.recorded_at.notna().all() and revoked.source_file.str.startswith("yysq/").all()
    corrected = history[history.case_id == "YY-101"].sort_values("transition_seq").iloc[-1]
    assert corrected.to_state == "更正" and corrected.detail == "更正内容：失信程度=一般"


def test_objection_deadlines_count_working_days_across_national_day(lifecycle):
    _, steps = lifecycle
    history = steps["last"]["lifecycle_history"]
    cases = history[history.case_id.isin(["YY-ND1", "YY-ND2"])].drop_duplicates("case_id").set_index("case_id")
    # 2025-09-30 + 5 working days: 10-01..08 off, 10-11 (Saturday) worked: 10-09, 10, 11, 13, 14.
    assert (pd.to_datetime(cases.due_on) == pd.Timestamp(2025, 10, 14)).all()
    assert not cases.loc["YY-ND1", "is_overdue"] and cases.loc["YY-ND2", "is_overdue"]
    quality = steps["last"]["department_quality"]
    k_delivery = quality[quality.file_path == f"xzcf/{scenario.DEPT_SAMR}_20250905.csv"]
    assert k_delivery.overdue_objections.item() == 1


def test_the_scoped_runs_publish_what_a_full_rebuild_publishes(lifecycle, tmp_path):
    settings, steps = lifecycle
    scoped = steps["last"]
    with credit_environment(tmp_path / "full", scenario.AS_OF) as full_settings:
        full_settings.feed_dir.parent.mkdir(parents=True, exist_ok=True)
        import shutil

        shutil.copytree(settings.feed_dir, full_settings.feed_dir)
        assert run_pipeline()
        full = published(full_settings)
    assert_same_marts(scoped, full, published_marts())


def test_the_lifecycle_sensor_restarted_mid_way_neither_loses_nor_repeats(credit_env):
    with quick_settle() as settled:
        _restarted_mid_way(credit_env, settled)


def _restarted_mid_way(credit_env, settled):
    from credit_pipeline.defs.ingestion.sensors import lifecycle_sensor

    def evaluate(cursor):
        return evaluate_sensor(lifecycle_sensor, credit_env, cursor)[0]

    cursor = None  # an empty drop
    first = credit_env.feed_dir / "xyxf" / f"{scenario.DEPT_CREDIT}_20260601.csv"
    write_delivery(scenario._frame("xyxf", [repair("XF-1", scenario.D, "d1", "2026-06-01")]), first)
    settled()
    requested = evaluate(cursor)
    (request,) = requested.run_requests
    assert request.job_name == "credit_daily"  # nothing published yet: the first run builds every subject
    # The process dies after requesting the run but before its cursor is stored: the next tick asks again
    # with the same run key, which Dagster launches once.
    assert evaluate(cursor).run_requests[0].run_key == request.run_key
    # With the cursor stored, the same event is not requested again ...
    assert isinstance(evaluate(requested.cursor), dg.SkipReason)
    # ... and an outcome landing while it was down is not lost.
    write_delivery(scenario._frame("xyxf", [repair("XF-1", scenario.D, "d1", "2026-06-01", "同意", "2026-06-02")]),
                   credit_env.feed_dir / "xyxf" / f"{scenario.DEPT_CREDIT}_20260602.csv")
    settled()
    (later,) = evaluate(requested.cursor).run_requests
    assert later.run_key != request.run_key and later.tags["credit/new_files"] == "1"
