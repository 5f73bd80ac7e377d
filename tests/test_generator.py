"""The demo feed generator: deterministic, shaped as SPEC §2 says, realistic identifiers, and its
planted defects are exactly what an independent check of the catalogue rules finds."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from stdnum.cn import ric, uscc

from credit_pipeline.catalogue import PLACEHOLDER_USCC, load_catalogue
from credit_tools.demo import reference as ref
from credit_tools.demo.generator import SUMMARY_FILE, generate_drop
from credit_tools.demo.writers import write_delivery

AS_OF = date(2025, 6, 30)
SUBJECTS = 300
SEED = 7
MAX_ROWS = 100  # small, so that the registry's initial load is split
CATALOGUE = load_catalogue()
FILE_NAME = re.compile(
    r"^(?P<dept>[0-9A-HJ-NPQRTUWXY]{18})_(?P<day>\d{8})(?:_(?P<n>\d+))?\.(?P<ext>csv|xlsx)$"
)
DATE_PATTERNS = (("%Y-%m-%d", r"\d{4}-\d{2}-\d{2}"), ("%Y/%m/%d", r"\d{4}/\d{2}/\d{2}"), ("%Y%m%d", r"\d{8}"))
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class Delivery:
    feed: str
    path: Path
    form: str  # utf-8, utf-8-sig, gbk or xlsx
    header: list[str]
    records: list[dict[str, str]]  # "" for empty
    duplicate: bool  # byte-identical to an earlier file of the feed

    @property
    def day(self) -> date:
        return datetime.strptime(FILE_NAME.match(self.path.name)["day"], "%Y%m%d").date()


def read_file(path: Path) -> tuple[str, list[str], list[dict[str, str]]]:
    """(how it is written, header, rows as text with "" for empty)."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        table = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        return "xlsx", table[0], [dict(zip(table[0], row)) for row in table[1:]]
    if data.startswith(b"\xef\xbb\xbf"):
        form = "utf-8-sig"
    else:
        try:
            data.decode("utf-8")
            form = "utf-8"
        except UnicodeDecodeError:
            form = "gbk"
    table = list(csv.reader(io.StringIO(data.decode(form))))
    return form, table[0], [dict(zip(table[0], row)) for row in table[1:]]


def read_drop(root: Path) -> list[Delivery]:
    out = []
    for feed in CATALOGUE:
        seen = set()
        for path in sorted((root / feed).iterdir(), key=lambda p: (len(p.name), p.name)):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out.append(Delivery(feed, path, *read_file(path), duplicate=digest in seen))
            seen.add(digest)
    return out


@pytest.fixture(scope="module")
def drop(tmp_path_factory):
    root = tmp_path_factory.mktemp("drop")
    summary = generate_drop(root, subjects=SUBJECTS, seed=SEED, as_of=AS_OF, max_rows_per_file=MAX_ROWS)
    return root, summary


@pytest.fixture(scope="module")
def deliveries(drop) -> list[Delivery]:
    return read_drop(drop[0])


@pytest.fixture(scope="module")
def rows(deliveries) -> dict[str, pd.DataFrame]:
    """Every delivered row (duplicate files once), with its delivery date, per feed."""
    records = defaultdict(list)
    for d in deliveries:
        if not d.duplicate:
            records[d.feed] += [r | {"_day": d.day, "_file": d.path.name} for r in d.records]
    return {feed: pd.DataFrame(r).fillna("") for feed, r in records.items()}


# --- An independent check of the catalogue rules -------------------------------------------------

def parse_date(value: str) -> date | None:
    for fmt, shape in DATE_PATTERNS:
        if re.fullmatch(shape, value):
            try:
                return datetime.strptime(value, fmt).date()
            except ValueError:
                return None
    return None


def valid_uscc(code: str) -> bool:
    return (len(code) == 18 and all(c in USCC_CHARS for c in code) and code[0] in "123456789ANY"
            and uscc.calc_check_digit(code[:17]) == code[17])


def valid_ric(number: str) -> bool:
    return (len(number) == 18 and number[:17].isdigit() and ric.calc_check_digit(number) == number[17]
            and parse_date(number[6:14]) is not None)


def holds(row: dict, condition: str) -> bool:
    if not condition:
        return False
    if condition == "always":
        return True
    if " in " in condition:
        item, values = condition.split(" in ")
        return row.get(item, "") in values.split("|")
    if "~" in condition:
        item, values = condition.split("~")
        return any(v in row.get(item, "") for v in values.split("|"))
    item, value = condition.split("=")
    return row.get(item, "") == value


