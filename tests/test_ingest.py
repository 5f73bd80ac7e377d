"""Ingestion: reading any encoding, every catalogue rule, one delivery once, nothing lost."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest

from tests import scenario
from credit_pipeline.catalogue import load_catalogue
from credit_tools.demo.writers import write_delivery
from credit_pipeline.ingest.drop import Delivery, MisnamedFile, parse_file_name
from credit_pipeline.ingest.load import ingest_feed
from credit_pipeline.ingest.reader import UnreadableDelivery, read_delivery
from credit_pipeline.ingest.validate import validate_delivery

FEEDS = load_catalogue()
DELIVERED = date(2026, 5, 5)


def penalty(**changes) -> dict:
    row = scenario._penalty(scenario.B, "乙公司", "澄市监罚〔2026〕1号", "2026-03-01", "罚款", "20")
    return row | changes


def validate(rows: list[dict], feed: str = "xzcf"):
    return validate_delivery(scenario._frame(feed, rows).astype(str), FEEDS[feed], DELIVERED)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_reads_every_encoding_departments_use(tmp_path, encoding):
    path = tmp_path / "xzcf" / f"{scenario.DEPT_SAMR}_20260505.csv"
    write_delivery(scenario._frame("xzcf", [penalty(违法事实="未明码标价，价格欺诈")]), path, encoding=encoding)
    frame, found = read_delivery(path)
    assert frame.loc[0, "违法事实"] == "未明码标价，价格欺诈"
    assert list(frame.columns) == FEEDS["xzcf"].item_names  # no BOM left on the first header
    assert found == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"}[encoding]


def test_reads_workbooks(tmp_path):
    path = tmp_path / f"{scenario.DEPT_SAMR}_20260505.xlsx"
    write_delivery(scenario._frame("xzcf", [penalty()]), path)
    frame, found = read_delivery(path)
    assert found == "xlsx" and frame.loc[0, "行政处罚决定书文号"] == "澄市监罚〔2026〕1号"


def test_an_unreadable_file_is_named_as_such(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x81")
    with pytest.raises(UnreadableDelivery):
        read_delivery(path)


def test_file_names_carry_department_and_delivery_date(tmp_path):
    found = parse_file_name("xzcf", tmp_path / f"{scenario.DEPT_SAMR}_20260505_2.csv")
    assert isinstance(found, Delivery)
    assert (found.department_id, found.delivery_date, found.seq) == (scenario.DEPT_SAMR, DELIVERED, 2)
    # SPEC §2: no suffix is sequence 0, so a _1 of the same day is the later delivery.
    assert parse_file_name("xzcf", tmp_path / f"{scenario.DEPT_SAMR}_20260505.csv").seq == 0
    assert isinstance(parse_file_name("xzcf", tmp_path / "penalties.csv"), MisnamedFile)
    assert isinstance(parse_file_name("xzcf", tmp_path / f"{scenario.DEPT_SAMR}_20261345.csv"), MisnamedFile)


@pytest.mark.parametrize(
    ("changes", "rule", "item"),
    [
        ({"行政处罚决定书文号": ""}, "no_legal_document", "行政处罚决定书文号"),
        ({"违法事实": ""}, "required_missing", "违法事实"),
        ({"罚款金额（万元）": ""}, "conditional_missing", "罚款金额（万元）"),
        ({"处罚类别": "罚款;打板子"}, "invalid_enum", "处罚类别"),
        ({"处罚决定日期": "2026-02-30"}, "invalid_date", "处罚决定日期"),
        ({"统一社会信用代码": scenario.B[:-1] + ("0" if scenario.B[-1] != "0" else "1")}, "invalid_uscc", "统一社会信用代码"),
        ({"罚款金额（万元）": "二十"}, "invalid_format", "罚款金额（万元）"),
        ({"处罚决定日期": "2026-05-06"}, "decision_after_delivery", "处罚决定日期"),
        ({"行政相对人类别": "自然人", "统一社会信用代码": "", "证件类型": "身份证", "证件号码": scenario.P_DEBTOR[:-1] + "0"},
         "invalid_id_number", "证件号码"),
    ],
)
def test_each_rule_sets_the_row_aside_with_item_and_line(changes, rule, item):
    result = validate([penalty(), penalty(**changes) | {"行政处罚决定书文号": changes.get("行政处罚决定书文号", "澄市监罚〔2026〕2号")}])
    assert len(result.accepted) == 1 and len(result.set_aside) == 1
    aside = result.set_aside.iloc[0]
    assert (aside["rule"], aside["item"], aside["_line"]) == (rule, item, 3)


def test_valid_variants_are_accepted():
    rows = [
        penalty(),  # 91-prefixed
        penalty(行政处罚决定书文号="2", 统一社会信用代码=scenario.D),  # N-prefixed
        penalty(行政处罚决定书文号="3", 统一社会信用代码=scenario.G, 处罚决定日期="2026/03/01"),  # Y-prefixed, slashes
        penalty(行政处罚决定书文号="4", 行政相对人类别="个体工商户", 统一社会信用代码="00000000000000000X", 工商注册号="320281600123456",
                法定代表人="", 处罚决定日期="20260301"),  # placeholder + registration number
        penalty(行政处罚决定书文号="5", 行政相对人类别="自然人", 统一社会信用代码="", 法定代表人="", 证件类型="身份证",
                证件号码=scenario.P_RETIRED_COUNTY),  # retired county code is still a real ID
        penalty(行政处罚决定书文号="6", 行政相对人类别="自然人", 统一社会信用代码="", 法定代表人="", 证件类型="护照号", 证件号码="E12345678"),
        penalty(行政处罚决定书文号="7", 证件号码="", 统一社会信用代码=scenario.B.lower()),  # identifiers compared upper-case
    ]
    result = validate(rows)
    assert result.set_aside.empty, result.set_aside.to_dict("records")
    assert str(result.accepted.loc[2, "处罚决定日期"]) == "2026-03-01"


def test_placeholder_without_registration_number_is_set_aside():
    result = validate([penalty(行政相对人类别="个体工商户", 统一社会信用代码="00000000000000000X", 工商注册号="", 法定代表人="")])
    assert result.set_aside.iloc[0]["rule"] == "conditional_missing"
    assert result.set_aside.iloc[0]["item"] == "工商注册号"


def test_missing_required_column_sets_the_whole_delivery_aside():
    frame = scenario._frame("xzcf", [penalty(), penalty()]).drop(columns=["处罚依据"])
    result = validate_delivery(frame, FEEDS["xzcf"], DELIVERED)
    assert result.missing_columns == ["处罚依据"]
    assert result.accepted.empty and len(result.set_aside) == 2
    assert set(result.set_aside["rule"]) == {"missing_required_column"}


def test_unknown_columns_are_kept_aside_not_fatal():
    frame = scenario._frame("xzcf", [penalty()]).assign(内部编号="A-17")
    result = validate_delivery(frame, FEEDS["xzcf"], DELIVERED)
    assert result.extra_columns == ["内部编号"]
    assert len(result.accepted) == 1 and '"内部编号":"A-17"' in result.accepted.loc[0, "_extra"]


def test_a_delivery_is_ingested_once_by_content(credit_env):
    feed_dir, warehouse = credit_env.feed_dir, credit_env.warehouse_path
    first = feed_dir / "xzcf" / f"{scenario.DEPT_SAMR}_20260505.csv"
    write_delivery(scenario._frame("xzcf", [penalty(), penalty(违法事实="")]), first)
    report = ingest_feed(warehouse, feed_dir, FEEDS["xzcf"])
    assert (report.rows_in, report.rows_accepted, report.rows_set_aside) == (2, 1, 1)

    shutil.copy(first, first.with_name(f"{scenario.DEPT_SAMR}_20260505_2.csv"))  # same bytes, new name
    again = ingest_feed(warehouse, feed_dir, FEEDS["xzcf"])
    assert again.ingested == [] and len(again.duplicates) == 1 and again.unchanged_files == 1
    assert ingest_feed(warehouse, feed_dir, FEEDS["xzcf"]).ingested == []

    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from raw.xzcf").fetchone()[0] == 1
    assert con.execute("select rows_in, rows_accepted, rows_set_aside from raw.deliveries").fetchall() == [(2, 1, 1)]
    line, rule, file_path = con.execute("select _line, rule, file_path from raw.set_aside").fetchone()
    assert (line, rule, file_path) == (3, "required_missing", f"xzcf/{first.name}")
    con.close()


def test_an_interrupted_delivery_leaves_nothing_and_is_picked_up_again(credit_env, monkeypatch):
    from credit_pipeline.ingest import store

    write_delivery(scenario._frame("xzcf", [penalty()]), credit_env.feed_dir / "xzcf" / f"{scenario.DEPT_SAMR}_20260505.csv")
    original = store.write_batch

    def crash_at_the_ledger(con, feed, ledgers, *rest):
        # The rows go in first; the ledger insert then fails, as a crash between the two would.
        return original(con, feed, [ledger | {"delivery_id": None} for ledger in ledgers], *rest)

    monkeypatch.setattr(store, "write_batch", crash_at_the_ledger)
    with pytest.raises(duckdb.Error):
        ingest_feed(credit_env.warehouse_path, credit_env.feed_dir, FEEDS["xzcf"])
    con = duckdb.connect(str(credit_env.warehouse_path), read_only=True)
    assert con.execute("select count(*) from raw.xzcf").fetchone()[0] == 0
    assert con.execute("select count(*) from raw.seen_files").fetchone()[0] == 0
    con.close()

    monkeypatch.setattr(store, "write_batch", original)
    report = ingest_feed(credit_env.warehouse_path, credit_env.feed_dir, FEEDS["xzcf"])
    assert report.rows_accepted == 1


def test_deliveries_validated_together_keep_their_own_dates_and_duplicates(credit_env):
    folder = credit_env.feed_dir / "xzcf"
    x = penalty(处罚决定日期="2026-05-04")
    write_delivery(scenario._frame("xzcf", [x, x]), folder / f"{scenario.DEPT_SAMR}_20260505.csv")  # x twice: one duplicate
    write_delivery(scenario._frame("xzcf", [x]), folder / f"{scenario.DEPT_SAMR}_20260503.csv")  # decided after delivery
    write_delivery(scenario._frame("xzcf", [x | {"备注": "更正"}]), folder / f"{scenario.DEPT_SAMR}_20260506.csv")  # a re-delivery
    report = ingest_feed(credit_env.warehouse_path, credit_env.feed_dir, FEEDS["xzcf"])
    outcome = {o.file_path.split("_")[1][:8]: (o.rows_accepted, o.set_aside_by_rule) for o in report.ingested}
    assert outcome == {
        "20260503": (0, {"decision_after_delivery": 1}),
        "20260505": (1, {"duplicate_record": 1}),
        "20260506": (1, {}),
    }


def test_a_batch_mixing_plain_and_extra_column_files_is_written(credit_env):
    """Regression: the first delivery of a batch with no extra columns typed the ledger's list column as NULL."""
    folder = credit_env.feed_dir / "xzcf"
    write_delivery(scenario._frame("xzcf", [penalty()]), folder / f"{scenario.DEPT_SAMR}_20260505.csv")
    write_delivery(scenario._frame("xzcf", [penalty(行政处罚决定书文号="2")]).assign(内部编号="A-1"),
                   folder / f"{scenario.DEPT_SAMR}_20260506.csv")
    report = ingest_feed(credit_env.warehouse_path, credit_env.feed_dir, FEEDS["xzcf"])
    assert report.rows_accepted == 2
    con = duckdb.connect(str(credit_env.warehouse_path), read_only=True)
    assert con.execute("select extra_columns from raw.deliveries order by delivery_date").fetchall() == [([],), (["内部编号"],)]
    con.close()
