"""Operating the pipeline: a run in a CREDIT_HOME whose path needs quoting, and a drop with every kind of problem an
operator must hear about, each named in what `credit-pipeline run` prints and kept in the ledger or department_quality."""

from __future__ import annotations

import contextlib
import io
import json

import duckdb
import pytest

from credit_pipeline.cli import main
from credit_pipeline.ingest.lake import Lake
from credit_tools.demo.writers import write_delivery
from tests import scenario
from tests.environment import credit_environment
from tests.marts import read_mart

pytestmark = pytest.mark.e2e  # runs the pipeline through Dagster

WRONG_CODE = scenario.DEPT_SAMR[:-1] + ("0" if scenario.DEPT_SAMR[-1] != "0" else "1")  # a wrong check character
MISNAMED = "xzcf/处罚决定2026年6月.csv"
DUPLICATED = f"xzcf/{scenario.DEPT_COURT}_20260601.csv"
REDELIVERED = f"xzcf/{scenario.DEPT_COURT}_20260602.csv"
WRONG_DEPARTMENT = f"xzxk/{WRONG_CODE}_20260603.csv"
OBJECTIONS = f"yysq/{scenario.DEPT_CREDIT}_20260604.csv"


def penalty(doc: str) -> dict:
    return scenario._penalty(scenario.C, "丙公司", doc, "2026-05-20", "警告")


def write_problems(feed_dir) -> None:
    """The scenario, plus one of each problem. The department that sent a file with a repeated column sends it again
    corrected the next day, so publication goes on (a broken delivery blocks until then)."""
    frame = scenario._frame("xzcf", [penalty("澄法罚〔2026〕1号")])
    text = frame.to_csv(index=False).splitlines()
    (feed_dir / "xzcf").mkdir(parents=True, exist_ok=True)
    (feed_dir / DUPLICATED).write_text(f"{text[0]},违法事实\n{text[1]},另一个事实\n", encoding="utf-8")
    write_delivery(frame, feed_dir / REDELIVERED)
    write_delivery(frame, feed_dir / MISNAMED)
    (feed_dir / "xzcf_bak").mkdir()
    licence = scenario._subject(scenario.C, "丙公司") | {
        "行政许可决定文书号": "澄市监许〔2026〕9号", "许可类别": "普通", "许可内容": "食品经营许可", "许可决定日期": "2026-06-01",
        "有效期自": "2026-06-01", "有效期至": "2099-12-31", "许可机关": "市场监督管理局", "许可机关统一社会信用代码": scenario.DEPT_SAMR,
        "当前状态": "有效", "数据来源单位统一社会信用代码": scenario.DEPT_SAMR,
    }
    write_delivery(scenario._frame("xzxk", [licence]), feed_dir / WRONG_DEPARTMENT)
    objection = {"异议编号": "YY-404", "统一社会信用代码": scenario.C, "涉及信息类别": "xzcf", "涉及文书号": "澄市监罚〔2026〕404号",
                 "异议事由": "无此处罚", "申请日期": "2026-06-03"}
    write_delivery(scenario._frame("yysq", [objection]), feed_dir / OBJECTIONS)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    home = tmp_path_factory.mktemp("ops") / "o'brien home"  # an apostrophe and a space: quoted everywhere or broken
    with credit_environment(home, scenario.AS_OF) as settings:
        scenario.write_scenario(settings.feed_dir)
        write_problems(settings.feed_dir)
        yield settings


@pytest.fixture(scope="module")
def output(run):
    out, err = io.StringIO(), io.StringIO()
    with credit_environment(run.home, scenario.AS_OF), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run"])
    return code, out.getvalue(), err.getvalue()


def test_a_home_whose_path_has_an_apostrophe_runs_publishes_and_answers(run, output, capsys):
    code, out, err = output
    assert code == 0, out + err
    assert "'" in str(run.home) and (run.publish_dir / "manifest.json").exists()
    with credit_environment(run.home, scenario.AS_OF):
        assert main(["check", scenario.A, "--matter", "政府采购", "--user", "审核员", "--purpose", "测试", "--json"]) == 0
        answer = json.loads(capsys.readouterr().out)
        assert answer[0]["credit_class"] == "严重失信"
        assert main(["report", scenario.B, "--user", "审核员", "--purpose", "测试"]) == 0
        assert "乙公司" in open(capsys.readouterr().out.strip(), encoding="utf-8").read()


def test_files_and_folders_that_are_not_deliveries_are_named_in_the_output_and_kept_in_the_lake(run, output):
    _, out, _ = output
    assert f"{MISNAMED}: file name is not" in out
    assert "xzcf_bak/: not a feed folder" in out
    with duckdb.connect() as con:
        kept = {r[0] for r in con.execute(f"select file_path from {Lake(run.lake_dir).glob('_drop_problems')}").fetchall()}
    assert {MISNAMED, "xzcf_bak/"} <= kept


def test_a_delivery_with_a_repeated_column_is_named_and_kept_with_its_status(run, output):
    _, out, _ = output
    assert f"{DUPLICATED}: not ingested, columns repeated in the header: 违法事实" in out
    quality = read_mart(run.publish_dir, "department_quality").set_index("file_path")
    assert quality.loc[DUPLICATED, "status"] == "duplicated_column"
    assert quality.loc[REDELIVERED, "status"] == "ingested"


def test_a_delivering_department_with_a_wrong_code_is_named_and_flagged_in_department_quality(run, output):
    _, out, _ = output
    assert f"{WRONG_DEPARTMENT}: the delivering department's USCC {WRONG_CODE}" in out
    quality = read_mart(run.publish_dir, "department_quality").set_index("file_path")
    assert not quality.loc[WRONG_DEPARTMENT, "department_id_valid"]
    assert quality.loc[REDELIVERED, "department_id_valid"]


def test_an_objection_naming_no_known_record_is_named_and_counted_for_its_delivery(run, output):
    _, out, _ = output
    assert f"{OBJECTIONS}: 1 objection naming no record the platform holds" in out
    quality = read_mart(run.publish_dir, "department_quality").set_index("file_path")
    assert quality.loc[OBJECTIONS, "objections_unknown_record"] == 1
    assert quality.loc[f"yysq/{scenario.DEPT_CREDIT}_20260511.csv", "objections_unknown_record"] == 0


def test_the_run_reports_each_stage_with_counts_and_time_and_no_line_per_row(output):
    _, out, err = output
    for stage in ("ingestion:", "rating (full):", "publication:"):
        assert any(line.startswith(stage) and line.rstrip().endswith(" s)") for line in err.splitlines()), stage
    assert "START sql" not in out + err and "PASS" not in out + err  # dbt's lines per node stay off the console
    assert len(err.splitlines()) < 40