def violations(feed: str, row: dict) -> list[str]:
    """Rules a row breaks, named like the generator's planted defects."""
    found = []
    regions = {r.code for r in ref.JIANGSU_REGIONS}
    industries = {i.code for i in ref.INDUSTRIES}
    for item in CATALOGUE[feed].items:
        value = row.get(item.item, "")
        if not value:
            if item.requirement == "R" and item.negative_when and holds(row, item.negative_when):
                found.append("no_legal_document")
            elif item.requirement == "R" or (item.requirement == "C" and holds(row, item.condition)):
                found.append("required_missing")
            continue
        fmt = item.format
        if fmt == "date" and parse_date(value) is None:
            found.append("invalid_date")
        elif fmt == "uscc" and not valid_uscc(value):
            placeholder_ok = item.format_arg and row.get(item.format_arg) == "个体工商户"
            if not (value == PLACEHOLDER_USCC and placeholder_ok):
                subject = item.item == "统一社会信用代码" and feed != "djzc"
                found.append("invalid_uscc" if subject else "other_uscc")
        elif fmt == "id_number" and row.get(item.format_arg, "身份证") == "身份证" and not valid_ric(value):
            found.append("invalid_id_number" if item.item == "证件号码" and item.format_arg else "other_id")
        elif fmt == "enum" and value not in item.enum_values:
            found.append("enum")
        elif fmt == "enum_multi" and not set(value.split(";")) <= set(item.enum_values):
            found.append("enum")
        elif fmt == "amount" and not re.fullmatch(r"\d+(\.\d+)?", value):
            found.append("amount")
        elif fmt == "region_code" and value not in regions:
            found.append("region_code")
        elif fmt == "industry_code" and value not in industries:
            found.append("industry_code")
        elif fmt == "case_no" and not re.fullmatch(r"（\d{4}）苏\d{2,4}执\d+号", value):
            found.append("case_no")
        elif fmt == "corrections" and not re.fullmatch(r"[^=;]+=[^=;]+(;[^=;]+=[^=;]+)*", value):
            found.append("corrections")
    return found


def derived_severity(categories: str, fine: str) -> str:
    parts = set(categories.split(";"))
    amount = float(fine) if fine else 0.0
    if parts & set(ref.SEVERE_CATEGORIES) or ("罚款" in parts and amount >= 100):
        return "严重"
    if parts <= set(ref.MILD_CATEGORIES) or (parts == {"罚款"} and amount < 0.5):
        return "轻微"
    return "一般"


# --- Tests ---------------------------------------------------------------------------------------

def test_same_arguments_give_identical_files(drop, tmp_path):
    root, summary = drop
    again = generate_drop(tmp_path, subjects=SUBJECTS, seed=SEED, as_of=AS_OF, max_rows_per_file=MAX_ROWS)
    files = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file() and p.name != SUMMARY_FILE)
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")
                           if p.is_file() and p.name != SUMMARY_FILE)
    assert all((root / f).read_bytes() == (tmp_path / f).read_bytes() for f in files)
    del again["seconds"]  # the only wall-clock value, and only in the summary
    assert again == {k: v for k, v in summary.items() if k != "seconds"}


# The digest of the fixture's drop (every delivery file, path and bytes). A change to the generator or
# its reference data that alters the drop must update it on purpose: tests and benchmarks compare
# against drops made by earlier versions.
PINNED_DROP_DIGEST = "46e87a8b3c25ea5d342f271978eeaeee58814d76e034b0e3e0d7e0dcc1997777"


def drop_digest(root: Path) -> str:
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != SUMMARY_FILE)
    lines = "".join(f"{f} {hashlib.sha256((root / f).read_bytes()).hexdigest()}\n" for f in files)
    return hashlib.sha256(lines.encode()).hexdigest()


def test_drop_is_pinned(drop):
    assert drop_digest(drop[0]) == PINNED_DROP_DIGEST


def test_another_seed_gives_another_drop(drop, tmp_path):
    other = generate_drop(tmp_path, subjects=SUBJECTS, seed=SEED + 1, as_of=AS_OF, max_rows_per_file=MAX_ROWS)
    assert other["records"] != drop[1]["records"]


