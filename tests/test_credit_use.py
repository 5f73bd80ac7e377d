"""Using credit (issue 5): automatic matching of subjects against service matters, credit reports opened
in a real browser, and the query log. Everything reads the published marts of the scenario drop."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from tests import scenario
from tests.browser import rendered_dom
from tests.conftest import copy_home
from tests.environment import credit_environment
from credit_pipeline.cli import main, run_pipeline
from credit_tools.demo.writers import write_delivery
from credit_use.access import QueryRefused
from credit_use.matching import check
from credit_use.query_log import read_queries
from credit_use.report import credit_report

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster

LIST_DOC = "澄信认〔2026〕1号"  # A's 严重失信主体名单 entry
USER, PURPOSE = "财政局 张科员", "政府采购供应商资格审查 2026-017"


@pytest.fixture(scope="module")
def published(scenario_home, tmp_path_factory):
    home = copy_home(scenario_home, tmp_path_factory.mktemp("use") / "home")
    with credit_environment(home, scenario.AS_OF) as settings:
        settings.authorised_users_path.write_text(
            "user,scope,granted_by,valid_until\n"
            f"{USER},internal_report,信用办 2026-3号,\n"
            "离职 王科员,internal_report,信用办 2025-9号,2025-12-31\n", encoding="utf-8")
        yield settings


def by_id(results) -> dict:
    return {r["subject_id"]: r for r in results}


def codes(result) -> set[str]:
    return {m["measure_code"] for m in result["measures"]}


def test_a_listed_subject_is_matched_to_its_procurement_measures_with_the_records_behind(published):
    a = check([scenario.A], "政府采购", USER, PURPOSE, settings=published)[0]
    assert a["credit_class"] == "严重失信" and codes(a) == {"P03"}  # only the measures of this matter
    assert any("限制参与政府采购" in p and LIST_DOC in p for p in a["prompts"])
    assert [(r["document_no"], r["status"]) for r in a["records"]] == [(LIST_DOC, "有效")]
    assert codes(check([scenario.A], "财政性资金项目", USER, PURPOSE, settings=published)[0]) == {"P01"}
    assert codes(check([scenario.A], "容缺受理", USER, PURPOSE, settings=published)[0]) == {"P04"}  # by its class


def test_the_legal_representative_gets_his_personal_measures(published):
    p1 = check([scenario.P1], "任职资格", USER, "董事任职资格审查", settings=published)[0]
    assert codes(p1) == {"P08"} and p1["credit_class"] == "诚信守法"  # his own class is untouched
    assert p1["measures"][0]["basis_subject_id"] == scenario.A
    assert [(r["document_no"], r["role"], r["via_subject_id"]) for r in p1["records"]] == [(LIST_DOC, "法定代表人", scenario.A)]


def test_the_actual_controller_gets_his_personal_record_and_measure(published):
    controller = check([scenario.P_CONTROLLER], "个人信用记录", USER, "个人信用审查", settings=published)[0]
    assert codes(controller) == {"P09"} and controller["measures"][0]["applies_to"] == "actual_controller"
    assert [(r["document_no"], r["role"]) for r in controller["records"]] == [(LIST_DOC, "实际控制人")]


def test_good_credit_earns_incentives_and_a_red_black_conflict_suspends_them(published):
    results = by_id(check([scenario.C, scenario.R, scenario.RB, scenario.P_MINOR], "行政审批", USER, PURPOSE, settings=published))
    assert codes(results[scenario.C]) == {"I01", "I03"}  # 绿色通道, 简化程序
    assert codes(results[scenario.R]) == {"I01", "I03", "I05", "I07"}  # by class and by the red list
    assert codes(results[scenario.RB]) == set()
    assert any(p.startswith("红黑名单冲突") for p in results[scenario.RB]["prompts"])
    assert codes(results[scenario.P_MINOR]) == set()  # class incentives are for market subjects
    praise = by_id(check([scenario.R, scenario.RB], "评优评先", USER, PURPOSE, settings=published))
    assert codes(praise[scenario.R]) == {"I04"} and codes(praise[scenario.RB]) == set()


def test_related_party_risk_is_prompted(published):
    a2 = check([scenario.A2], "政府采购", USER, PURPOSE, settings=published)[0]
    assert a2["credit_class"] == "诚信守法" and codes(a2) == set()
    assert any(p.startswith("关联风险") and scenario.A in p and "法定代表人" in p for p in a2["prompts"])


def test_an_unknown_subject_is_answered_as_without_archive(published):
    nobody = check([scenario.make_uscc("91320281MA1WWWWWX")], "政府采购", USER, PURPOSE, settings=published)[0]
    assert nobody["found"] is False and nobody["prompts"][0].startswith("无信用档案")


def test_a_malformed_id_is_refused_and_logged_not_answered_as_unknown(published, capsys):
    before = len(read_queries(published.query_log_dir))
    wrong_check_character = scenario.A[:-1] + ("0" if scenario.A[-1] != "0" else "1")
    for bad in (wrong_check_character, "320281198002301239", "9132 0281", "abc"):  # check char, 30 Feb, blank, case
        with pytest.raises(QueryRefused, match="malformed subject ID"):
            check([scenario.C, bad], "政府采购", USER, PURPOSE, settings=published)
    assert main(["report", wrong_check_character, "--user", USER, "--purpose", PURPOSE]) == 2
    assert "malformed subject ID" in capsys.readouterr().err
    logged = read_queries(published.query_log_dir)[before:]
    assert [q["outcome"] for q in logged] == ["refused"] * 5 and "release" not in logged[0]  # refused before reading


def test_a_query_without_user_or_purpose_or_with_an_unknown_matter_is_refused_and_logged(published, capsys):
    before = len(read_queries(published.query_log_dir))
    with pytest.raises(QueryRefused, match="purpose"):
        check([scenario.A], "政府采购", USER, "  ", settings=published)
    with pytest.raises(QueryRefused, match="user"):
        credit_report(scenario.A, None, PURPOSE, settings=published)
    with pytest.raises(QueryRefused, match="unknown matter"):
        check([scenario.A], "买彩票", USER, PURPOSE, settings=published)
    assert main(["check", scenario.A, "--matter", "政府采购", "--user", USER]) == 2
    assert "refused" in capsys.readouterr().err
    refused = read_queries(published.query_log_dir)[before:]
    assert [(q["outcome"], q["kind"]) for q in refused] == [("refused", "check"), ("refused", "report"), ("refused", "check"), ("refused", "check")]
    assert refused[2]["release"] == published.publish_dir.resolve().name  # refused after opening the release


def test_every_query_is_logged_with_who_why_what_and_the_answer(published, capsys):
    before = len(read_queries(published.query_log_dir))
    assert main(["check", scenario.A, scenario.C, "--matter", "政府采购", "--user", USER, "--purpose", PURPOSE, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    entry = read_queries(published.query_log_dir)[before]
    assert (entry["kind"], entry["user"], entry["purpose"], entry["matter"], entry["outcome"]) == ("check", USER, PURPOSE, "政府采购", "answered")
    assert entry["subject_ids"] == [scenario.A, scenario.C] and entry["query_id"] == answer[0]["query_id"]
    assert entry["answers"][scenario.A] == {"credit_class": "严重失信", "measures": ["P03"]}
    assert entry["release"] == published.publish_dir.resolve().name and entry["as_of_date"] == scenario.AS_OF.isoformat()


def test_check_reads_only_the_published_marts(published):
    hidden = published.warehouse_path.with_name("warehouse.hidden")
    published.warehouse_path.rename(hidden)
    try:
        assert check([scenario.A], "政府采购", USER, PURPOSE, settings=published)[0]["credit_class"] == "严重失信"
    finally:
        hidden.rename(published.warehouse_path)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def text_of(dom: str) -> str:
    parser = _Text()
    parser.feed(dom)
    return " ".join(" ".join(parser.parts).split())


def test_a_public_report_renders_in_a_browser_with_persons_masked(published, tmp_path):
    page = tmp_path / "debtor.html"
    assert main(["report", scenario.P_DEBTOR, "--user", USER, "--purpose", "本人申请信用报告", "--out", str(page)]) == 0
    dom = rendered_dom(page, tmp_path / "profile")
    text = text_of(dom)
    masked_id = scenario.P_DEBTOR[:6] + "********" + scenario.P_DEBTOR[-4:]
    assert "公共信用信息报告" in text and masked_id in text and "赵**" in text and "严重失信" in text
    assert "（2026）苏0281执123号" in text  # the record with its status
    assert {"P06", "P07"} <= set(re.findall(r'data-code="(\w+)"', dom))  # 限制高消费, 限制不动产交易
    assert "长期" in text and "2099" not in text  # measures without an end are long-term, not a date
    # No unmasked personal data anywhere in the rendered page, not even in attributes.
    assert scenario.P_DEBTOR not in dom and "赵大海" not in dom
    assert not re.search(r"\d{17}[\dX]", dom.replace(masked_id, ""))


def test_a_public_report_is_named_by_the_masked_id_and_its_query_never_the_id_number(published, capsys):
    assert main(["report", scenario.P_DEBTOR, "--user", USER, "--purpose", "本人申请信用报告"]) == 0
    path = capsys.readouterr().out.strip()
    masked_id = scenario.P_DEBTOR[:6] + "********" + scenario.P_DEBTOR[-4:]
    query_id = read_queries(published.query_log_dir)[-1]["query_id"]
    assert path.endswith(f"public-{masked_id}-{query_id}.html") and scenario.P_DEBTOR not in path
    assert "赵**" in open(path, encoding="utf-8").read()
    assert not any(scenario.P_DEBTOR in p.name for p in (published.home / "reports").iterdir())


def test_a_public_report_shows_class_reasons_records_with_legal_basis_and_measures(published, tmp_path):
    page = tmp_path / "a.html"
    page.write_text(credit_report(scenario.B, USER, PURPOSE, settings=published), encoding="utf-8")
    text = text_of(rendered_dom(page, tmp_path / "profile"))
    assert "乙公司" in text and "一般失信" in text and "澄市监罚〔2026〕1号" in text and "《价格法》第四十二条" in text
    assert "内部版" not in text and "王建国" not in text


def test_the_internal_report_is_unmasked_and_shows_the_audit_trail(published, tmp_path):
    page = tmp_path / "internal.html"
    assert main(["report", scenario.D, "--internal", "--user", USER, "--purpose", "信用修复复核", "--out", str(page)]) == 0
    text = text_of(rendered_dom(page, tmp_path / "profile"))
    assert "信用审查报告" in text and "内部版" in text and scenario.D in text
    assert "已修复" in text and "XF-001" in text  # the repaired record and its repair, for the audit trail
    assert "行政处罚 一般" in text and "xzcf" not in text  # record kinds named as the public report names them
    public = text_of(credit_report(scenario.D, USER, PURPOSE, settings=published))
    assert "澄市监罚〔2025〕4号" not in public  # repaired: no longer published
    assert read_queries(published.query_log_dir)[-2]["version"] == "internal"


def test_the_class_is_dated_from_the_day_it_began(published):
    # E is 严重失信 since its court listing (2026-02-15); a 一般 penalty of 2026-04-20 changed its score only.
    text = text_of(credit_report(scenario.E, USER, PURPOSE, settings=published))
    assert "严重失信" in text and "自 2026-02-15 起" in text


def test_a_report_gives_the_last_day_a_measure_holds(published):
    # P03 lasts 36 months from A's listing of 2026-01-10: the period ends with 2029-01-10 (民法典 202), the day the
    # report names, though the mart keeps the first day it no longer holds (2029-01-11).
    text = text_of(credit_report(scenario.A, USER, PURPOSE, settings=published))
    assert "2026-01-10 至 2029-01-10" in text and "2029-01-11" not in text


def test_the_internal_report_is_refused_to_a_user_without_a_current_grant(published):
    before = len(read_queries(published.query_log_dir))
    for user in ("财政局 李科员", "离职 王科员"):  # never granted; granted until 2025-12-31
        with pytest.raises(QueryRefused, match="not authorised for internal_report"):
            credit_report(scenario.P_DEBTOR, user, "信用审查", internal=True, settings=published)
    assert "赵**" in credit_report(scenario.P_DEBTOR, "财政局 李科员", "本人申请", settings=published)  # public: anyone
    logged = read_queries(published.query_log_dir)[before:]
    assert [(q["user"], q["version"], q["outcome"]) for q in logged] == [
        ("财政局 李科员", "internal", "refused"), ("离职 王科员", "internal", "refused"), ("财政局 李科员", "public", "answered")]


def test_a_repair_removes_the_measures_and_the_log_is_never_rewritten(published):
    assert codes(check([scenario.A], "政府采购", USER, PURPOSE, settings=published)[0]) == {"P03"}
    log_files = sorted(published.query_log_dir.glob("*.jsonl"))
    logged = {p: p.read_bytes() for p in log_files}
    repair = {"修复编号": "XF-201", "统一社会信用代码": scenario.A, "涉及信息类别": "xymd", "涉及文书号": LIST_DOC,
              "修复方式": "整改失信", "申请日期": "2026-06-25", "决定": "同意", "决定日期": "2026-06-29", "不同意理由": ""}
    write_delivery(scenario._frame("xyxf", [repair]), published.feed_dir / "xyxf" / f"{scenario.DEPT_CREDIT}_20260629.csv")
    assert run_pipeline()
    a = check([scenario.A], "政府采购", USER, PURPOSE, settings=published)[0]
    assert a["credit_class"] == "诚信守法" and codes(a) == set() and a["records"] == []
    assert codes(check([scenario.P1], "任职资格", USER, PURPOSE, settings=published)[0]) == set()
    # The pipeline ran and published again: every earlier line of the log is still there, byte for byte.
    for path, content in logged.items():
        assert path.read_bytes().startswith(content)
    assert len(read_queries(published.query_log_dir)) == sum(c.count(b"\n") for c in logged.values()) + 2
