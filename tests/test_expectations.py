"""GX suites: derived from the catalogue, all loaded, each expectation right, and agreeing with ingestion."""

from __future__ import annotations

import json
import socket
from collections import Counter
from datetime import date

import numpy as np
import pandas as pd
import pytest
from stdnum.cn import ric, uscc

from tests import scenario
from credit_pipeline.catalogue import PLACEHOLDER_USCC, load_catalogue
from credit_pipeline.ingest.rules import RULE_ORDER
from credit_pipeline.ingest.validate import validate_delivery
from credit_pipeline.quality import suites
from credit_pipeline.settings import EXPECTATIONS_DIR

FEEDS = load_catalogue()
DELIVERED = date(2026, 5, 5)


def make_uscc(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


def make_id(body17: str) -> str:
    # ric.calc_check_digit reads the first 17 characters of a full 18-character number.
    return body17 + ric.calc_check_digit(body17 + "0")


def wrong_check(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


# ---------------------------------------------------------------- a delivery with known bad rows

# Each corruption breaks exactly one rule of one item, so ingestion's set-aside rows and GX's
# unexpected rows can be compared item by item.
CORRUPTIONS = [
    ("行政处罚决定书文号", "no_legal_document", lambda r: r | {"行政处罚决定书文号": ""}),
    ("违法事实", "required_missing", lambda r: r | {"违法事实": ""}),
    ("罚款金额（万元）", "conditional_missing", lambda r: r | {"罚款金额（万元）": ""}),
    ("处罚类别", "invalid_enum", lambda r: r | {"处罚类别": "罚款;打板子", "罚款金额（万元）": "5"}),
    ("处罚决定日期", "invalid_date", lambda r: r | {"处罚决定日期": "2026-02-30"}),
    ("统一社会信用代码", "invalid_uscc", lambda r: r | {"行政相对人类别": "法人及非法人组织", "统一社会信用代码": wrong_check(scenario.B),
                                                   "法定代表人": "王建国", "证件类型": "", "证件号码": ""}),
    ("证件号码", "invalid_id_number", lambda r: r | {"行政相对人类别": "自然人", "统一社会信用代码": "", "法定代表人": "",
                                                  "证件类型": "身份证", "证件号码": wrong_check(make_id("32028119800101123"))}),
    ("罚款金额（万元）", "invalid_format", lambda r: r | {"罚款金额（万元）": "二十"}),
]


def penalty_rows(n: int) -> list[dict]:
    """n valid, distinct penalties: legal persons with A/N/Y/9-prefixed codes, 个体工商户 with the
    placeholder, natural persons with an ID of a retired county and with a passport."""
    rows = []
    for i in range(n):
        doc = f"澄市监罚〔2026〕{i + 1}号"
        day = f"2026-0{1 + i % 4}-{1 + i % 28:02d}"
        kind = i % 5
        if kind == 3:
            row = scenario._penalty(make_uscc(f"92320281MA{i:07d}"), "小吃店", doc, day, "罚款", "1", kind="个体工商户")
            row |= {"统一社会信用代码": PLACEHOLDER_USCC, "工商注册号": f"320281{i:09d}"}
        elif kind == 4:
            person = make_id(f"3202191970{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}")  # 320219: a retired county
            row = scenario._penalty(person, "张三", doc, day, "警告", kind="自然人")
            if i % 2:
                row |= {"证件类型": "护照号", "证件号码": f"E{i:08d}"}  # kept as given
        else:
            prefix = "91N2Y1"[2 * kind: 2 * kind + 2]
            row = scenario._penalty(make_uscc(f"{prefix}320281MA{i:07d}"), "某公司", doc, day, "罚款;没收违法所得", "5")
            row |= {"没收违法所得、没收非法财物的金额（万元）": "2.5"}
        rows.append(row)
    return rows


def delivery(n: int, bad_share: float = 0.02, seed: int = 7) -> tuple[pd.DataFrame, dict[int, tuple[str, str]]]:
    """A penalty delivery of n rows with bad_share of them corrupted; returns the frame (with
    `_file` and `_line`) and, per bad line, the (item, rule) it breaks."""
    rows = penalty_rows(n)
    rng = np.random.default_rng(seed)
    broken = {}
    for k, i in enumerate(sorted(rng.choice(n, size=int(n * bad_share), replace=False))):
        item, rule, corrupt = CORRUPTIONS[k % len(CORRUPTIONS)]
        if rule == "conditional_missing" and "罚款" not in rows[i]["处罚类别"]:
            rows[i] |= {"处罚类别": "罚款"}
        rows[i] = corrupt(rows[i])
        broken[int(i) + 2] = (item, rule)
    frame = scenario._frame("xzcf", rows).astype(str)
    return frame.assign(_file=0, _line=np.arange(n) + 2), broken


# ---------------------------------------------------------------- (a) catalogue and suites agree


def test_suite_files_are_the_catalogue():
    on_disk = {p.stem for p in EXPECTATIONS_DIR.glob("*.json")}
    assert on_disk == set(FEEDS)
    for name, feed in FEEDS.items():
        written = json.loads(suites.suite_path(name).read_text(encoding="utf-8"))
        # Editing the catalogue or a suite file without the other fails here:
        # regenerate with `python -m credit_pipeline.quality.suites`.
        assert written == suites.build_suite_dict(feed), f"expectations/{name}.json is stale"

        by_item_rule = Counter((e["meta"]["catalogue_item"], e["meta"]["rule"]) for e in written["expectations"])
        assert max(by_item_rule.values()) == 1
        for e in written["expectations"]:
            assert e["meta"]["catalogue_item"] in feed.item_names
            assert e["kwargs"]["column"] == e["meta"]["catalogue_item"]
            assert e["meta"]["rule"] in RULE_ORDER
            assert e["type"] == suites.RULE_EXPECTATION[e["meta"]["rule"]]
        for item in feed.items:
            if item.requirement == "R":
                assert (item.item, "required_missing") in by_item_rule, f"{name}.{item.item} is required"
            if item.requirement == "C":
                assert (item.item, "conditional_missing") in by_item_rule
            if item.negative_when:
                assert (item.item, "no_legal_document") in by_item_rule


def test_each_rule_has_its_custom_expectation():
    from credit_pipeline.quality.expectations import EXPECTATIONS

    assert {cls.rule(): cls.expectation_type for cls in EXPECTATIONS} == suites.RULE_EXPECTATION


# ---------------------------------------------------------------- (b) every expectation loads


@pytest.mark.parametrize("feed", list(FEEDS))
def test_every_expectation_in_the_file_is_loaded(feed):
    written = json.loads(suites.suite_path(feed).read_text(encoding="utf-8"))
    suite = suites.load_suite(feed)
    assert len(suite.expectations) == len(written["expectations"])
    assert [e.meta["rule"] for e in suite.expectations] == [e["meta"]["rule"] for e in written["expectations"]]


def test_a_suite_file_with_an_unknown_expectation_is_refused(tmp_path):
    spec = suites.build_suite_dict(FEEDS["hypj"]) | {"name": "hypj_tampered"}
    spec["expectations"].append({"type": "expect_column_values_to_be_lovely", "kwargs": {"column": "评价等级"}, "meta": {}})
    suites.suite_path("hypj_tampered", tmp_path).write_text(suites.dump_suite(spec), encoding="utf-8")
    with pytest.raises(suites.SuiteLoadError, match="expect_column_values_to_be_lovely"):
        suites.load_suite("hypj_tampered", tmp_path)


# ---------------------------------------------------------------- (c) each custom expectation


@pytest.fixture(scope="module")
def unit_batch():
    """Validate one expectation on a small frame; returns the rejected row positions."""
    context = suites.gx_context()
    asset = context.data_sources.add_pandas("unit_tests").add_dataframe_asset("cells")
    definition = asset.add_batch_definition_whole_dataframe("whole")

    def rejected(expectation, frame: pd.DataFrame) -> list[int]:
        batch = definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(expectation, result_format="COMPLETE")
        assert not result.exception_info.get("raised_exception"), result.exception_info
        return sorted(result.result["unexpected_index_list"])

    return rejected


def test_uscc(unit_batch):
    from credit_pipeline.quality.expectations import ExpectColumnValuesToBeValidUscc

    valid = [make_uscc(p + "320281MA1AAAAAX") for p in ("91", "92", "12", "A1", "N2", "Y1")]
    values = valid + [wrong_check(valid[0]), "91320281MA1AAAAAI", PLACEHOLDER_USCC, PLACEHOLDER_USCC, ""]
    types = ["法人及非法人组织"] * 8 + ["个体工商户", "法人及非法人组织", ""]
    frame = pd.DataFrame({"统一社会信用代码": values, "行政相对人类别": types})
    check = ExpectColumnValuesToBeValidUscc(column="统一社会信用代码", type_column="行政相对人类别")
    assert unit_batch(check, frame) == [6, 7, 9]  # wrong check, bad char, placeholder for a legal person
    # Without a type column (a department's own code) the placeholder is never allowed.
    assert unit_batch(ExpectColumnValuesToBeValidUscc(column="统一社会信用代码"), frame) == [6, 7, 8, 9]


def test_id_number(unit_batch):
    from credit_pipeline.quality.expectations import ExpectColumnValuesToBeValidIdNumber

    retired = make_id("32021919700101005")  # 320219 is a retired county code: a real ID
    frame = pd.DataFrame({
        "证件号码": [retired, make_id("32028119800101123"), wrong_check(retired), make_id("32028119800230123"),
                     "E12345678", retired, wrong_check(retired), ""],
        "证件类型": ["身份证", "", "身份证", "身份证", "护照号", "", "港澳居民来往内地通行证", "身份证"],
    })
    check = ExpectColumnValuesToBeValidIdNumber(column="证件号码", type_column="证件类型")
    assert unit_batch(check, frame) == [2, 3]  # wrong check char, 19800230 is no birth date; passports untouched


def test_conditional_requirement(unit_batch):
    from credit_pipeline.quality.expectations import ExpectColumnValuesToBePresentWhen

    fines = pd.DataFrame({"处罚类别": ["罚款", "警告;罚款", "警告", "罚款"], "罚款金额（万元）": ["5", "", "", ""]})
    check = ExpectColumnValuesToBePresentWhen(column="罚款金额（万元）", condition="处罚类别~罚款")
    assert unit_batch(check, fines) == [1, 3]

    registration = pd.DataFrame({"统一社会信用代码": [PLACEHOLDER_USCC, PLACEHOLDER_USCC, scenario.B],
                                 "工商注册号": ["320281000000001", "", ""]})
    check = ExpectColumnValuesToBePresentWhen(column="工商注册号", condition=f"统一社会信用代码={PLACEHOLDER_USCC}")
    assert unit_batch(check, registration) == [1]

    subjects = pd.DataFrame({"行政相对人类别": ["法人及非法人组织", "个体工商户", "自然人"], "统一社会信用代码": ["", "", ""]})
    check = ExpectColumnValuesToBePresentWhen(column="统一社会信用代码", condition="行政相对人类别 in 法人及非法人组织|个体工商户")
    assert unit_batch(check, subjects) == [0, 1]


def test_legal_document_on_negative_records(unit_batch):
    from credit_pipeline.quality.expectations import ExpectColumnValuesToBePresent, ExpectLegalDocumentOnNegativeRecords

    lists = pd.DataFrame({"名单类型": ["严重失信主体名单", "红名单", "经营异常名录", "重点关注名单"],
                          "认定文书号": ["", "", "澄信认〔2026〕1号", ""]})
    negative = "名单类型 in 严重失信主体名单|重点关注名单|经营异常名录"
    assert unit_batch(ExpectLegalDocumentOnNegativeRecords(column="认定文书号", negative_when=negative), lists) == [0, 3]
    # The red-list row misses a plain required item; negative rows are not reported twice.
    assert unit_batch(ExpectColumnValuesToBePresent(column="认定文书号", negative_when=negative), lists) == [1]

    penalties = pd.DataFrame({"行政处罚决定书文号": ["澄市监罚〔2026〕1号", ""]})
    assert unit_batch(ExpectLegalDocumentOnNegativeRecords(column="行政处罚决定书文号"), penalties) == [1]


def test_enumerations_dates_and_formats(unit_batch):
    from credit_pipeline.quality import expectations as x

    categories = ["警告", "罚款", "吊销许可证件"]
    frame = pd.DataFrame({"处罚类别": ["罚款;吊销许可证件", "警告", "罚款;打板子", "", "罚款 ; 警告"]})
    assert unit_batch(x.ExpectColumnValuesToBeInEnumeration(column="处罚类别", value_set=categories, multi_value=True), frame) == [2]
    assert unit_batch(x.ExpectColumnValuesToBeInEnumeration(column="处罚类别", value_set=categories), frame) == [0, 2, 4]

    days = pd.DataFrame({"d": ["2026-03-01", "2026/3/1", "20260301", "2099-12-31", "2026-02-30", "01/03/2026", "1899-12-31", ""]})
    assert unit_batch(x.ExpectColumnValuesToBeRealDates(column="d"), days) == [4, 5, 6]

    cases = [("region_code", ["320281", "32028", "3202811"], [1, 2]),
             ("industry_code", ["C1811", "C18", "1811", "Z1811"], [2, 3]),
             ("amount", ["20", "0.5", "二十", "-1", "1e3"], [2, 3, 4]),
             ("case_no", ["（2025）苏0881执1234号", "(2025)苏0881执1234号", "2025苏0881执1234号"], [2])]
    for fmt, values, bad in cases:
        frame = pd.DataFrame({"v": values})
        assert unit_batch(x.ExpectColumnValuesToMatchCatalogueFormat(column="v", format=fmt), frame) == bad, fmt


# ---------------------------------------------------------------- (d) GX agrees with ingestion


def test_unexpected_rows_are_the_rows_ingestion_sets_aside():
    frame, broken = delivery(1000)
    outcomes = suites.validate_frame(frame, FEEDS["xzcf"])
    set_aside = validate_delivery(frame.drop(columns=["_file", "_line"]), FEEDS["xzcf"], DELIVERED).set_aside

    assert len(set_aside) == len(broken) == 20
    assert (set_aside["rules"] == set_aside["rule"]).all()  # one rule per bad row, by construction
    assert dict(zip(set_aside["_line"], zip(set_aside["item"], set_aside["rule"]))) == broken

    found = {(o.catalogue_item, o.rule): o for o in outcomes if o.unexpected_count}
    assert {key: o.unexpected_count for key, o in found.items()} == Counter(broken.values())
    for (item, rule), outcome in found.items():
        assert outcome.element_count == 1000 and outcome.unexpected_share == outcome.unexpected_count / 1000
        assert outcome.success  # 2% is within the feed's set-aside threshold
        assert outcome.samples and all(s["_file"] == 0 and broken[s["_line"]] == (item, rule) for s in outcome.samples)
        assert all(s["value"] == frame.loc[s["_line"] - 2, item] for s in outcome.samples)
    assert len(outcomes) == len(json.loads(suites.suite_path("xzcf").read_text(encoding="utf-8"))["expectations"])


def test_a_batch_breaking_a_rule_beyond_the_threshold_fails_and_absent_optional_columns_read_empty():
    frame, _ = delivery(100, bad_share=0)
    frame.loc[:19, "违法事实"] = ""
    outcomes = suites.validate_frame(frame.drop(columns=["备注", "从轻情形"]), FEEDS["xzcf"])
    failed = [(o.catalogue_item, o.rule, o.unexpected_count) for o in outcomes if not o.success]
    assert failed == [("违法事实", "required_missing", 20)]
    assert {s["_line"] for s in next(o for o in outcomes if not o.success).samples} == {2, 3, 4, 5, 6}


# ---------------------------------------------------------------- (e) no network, (f) Data Docs


def test_loads_validates_and_documents_without_network(monkeypatch, tmp_path):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("GX_ANALYTICS_ENABLED", "false")
    suites.reset_gx()  # a fresh context and fresh suites, built while the network is off

    assert suites.gx_context().config.analytics_enabled is False
    for feed in FEEDS:
        suites.load_suite(feed)
    frame, broken = delivery(200)
    outcomes = suites.validate_frame(frame, FEEDS["xzcf"])
    assert sum(o.unexpected_count for o in outcomes) == len(broken)
    assert suites.build_data_docs(tmp_path / "gx_docs").exists()
    assert attempts == []


def test_data_docs_are_built_in_the_given_folder(tmp_path):
    frame, _ = delivery(50)
    suites.validate_frame(frame, FEEDS["xzcf"])
    index = suites.build_data_docs(tmp_path / "gx_docs")
    assert index == (tmp_path / "gx_docs" / "index.html").resolve() and index.is_file()
    assert (tmp_path / "gx_docs" / "expectations" / "xzcf.html").is_file()
    assert any((tmp_path / "gx_docs" / "validations" / "xzcf").rglob("*.html"))


def test_an_expectation_that_cannot_run_is_an_error_not_a_pass():
    frame, _ = delivery(20, bad_share=0)
    frame["处罚类别"] = 3  # not text: the rules cannot read it
    with pytest.raises(suites.ExpectationRunError, match="处罚类别"):
        suites.validate_frame(frame, FEEDS["xzcf"])