def test_refuses_to_write_over_a_drop(drop):
    with pytest.raises(FileExistsError):
        generate_drop(drop[0], subjects=10, as_of=AS_OF)


def test_summary_matches_what_was_written(drop, deliveries, rows):
    root, summary = drop
    assert (root / SUMMARY_FILE).is_file()
    assert summary["subjects"] == SUBJECTS
    assert summary["files"] == len(deliveries)
    assert summary["duplicate_files"] == sum(d.duplicate for d in deliveries)
    assert summary["records"] == {feed: len(rows[feed]) for feed in CATALOGUE}
    assert 8 * SUBJECTS < sum(summary["records"].values()) < 13 * SUBJECTS  # about 10 per subject


def test_every_feed_folder_with_catalogue_headers(deliveries):
    assert {d.feed for d in deliveries} == set(CATALOGUE)
    with_extra = 0
    for d in deliveries:
        expected = CATALOGUE[d.feed].item_names
        extra = [c for c in d.header if c not in expected]
        assert set(expected) <= set(d.header), d.path
        assert set(extra) <= {"内部编号", "批次号"}, d.path
        with_extra += bool(extra)
    assert 0 < with_extra < 0.5 * len(deliveries)
    assert any(d.header != CATALOGUE[d.feed].item_names for d in deliveries
               if len(d.header) == len(CATALOGUE[d.feed].items)), "some files shuffle their columns"
    # A department's system writes the same layout every time: one header per department and feed.
    layouts = {}
    for d in deliveries:
        layouts.setdefault((d.feed, d.path.name[:18]), set()).add(tuple(d.header))
    assert all(len(headers) == 1 for headers in layouts.values())


def test_file_names_and_delivery_dates(deliveries):
    department_usccs = {d.uscc for d in ref.DEPARTMENTS}
    for d in deliveries:
        match = FILE_NAME.match(d.path.name)
        assert match, d.path.name
        assert match["dept"] in department_usccs
        assert d.day <= AS_OF
        assert len(d.records) <= MAX_ROWS
        if "数据来源单位统一社会信用代码" in d.header:  # empty only where a defect was planted
            assert {r["数据来源单位统一社会信用代码"] for r in d.records} <= {match["dept"], ""}
    parts = [d for d in deliveries if FILE_NAME.match(d.path.name)["n"] and not d.duplicate]
    assert parts, "a delivery above max_rows_per_file is split into numbered files"


def test_duplicate_files_are_byte_identical_copies_named_with_a_suffix(deliveries):
    duplicates = [d for d in deliveries if d.duplicate]
    assert duplicates
    for d in duplicates:
        match = FILE_NAME.match(d.path.name)
        assert match["n"]
        same_delivery = d.path.parent.glob(f"{match['dept']}_{match['day']}*")
        assert d.path.read_bytes() in {p.read_bytes() for p in same_delivery if p != d.path}


def test_file_encodings_formats_and_date_styles(deliveries):
    forms = Counter(d.form for d in deliveries)
    assert {"utf-8", "utf-8-sig", "gbk", "xlsx"} <= set(forms)
    assert 0.08 < forms["gbk"] / len(deliveries) < 0.25
    assert all(len(d.records) < 5000 for d in deliveries if d.form == "xlsx")
    decision_items = {f: CATALOGUE[f].decision_date_item for f in CATALOGUE}
    styles = Counter()
    for d in deliveries:
        values = [r[decision_items[d.feed]] for r in d.records]
        styles[frozenset(fmt for fmt, shape in DATE_PATTERNS for v in values if re.fullmatch(shape, v))] += 1
    assert {frozenset({"%Y-%m-%d"}), frozenset({"%Y/%m/%d"}), frozenset({"%Y%m%d"})} <= set(styles)
    assert any(len(s) > 1 for s in styles), "a few files mix date formats row by row"
    long_term = {ref.LONG_TERM.replace("-", sep) for sep in ("-", "/", "")}
    assert any(r.get("有效期至") in long_term for d in deliveries for r in d.records)


def test_only_planted_defects_break_the_catalogue(drop, rows):
    summary = drop[1]
    found = Counter()
    for feed, frame in rows.items():
        for row in frame.to_dict("records"):
            broken = violations(feed, row)
            assert len(broken) <= 1, (feed, row, broken)
            found.update(broken)
    assert dict(found) == {code: n for code, n in summary["defects"].items() if n}


