"""Ingestion into the lake: any encoding or workbook, every catalogue rule, one delivery once, nothing lost or
credited to the wrong file or line, and every file that is not a delivery named."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime

import duckdb
import openpyxl
import pandas as pd
import pytest

from credit_pipeline.catalogue import load_catalogue
from credit_pipeline.ingest import lake as lake_module
from credit_pipeline.ingest.drop import Delivery, DropProblem, parse_file_name, scan_feed, unknown_folders
from credit_pipeline.ingest.engine import ingestion_engine
from credit_pipeline.ingest.lake import Lake
from credit_pipeline.ingest.load import FeedIngestReport, ingest_feed
from credit_pipeline.ingest.parse import UnreadableDelivery, utf8
from credit_tools.demo.writers import write_delivery
from tests import scenario

FEEDS = load_catalogue()
DELIVERED = date(2026, 5, 5)
SAMR, COURT = scenario.DEPT_SAMR, scenario.DEPT_COURT


def penalty(**changes) -> dict:
    row = scenario._penalty(scenario.B, "乙公司", "澄市监罚〔2026〕1号", "2026-03-01", "罚款", "20")
    return row | changes


def ingest(settings, feed: str = "xzcf") -> FeedIngestReport:
    with ingestion_engine(settings) as (con, lake):
        return ingest_feed(lake, settings.feed_dir, FEEDS[feed], con)


def lake_table(settings, folder: str) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.execute(f"select * from {Lake(settings.lake_dir).glob(folder)}").df()


def drop(settings, rows: list[dict], name: str, feed: str = "xzcf", **kwargs):
    path = settings.feed_dir / feed / name
    write_delivery(scenario._frame(feed, rows), path, **kwargs)
    return path


def raw_csv(settings, text: str, name: str, feed: str = "xzcf", encoding: str = "utf-8"):
    path = settings.feed_dir / feed / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def csv_text(rows: list[dict], feed: str = "xzcf") -> str:
    frame = scenario._frame(feed, rows)
    return ",".join(frame.columns) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in frame.itertuples(index=False))


# ------------------------------------------------------------------------------------- reading

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_reads_every_encoding_departments_use(credit_env, encoding):
    drop(credit_env, [penalty(违法事实="未明码标价，价格欺诈")], f"{SAMR}_20260505.csv", encoding=encoding)
    report = ingest(credit_env)
    assert report.rows_accepted == 1 and report.ingested[0].status == "ingested"
    rows = lake_table(credit_env, "xzcf")
    assert rows.loc[0, "违法事实"] == "未明码标价，价格欺诈" and rows.loc[0, "_line"] == 2
    ledger = lake_table(credit_env, "_deliveries")
    assert ledger.loc[0, "encoding"] == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"}[encoding]


def test_a_file_mixing_utf8_and_gbk_lines_is_refused_not_published_as_mojibake(credit_env):
    """An objection file a clerk appended to in another editor: its UTF-8 lines would read as mojibake in GBK."""
    header_and_first = csv_text([penalty(违法事实="未明码标价，价格欺诈")])
    second = csv_text([penalty(行政处罚决定书文号="澄市监罚〔2026〕2号", 违法事实="虚假宣传，误导消费者")]).split("\n", 1)[1]
    path = credit_env.feed_dir / "xzcf" / f"{SAMR}_20260505.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header_and_first.encode("gbk") + second.encode("utf-8"))
    report = ingest(credit_env)
    assert report.rows_accepted == 0 and report.ingested[0].status != "ingested"
    message = " ".join(report.ingested[0].errors)
    assert "mixed encodings: line 3 is UTF-8 and line 1 is not" in message
    # One encoding, either, reads as before.
    path.write_bytes(header_and_first.encode("gbk") + second.encode("gbk"))
    assert ingest(credit_env).rows_accepted == 2


def test_reads_workbooks(credit_env):
    drop(credit_env, [penalty()], f"{SAMR}_20260505.xlsx")
    assert ingest(credit_env).rows_accepted == 1
    assert lake_table(credit_env, "xzcf").loc[0, "行政处罚决定书文号"] == "澄市监罚〔2026〕1号"


def test_an_unreadable_file_is_named_as_such(credit_env):
    raw_path = credit_env.feed_dir / "xzcf" / f"{SAMR}_20260505.csv"
    raw_path.parent.mkdir(parents=True)
    raw_path.write_bytes(b"\xff\xfe\x00garbage\x81")
    with pytest.raises(UnreadableDelivery):
        utf8(raw_path.read_bytes())
    (outcome,) = ingest(credit_env).ingested
    assert outcome.status == "unreadable" and "neither UTF-8 nor GBK" in outcome.errors[0]


def test_file_names_carry_department_delivery_date_and_sequence(tmp_path):
    found = parse_file_name("xzcf", tmp_path / f"{SAMR}_20260505_2.csv")
    assert isinstance(found, Delivery)
    assert (found.department_id, found.delivery_date, found.seq) == (SAMR, DELIVERED, 2)
    assert parse_file_name("xzcf", tmp_path / f"{SAMR}_20260505.csv").seq == 0  # no suffix is 0
    assert isinstance(parse_file_name("xzcf", tmp_path / "penalties.csv"), DropProblem)
    assert isinstance(parse_file_name("xzcf", tmp_path / f"{SAMR}_20261345.csv"), DropProblem)


def test_deliveries_are_scanned_in_numeric_sequence_order(credit_env):
    for name in (f"{SAMR}_20260505_10.csv", f"{SAMR}_20260505_9.csv", f"{SAMR}_20260505.csv", f"{SAMR}_20260504_11.csv"):
        drop(credit_env, [penalty()], name)
    assert [d.path.name for d in scan_feed(credit_env.feed_dir, "xzcf")[0]] == [
        f"{SAMR}_20260504_11.csv", f"{SAMR}_20260505.csv", f"{SAMR}_20260505_9.csv", f"{SAMR}_20260505_10.csv"]


# ------------------------------------------------------------------------------------- rules

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
def test_each_rule_sets_the_row_aside_with_item_and_line(credit_env, changes, rule, item):
    bad = penalty(**changes) | {"行政处罚决定书文号": changes.get("行政处罚决定书文号", "澄市监罚〔2026〕2号")}
    drop(credit_env, [penalty(), bad], f"{SAMR}_20260505.csv")
    report = ingest(credit_env)
    assert (report.rows_in, report.rows_accepted, report.rows_set_aside) == (2, 1, 1)
    aside = lake_table(credit_env, "_set_aside").iloc[0]
    assert (aside["rule"], aside["item"], aside["_line"], aside["file_path"]) == (rule, item, 3, f"xzcf/{SAMR}_20260505.csv")
    assert f"{SAMR}_20260505.csv:3: {rule}" in report.ingested[0].errors[0]


def test_valid_variants_are_accepted(credit_env):
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
        penalty(行政处罚决定书文号="8", 处罚决定日期="2026-3-1"),  # separated dates may drop leading zeros
    ]
    drop(credit_env, rows, f"{SAMR}_20260505.csv")
    report = ingest(credit_env)
    assert report.rows_set_aside == 0, report.ingested[0].errors
    accepted = lake_table(credit_env, "xzcf").set_index("行政处罚决定书文号")
    assert accepted.loc["3", "处罚决定日期"] == accepted.loc["8", "处罚决定日期"] == pd.Timestamp(2026, 3, 1)
    assert accepted.loc["7", "统一社会信用代码"] == scenario.B


def test_placeholder_without_registration_number_is_set_aside(credit_env):
    drop(credit_env, [penalty(行政相对人类别="个体工商户", 统一社会信用代码="00000000000000000X", 工商注册号="", 法定代表人="")],
         f"{SAMR}_20260505.csv")
    ingest(credit_env)
    aside = lake_table(credit_env, "_set_aside").iloc[0]
    assert (aside["rule"], aside["item"]) == ("conditional_missing", "工商注册号")


def test_missing_required_column_sets_the_whole_delivery_aside(credit_env):
    path = credit_env.feed_dir / "xzcf" / f"{SAMR}_20260505.csv"
    write_delivery(scenario._frame("xzcf", [penalty(), penalty()]).drop(columns=["处罚依据"]), path)
    (outcome,) = ingest(credit_env).ingested
    assert (outcome.status, outcome.rows_in, outcome.rows_set_aside) == ("missing_required_column", 2, 2)
    assert set(lake_table(credit_env, "_set_aside")["rule"]) == {"missing_required_column"}
    assert lake_table(credit_env, "_deliveries").loc[0, "missing_columns"].tolist() == ["处罚依据"]


def test_unknown_columns_are_kept_aside_not_fatal(credit_env):
    path = credit_env.feed_dir / "xzcf" / f"{SAMR}_20260505.csv"
    write_delivery(scenario._frame("xzcf", [penalty()]).assign(内部编号="A-17"), path)
    assert ingest(credit_env).rows_accepted == 1
    assert '"内部编号":"A-17"' in lake_table(credit_env, "xzcf").loc[0, "_extra"]
    assert lake_table(credit_env, "_deliveries").loc[0, "extra_columns"].tolist() == ["内部编号"]


# ------------------------------------------------------------------------------------- once, and atomically

def test_a_delivery_is_ingested_once_by_content(credit_env):
    first = drop(credit_env, [penalty(), penalty(违法事实="")], f"{SAMR}_20260505.csv")
    report = ingest(credit_env)
    assert (report.rows_in, report.rows_accepted, report.rows_set_aside) == (2, 1, 1)

    shutil.copy(first, first.with_name(f"{SAMR}_20260505_2.csv"))  # same bytes, new name
    again = ingest(credit_env)
    assert again.ingested == [] and len(again.duplicates) == 1 and again.unchanged_files == 1
    assert ingest(credit_env).ingested == []
    assert len(lake_table(credit_env, "xzcf")) == 1
    ledger = lake_table(credit_env, "_deliveries")
    assert ledger[["rows_in", "rows_accepted", "rows_set_aside"]].values.tolist() == [[2, 1, 1]]
    aside = lake_table(credit_env, "_set_aside").iloc[0]
    assert (aside["_line"], aside["rule"], aside["file_path"]) == (3, "required_missing", f"xzcf/{first.name}")


def test_an_interrupted_batch_leaves_nothing_and_is_picked_up_again(credit_env, monkeypatch):
    drop(credit_env, [penalty()], f"{SAMR}_20260505.csv")
    real_replace = os.replace

    def crash_before_the_ledger(src, dst):
        if "_deliveries" in str(dst) and not str(dst).endswith(lake_module.SCHEMA_FILE):
            raise OSError("killed")  # the rows are in place, the ledger is not: a crash between the two
        return real_replace(src, dst)

    monkeypatch.setattr(lake_module.os, "replace", crash_before_the_ledger)
    with pytest.raises(OSError, match="killed"):
        ingest(credit_env)
    monkeypatch.setattr(lake_module.os, "replace", real_replace)
    assert any((credit_env.lake_dir / "raw" / "xzcf").glob("2*.parquet"))  # left behind ...
    report = ingest(credit_env)  # ... and cleaned before the rerun ingests the delivery again
    assert report.rows_accepted == 1
    assert len(lake_table(credit_env, "xzcf")) == 1 and len(lake_table(credit_env, "_deliveries")) == 1


def test_deliveries_validated_together_keep_their_own_dates_and_duplicates(credit_env):
    x = penalty(处罚决定日期="2026-05-04")
    drop(credit_env, [x, x], f"{SAMR}_20260505.csv")  # x twice: one duplicate
    drop(credit_env, [x], f"{SAMR}_20260503.csv")  # decided after delivery
    drop(credit_env, [x | {"备注": "更正"}], f"{SAMR}_20260506.csv")  # a re-delivery
    report = ingest(credit_env)
    outcome = {o.file_path.split("_")[1][:8]: (o.rows_accepted, o.set_aside_by_rule) for o in report.ingested}
    assert outcome == {
        "20260503": (0, {"decision_after_delivery": 1}),
        "20260505": (1, {"duplicate_record": 1}),
        "20260506": (1, {}),
    }


# ------------------------------------------------------------------------------------- records, lines, files

def test_a_line_separator_inside_a_field_shifts_nothing_between_files(credit_env):
    """U+2028 in one file, a line holding one full-width space at the end of another, in one batch: every record
    stays with its own file and line, and the odd line is set aside with its line, not lost or merged."""
    a = csv_text([penalty(处罚内容="罚款\u2028并责令改正"), penalty(行政处罚决定书文号="A-2")])
    b = csv_text([penalty(行政处罚决定书文号="B-1", 统一社会信用代码=scenario.C)], ) + "\u3000\n"
    raw_csv(credit_env, a, f"{SAMR}_20260505.csv")
    raw_csv(credit_env, b, f"{COURT}_20260505.csv")
    report = ingest(credit_env)
    rows = lake_table(credit_env, "xzcf").set_index("行政处罚决定书文号")
    assert rows.loc["澄市监罚〔2026〕1号", "处罚内容"] == "罚款\u2028并责令改正"
    assert (rows.loc["A-2", "_file"], rows.loc["A-2", "_line"]) == (f"xzcf/{SAMR}_20260505.csv", 3)
    assert (rows.loc["B-1", "_file"], rows.loc["B-1", "_line"], rows.loc["B-1", "_department_id"]) == (
        f"xzcf/{COURT}_20260505.csv", 2, COURT)
    aside = lake_table(credit_env, "_set_aside").iloc[0]
    assert (aside["file_path"], aside["_line"], aside["rule"]) == (f"xzcf/{COURT}_20260505.csv", 3, "wrong_field_count")
    by_file = {o.file_path: (o.rows_in, o.rows_accepted, o.rows_set_aside) for o in report.ingested}
    assert by_file == {f"xzcf/{SAMR}_20260505.csv": (2, 2, 0), f"xzcf/{COURT}_20260505.csv": (2, 1, 1)}


def test_a_set_aside_row_with_a_line_separator_does_not_crash(credit_env):
    raw_csv(credit_env, csv_text([penalty(违法事实="", 处罚内容="罚款\u2028并责令改正")]), f"{SAMR}_20260505.csv")
    report = ingest(credit_env)
    assert (report.rows_in, report.rows_set_aside) == (1, 1)
    assert "\u2028" in lake_table(credit_env, "_set_aside").loc[0, "record"]


def test_an_unbalanced_quote_swallows_no_row(credit_env):
    """A 备注 opening a quote on line 2 and another closing one on line 5: four records in, the two lines with a
    stray quote set aside with their lines, the two between them accepted."""
    rows = [penalty(行政处罚决定书文号=f"Q-{n}") for n in range(1, 5)]
    text = csv_text(rows).splitlines()
    header = text[0].split(",")
    remark = header.index("备注")

    def with_remark(line: str, value: str) -> str:
        cells = line.split(",")
        cells[remark] = value
        return ",".join(cells)

    text[1] = with_remark(text[1], '"见附件')
    text[4] = with_remark(text[4], '附件完"')
    raw_csv(credit_env, "\n".join(text) + "\n", f"{SAMR}_20260505.csv")
    (outcome,) = ingest(credit_env).ingested
    assert (outcome.rows_in, outcome.rows_accepted, outcome.rows_set_aside) == (4, 2, 2)
    aside = lake_table(credit_env, "_set_aside").sort_values("_line")
    assert aside["_line"].tolist() == [2, 5] and set(aside["rule"]) == {"unbalanced_quote"}
    assert sorted(lake_table(credit_env, "xzcf")["行政处罚决定书文号"]) == ["Q-2", "Q-3"]


def test_a_quoted_field_with_a_line_break_is_one_record_at_its_first_line(credit_env):
    text = csv_text([penalty(处罚内容="PLACEHOLDER"), penalty(行政处罚决定书文号="2")])
    raw_csv(credit_env, text.replace("PLACEHOLDER", '"罚款,\n并责令改正"'), f"{SAMR}_20260505.csv")
    (outcome,) = ingest(credit_env).ingested
    assert (outcome.rows_in, outcome.rows_accepted) == (2, 2)
    rows = lake_table(credit_env, "xzcf").set_index("行政处罚决定书文号")
    assert rows.loc["澄市监罚〔2026〕1号", "处罚内容"] == "罚款,\n并责令改正" and rows.loc["2", "_line"] == 4


def test_workbook_cells_keep_their_meaning(credit_env):
    """Identifiers stored as numbers are reported, never read as another person's ID; date cells are dates; every
    sheet with the header is read, and a sheet without it is named."""
    frame = scenario._frame("xzcf", [
        penalty(行政处罚决定书文号="W-1"),
        penalty(行政处罚决定书文号="W-2", 行政相对人类别="自然人", 统一社会信用代码="", 法定代表人="", 证件类型="身份证",
                证件号码=scenario.P_DEBTOR),
    ])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        cells = list(row)
        cells[frame.columns.get_loc("处罚决定日期")] = datetime(2026, 3, 1)  # a real Excel date cell
        sheet.append(cells)
    sheet.cell(row=3, column=frame.columns.get_loc("证件号码") + 1, value=int(scenario.P_DEBTOR[:17] + "0")).number_format = "0"
    second = book.create_sheet("续表")
    second.append(list(frame.columns))
    second.append([penalty(行政处罚决定书文号="W-3").get(c, "") for c in frame.columns])
    book.create_sheet("说明").append(["本表由市场监管局报送"])
    path = credit_env.feed_dir / "xzcf" / f"{SAMR}_20260505.xlsx"
    path.parent.mkdir(parents=True)
    book.save(path)
    (outcome,) = ingest(credit_env).ingested
    assert (outcome.rows_in, outcome.rows_accepted, outcome.rows_set_aside) == (3, 2, 1)
    rows = lake_table(credit_env, "xzcf").set_index("行政处罚决定书文号")
    assert rows.loc["W-1", "处罚决定日期"] == pd.Timestamp(2026, 3, 1)
    assert rows.loc["W-3", "_file"] == f"xzcf/{SAMR}_20260505.xlsx[续表]"
    aside = lake_table(credit_env, "_set_aside").iloc[0]
    assert (aside["rule"], aside["item"], aside["_line"]) == ("numeric_identifier", "证件号码", 3)
    assert any("sheet '说明' ignored" in e for e in outcome.errors)


def test_header_variants_say_what_is_wrong(credit_env):
    good = csv_text([penalty()])
    raw_csv(credit_env, good.replace("罚款金额（万元）", "罚款金额(万元)", 1), f"{SAMR}_20260501.csv")
    raw_csv(credit_env, good.replace(",", "\t"), f"{SAMR}_20260502.csv")
    raw_csv(credit_env, good.replace("\n", ",\n"), f"{SAMR}_20260503.csv")
    raw_csv(credit_env, "ÀÛ,³B»@\n1,2\n", f"{SAMR}_20260504.csv")  # what a Big5 header looks like read as text
    report = {o.file_path[-12:-4]: o for o in ingest(credit_env).ingested}
    assert any("did you mean '罚款金额（万元）'" in e for e in report["20260501"].errors)
    assert any("tab-separated" in e for e in report["20260502"].errors)
    assert report["20260503"].rows_accepted == 1 and any("trailing comma" in e for e in report["20260503"].errors)
    assert any("not Big5" in e for e in report["20260504"].errors)


def test_a_repeated_catalogue_column_is_not_guessed(credit_env):
    good = csv_text([penalty()]).splitlines()
    raw_csv(credit_env, f"{good[0]},违法事实\n{good[1]},另一个事实\n", f"{SAMR}_20260505.csv")
    (outcome,) = ingest(credit_env).ingested
    assert outcome.status == "duplicated_column" and outcome.rows_set_aside == 1
    assert any("违法事实" in e for e in outcome.errors)


# ------------------------------------------------------------------------------------- what is not a delivery

def test_unreadable_files_symlinks_and_unknown_folders_are_named_and_the_rest_goes_on(credit_env, tmp_path, monkeypatch):
    drop(credit_env, [penalty()], f"{SAMR}_20260505.csv")
    locked = drop(credit_env, [penalty(行政处罚决定书文号="2")], f"{SAMR}_20260506.csv")
    outside = tmp_path / "secret.csv"
    outside.write_text(csv_text([penalty(行政处罚决定书文号="SECRET")]), encoding="utf-8")
    (credit_env.feed_dir / "xzcf" / f"{SAMR}_20260507.csv").symlink_to(outside)
    (credit_env.feed_dir / "xzcf_bak").mkdir()
    # The service user cannot read one delivery (mode 000 for a non-root user; tests may run as root).
    real_read = type(locked).read_bytes

    def read_bytes(path):
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(type(locked), "read_bytes", read_bytes)
    report = ingest(credit_env)
    assert report.rows_accepted == 1
    assert any(f"{SAMR}_20260506.csv: cannot be read" in str(p) for p in report.problems)
    assert any(f"{SAMR}_20260507.csv: not a regular file" in str(p) for p in report.problems)
    assert "SECRET" not in lake_table(credit_env, "xzcf")["行政处罚决定书文号"].tolist()
    assert [p.relative_path for p in unknown_folders(credit_env.feed_dir, FEEDS)] == ["xzcf_bak/"]
    # Readable again, the delivery is ingested by the next run: nothing was recorded as seen.
    monkeypatch.setattr(type(locked), "read_bytes", real_read)
    assert ingest(credit_env).rows_accepted == 1


def test_what_is_not_a_delivery_is_recorded_in_the_lake_once(credit_env):
    problems = [("xzcf/penalties.csv", "file name is not <department USCC>_<YYYYMMDD>[_<n>].<csv|xlsx>"),
                ("xzcf_bak/", "not a feed folder of the catalogue: nothing in it is read")]
    with ingestion_engine(credit_env) as (con, lake):
        assert lake.record_drop_problems(con, problems) == 2
        assert lake.record_drop_problems(con, problems) == 0  # the next run finds them again: not recorded twice
    with ingestion_engine(credit_env):  # an ingestion's clean-up keeps them: they need no ledger file
        pass
    recorded = lake_table(credit_env, "_drop_problems")
    assert sorted(zip(recorded.file_path, recorded.problem)) == sorted(problems)


def test_a_department_code_with_a_wrong_check_character_is_named_and_the_delivery_kept(credit_env):
    wrong = SAMR[:-1] + ("0" if SAMR[-1] != "0" else "1")
    drop(credit_env, [penalty()], f"{wrong}_20260505.csv")
    (outcome,) = ingest(credit_env).ingested
    assert outcome.rows_accepted == 1 and not outcome.department_id_valid
    assert wrong in outcome.needs_attention and "check character" in outcome.needs_attention
    ledger = lake_table(credit_env, "_deliveries")
    assert ledger.set_index("department_id").department_id_valid.to_dict() == {wrong: False}
    drop(credit_env, [penalty(行政处罚决定书文号="2")], f"{SAMR}_20260506.csv")
    (right,) = ingest(credit_env).ingested
    assert right.department_id_valid and right.needs_attention is None


def test_each_raw_folder_keeps_its_columns_in_a_schema_file_and_a_copy_spark_reads(tmp_path):
    """_schema.parquet holds a folder's columns (zero rows); schemas/<name>.parquet is the same file under a name
    Spark does not skip. A lost copy comes back; columns that changed rewrite both."""
    lake, xzcf = Lake(tmp_path / "lake"), load_catalogue()["xzcf"]

    def columns(path):
        with duckdb.connect() as con:
            return [tuple(r[:2]) for r in con.execute(f"describe select * from read_parquet('{path}')").fetchall()]

    with duckdb.connect() as con:
        lake.ensure(con, [xzcf])
        schema, copy = lake.folder("xzcf") / lake_module.SCHEMA_FILE, lake.schema_file("xzcf")
        assert columns(schema) == columns(copy) == lake_module.feed_columns(xzcf)
        assert lake.schema_file("_deliveries").name == "deliveries.parquet"
        copy.unlink()
        lake.ensure(con, [xzcf])
        assert columns(copy) == lake_module.feed_columns(xzcf)
        con.execute(f"copy (select 1 as stale) to '{schema}' (format parquet)")
        con.execute(f"copy (select 1 as stale) to '{copy}' (format parquet)")
        lake.ensure(con, [xzcf])
        assert columns(schema) == columns(copy) == lake_module.feed_columns(xzcf)
