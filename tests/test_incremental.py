"""Daily runs re-rate only what changed, and publish exactly what a full rebuild of the same drop publishes, across
the days on which records stop counting, list entries expire and deadlines pass."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from credit_pipeline.cli import run_pipeline
from credit_pipeline.publish import published_marts, read_manifest
from credit_pipeline.settings import load_settings
from credit_tools.demo.writers import write_delivery
from tests import scenario
from tests.conftest import copy_home
from tests.environment import credit_environment
from tests.marts import assert_same_marts, read_marts

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster

MINOR = scenario.make_uscc("91320281MA1QQQQQX")  # a 轻微 penalty of 2026-05-15: counts until 2026-08-15
WATCHED = scenario.make_uscc("91320281MA1WWWWWX")  # on the 重点关注名单 until 2026-08-31 (−20 points: 一般失信)
LATE = scenario.make_uscc("91320281MA1LLLLLX")  # an objection of 2026-07-06, unanswered: overdue after 5 working days
DAYS = [date(2026, 7, 1), date(2026, 7, 20), date(2026, 8, 17), date(2026, 9, 2)]  # the first opens the quarter: full
def land_q3_deliveries(feed_dir) -> None:
    registry = [{"统一社会信用代码": sid, "主体名称": name, "主体类别": "法人及非法人组织", "法定代表人": "周立", "成立日期": "2020-01-01",
                 "登记机关": "江阴市市场监督管理局", "住所行政区划代码": "320281", "国民经济行业代码": "C1811", "登记状态": "存续",
                 "数据来源单位统一社会信用代码": scenario.DEPT_SAMR}
                for sid, name in [(MINOR, "子公司"), (WATCHED, "丑公司"), (LATE, "寅公司")]]
    write_delivery(scenario._frame("djzc", registry), feed_dir / "djzc" / f"{scenario.DEPT_SAMR}_20260701.csv")
    penalties = [
        scenario._penalty(MINOR, "子公司", "澄市监罚〔2026〕30号", "2026-05-15", "警告"),
        scenario._penalty(LATE, "寅公司", "澄市监罚〔2026〕31号", "2026-06-20", "罚款", "5"),
    ]
    write_delivery(scenario._frame("xzcf", penalties), feed_dir / "xzcf" / f"{scenario.DEPT_SAMR}_20260701.csv")
    watch = scenario._subject(WATCHED, "丑公司") | {
        "名单类型": "重点关注名单", "认定文书号": "澄信关〔2026〕3号", "认定部门": "江阴市发展和改革委员会",
        "认定部门统一社会信用代码": scenario.DEPT_CREDIT, "列入事由": "未按期整改", "列入日期": "2026-06-01", "有效期至": "2026-08-31"}
    write_delivery(scenario._frame("xymd", [watch]), feed_dir / "xymd" / f"{scenario.DEPT_CREDIT}_20260701.csv")
    objection = {"异议编号": "YY-Q3", "统一社会信用代码": LATE, "涉及信息类别": "xzcf", "涉及文书号": "澄市监罚〔2026〕31号",
                 "异议事由": "事实有误", "申请日期": "2026-07-06"}
    write_delivery(scenario._frame("yysq", [objection]), feed_dir / "yysq" / f"{scenario.DEPT_CREDIT}_20260706.csv")


@pytest.fixture(scope="module")
def days(scenario_home, tmp_path_factory):
    home = copy_home(scenario_home, tmp_path_factory.mktemp("incremental") / "home")
    outcome = {}
    with credit_environment(home, scenario.AS_OF) as settings:
        land_q3_deliveries(settings.feed_dir)
        for day in DAYS:
            assert run_pipeline(load_settings(as_of=day)), f"the run as of {day} failed"
            manifest = read_manifest(settings.publish_dir)
            outcome[day] = {"manifest": manifest, "marts": read_marts(settings.publish_dir)}
        full_home = tmp_path_factory.mktemp("full") / "home"
        copy_home(settings.feed_dir, full_home / "feeds")
    with credit_environment(full_home, DAYS[-1]) as full:
        assert run_pipeline()
        outcome["full"] = read_marts(full.publish_dir)
    return outcome


def by_subject(frame: pd.DataFrame) -> dict:
    return frame.set_index("subject_id").to_dict("index")


def test_daily_runs_after_the_first_of_the_quarter_re_rate_only_what_changed(days):
    assert days[DAYS[0]]["manifest"]["mode"] == "full"  # a new inspection period: every subject drawn again
    for day in DAYS[1:]:
        manifest = days[day]["manifest"]
        assert manifest["mode"] == "incremental" and manifest["as_of_date"] == day.isoformat()
        total = manifest["rows"]["credit_rating"]
        assert manifest["subjects_republished"] < total / 2, f"{day}: {manifest['subjects_republished']} of {total} re-rated"


def test_expiries_and_deadlines_reach_the_marts_on_their_day(days):
    before, after = by_subject(days[DAYS[1]]["marts"]["credit_rating"]), by_subject(days[DAYS[2]]["marts"]["credit_rating"])
    assert (before[MINOR]["credit_class"], after[MINOR]["credit_class"]) == ("轻微失信", "诚信守法")
    last = by_subject(days[DAYS[3]]["marts"]["credit_rating"])
    assert (after[WATCHED]["credit_class"], last[WATCHED]["credit_class"]) == ("一般失信", "诚信守法")  # 100 - 20 is in the 一般 band
    assert {r["as_of_date"] for r in last.values()} == {pd.Timestamp(DAYS[3])}  # every rating says the day it holds as of
    history = days[DAYS[1]]["marts"]["lifecycle_history"]
    assert history.loc[history.case_id == "YY-Q3", "is_overdue"].all()


def test_the_daily_runs_publish_what_a_full_rebuild_publishes(days):
    daily, full = days[DAYS[-1]]["marts"], days["full"]
    assert set(daily) == set(full) == set(published_marts())
    assert_same_marts(daily, full, published_marts())