def test_defects_stay_well_under_five_percent_of_each_feed(rows):
    total = broken_total = 0
    for feed, frame in rows.items():
        broken = sum(bool(violations(feed, row)) for row in frame.to_dict("records"))
        if len(frame) >= 200:  # smaller feeds are too noisy at this size
            assert broken < 0.04 * len(frame), feed
        total, broken_total = total + len(frame), broken_total + broken
    assert broken_total < 0.025 * total


def test_identifiers_are_realistic(rows):
    codes = pd.concat([rows[f]["统一社会信用代码"] for f in rows if "统一社会信用代码" in rows[f]])
    codes = set(codes[codes != ""])
    assert {c[:2] for c in codes} >= {"91", "92", "93", "12", "51", "52", "53", "N2", "Y1", "A1"}
    assert PLACEHOLDER_USCC in codes
    regions = {r.code for r in ref.JIANGSU_REGIONS}
    assert all(c[2:8] in regions for c in codes if c != PLACEHOLDER_USCC)
    for frame in rows.values():
        if "工商注册号" in frame:
            numbers = frame.loc[frame["统一社会信用代码"] == PLACEHOLDER_USCC, "工商注册号"]
            assert all(re.fullmatch(r"\d{15}", n) for n in numbers)
    foreign = pd.concat([f.loc[f["证件类型"] == "外国人永久居留身份证", "证件号码"] for f in rows.values()
                         if "证件类型" in f])
    assert all(re.fullmatch(r"9\d{16}[\dX]", n) for n in foreign)
    id_types = pd.concat([f[c] for f in rows.values() for c in ("证件类型", "法定代表人证件类型") if c in f])
    assert set(ref.ID_TYPES) <= set(id_types)
    share = (id_types == "身份证").sum() / (id_types != "").sum()
    assert 0.85 < share < 0.995


def test_legal_representatives_are_shared_and_some_companies_have_controllers(rows):
    registry = rows["djzc"]
    known = registry[registry["法定代表人证件号码"] != ""]
    companies_per_person = known.groupby("法定代表人证件号码")["统一社会信用代码"].nunique()
    assert (companies_per_person >= 2).any()
    share = (registry["实际控制人"] != "").mean()
    assert 0.08 < share < 0.3
    assert set(registry["主体类别"]) == {"法人及非法人组织", "个体工商户"}


def test_every_registered_subject_is_in_the_registry(rows):
    registry = set(rows["djzc"]["统一社会信用代码"])
    for feed in ("xzxk", "xzcf", "qtxw"):
        frame = rows[feed]
        org = frame[frame["行政相对人类别"] != "自然人"]["统一社会信用代码"]
        valid = {c for c in org if c != PLACEHOLDER_USCC and valid_uscc(c)}
        assert valid <= registry, feed


def test_unmarked_minors_among_penalised_people(rows):
    penalties = rows["xzcf"]
    people = penalties[(penalties["证件类型"] == "身份证") & penalties["证件号码"].map(valid_ric)]
    minors = 0
    for _, row in people.iterrows():
        decided = parse_date(row["处罚决定日期"])
        birth = parse_date(row["证件号码"][6:14])
        if decided and decided < birth.replace(year=birth.year + 18) and row["从轻情形"] != "未成年人":
            minors += 1
    assert minors >= 1


def test_stated_severity_follows_the_rules(rows):
    penalties = rows["xzcf"]
    stated = penalties[penalties["失信程度"] != ""]
    assert 0.35 < len(stated) / len(penalties) < 0.65
    for _, row in stated.iterrows():
        assert row["失信程度"] == derived_severity(row["处罚类别"], row["罚款金额（万元）"])
    assert (penalties["罚款金额（万元）"].replace("", "0").astype(float) >= 100).any()


def test_objections_and_repairs_refer_to_delivered_records(rows):
    records = {}  # (feed, document number) -> (subject, decision date, severity)
    for feed, number in (("xzcf", "行政处罚决定书文号"), ("xymd", "认定文书号")):
        for row in rows[feed].to_dict("records"):
            decided = parse_date(row[CATALOGUE[feed].decision_date_item])
            severity = derived_severity(row["处罚类别"], row["罚款金额（万元）"]) if feed == "xzcf" else None
            records[(feed, row[number])] = (row["统一社会信用代码"] or row["证件号码"], decided, severity)
    early = 0
    for feed in ("yysq", "xyxf"):
        for row in rows[feed].to_dict("records"):
            subject, decided, severity = records[(row["涉及信息类别"], row["涉及文书号"])]
            assert subject == row["统一社会信用代码"] or subject == row["证件号码"], row
            if feed == "xyxf":
                assert severity in ("一般", "严重")
                months = 3 if severity == "一般" else 12
                repairable = date(decided.year + (decided.month + months - 1) // 12,
                                  (decided.month + months - 1) % 12 + 1, min(decided.day, 28))
                early += parse_date(row["申请日期"]) < repairable
    assert early >= 1, "some repair applications come before the minimum publicity period"
    objections = rows["yysq"].sort_values("_day").groupby("异议编号")["处理结果"].agg(list)
    assert any(len(states) == 2 and states[0] == "" and states[1] for states in objections)


