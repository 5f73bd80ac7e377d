"""Deterministic demo feed drop (SPEC §2): realistic Jiangsu subjects and records for every feed,
with defects planted at known rates so that a correct validator sets aside exactly those rows.

Everything is drawn from numpy `default_rng` streams derived from the seed (one per purpose, so a
change in one feed does not shift the others) and built column-wise with pyarrow; the only Python
loops run per subject (check characters with python-stdnum) or per file.

Simplifications, on purpose:
- a row's dates never lie after its delivery date except validity ends (有效期至, 处罚有效期…), so a
  file only states what was known when it was delivered;
- the registry (djzc) and the objection/repair feeds carry no planted defects: they are what the
  other feeds are checked and corrected against;
- 个体工商户 with the placeholder USCC are not in djzc, which has no 工商注册号 to key them by.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_10

from credit_pipeline.catalogue import PLACEHOLDER_USCC, Feed, load_catalogue
from credit_tools.demo import reference as ref
from credit_tools.demo.writers import DATE_FORMATS, date_items, format_dates, render_delivery

SUMMARY_FILE = "_generator_summary.json"

# Subject kinds, in the order subjects are numbered.
ORG, INDIVIDUAL, PERSON = 0, 1, 2
KIND_LABELS = ("法人及非法人组织", "个体工商户", "自然人")
KIND_SHARES = (0.70, 0.15, 0.15)
PLACEHOLDER_SHARE = 0.10  # of 个体工商户 without a USCC
YOUNG_SHARE = 0.03  # of natural persons, minors during part of the window
CONTROLLER_SHARE = 0.20  # of companies with an 实际控制人
REP_POOL_SHARE = 0.6  # legal representatives drawn from a pool this size of the companies
REP_ID_SHARE = 0.85  # rows that carry the legal representative's ID type and number

# Mean records per subject (organisation, individual business, natural person).
RECORDS_PER_SUBJECT = {
    "xzxk": (3.4, 3.0, 1.2), "xzcf": (1.5, 1.8, 1.2), "qtxw": (2.2, 2.0, 1.2),
    "sxbzxr": (0.06, 0.15, 0.8), "xymd": (0.5, 0.3, 0.1), "xycn": (1.2, 0.8, 0.4),
    "zzsb": (1.0, 0.6, 0.1), "hypj": (0.8, 0.3, 0.0),
}
OBJECTIONS_PER_SUBJECT = 0.036  # each gives one or two yysq rows
OBJECTIONS_ON_PENALTIES = 0.8  # the rest on credit-list entries
REPAIRS_PER_SUBJECT = 0.036
EARLY_REPAIR_SHARE = 0.15  # applications before the minimum publicity period
TWO_STAGE_SHARE = 0.5  # decided objections/repairs first delivered as pending
REDELIVERY_SHARE = 0.005  # of xzcf records, delivered again with one field corrected

# Delivery lag in working days after the decision (0..12); lags of 8+ are late.
LAG_WEIGHTS = np.array([6, 14, 16, 15, 13, 11, 9, 8, 2, 2, 1.5, 1.5, 1]) / 100

# Minimum and maximum publicity of a penalty in months by severity (SPEC §4); 轻微 counts 3 months.
SEVERITIES = ("轻微", "一般", "严重")
PUBLICITY_MONTHS = {"轻微": (0, 3), "一般": (3, 12), "严重": (12, 36)}
REPAIR_MARGIN_DAYS = 7  # keep repair dates clear of the month arithmetic at the period's edge

# Planted defects (SPEC §2), as shares of the rows they can apply to.
DEFECT_RATES = {
    "required_missing": 0.005, "invalid_date": 0.003, "invalid_uscc": 0.005,
    "invalid_id_number": 0.005, "no_legal_document": 0.003,
}
DEFECT_FEEDS = ("xzxk", "xzcf", "qtxw", "sxbzxr", "xymd", "xycn", "zzsb", "hypj")
IMPOSSIBLE_MONTH_DAYS = ("02-30", "02-31", "13-01", "13-45", "00-10", "04-31", "06-31", "11-31")

# How files look. A department's system writes the same layout every day (encoding, column order, its
# own extra column): shares of departments per feed. Date styles and workbooks vary by file.
ENCODING_WEIGHTS = {"utf-8": 73, "utf-8-sig": 12, "gbk": 15}
SHUFFLED_COLUMNS_SHARE = 0.15
EXTRA_COLUMN_SHARE = 0.10
XLSX_SHARE, XLSX_MAX_ROWS = 0.02, 5000  # shares of files
MIXED_DATES_SHARE = 0.03
EXTRA_COLUMNS = {"内部编号": "NB", "批次号": "PC"}  # a department's own column, value prefix
DUPLICATE_SHARE = 0.01

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_REFORM = np.datetime64("2015-10-01")  # organisations registered since carry MA… codes

STRING = pa.string()


# --- Small column helpers ------------------------------------------------------------------------

def pick(pool: Sequence[str], index: np.ndarray) -> pa.Array:
    """pool[index] as a string column."""
    return pa.array(list(pool), STRING).take(pa.array(index, pa.int64()))


def cat(*parts, sep: str = "", skip_nulls: bool = False) -> pa.Array:
    """Element-wise concatenation; str parts broadcast. Null in, null out unless skip_nulls."""
    return pc.binary_join_element_wise(*parts, sep, null_handling="skip" if skip_nulls else "emit_null")


def where(mask: np.ndarray, values, otherwise=None) -> pa.Array:
    """values where mask, else otherwise (null by default)."""
    other = otherwise if otherwise is not None else pa.scalar(None, STRING)
    return pc.if_else(pa.array(mask, pa.bool_()), values, other)


def flags(values: pa.Array) -> np.ndarray:
    """A boolean column as numpy, null counting as False."""
    return pc.fill_null(values, False).to_numpy(zero_copy_only=False)


def text(numbers: np.ndarray, width: int = 0) -> pa.Array:
    out = pc.cast(pa.array(numbers, pa.int64()), STRING)
    return pc.utf8_lpad(out, width, "0") if width else out


def iso(dates: np.ndarray) -> pa.Array:
    """YYYY-MM-DD (NaT → null)."""
    return pc.cast(pa.array(dates.astype("datetime64[D]")), STRING)


def compact(dates: np.ndarray) -> pa.Array:
    return pc.replace_substring(iso(dates), "-", "")


def wan(yuan: np.ndarray) -> pa.Array:
    """An amount in yuan as 万元 text: 25000 → 2.5, 1000000 → 100, 50 → 0.005."""
    whole = text(yuan // 10000)
    fraction = pc.utf8_rtrim(text(yuan % 10000, 4), characters="0")
    return pc.if_else(pc.equal(fraction, ""), whole, cat(whole, ".", fraction))


def weights(values) -> np.ndarray:
    w = np.asarray(list(values), dtype=float)
    return w / w.sum()


def choose(rng: np.random.Generator, options: dict[str, float], n: int) -> np.ndarray:
    """Index into options (a value → weight mapping) for n draws."""
    return rng.choice(len(options), size=n, p=weights(options.values()))


def allocate(total: int, shares: Sequence[float], minimum: int = 1) -> np.ndarray:
    """Split total by shares (largest remainder), each part at least `minimum` when there is room."""
    shares = np.asarray(shares, dtype=float) / sum(shares)
    counts = np.floor(shares * total).astype(int)
    if total >= minimum * len(shares):
        counts = np.maximum(counts, minimum)
    while counts.sum() > total:
        counts[np.argmax(counts)] -= 1
    order = np.argsort(-(shares * total - np.floor(shares * total)), kind="stable")
    for i in order[: total - counts.sum()]:
        counts[i] += 1
    return counts


def sample_by_kind(rng, cases: Sequence, kinds: np.ndarray) -> np.ndarray:
    """Index of a case per row, drawn by weight among the cases that apply to the row's kind."""
    out = np.zeros(len(kinds), dtype=np.int64)
    for kind in (ORG, INDIVIDUAL, PERSON):
        rows = np.flatnonzero(kinds == kind)
        w = np.array([c.weight if _applies(c.applies, kind) else 0.0 for c in cases])
        if len(rows) and w.sum() > 0:
            out[rows] = rng.choice(len(cases), size=len(rows), p=w / w.sum())
    return out


def _applies(applies: str, kind: int) -> bool:
    return applies == "all" or (applies == "person") == (kind == PERSON)


def ranks_within(*keys: np.ndarray, order: np.ndarray) -> np.ndarray:
    """1-based rank of each row within its group of equal keys, by `order` (serial numbers)."""
    sort = np.lexsort((order,) + tuple(reversed(keys)))
    starts = np.ones(len(sort), dtype=bool)
    for key in keys:
        k = key[sort]
        starts[1:] &= k[1:] == k[:-1]
    starts = ~starts
    starts[:1] = True
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(sort)), 0))
    ranks = np.empty(len(sort), dtype=np.int64)
    ranks[sort] = np.arange(len(sort)) - group_start + 1
    return ranks


DEPT_NAMES = [d.name for d in ref.DEPARTMENTS]
DEPT_USCCS = [d.uscc for d in ref.DEPARTMENTS]
DEPT_ABBRS = [d.abbr for d in ref.DEPARTMENTS]


def dept_of(cases: Sequence, attribute: str = "department") -> np.ndarray:
    return np.array([ref.DEPARTMENT_INDEX[getattr(c, attribute)] for c in cases])


# --- Dates ---------------------------------------------------------------------------------------