def test_each_application_keeps_its_facts_across_deliveries(rows):
    for feed, number, facts in (("yysq", "异议编号", ["涉及文书号", "异议事由", "申请日期"]),
                                ("xyxf", "修复编号", ["涉及文书号", "修复方式", "申请日期"])):
        frame = rows[feed].assign(申请日期=rows[feed]["申请日期"].map(parse_date))
        assert (frame.groupby(number)[facts].nunique() == 1).all().all(), feed
    repairs = rows["xyxf"].sort_values("_day").groupby("修复编号")["决定"].agg(list)
    assert all(set(states[:-1]) <= {"受理中"} for states in repairs)


def test_decisions_precede_deliveries_within_the_window(rows):
    window_start = AS_OF.replace(year=AS_OF.year - 4)
    for feed, frame in rows.items():
        decided = frame[CATALOGUE[feed].decision_date_item].map(parse_date)
        known = decided.notna()
        assert (decided[known] <= frame.loc[known, "_day"]).all(), feed
        if feed != "djzc":  # the registry also holds subjects founded long ago
            assert decided[known].min() >= window_start - timedelta(days=7), feed
    penalties = rows["xzcf"]
    decided = penalties["处罚决定日期"].map(parse_date)
    lag = [np.busday_count(d, day) for d, day in zip(decided, penalties["_day"]) if d]
    assert 0.03 < np.mean(np.array(lag) > 7) < 0.2  # a minority is late


def test_some_penalties_are_delivered_again_corrected(rows):
    penalties = rows["xzcf"]
    again = penalties.groupby("行政处罚决定书文号")["_day"].nunique()
    assert (again >= 2).any()


def test_write_delivery_round_trips_hand_made_rows(tmp_path):
    names = ["淮安市恒瑞建材有限公司", "a,b", "张三"]
    frame = pd.DataFrame({"处罚决定日期": ["2024-03-05", None, "2024-13-45"], "行政相对人名称": names})
    for name, encoding in (("a.csv", "utf-8"), ("b.csv", "gbk"), ("c.csv", "utf-8-sig"), ("d.xlsx", "gbk")):
        write_delivery(frame, tmp_path / "x" / name, encoding=encoding, date_format="YYYYMMDD")
        form, header, back = read_file(tmp_path / "x" / name)
        assert form == ("xlsx" if name.endswith("xlsx") else encoding)
        assert header == list(frame.columns)
        assert [r["处罚决定日期"] for r in back] == ["20240305", "", "20241345"]
        assert [r["行政相对人名称"] for r in back] == names


def test_reference_values_are_valid():
    assert len(ref.JIANGSU_REGIONS) >= 30 and len(ref.INDUSTRIES) >= 30 and len(ref.DEPARTMENTS) >= 30
    assert all(valid_uscc(d.uscc) and d.uscc.startswith("11") for d in ref.DEPARTMENTS)
    assert len({d.uscc for d in ref.DEPARTMENTS}) == len(ref.DEPARTMENTS)
    assert all(re.fullmatch(r"[A-T]\d{4}", i.code) for i in ref.INDUSTRIES)
    for value in vars(ref).values():  # every text in the reference encodes in GBK
        for text in re.findall(r"[^\x00-\x7f]+", repr(value)):
            text.encode("gbk")


def test_reference_data_ships_with_the_package():
    """Every code list in credit_tools/demo/data is package data, so an installed generator has it."""
    project = Path(__file__).resolve().parents[1]
    demo = project / "credit_tools" / "demo"
    globs = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    data = [p.relative_to(demo).as_posix() for p in (demo / "data").iterdir()]
    assert data and all(any(fnmatch(f, g) for g in globs["credit_tools.demo"]) for f in data)