def year_of(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[Y]").astype(np.int64) + 1970


def add_months(dates: np.ndarray, months) -> np.ndarray:
    """Calendar month arithmetic, clipped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    start = dates.astype("datetime64[M]")
    target = start + np.asarray(months).astype("timedelta64[M]")
    day = (dates - start.astype("datetime64[D]")).astype(np.int64)
    last = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64) - 1
    return target.astype("datetime64[D]") + np.minimum(day, last)


def workdays_after(dates: np.ndarray, days, last: np.datetime64) -> np.ndarray:
    """Mon-Fri working days after dates ("working-ish": holidays are ignored), capped at `last`."""
    return np.minimum(np.busday_offset(dates, days, roll="forward"), last)


def uniform_workdays(rng, lo: np.ndarray, hi) -> np.ndarray:
    """A working day in [lo, hi] per row (the last working day up to hi when lo..hi has none)."""
    hi = np.broadcast_to(np.asarray(hi, dtype="datetime64[D]"), lo.shape)
    span = (hi - lo).astype(np.int64) + 1
    days = lo + (rng.random(len(lo)) * np.maximum(span, 1)).astype(np.int64)
    days = np.busday_offset(days, 0, roll="forward")
    return np.where(days > hi, np.busday_offset(hi, 0, roll="backward"), days)


@dataclass(frozen=True)
class Window:
    """The four years of decisions before as_of. Nothing is delivered after `last`."""

    as_of: np.datetime64
    start: np.datetime64
    last: np.datetime64  # the last working day on or before as_of
    settled: np.datetime64  # decisions up to here are delivered by `last` whatever their lag

    @classmethod
    def before(cls, as_of: date) -> "Window":
        day = np.datetime64(as_of, "D")
        last = np.busday_offset(day, 0, roll="backward")
        settled = np.busday_offset(last, -(len(LAG_WEIGHTS) - 1))
        return cls(day, add_months(np.array([day]), -48)[0], last, settled)


def lags(rng, n: int) -> np.ndarray:
    return rng.choice(len(LAG_WEIGHTS), size=n, p=LAG_WEIGHTS)


# --- Identifiers ---------------------------------------------------------------------------------

def unique_ints(rng, low: int, high: int, n: int) -> np.ndarray:
    return low + rng.choice(high - low, size=n, replace=False)


def digits(numbers: np.ndarray, width: int) -> np.ndarray:
    """Decimal digits of each number as an (n, width) int matrix."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(numbers, dtype=np.int64)[:, None] // powers) % 10


def as_strings(codes: np.ndarray) -> list[str]:
    """Rows of an (n, k) matrix of ASCII codes as str."""
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    return [s.decode() for s in codes.view(f"S{codes.shape[1]}").ravel()]


def organisation_codes(rng, established: np.ndarray) -> np.ndarray:
    """9-character organisation codes (GB 11714, check included) as an (n, 9) ASCII matrix.

    Registered before the USCC reform: 8 digits (the old 组织机构代码); since: MA + 6 characters.
    """
    n = len(established)
    new = established >= USCC_REFORM
    alphabet = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)
    values = np.array([int(c, 36) for c in USCC_ALPHABET])  # GB 11714 values: 0-9, A=10 … Z=35
    body = np.zeros((n, 8), dtype=np.int64)  # indexes into the alphabet (digits index themselves)
    body[~new] = digits(unique_ints(rng, 10_000_000, 100_000_000, int((~new).sum())), 8)
    tail = unique_ints(rng, 0, 31**6, int(new.sum()))
    body[new, 0], body[new, 1] = USCC_ALPHABET.index("M"), USCC_ALPHABET.index("A")
    body[new, 2:] = (tail[:, None] // 31 ** np.arange(5, -1, -1)) % 31
    check = 11 - (values[body] @ np.array([3, 7, 9, 10, 5, 8, 4, 2])) % 11
    check_chars = np.where(check == 10, ord("X"), np.where(check == 11, ord("0"), ord("0") + check % 10))
    return np.column_stack([alphabet[body], check_chars])


def with_uscc_check(first17: list[str]) -> list[str]:
    return [code + stdnum_uscc.calc_check_digit(code) for code in first17]


def with_ric_check(first17: list[str]) -> list[str]:
    # stdnum's calc_check_digit expects the number with a check position, which it ignores
    return [code + stdnum_ric.calc_check_digit(code + "0") for code in first17]


def ascii_matrix(strings: Sequence[str], index: np.ndarray) -> np.ndarray:
    """strings[index] (equal length, ASCII) as an (n, len) code matrix."""
    table = np.array([list(s.encode()) for s in strings], dtype=np.uint8)
    return table[index]


# --- People --------------------------------------------------------------------------------------

@dataclass
class People:
    name: pa.Array
    id_type: pa.Array
    id_number: pa.Array
    birth: np.ndarray  # datetime64[D]
    has_ric: np.ndarray  # holds a 身份证
    young: np.ndarray  # a minor during part of the window

    def __len__(self) -> int:
        return len(self.birth)


def person_names(rng, n: int) -> pa.Array:
    surnames = list(ref.SURNAMES)
    surname = pick(surnames, rng.choice(len(surnames), size=n, p=weights(ref.SURNAMES.values())))
    chars = list(ref.GIVEN_NAME_CHARS)
    first = pick(chars, rng.integers(0, len(chars), n))
    second = where(rng.random(n) < 0.7, pick(chars, rng.integers(0, len(chars), n)))
    return cat(surname, first, second, skip_nulls=True)


def build_people(rng, n_subjects: int, n_companies: int, window: Window) -> People:
    """Natural-person subjects first (indexes < n_subjects), then further legal representatives.

    The second half of the natural-person subjects may also represent companies; the young (minors
    during part of the window) are among the first half and hold a 身份证.
    """
    n = n_subjects + int(np.ceil(REP_POOL_SHARE * n_companies))
    n_young = min(max(2, round(YOUNG_SHARE * n_subjects)), n_subjects // 2)
    young = np.zeros(n, dtype=bool)
    young[:n_young] = True
    years = np.timedelta64(365, "D")
    lo = np.full(n, window.as_of - 75 * years)
    hi = np.full(n, window.as_of - 45 * years)  # old enough to have founded any company
    adults = np.arange(n) < n_subjects // 2
    lo[adults], hi[adults] = window.start - 75 * years, window.start - 18 * years - 1
    lo[young], hi[young] = window.as_of - 21 * years, window.as_of - 16 * years
    birth = lo + (rng.random(n) * (hi - lo).astype(np.int64)).astype(np.int64)

    # ID types: the young hold a 身份证; every other type appears among subjects and representatives
    id_type = np.zeros(n, dtype=np.int64)
    shares = (1 - sum(ref.OTHER_ID_TYPE_SHARES), *ref.OTHER_ID_TYPE_SHARES)
    for lo_i, hi_i in ((n_young, n_subjects), (n_subjects, n)):
        counts = allocate(hi_i - lo_i, shares)
        id_type[lo_i:hi_i] = rng.permutation(np.repeat(np.arange(len(ref.ID_TYPES)), counts))

    name = person_names(rng, n)
    foreign = id_type == ref.ID_TYPES.index("外国人永久居留身份证")
    name = where(foreign, pick(ref.FOREIGN_NAMES, rng.integers(0, len(ref.FOREIGN_NAMES), n)), name)
    numbers = np.empty(n, dtype=object)
    ric = id_type == 0
    numbers[ric] = resident_ids(rng, birth[ric])
    numbers[~ric] = travel_document_numbers(rng, id_type[~ric], birth[~ric])
    return People(name, pick(ref.ID_TYPES, id_type), pa.array(numbers, STRING), birth, ric, young)


def resident_ids(rng, birth: np.ndarray) -> list[str]:
    """18-character 身份证 numbers: birthplace, birth date, sequence, MOD 11-2 check; unique."""
    n = len(birth)
    local = [r.code for r in ref.JIANGSU_REGIONS if r.code[:4] == ref.CITY_CODE[:4] and r.county]
    jiangsu = [r.code for r in ref.JIANGSU_REGIONS if r.county]
    places = local + list(ref.RETIRED_COUNTY_CODES) + jiangsu + list(ref.OTHER_PROVINCE_COUNTY_CODES)
    groups = ((local, 0.55), (list(ref.RETIRED_COUNTY_CODES), 0.10), (jiangsu, 0.25),
              (list(ref.OTHER_PROVINCE_COUNTY_CODES), 0.10))
    w = [share / len(codes) for codes, share in groups for _ in codes]
    place = rng.choice(len(places), size=n, p=weights(w))
    # retired county codes only for people born before they were retired
    retired = np.isin(np.array(places)[place], list(ref.RETIRED_COUNTY_CODES))
    place[retired & (birth >= np.datetime64("2000-01-01"))] = places.index("320812")
    ymd = year_of(birth) * 10000 + (birth.astype("datetime64[M]").astype(np.int64) % 12 + 1) * 100 \
        + (birth - birth.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    sequence = rng.integers(0, 1000, n)
    while True:  # re-draw the sequence number of the rare duplicates
        key = (np.array(places, dtype=np.int64)[place] * 10**8 + ymd) * 1000 + sequence
        _, first = np.unique(key, return_index=True)
        duplicate = np.ones(n, dtype=bool)
        duplicate[first] = False
        if not duplicate.any():
            break
        sequence[duplicate] = rng.integers(0, 1000, int(duplicate.sum()))
    codes = np.column_stack([ascii_matrix(places, place), digits(ymd, 8) + 48, digits(sequence, 3) + 48])
    return with_ric_check(as_strings(codes))


def travel_document_numbers(rng, id_type: np.ndarray, birth: np.ndarray) -> list[str]:
    """Passport and permit numbers, kept as given by the pipeline; unique."""
    serial = [f"{s:08d}" for s in unique_ints(rng, 10_000_000, 100_000_000, len(id_type))]
    country = rng.choice(ref.FOREIGN_COUNTRY_CODES, size=len(id_type))
    birth_text = iso(birth).to_pylist()
    out = []
    for kind, number, nation, born in zip(id_type, serial, country, birth_text):
        kind = ref.ID_TYPES[kind]
        if kind == "护照号":
            out.append("E" + number)
        elif kind == "港澳居民来往内地通行证":
            out.append("H" + number)
        elif kind == "台湾居民来往大陆通行证":
            out.append(number)
        else:  # 外国人永久居留身份证 (2023): 9 + province + country + birth + sequence + check
            out.extend(with_ric_check(["932" + nation + born.replace("-", "") + number[-3:]]))
    return out


# --- Subjects ------------------------------------------------------------------------------------

SUBJECT_BLOCK = (
    "行政相对人名称", "行政相对人类别", "统一社会信用代码", "工商注册号", "法定代表人",
    "法定代表人证件类型", "法定代表人证件号码", "证件类型", "证件号码",
)


@dataclass
class Subjects:
    kind: np.ndarray
    block: pa.Table  # the subject block (SUBJECT_BLOCK), one row per subject
    active_from: np.ndarray  # earliest decision date: establishment, or the window start
    person: np.ndarray  # index into People for natural persons, else -1
    key: pa.Array  # what objections and repairs name: USCC or 身份证 number; null if neither
    # registry attributes of organisations and individual businesses (index < n_companies)
    companies: "Companies"

    def __len__(self) -> int:
        return len(self.kind)


@dataclass
class Companies:
    org_type: np.ndarray  # index into ORG_TYPES, -1 for individual businesses
    region: np.ndarray  # index into JIANGSU_REGIONS
    industry: np.ndarray  # index into INDUSTRIES
    established: np.ndarray
    placeholder: np.ndarray  # individual business without a USCC
    representative: np.ndarray  # index into People
    controller: np.ndarray  # index into People, -1 if none
    name: pa.Array
    uscc: pa.Array


def sample_regions(rng, n: int) -> np.ndarray:
    codes = [r.code for r in ref.JIANGSU_REGIONS]
    w = np.array([ref.CITY_REGION_WEIGHTS.get(c, 0.0) for c in codes])
    w = (1 - ref.OUTSIDE_CITY_SHARE) * w / w.sum()
    outside = w == 0
    w[outside] = ref.OUTSIDE_CITY_SHARE / outside.sum()
    return rng.choice(len(codes), size=n, p=w)


def fill_templates(rng, templates: Sequence[ref.NameTemplate], chosen: np.ndarray, region: np.ndarray,
                   industry: np.ndarray) -> pa.Array:
    """Names from patterns such as {prefix}{brand}{word}有限公司, one pattern per row."""
    n = len(chosen)
    regions, industries = ref.JIANGSU_REGIONS, ref.INDUSTRIES
    brand_chars = list(ref.BRAND_CHARS)
    third = where(rng.random(n) < 0.3, pick(brand_chars, rng.integers(0, len(brand_chars), n)))
    fields = {
        "prefix": pick([r.trade_prefix for r in regions], region),
        "local": pick([r.local_name for r in regions], region),
        "street": pick(ref.STREETS, rng.integers(0, len(ref.STREETS), n)),
        "word": pick([i.company_word for i in industries], industry),
        "shop": pick([i.shop_word for i in industries], industry),
        "brand": cat(pick(brand_chars, rng.integers(0, len(brand_chars), n)),
                     pick(brand_chars, rng.integers(0, len(brand_chars), n)), third, skip_nulls=True),
    }
    names = []
    for template in templates:
        parts = re.split(r"(\{\w+\})", template.pattern)
        names.append(cat(*(fields[p[1:-1]] if p.startswith("{") else p for p in parts if p)))
    return pc.choose(pa.array(chosen, pa.int64()), *names) if len(names) > 1 else names[0]


def sample_industries(rng, template: ref.NameTemplate, n: int, shops: bool) -> np.ndarray:
    """Industries of a template: its own list, or any company (or shop) trade by weight."""
    codes = [i.code for i in ref.INDUSTRIES]
    if template.industries:
        own = np.array([codes.index(c) for c in template.industries])
        return own[rng.integers(0, len(own), n)]
    w = np.array([i.weight if (i.shop_word if shops else i.company_word) else 0.0 for i in ref.INDUSTRIES])
    return rng.choice(len(codes), size=n, p=w / w.sum())


def build_companies(rng, n_org: int, n_individual: int, people: People, n_person_subjects: int,
                    window: Window) -> Companies:
    n = n_org + n_individual
    org_type = np.full(n, -1)
    type_counts = allocate(n_org, [t.share for t in ref.ORG_TYPES])
    org_type[:n_org] = np.repeat(np.arange(len(ref.ORG_TYPES)), type_counts)
    region = sample_regions(rng, n)
    years = np.timedelta64(365, "D")
    old = rng.random(n) < 0.7  # most were registered before the window
    lo = np.where(old, window.as_of - 25 * years, window.start)
    hi = np.where(old, window.start - 1, window.settled)  # delivered to the registry by as_of
    established = uniform_workdays(rng, lo, hi)

    # names and industries, one group of templates per organisation type
    industry = np.zeros(n, dtype=np.int64)
    names = pa.nulls(n, STRING)
    groups = [(t, org_type == i) for i, t in enumerate(ref.ORG_TYPES)]
    groups.append((None, org_type == -1))
    for org, mask in groups:
        rows = np.flatnonzero(mask)
        templates = org.templates if org else (ref.INDIVIDUAL_TEMPLATE,)
        chosen = rng.choice(len(templates), size=len(rows), p=weights(t.weight for t in templates))
        for t_index, template in enumerate(templates):
            sub = rows[chosen == t_index]
            industry[sub] = sample_industries(rng, template, len(sub), shops=org is None)
        group_names = fill_templates(rng, templates, chosen, region[rows], industry[rows])
        names = pc.replace_with_mask(names, pa.array(mask), group_names)

    # USCC: type code + region + organisation code + check; some individual businesses have none
    # the placeholder is for businesses registered before the reform that never got a USCC
    individual = np.flatnonzero(org_type == -1)
    n_placeholder = min(len(individual), max(1, round(PLACEHOLDER_SHARE * len(individual))))
    oldest_first = individual[np.argsort(established[individual], kind="stable")]
    before_reform = max(n_placeholder, int((established[individual] < USCC_REFORM).sum()))
    placeholder = np.zeros(n, dtype=bool)
    placeholder[rng.choice(oldest_first[:before_reform], size=n_placeholder, replace=False)] = True
    type_codes = [t.code for t in ref.ORG_TYPES] + ["92"]
    codes = np.column_stack([
        ascii_matrix(type_codes, np.where(org_type >= 0, org_type, len(type_codes) - 1)),
        ascii_matrix([r.code for r in ref.JIANGSU_REGIONS], region),
        organisation_codes(rng, established),
    ])
    uscc = np.array(with_uscc_check(as_strings(codes)), dtype=object)
    uscc[placeholder] = PLACEHOLDER_USCC

    # legal representatives from a pool smaller than the companies, a few of them very active
    pool_lo = n_person_subjects // 2
    pool = np.arange(pool_lo, len(people))
    serial = pool[: max(1, len(pool) // 50)]
    representative = np.where(rng.random(n) < 0.9, rng.choice(pool, size=n), rng.choice(serial, size=n))
    eligible = pool[people.has_ric[pool]]  # 实际控制人证件号码 is a 身份证
    controlled = (org_type >= 0) & (rng.random(n) < CONTROLLER_SHARE)
    controller = np.where(controlled, rng.choice(eligible, size=n), -1)
    controller[controller == representative] = -1
    return Companies(org_type, region, industry, established, placeholder, representative, controller,
                     names, pa.array(uscc, STRING))


def registration_numbers(rng, region: np.ndarray) -> list[str]:
    """15-digit 工商注册号 of individual businesses: region, 6-9 + 7 digits, ISO 7064 MOD 11,10."""
    regions = [r.code for r in ref.JIANGSU_REGIONS]
    serial = unique_ints(rng, 60_000_000, 100_000_000, len(region))
    first14 = [regions[r] + f"{s:08d}" for r, s in zip(region, serial)]
    return [code + mod_11_10.calc_check_digit(code) for code in first14]


def build_subjects(rng, n: int, window: Window) -> tuple[Subjects, People]:
    n_org, n_individual, n_person = (int(c) for c in allocate(n, KIND_SHARES))
    n_companies = n_org + n_individual
    people = build_people(rng, n_person, n_companies, window)
    companies = build_companies(rng, n_org, n_individual, people, n_person, window)
    kind = np.repeat([ORG, INDIVIDUAL, PERSON], [n_org, n_individual, n_person])
    person = np.where(kind == PERSON, np.arange(n) - n_companies, -1)
    persons = pa.array(np.arange(n_person), pa.int64())
    reps = pa.array(companies.representative, pa.int64())

    regno = pa.nulls(n_companies, STRING)
    if companies.placeholder.any():
        numbers = registration_numbers(rng, companies.region[companies.placeholder])
        regno = pc.replace_with_mask(regno, pa.array(companies.placeholder), pa.array(numbers, STRING))
    no_people, no_companies = pa.nulls(n_person, STRING), pa.nulls(n_companies, STRING)
    block = pa.table({
        "行政相对人名称": pa.concat_arrays([companies.name, people.name.take(persons)]),
        "行政相对人类别": pick(KIND_LABELS, kind),
        "统一社会信用代码": pa.concat_arrays([companies.uscc, no_people]),
        "工商注册号": pa.concat_arrays([regno, no_people]),
        # an individual business's operator (经营者) stands in the legal representative's place
        "法定代表人": pa.concat_arrays([people.name.take(reps), no_people]),
        "法定代表人证件类型": pa.concat_arrays([people.id_type.take(reps), no_people]),
        "法定代表人证件号码": pa.concat_arrays([people.id_number.take(reps), no_people]),
        "证件类型": pa.concat_arrays([no_companies, people.id_type.take(persons)]),
        "证件号码": pa.concat_arrays([no_companies, people.id_number.take(persons)]),
    })
    referable = np.concatenate([~companies.placeholder, people.has_ric[:n_person]])
    key = where(referable, pc.coalesce(block["统一社会信用代码"], block["证件号码"]).combine_chunks())
    active_from = np.concatenate([np.maximum(companies.established, window.start),
                                  np.full(n_person, window.start)])
    return Subjects(kind, block, active_from, person, key, companies), people


# --- Rows of a feed ------------------------------------------------------------------------------

@dataclass
class Rows:
    """A feed's rows before writing: catalogue columns plus where and when each row is delivered."""

    columns: dict[str, pa.Array]
    dept: np.ndarray
    decided: np.ndarray
    delivered: np.ndarray
    subject: np.ndarray  # subject index
    meta: dict[str, np.ndarray] = field(default_factory=dict)  # what later steps need, per row
    clean: np.ndarray | None = None  # no planted defect; set by plant_defects

    def __len__(self) -> int:
        return len(self.dept)


@dataclass
class Context:
    window: Window
    subjects: Subjects
    people: People
    rng: np.random.Generator  # the current feed's stream
    penalties: "Referable | None" = None  # xzcf records objections and repairs may name
    listings: "Referable | None" = None  # xymd records objections may name


@dataclass
class Referable:
    """Records of a feed that later deliveries (objections, repairs) may refer to."""

    feed: str
    document: pa.Array
    subject: np.ndarray
    dept: np.ndarray
    decided: np.ndarray
    delivered: np.ndarray
    available: np.ndarray  # clean, not yet referred to, and the subject can be named
    correction: pa.Array  # what an objection's 更正 would change (字段=新值)
    severity: np.ndarray | None = None  # index into SEVERITIES (penalties)

    def take(self, rng, n: int, mask: np.ndarray | None = None) -> np.ndarray:
        """n distinct available records (fewer if there are not enough), reserved from now on."""
        candidates = np.flatnonzero(self.available & (True if mask is None else mask))
        chosen = np.sort(rng.choice(candidates, size=min(n, len(candidates)), replace=False))
        self.available[chosen] = False
        return chosen


def subject_rows(ctx: Context, feed: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subject index, decision date and delivery date per record.

    Counts are gamma-Poisson (some subjects collect many records); decisions are uniform over the
    window from the subject's establishment; records not delivered by as_of are still in flight
    and left out.
    """
    s, rng = ctx.subjects, ctx.rng
    young = np.zeros(len(s), dtype=bool)
    young[s.kind == PERSON] = ctx.people.young[s.person[s.kind == PERSON]]
    mean = np.where(young, 0.0, np.asarray(RECORDS_PER_SUBJECT[feed])[s.kind])
    counts = rng.poisson(mean * rng.gamma(2.0, 0.5, len(s)))
    if feed == "xzcf":  # every young person has a penalty, decided while a minor
        counts[young] = 1 + rng.poisson(0.5, int(young.sum()))
    subject = np.repeat(np.arange(len(s)), counts)
    lo = s.active_from[subject].copy()
    hi = np.full(len(subject), ctx.window.last)
    minor = young[subject]
    if minor.any():  # decided between 14 and 18, early enough to be delivered
        birth = ctx.people.birth[s.person[subject[minor]]]
        lo[minor] = np.maximum(lo[minor], add_months(birth, 14 * 12))
        adult = np.busday_offset(add_months(birth, 18 * 12) - 1, 0, roll="backward")
        hi[minor] = np.minimum(ctx.window.settled, adult)
    decided = uniform_workdays(rng, lo, hi)
    delivered = np.busday_offset(decided, lags(rng, len(decided)))
    arrived = delivered <= ctx.window.last
    return subject[arrived], decided[arrived], delivered[arrived]


def subject_block(ctx: Context, subject: np.ndarray) -> dict[str, pa.Array]:
    block = ctx.subjects.block.take(pa.array(subject, pa.int64()))
    columns = {name: block[name].combine_chunks() for name in SUBJECT_BLOCK}
    sent = ctx.rng.random(len(subject)) < REP_ID_SHARE  # not every department sends these
    for name in ("法定代表人证件类型", "法定代表人证件号码"):
        columns[name] = where(sent, columns[name])
    return columns


def document_numbers(dept: np.ndarray, tag, decided: np.ndarray, *group: np.ndarray) -> pa.Array:
    """淮市监罚〔2024〕123号: serials run per department (and group) and year, by date."""
    year = year_of(decided)
    serial = ranks_within(dept, *group, year, order=decided)
    return cat(pick(DEPT_ABBRS, dept), tag, "〔", text(year), "〕", text(serial), "号")


# --- Feed builders -------------------------------------------------------------------------------

def build_djzc(ctx: Context) -> Rows:
    rng, c = ctx.rng, ctx.subjects.companies
    rows = np.flatnonzero(~c.placeholder)
    n = len(rows)
    org_type = c.org_type[rows]
    individual = org_type < 0
    registry = np.array([ref.DEPARTMENT_INDEX[t.registry_department] for t in ref.ORG_TYPES]
                        + [ref.DEPARTMENT_INDEX["market_regulation"]])
    dept = registry[org_type]  # -1 (individual) picks the last entry
    registrars = [t.registrar for t in ref.ORG_TYPES] + [ref.INDIVIDUAL_REGISTRAR]
    region = c.region[rows]
    established = c.established[rows]
    # subjects registered before the window came in the platform's initial load on its first day
    initial_load = np.busday_offset(ctx.window.start, 0, roll="forward")
    delivered = np.where(established < ctx.window.start, initial_load,
                         workdays_after(established, lags(rng, n), ctx.window.last))
    status = np.where(individual,
                      rng.choice(5, size=n, p=weights(ref.REGISTRY_STATUS_WEIGHTS["individual"])),
                      rng.choice(5, size=n, p=weights(ref.REGISTRY_STATUS_WEIGHTS["organisation"])))
    rep = pa.array(c.representative[rows], pa.int64())
    with_id = rng.random(n) < REP_ID_SHARE
    controller = c.controller[rows]
    has_controller = controller >= 0
    controller_index = pa.array(np.maximum(controller, 0), pa.int64())
    columns = {
        "统一社会信用代码": c.uscc.take(pa.array(rows)),
        "主体名称": c.name.take(pa.array(rows)),
        "主体类别": pick(KIND_LABELS, np.where(individual, INDIVIDUAL, ORG)),
        "法定代表人": ctx.people.name.take(rep),
        "法定代表人证件类型": where(with_id, ctx.people.id_type.take(rep)),
        "法定代表人证件号码": where(with_id, ctx.people.id_number.take(rep)),
        "实际控制人": where(has_controller, ctx.people.name.take(controller_index)),
        "实际控制人证件号码": where(has_controller, ctx.people.id_number.take(controller_index)),
        "成立日期": iso(established),
        "登记机关": cat(pick([r.authority_name for r in ref.JIANGSU_REGIONS], region),
                       pick(registrars, np.where(individual, len(registrars) - 1, org_type))),
        "住所行政区划代码": pick([r.code for r in ref.JIANGSU_REGIONS], region),
        "国民经济行业代码": pick([i.code for i in ref.INDUSTRIES], c.industry[rows]),
        "登记状态": pick(ref.REGISTRY_STATUSES, status),
        "数据来源单位统一社会信用代码": pick(DEPT_USCCS, dept),
    }
    return Rows(columns, dept, established, delivered, rows)


def build_xzxk(ctx: Context) -> Rows:
    rng = ctx.rng
    subject, decided, delivered = subject_rows(ctx, "xzxk")
    n = len(subject)
    case = sample_by_kind(rng, ref.PERMITS, ctx.subjects.kind[subject])
    dept = dept_of(ref.PERMITS)[case]
    years = np.array([p.years for p in ref.PERMITS])[case]
    starts = decided + rng.choice([0, 0, 0, 1, 3], size=n)
    ends = np.where(years > 0, add_months(starts, years * 12) - 1, np.datetime64(ref.LONG_TERM))
    prefixes = pick([p.number_prefix for p in ref.PERMITS], case)
    columns = subject_block(ctx, subject) | {
        "行政许可决定文书名称": where(rng.random(n) < 0.7, pa.scalar("准予行政许可决定书")),
        "行政许可决定文书号": document_numbers(dept, "许", decided),
        "许可类别": pick([p.kind for p in ref.PERMITS], case),
        "许可证书名称": where(rng.random(n) < 0.9, pick([p.certificate for p in ref.PERMITS], case)),
        "许可编号": where(rng.random(n) < 0.9, cat(prefixes, text(rng.integers(0, 10**10, n), 10))),
        "许可内容": pick([p.content for p in ref.PERMITS], case),
        "许可决定日期": iso(decided),
        "有效期自": iso(starts),
        "有效期至": iso(ends),
        "许可机关": pick(DEPT_NAMES, dept),
        "许可机关统一社会信用代码": pick(DEPT_USCCS, dept),
        "当前状态": pick(("有效", "无效"), (rng.random(n) < 0.03).astype(int)),
        "数据来源单位统一社会信用代码": pick(DEPT_USCCS, dept),
        "备注": where(rng.random(n) < 0.03, pa.scalar("变更许可事项")),
    }
    return Rows(columns, dept, decided, delivered, subject)


@dataclass(frozen=True)
class MixTraits:
    """What a 处罚类别 combination implies, one entry per PENALTY_MIXES row."""

    fine: np.ndarray
    confiscation: np.ndarray
    licence: np.ndarray  # suspends or revokes a licence
    detention: np.ndarray
    severe: np.ndarray  # a category that is 严重 by itself
    mild_only: np.ndarray  # only 警告 and/or 通报批评
    fine_only: np.ndarray
    seizure_only: np.ndarray  # confiscates 非法财物, not 违法所得
    head: list[str | None]  # the non-monetary part of 处罚内容

    @classmethod
    def of(cls, mixes: Sequence[ref.PenaltyMix]) -> "MixTraits":
        cats = [m.categories.split(";") for m in mixes]
        heads = []
        for c in cats:
            words = [("行政拘留十日" if w == "行政拘留" else w) for w in c if w != "罚款" and not w.startswith("没收")]
            heads.append("、".join(words) or None)
        return cls(
            fine=np.array(["罚款" in c for c in cats]),
            confiscation=np.array([any(w.startswith("没收") for w in c) for c in cats]),
            licence=np.array([any(w.startswith(("暂扣", "吊销")) for w in c) for c in cats]),
            detention=np.array(["行政拘留" in c for c in cats]),
            severe=np.array([any(w in ref.SEVERE_CATEGORIES for w in c) for c in cats]),
            mild_only=np.array([set(c) <= set(ref.MILD_CATEGORIES) for c in cats]),
            fine_only=np.array([c == ["罚款"] for c in cats]),
            seizure_only=np.array(["没收非法财物" in c and "没收违法所得" not in c for c in cats]),
            head=heads,
        )


MIXES = MixTraits.of(ref.PENALTY_MIXES)


def severity_of(mix: np.ndarray, fine_yuan: np.ndarray) -> np.ndarray:
    """SPEC §4: 严重 / 轻微 / 一般 as an index into SEVERITIES."""
    severe = MIXES.severe[mix] | (MIXES.fine[mix] & (fine_yuan >= 1_000_000))
    mild = MIXES.mild_only[mix] | (MIXES.fine_only[mix] & (fine_yuan < 5_000))
    return np.where(severe, 2, np.where(mild, 0, 1))


def sample_mixes(rng, kind: np.ndarray, case: np.ndarray) -> np.ndarray:
    """A 处罚类别 combination per penalty, among those its subject and case allow."""
    detains = np.array([c.department in ref.DETENTION_DEPARTMENTS for c in ref.PENALTY_CASES])[case]
    licensed = np.array([bool(c.licence) for c in ref.PENALTY_CASES])[case]
    mix = np.zeros(len(case), dtype=np.int64)
    for person in (False, True):
        base = np.array([m.person if person else m.organisation for m in ref.PENALTY_MIXES])
        for may_detain in (False, True):
            for has_licence in (False, True):
                group = ((kind == PERSON) == person) & (detains == may_detain) & (licensed == has_licence)
                rows = np.flatnonzero(group)
                w = base * (may_detain | ~MIXES.detention) * (has_licence | ~MIXES.licence)
                if len(rows):
                    mix[rows] = rng.choice(len(w), size=len(rows), p=w / w.sum())
    return mix


def fines(rng, kind: np.ndarray) -> np.ndarray:
    """Fines in yuan: mostly 1,000-500,000 for organisations, a few of 100万 or more; smaller for
    individual businesses and people."""
    median = np.array([20_000, 5_000, 800])[kind]
    spread = np.array([1.2, 1.1, 1.0])[kind]
    yuan = np.exp(rng.normal(np.log(median), spread))
    big = (kind == ORG) & (rng.random(len(kind)) < 0.015)
    yuan = np.where(big, rng.uniform(1_000_000, 5_000_000, len(kind)), yuan)
    step = np.where(kind == PERSON, 50, 100)
    return np.maximum(np.round(yuan / step) * step, step).astype(np.int64)


def build_xzcf(ctx: Context) -> Rows:
    rng, s = ctx.rng, ctx.subjects
    subject, decided, delivered = subject_rows(ctx, "xzcf")
    n = len(subject)
    kind = s.kind[subject]
    case = sample_by_kind(rng, ref.PENALTY_CASES, kind)
    dept = dept_of(ref.PENALTY_CASES)[case]
    mix = sample_mixes(rng, kind, case)
    fine = np.where(MIXES.fine[mix], fines(rng, kind), 0)
    confiscated = np.where(MIXES.confiscation[mix], fines(rng, np.full(n, INDIVIDUAL)), 0)
    severity = severity_of(mix, fine)
    until = add_months(decided, np.array([PUBLICITY_MONTHS[v][1] for v in SEVERITIES])[severity])

    fine_text = where(MIXES.fine[mix], wan(fine))
    confiscated_text = where(MIXES.confiscation[mix], wan(confiscated))
    confiscation_word = pick(["没收违法所得", "没收非法财物"], MIXES.seizure_only[mix].astype(int))
    content = cat("作出如下行政处罚：", cat(
        pick(MIXES.head, mix),
        cat("罚款", fine_text, "万元"),
        cat(confiscation_word, confiscated_text, "万元"),
        sep="，", skip_nulls=True))
    licences = [c.licence for c in ref.PENALTY_CASES]
    licence = cat(pick(licences, case), "（编号", text(rng.integers(0, 10**8, n), 8), "）")

    minor = np.zeros(n, dtype=bool)
    people_rows = kind == PERSON
    birth = ctx.people.birth[s.person[subject[people_rows]]]
    minor[people_rows] = decided[people_rows] < add_months(birth, 18 * 12)
    leniency = np.where(rng.random(n) < 0.01, rng.integers(1, 3, n), 0)  # 不可抗力 / 非主观故意
    leniency[minor] = np.where(rng.random(int(minor.sum())) < 0.3, 3, 0)  # most minors unmarked
    published = severity > 0

    columns = subject_block(ctx, subject) | {
        "行政处罚决定书文号": document_numbers(dept, "罚", decided),
        "违法行为类型": pick([c.violation for c in ref.PENALTY_CASES], case),
        "违法事实": pick([c.facts for c in ref.PENALTY_CASES], case),
        "处罚依据": pick([c.basis for c in ref.PENALTY_CASES], case),
        "处罚类别": pick([m.categories for m in ref.PENALTY_MIXES], mix),
        "处罚内容": content,
        "罚款金额（万元）": fine_text,
        "没收违法所得、没收非法财物的金额（万元）": confiscated_text,
        "暂扣或吊销证照名称及编号": where(MIXES.licence[mix], licence),
        "处罚决定日期": iso(decided),
        "处罚有效期": iso(until),
        "公示截止期": where(published & (rng.random(n) < 0.6), iso(until)),
        "处罚机关": pick(DEPT_NAMES, dept),
        "处罚机关统一社会信用代码": pick(DEPT_USCCS, dept),
        "数据来源单位统一社会信用代码": pick(DEPT_USCCS, dept),
        "失信程度": where(rng.random(n) < 0.5, pick(SEVERITIES, severity)),
        "从轻情形": where(leniency > 0, pick(["", *ref.LENIENCY_REASONS, "未成年人"], leniency)),
        "备注": where(rng.random(n) < 0.05, pick(ref.PENALTY_REMARKS, rng.integers(0, 3, n))),
    }
    meta = {"mix": mix, "fine": fine, "severity": severity}
    return Rows(columns, dept, decided, delivered, subject, meta)


def penalty_corrections(columns: dict[str, pa.Array], mix: np.ndarray, fine: np.ndarray,
                        rng) -> pa.Array:
    """What an objection's 更正 changes: a lower fine (and 失信程度 where the department stated it
    and it changes with the fine), else the facts."""
    new_fine = np.maximum(np.round(fine * rng.uniform(0.3, 0.9, len(fine)) / 100) * 100, 100).astype(np.int64)
    new_severity = pick(SEVERITIES, severity_of(mix, new_fine))
    stated = columns["失信程度"]
    severity_change = pc.and_kleene(pc.is_valid(stated), pc.not_equal(stated, new_severity))
    fine_part = cat("罚款金额（万元）=", wan(new_fine))
    with_severity = pc.if_else(pc.fill_null(severity_change, False),
                               cat(fine_part, ";失信程度=", new_severity), fine_part)
    facts = cat("违法事实=", columns["违法事实"], "（经复核更正）")
    return pc.if_else(pa.array(MIXES.fine[mix]), with_severity, facts)


def build_qtxw(ctx: Context) -> Rows:
    rng = ctx.rng
    subject, decided, delivered = subject_rows(ctx, "qtxw")
    n = len(subject)
    case = sample_by_kind(rng, ref.OTHER_ACTIONS, ctx.subjects.kind[subject])
    dept = dept_of(ref.OTHER_ACTIONS)[case]
    actions = [a.action for a in ref.OTHER_ACTIONS]
    inspection = np.array([a == "行政监督检查" for a in actions])[case]
    tag_index = np.array([list(ref.ACTION_TAGS).index(a) for a in actions])[case]
    columns = subject_block(ctx, subject) | {
        "行为类型": pick(actions, case),
        "决定文书号": document_numbers(dept, pick(list(ref.ACTION_TAGS.values()), tag_index), decided, tag_index),
        "内容": pick([a.content for a in ref.OTHER_ACTIONS], case),
        "结果": where(inspection, pick(list(ref.INSPECTION_RESULTS), choose(rng, ref.INSPECTION_RESULTS, n))),
        "决定日期": iso(decided),
        "实施机关": pick(DEPT_NAMES, dept),
        "实施机关统一社会信用代码": pick(DEPT_USCCS, dept),
        "数据来源单位统一社会信用代码": pick(DEPT_USCCS, dept),
    }
    return Rows(columns, dept, decided, delivered, subject)


def build_sxbzxr(ctx: Context) -> Rows:
    rng = ctx.rng
    subject, published, delivered = subject_rows(ctx, "sxbzxr")
    n = len(subject)
    court = rng.choice(len(ref.COURTS), size=n, p=weights(c.weight for c in ref.COURTS))
    filed = np.busday_offset(published - rng.integers(30, 400, n), 0, roll="backward")
    filed_year = year_of(filed)
    court_code = pick([c.code for c in ref.COURTS], court)
    serial = ranks_within(court, filed_year, order=filed)
    basis_year = filed_year - rng.integers(0, 2, n)
    performance = choose(rng, ref.PERFORMANCE, n)
    performed = performance == list(ref.PERFORMANCE).index("已履行")
    revoked = (performed & (rng.random(n) < 0.6)) | (rng.random(n) < 0.05)
    dept = np.full(n, ref.DEPARTMENT_INDEX[ref.COURT_DEPARTMENT])
    columns = subject_block(ctx, subject) | {
        "案号": cat("（", text(filed_year), "）", court_code, "执", text(serial), "号"),
        "执行依据文号": cat("（", text(basis_year), "）", court_code,
                         pick(ref.EXECUTION_BASIS_KINDS, rng.integers(0, len(ref.EXECUTION_BASIS_KINDS), n)),
                         text(rng.integers(1, 9999, n)), "号"),
        "执行法院": pick([c.name for c in ref.COURTS], court),
        "立案日期": iso(filed),
        "发布日期": iso(published),
        "失信行为具体情形": pick(ref.DISHONEST_CONDUCT, rng.choice(6, size=n, p=weights([50, 8, 12, 15, 10, 5]))),
        "履行情况": pick(list(ref.PERFORMANCE), performance),
        "撤销日期": where(revoked, iso(uniform_workdays(rng, published, delivered))),
    }
    return Rows(columns, dept, published, delivered, subject)


def build_xymd(ctx: Context) -> Rows:
    rng = ctx.rng
    subject, listed, delivered = subject_rows(ctx, "xymd")
    n = len(subject)
    case = sample_by_kind(rng, ref.LIST_CASES, ctx.subjects.kind[subject])
    dept = dept_of(ref.LIST_CASES)[case]
    list_types = list(ref.LIST_TAGS)
    list_type = np.array([list_types.index(c.list_type) for c in ref.LIST_CASES])[case]
    months = np.array([-1 if c.months is None else c.months for c in ref.LIST_CASES])[case]
    ends = np.where(months > 0, add_months(listed, np.maximum(months, 0)) - 1, np.datetime64(ref.LONG_TERM))
    removed = rng.random(n) < 0.12
    columns = subject_block(ctx, subject) | {
        "名单类型": pick(list_types, list_type),
        "认定文书号": document_numbers(dept, pick(list(ref.LIST_TAGS.values()), list_type), listed, list_type),
        "认定部门": pick(DEPT_NAMES, dept),
        "认定部门统一社会信用代码": pick(DEPT_USCCS, dept),
        "列入事由": pick([c.reason for c in ref.LIST_CASES], case),
        "列入日期": iso(listed),
        "有效期至": where(months >= 0, iso(ends)),
        "移出日期": where(removed, iso(uniform_workdays(rng, listed, delivered))),
        "移出原因": where(removed, pick([ref.REMOVAL_REASONS[t] for t in list_types], list_type)),
    }
    return Rows(columns, dept, listed, delivered, subject, {"list_type": list_type})


def build_xycn(ctx: Context) -> Rows:
    rng = ctx.rng
    subject, promised, delivered = subject_rows(ctx, "xycn")
    n = len(subject)
    case = sample_by_kind(rng, ref.COMMITMENTS, ctx.subjects.kind[subject])
    dept = dept_of(ref.COMMITMENTS)[case]
    status = choose(rng, ref.FULFILMENT, n)
    checked = status != list(ref.FULFILMENT).index("履约中")
    columns = subject_block(ctx, subject) | {
        "承诺类型": pick([c.kind for c in ref.COMMITMENTS], case),
        "承诺事项": pick([c.matter for c in ref.COMMITMENTS], case),
        "承诺书编号": document_numbers(dept, "诺", promised),
        "承诺日期": iso(promised),
        "承诺受理单位统一社会信用代码": pick(DEPT_USCCS, dept),
        "履约状态": pick(list(ref.FULFILMENT), status),
        "履约核查日期": where(checked, iso(uniform_workdays(rng, promised, delivered))),
    }
    return Rows(columns, dept, promised, delivered, subject)


def build_zzsb(ctx: Context) -> Rows:
    rng = ctx.rng
    subject, declared, delivered = subject_rows(ctx, "zzsb")
    n = len(subject)
    case = sample_by_kind(rng, ref.DECLARATIONS, ctx.subjects.kind[subject])
    verifier = dept_of(ref.DECLARATIONS, "verifier")[case]
    status = choose(rng, ref.VERIFICATION, n)
    verified = status > 0
    # the material number makes each declaration's record key (类别, 日期, 内容) unique
    material = cat("（材料编号SB", compact(declared), text(ranks_within(declared, order=np.arange(n)), 6), "）")
    columns = subject_block(ctx, subject) | {
        "申报类别": pick([d.category for d in ref.DECLARATIONS], case),
        "申报内容": cat(pick([d.content for d in ref.DECLARATIONS], case), material),
        "申报日期": iso(declared),
        "核验状态": pick(list(ref.VERIFICATION), status),
        "核验单位统一社会信用代码": where(verified, pick(DEPT_USCCS, verifier)),
        "核验日期": where(verified, iso(uniform_workdays(rng, declared, delivered))),
    }
    dept = np.full(n, ref.DEPARTMENT_INDEX[ref.SELF_DECLARATION_DEPARTMENT])
    return Rows(columns, dept, declared, delivered, subject)


def build_hypj(ctx: Context) -> Rows:
    rng = ctx.rng
    subject, rated, delivered = subject_rows(ctx, "hypj")
    n = len(subject)
    field_index = rng.choice(len(ref.RATING_FIELDS), size=n, p=weights(f.weight for f in ref.RATING_FIELDS))
    dept = dept_of(ref.RATING_FIELDS)[field_index]
    months = np.array([f.months for f in ref.RATING_FIELDS])[field_index]
    columns = subject_block(ctx, subject) | {
        "评价部门统一社会信用代码": pick(DEPT_USCCS, dept),
        "评价领域": pick([f.field for f in ref.RATING_FIELDS], field_index),
        "评价等级": pick(list(ref.GRADES), choose(rng, ref.GRADES, n)),
        "评价文号": document_numbers(dept, "评", rated),
        "评价日期": iso(rated),
        "有效期至": iso(add_months(rated, months) - 1),
    }
    return Rows(columns, dept, rated, delivered, subject)


# --- Objections and repairs: applications that move from pending to decided ---------------------

@dataclass
class Applications:
    """Objections or repairs: one entry per application, or per delivered row after `take`."""

    feed: pa.Array  # 涉及信息类别
    document: pa.Array  # 涉及文书号
    subject: np.ndarray
    dept: np.ndarray  # the department that made the record handles the application
    applied: np.ndarray
    decided_on: np.ndarray
    outcome: np.ndarray  # index into the feed's outcome options; 0 = pending
    grounds: pa.Array  # 异议事由 or 修复方式
    detail: pa.Array  # 更正内容 for objections, 不同意理由 for repairs

    @classmethod
    def on(cls, source: Referable, record: np.ndarray, applied, decided_on, outcome, grounds, detail):
        documents = source.document.take(pa.array(record, pa.int64()))
        return cls(pa.array([source.feed] * len(record), STRING), documents, source.subject[record],
                   source.dept[record], applied, decided_on, outcome, grounds, detail)

    @classmethod
    def concat(cls, parts: Sequence["Applications"]) -> "Applications":
        return cls(*(pa.concat_arrays(v) if isinstance(v[0], pa.Array) else np.concatenate(v)
                     for v in zip(*(vars(p).values() for p in parts))))

    def take(self, index: np.ndarray) -> "Applications":
        arrow_index = pa.array(index, pa.int64())
        return Applications(*(v.take(arrow_index) if isinstance(v, pa.Array) else v[index]
                              for v in vars(self).values()))


def staged_rows(ctx: Context, apps: Applications) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of applications: (application index, row carries the decision, delivery date).

    A decided application is delivered once with its outcome or, for TWO_STAGE_SHARE of them,
    first as pending on its application day and again once decided. One decided too late to be
    delivered by as_of is delivered as still pending.
    """
    rng, last = ctx.rng, ctx.window.last
    n = len(apps.applied)
    final_delivery = np.busday_offset(apps.decided_on, rng.integers(0, 3, n), roll="forward")
    apps.outcome[final_delivery > last] = 0
    decided = apps.outcome > 0
    two_stage = decided & (rng.random(n) < TWO_STAGE_SHARE)
    soon = workdays_after(apps.applied, rng.integers(0, 2, n), last)
    pending_delivery = np.where(two_stage, apps.applied, soon)
    once_decided = decided & ~two_stage
    index = np.concatenate([np.arange(n), np.flatnonzero(two_stage)])
    final = np.concatenate([once_decided, np.ones(int(two_stage.sum()), dtype=bool)])
    first_delivery = np.where(once_decided, final_delivery, pending_delivery)
    delivered = np.concatenate([first_delivery, final_delivery[two_stage]])
    return index, final, delivered


def application_rows(ctx: Context, apps: Applications, id_name: str, id_prefix: str):
    """Delivered rows of applications with the columns objections and repairs share.

    Returns (rows, row carries the decision, the applications row by row).
    """
    index, final, delivered = staged_rows(ctx, apps)
    serial = ranks_within(apps.applied, order=np.arange(len(apps.applied)))
    ids = cat(id_prefix, compact(apps.applied), text(serial, 5))
    apps, ids = apps.take(index), ids.take(pa.array(index, pa.int64()))
    person = ctx.subjects.kind[apps.subject] == PERSON
    key = ctx.subjects.key.take(pa.array(apps.subject, pa.int64()))
    columns = {
        id_name: ids,
        "统一社会信用代码": where(~person, key),
        "证件号码": where(person, key),
        "涉及信息类别": apps.feed,
        "涉及文书号": apps.document,
        "申请日期": iso(apps.applied),
    }
    return Rows(columns, apps.dept, apps.applied, delivered, apps.subject), final, apps


def handling_days(rng, n: int, deadline: int) -> np.ndarray:
    """Working days to decide: mostly within the deadline, a fifth overdue."""
    on_time = rng.random(n) < 0.8
    late = rng.integers(deadline + 1, 2 * deadline + 3, n)
    return np.where(on_time, rng.integers(1, deadline + 1, n), late)


def build_yysq(ctx: Context) -> Rows:
    rng, last = ctx.rng, ctx.window.last
    total = round(OBJECTIONS_PER_SUBJECT * len(ctx.subjects))
    outcomes = list(ref.OBJECTION_OUTCOMES)
    parts = []
    # answered within 5 working days, 10 for list entries (SPEC §4)
    for source, share, deadline in ((ctx.penalties, OBJECTIONS_ON_PENALTIES, 5),
                                    (ctx.listings, 1 - OBJECTIONS_ON_PENALTIES, 10)):
        record = source.take(rng, round(total * share), source.delivered < last)
        n = len(record)
        known = source.delivered[record]  # the subject objects within half a year of publication
        applied = uniform_workdays(rng, known + 1, np.minimum(known + 180, last))
        decided_on = np.busday_offset(applied, handling_days(rng, n, deadline))
        reasons = ref.OBJECTION_REASONS[source.feed]
        parts.append(Applications.on(
            source, record, applied, decided_on, outcome=choose(rng, ref.OBJECTION_OUTCOMES, n),
            grounds=pick(reasons, rng.integers(0, len(reasons), n)),
            detail=source.correction.take(pa.array(record, pa.int64()))))
    rows, final, apps = application_rows(ctx, Applications.concat(parts), "异议编号", "YY")
    rows.columns |= {
        "异议事由": apps.grounds,
        "处理结果": where(final, pick(outcomes, apps.outcome)),
        "更正内容": where(final & (apps.outcome == outcomes.index("更正")), apps.detail),
        "处理日期": where(final, iso(apps.decided_on)),
        "处理单位统一社会信用代码": pick(DEPT_USCCS, rows.dept),
    }
    return rows


def build_xyxf(ctx: Context) -> Rows:
    rng, last, p = ctx.rng, ctx.window.last, ctx.penalties
    total = round(REPAIRS_PER_SUBJECT * len(ctx.subjects))
    margin = np.timedelta64(REPAIR_MARGIN_DAYS, "D")
    minimum = np.array([PUBLICITY_MONTHS[v][0] for v in SEVERITIES])[p.severity]
    maximum = np.array([PUBLICITY_MONTHS[v][1] for v in SEVERITIES])[p.severity]
    repair_from = add_months(p.decided, minimum)
    published = p.severity > 0  # only 一般 and 严重 penalties are published and can be repaired
    # on time: after the minimum publicity period, before publication stops by itself
    lo = repair_from + margin
    hi = np.minimum(add_months(p.decided, maximum) - 1, last)
    early_hi = np.minimum(repair_from - margin, last)
    n_early = round(total * EARLY_REPAIR_SHARE)
    on_time = p.take(rng, total - n_early, published & (lo <= hi))
    early = p.take(rng, n_early, published & (p.delivered < early_hi))
    decisions = list(ref.REPAIR_DECISIONS)
    parts = []
    for record, too_early in ((on_time, False), (early, True)):
        n = len(record)
        if too_early:  # the pipeline refuses these whatever the department decided
            applied = uniform_workdays(rng, p.delivered[record] + 1, early_hi[record])
            outcome = rng.choice(len(decisions), size=n, p=[0.2, 0.4, 0.4])
            refusal = pa.array([ref.REPAIR_TOO_EARLY] * n, STRING)
        else:
            applied = uniform_workdays(rng, lo[record], hi[record])
            outcome = choose(rng, ref.REPAIR_DECISIONS, n)
            refusal = pick(ref.REPAIR_REFUSALS, rng.integers(0, len(ref.REPAIR_REFUSALS), n))
        decided_on = np.busday_offset(applied, handling_days(rng, n, 10))
        method = pick(ref.REPAIR_METHODS, rng.integers(0, len(ref.REPAIR_METHODS), n))
        parts.append(Applications.on(p, record, applied, decided_on, outcome, method, refusal))
    rows, final, apps = application_rows(ctx, Applications.concat(parts), "修复编号", "XF")
    rows.columns |= {
        "修复方式": apps.grounds,
        "决定": pick(decisions, np.where(final, apps.outcome, 0)),  # 受理中 until decided
        "决定日期": where(final, iso(apps.decided_on)),
        "不同意理由": where(final & (apps.outcome == decisions.index("不同意")), apps.detail),
    }
    return rows


# --- References: what objections and repairs may name ------------------------------------------

def nameable(ctx: Context, subject: np.ndarray) -> np.ndarray:
    """Subjects an objection or repair can name: a real USCC, or a 身份证 number."""
    return flags(pc.is_valid(ctx.subjects.key.take(pa.array(subject, pa.int64()))))


def penalty_references(rows: Rows, ctx: Context) -> Referable:
    m = rows.meta
    return Referable(
        feed="xzcf",
        document=rows.columns["行政处罚决定书文号"],
        subject=rows.subject, dept=rows.dept, decided=rows.decided, delivered=rows.delivered,
        available=rows.clean & nameable(ctx, rows.subject),
        correction=penalty_corrections(rows.columns, m["mix"], m["fine"], ctx.rng),
        severity=m["severity"],
    )


def listing_references(rows: Rows, ctx: Context) -> Referable:
    negative = rows.meta["list_type"] > 0  # 严重失信主体名单, 重点关注名单, 经营异常名录
    return Referable(
        feed="xymd",
        document=rows.columns["认定文书号"],
        subject=rows.subject, dept=rows.dept, decided=rows.decided, delivered=rows.delivered,
        available=rows.clean & negative & nameable(ctx, rows.subject),
        correction=cat("有效期至=", iso(add_months(rows.decided, 6) - 1)),
    )


REDELIVERY_FIXES = {"违法事实": "，经复查补充认定", "处罚依据": "第一款", "处罚内容": "（更正）"}


def add_redeliveries(ctx: Context, rows: Rows) -> Rows:
    """A few penalties delivered again later, one field corrected (same document number)."""
    rng, penalties = ctx.rng, ctx.penalties
    candidates = penalties.available & (rows.delivered < ctx.window.last)
    original = penalties.take(rng, round(REDELIVERY_SHARE * len(rows)), candidates)
    take = pa.array(original, pa.int64())
    fixed = rng.integers(0, len(REDELIVERY_FIXES), len(original))
    copies = {name: col.take(take) for name, col in rows.columns.items()}
    for i, (name, suffix) in enumerate(REDELIVERY_FIXES.items()):
        copies[name] = pc.if_else(pa.array(fixed == i), cat(copies[name], suffix), copies[name])
    later = workdays_after(rows.delivered[original], rng.integers(1, 40, len(original)), ctx.window.last)
    return Rows(
        {name: pa.concat_arrays([rows.columns[name], copies[name]]) for name in rows.columns},
        np.concatenate([rows.dept, rows.dept[original]]),
        np.concatenate([rows.decided, rows.decided[original]]),
        np.concatenate([rows.delivered, later]),
        np.concatenate([rows.subject, rows.subject[original]]),
        clean=np.concatenate([rows.clean, np.ones(len(original), dtype=bool)]),
    )


# --- Planted defects -----------------------------------------------------------------------------

_CONDITION = re.compile(r"^(?P<item>.+?)\s*(?P<op> in |=|~)\s*(?P<values>.*)$")


def condition_mask(columns: dict[str, pa.Array], condition: str, n: int) -> np.ndarray:
    """Rows where a catalogue condition holds: `always`, `X in a|b`, `X=v` (`X=`: empty), `X~a|b`."""
    if condition == "always":
        return np.ones(n, dtype=bool)
    match = _CONDITION.match(condition)
    item, op, values = match["item"], match["op"].strip(), match["values"].split("|")
    column = columns.get(item, pa.nulls(n, STRING))
    if op == "in":
        held = pc.is_in(column, value_set=pa.array(values, STRING))
    elif op == "=":
        held = pc.is_null(column) if values == [""] else pc.equal(column, values[0])
    else:
        held = pc.match_substring_regex(column, "|".join(map(re.escape, values)))
    return flags(held)


def conditional_items(feed: Feed) -> set[str]:
    """Items that decide other items' requirements or negativity: never emptied on purpose."""
    rules = [i.condition for i in feed.items] + [i.negative_when for i in feed.items]
    return {m["item"] for r in rules if r and r != "always" and (m := _CONDITION.match(r))}


def plant_defects(feed: Feed, rows: Rows, ctx: Context) -> dict[str, int]:
    """Give DEFECT_RATES of the eligible rows exactly one defect each; mark the rest clean."""
    rng, n, cols = ctx.rng, len(rows), rows.columns
    kind = ctx.subjects.kind[rows.subject]
    legal_document = next((i for i in feed.items if i.negative_when), None)
    untouchable = conditional_items(feed) | set(feed.record_key)
    required = [i for i in feed.items
                if i.requirement == "R" and not i.negative_when and i.item not in untouchable]
    eligible = {
        "required_missing": np.full(n, bool(required)),
        "invalid_date": np.full(n, any(i.format == "date" for i in required)),
        "invalid_uscc": (kind != PERSON) & flags(pc.not_equal(cols["统一社会信用代码"], PLACEHOLDER_USCC)),
        "invalid_id_number": (kind == PERSON) & flags(pc.equal(cols["证件类型"], "身份证")),
        "no_legal_document": (condition_mask(cols, legal_document.negative_when, n) if legal_document
                              else np.zeros(n, dtype=bool)),
    }
    draw = rng.random(n)
    defect = np.full(n, "", dtype=object)
    low = 0.0
    for code, rate in DEFECT_RATES.items():  # disjoint bands of one draw: one defect per row at most
        defect[(draw >= low) & (draw < low + rate) & eligible[code]] = code
        low += rate

    # required_missing: empty one R item; invalid_date: an impossible date in an R date item
    dates = [i.item for i in required if i.format == "date"]
    for code, items in (("required_missing", [i.item for i in required]), ("invalid_date", dates)):
        hit = np.flatnonzero((defect == code))
        which = rng.integers(0, max(len(items), 1), len(hit))
        for j, item in enumerate(items):
            mask = np.zeros(n, dtype=bool)
            mask[hit[which == j]] = True
            if code == "required_missing":
                cols[item] = where(~mask, cols[item])
            else:
                broken = cat(pc.utf8_slice_codeunits(cols[item], 0, 4), "-",
                             pick(IMPOSSIBLE_MONTH_DAYS, rng.integers(0, len(IMPOSSIBLE_MONTH_DAYS), n)))
                cols[item] = pc.if_else(pa.array(mask), broken, cols[item])
    for code, item, alphabet in (("invalid_uscc", "统一社会信用代码", USCC_ALPHABET),
                                 ("invalid_id_number", "证件号码", "0123456789X")):
        hit = (defect == code)
        values = cols[item].filter(pa.array(hit)).to_pylist()
        shift = rng.integers(1, len(alphabet), len(values))  # any other check character
        wrong = [v[:-1] + alphabet[(alphabet.index(v[-1]) + k) % len(alphabet)] for v, k in zip(values, shift)]
        cols[item] = pc.replace_with_mask(cols[item], pa.array(hit), pa.array(wrong, STRING))
    if legal_document:
        cols[legal_document.item] = where(~(defect == "no_legal_document"), cols[legal_document.item])
    rows.clean = defect == ""
    return {code: int((defect == code).sum()) for code in DEFECT_RATES}


# --- Files ---------------------------------------------------------------------------------------

def file_slices(dept: np.ndarray, delivered: np.ndarray, max_rows: int) -> list[tuple[int, int, int, int]]:
    """(start, stop, part, parts) of each file: one delivery per department and day, split at max_rows."""
    n = len(dept)
    change = np.flatnonzero((dept[1:] != dept[:-1]) | (delivered[1:] != delivered[:-1])) + 1
    out = []
    for start, stop in zip(np.concatenate([[0], change]), np.concatenate([change, [n]])):
        parts = -(-(stop - start) // max_rows)
        for p in range(parts):
            out.append((start + p * max_rows, min(stop, start + (p + 1) * max_rows), p + 1, parts))
    return out


def with_date_styles(table: pa.Table, columns: list[str], style: np.ndarray) -> pa.Table:
    """Each row's dates in DATE_FORMATS[style] (they come as YYYY-MM-DD)."""
    index = pa.array(style, pa.int64())
    for name in columns:
        i = table.column_names.index(name)
        iso_dates = table.column(i).combine_chunks()
        variants = [iso_dates] + [format_dates(iso_dates, f) for f in list(DATE_FORMATS)[1:]]
        table = table.set_column(i, name, pc.choose(index, *variants))
    return table


def write_feed(feed_dir: Path, feed: Feed, rows: Rows, rng, max_rows: int) -> tuple[int, int]:
    """Write a feed's files; returns (files written, of which duplicates)."""
    names = feed.item_names
    unknown = set(rows.columns) - set(names)
    if unknown:
        raise ValueError(f"{feed.feed}: columns not in the catalogue: {sorted(unknown)}")
    n = len(rows)
    order = pa.array(np.lexsort((rows.decided, rows.delivered, rows.dept)), pa.int64())
    table = pa.table({name: rows.columns.get(name, pa.nulls(n, STRING)) for name in names}).take(order)
    dept, delivered = rows.dept[order.to_numpy()], rows.delivered[order.to_numpy()]
    slices = file_slices(dept, delivered, max_rows)
    k, d = len(slices), len(DEPT_USCCS)
    encodings = np.array(list(ENCODING_WEIGHTS))[choose(rng, ENCODING_WEIGHTS, d)]
    shuffled = rng.random(d) < SHUFFLED_COLUMNS_SHARE
    layouts = [rng.permutation(len(names) + 1) for _ in range(d)]  # + 1: room for an extra column
    extra = np.where(rng.random(d) < EXTRA_COLUMN_SHARE, rng.integers(0, len(EXTRA_COLUMNS), d), -1)
    xlsx = rng.random(k) < XLSX_SHARE
    mixed_dates = rng.random(k) < MIXED_DATES_SHARE
    style = np.where(mixed_dates, len(DATE_FORMATS), rng.integers(0, len(DATE_FORMATS), k))
    duplicate = rng.random(k) < DUPLICATE_SHARE
    # one date format per file, a few files mixing them row by row
    sizes = np.array([stop - start for start, stop, _, _ in slices], dtype=np.int64)
    row_style = np.repeat(style, sizes)
    mixed = row_style == len(DATE_FORMATS)
    row_style[mixed] = rng.integers(0, len(DATE_FORMATS), int(mixed.sum()))
    table = with_date_styles(table, [c for c in names if c in date_items()], row_style)
    folder = feed_dir / feed.feed
    folder.mkdir(parents=True, exist_ok=True)
    files = duplicates = copies_in_delivery = 0
    for i, (start, stop, part, parts) in enumerate(slices):
        table_i = table.slice(start, stop - start)
        day = str(delivered[start]).replace("-", "")
        department = dept[start]
        if extra[department] >= 0:  # a department's own column the pipeline must keep aside
            name, prefix = list(EXTRA_COLUMNS.items())[extra[department]]
            table_i = table_i.append_column(name, cat(f"{prefix}{day}", text(np.arange(1, stop - start + 1), 5)))
        if shuffled[department]:
            order_i = [j for j in layouts[department] if j < table_i.num_columns]
            table_i = table_i.select([table_i.column_names[j] for j in order_i])
        suffix = ".xlsx" if xlsx[i] and stop - start < XLSX_MAX_ROWS else ".csv"
        data = render_delivery(table_i, suffix, encoding=str(encodings[department]))
        stem = f"{DEPT_USCCS[dept[start]]}_{day}"
        if part == 1:  # a new delivery: its duplicates are named after its last part
            copies_in_delivery = 0
        (folder / f"{stem}{'' if part == 1 else f'_{part}'}{suffix}").write_bytes(data)
        files += 1
        if duplicate[i]:  # the same file dropped again under the next free name
            copies_in_delivery += 1
            (folder / f"{stem}_{parts + copies_in_delivery}{suffix}").write_bytes(data)
            files += 1
            duplicates += 1
    return files, duplicates


# --- The drop ------------------------------------------------------------------------------------

BUILDERS = {
    "djzc": build_djzc, "xzxk": build_xzxk, "xzcf": build_xzcf, "qtxw": build_qtxw,
    "sxbzxr": build_sxbzxr, "xymd": build_xymd, "xycn": build_xycn, "zzsb": build_zzsb,
    "hypj": build_hypj, "yysq": build_yysq, "xyxf": build_xyxf,  # these two refer to xzcf and xymd
}


def generate_drop(
    feed_dir: Path, *, subjects: int = 2000, seed: int = 42, as_of: date, max_rows_per_file: int = 100_000
) -> dict:
    """Write a whole feed drop under feed_dir and return its summary, also saved as SUMMARY_FILE.

    Summary: subjects; files (delivery files written, duplicates included); records (rows per feed,
    defective ones included, each delivery once: duplicate files are not counted again); defects
    (planted rows per rule code); duplicate_files; seconds. Same arguments, same bytes in every
    delivery file (only `seconds` varies). feed_dir must not hold a drop already.
    """
    started = time.perf_counter()
    feed_dir = Path(feed_dir)
    catalogue = load_catalogue()
    if set(catalogue) != set(BUILDERS):
        raise ValueError(f"catalogue feeds {sorted(catalogue)} differ from the generator's {list(BUILDERS)}")
    existing = [p for p in (feed_dir / f for f in BUILDERS) if p.exists() and any(p.iterdir())]
    if existing or (feed_dir / SUMMARY_FILE).exists():
        raise FileExistsError(f"{feed_dir} already holds a feed drop; remove it or choose another folder")
    window = Window.before(as_of)
    population, people = build_subjects(np.random.default_rng([seed, 0]), subjects, window)
    ctx = Context(window, population, people, rng=None)
    summary = {"subjects": subjects, "files": 0, "records": {}, "defects": dict.fromkeys(DEFECT_RATES, 0),
               "duplicate_files": 0}
    for number, feed in enumerate(BUILDERS, start=1):
        ctx.rng = np.random.default_rng([seed, number])
        rows = BUILDERS[feed](ctx)
        rows.clean = np.ones(len(rows), dtype=bool)  # until defects are planted
        if feed in DEFECT_FEEDS:
            for code, count in plant_defects(catalogue[feed], rows, ctx).items():
                summary["defects"][code] += count
        if feed == "xzcf":
            ctx.penalties = penalty_references(rows, ctx)
            rows = add_redeliveries(ctx, rows)
        elif feed == "xymd":
            ctx.listings = listing_references(rows, ctx)
        file_rng = np.random.default_rng([seed, number, 1])  # how files look, apart from content
        files, duplicates = write_feed(feed_dir, catalogue[feed], rows, file_rng, max_rows_per_file)
        summary["files"] += files
        summary["duplicate_files"] += duplicates
        summary["records"][feed] = len(rows)
        del rows  # before the next feed is built: bounds memory to one feed at a time
    summary["seconds"] = round(time.perf_counter() - started, 3)
    text_out = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
    (feed_dir / SUMMARY_FILE).write_text(text_out, encoding="utf-8")
    return summary
