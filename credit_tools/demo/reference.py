"""Reference values the demo drop is drawn from: real Jiangsu region and industry codes, the city's
departments, names, and the texts each department writes into its records.

The values are CSV files in `data/` beside this module (package data); here they are read once, at
import, into small NamedTuples that say what each column means, and into the tuples and mappings
the generator draws from. The order of the rows matters: the generator draws by index, so
reordering a file changes the drop (tests/test_generator.py pins its digest).

Department USCCs are synthetic but valid (GB 32100 check character, GB 11714 check on the
organisation code inside); every string encodes in GBK, because a share of the deliveries is
written in GBK.
"""

from __future__ import annotations

import csv
from importlib.resources import files
from typing import NamedTuple, get_type_hints

DATA = files("credit_tools.demo") / "data"

# The platform's city: 淮安市, Jiangsu. Its courts number cases with 苏08.
CITY = "淮安市"
CITY_CODE = "320800"

LONG_TERM = "2099-12-31"  # validity written for "long-term" (长期)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# How a column's text becomes a NamedTuple field, by the field's annotation.
_PARSERS = {
    str: str,
    int: int,
    float: float,
    int | None: lambda text: int(text) if text else None,
    tuple[str, ...]: lambda text: tuple(text.split("|")) if text else (),
}


def _parse(cls: type, row: dict[str, str]):
    """A CSV row as `cls`, each field converted by its annotation (other columns are ignored)."""
    hints = get_type_hints(cls)
    return cls(*(_PARSERS[hints[f]](row[f]) for f in cls._fields))


def _records(cls: type, name: str) -> tuple:
    """The rows of data/<name> as `cls`, in file order."""
    return tuple(_parse(cls, row) for row in _rows(name))


def _grouped(pairs) -> dict:
    """{key: (values…)} from (key, value) pairs, keys and values in file order."""
    out: dict = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return {key: tuple(values) for key, values in out.items()}


# Short lists: list,value (one value a row) and list,value,weight.
_LISTS = _grouped((r["list"], r["value"]) for r in _rows("lists.csv"))
_WEIGHTED = {name: dict(pairs) for name, pairs in
             _grouped((r["list"], (r["value"], float(r["weight"]))) for r in _rows("weighted_lists.csv")).items()}


# --- Regions (GB/T 2260) -------------------------------------------------------------------------

class Region(NamedTuple):
    code: str
    prefecture: str  # 地级市
    county: str  # 区/县/县级市; empty for the prefecture-level code itself

    @property
    def local_name(self) -> str:
        """How a name starts locally: 清江浦区, 江阴市, 涟水县, or the prefecture itself."""
        return self.county or self.prefecture

    @property
    def authority_name(self) -> str:
        """How an authority of this region is named: 淮安市清江浦区…, 江阴市…, 涟水县…"""
        if self.county.endswith("区"):
            return self.prefecture + self.county
        return self.county or self.prefecture

    @property
    def trade_prefix(self) -> str:
        """Administrative-division prefix of a company name: districts use their prefecture."""
        return self.prefecture if not self.county or self.county.endswith("区") else self.county


JIANGSU_REGIONS: tuple[Region, ...] = _records(Region, "regions.csv")

# Where the city's subjects are registered: its own divisions (weights), the rest of Jiangsu shares
# OUTSIDE_CITY_SHARE evenly.
CITY_REGION_WEIGHTS = {r["code"]: float(r["city_weight"]) for r in _rows("regions.csv") if r["city_weight"]}
OUTSIDE_CITY_SHARE = 0.15

# Birthplaces on ID cards that are not current Jiangsu counties (code: name).
_BIRTHPLACES = _rows("birthplaces.csv")
# County codes that no longer exist but still stand on older ID cards (SPEC §1 "known traps").
RETIRED_COUNTY_CODES = {r["code"]: r["name"] for r in _BIRTHPLACES if r["kind"] == "retired"}
# Birthplaces of people who moved to the city from other provinces.
OTHER_PROVINCE_COUNTY_CODES = {r["code"]: r["name"] for r in _BIRTHPLACES if r["kind"] == "other_province"}


# --- Industries (GB/T 4754; a few 2011 codes such as G5430 and I6510 live on in older records) ---

class Industry(NamedTuple):
    code: str
    name: str
    company_word: str  # what a company in it calls itself (…建材有限公司); empty: not a company trade
    shop_word: str  # what an individual business calls itself (…便利店); empty: no such shops
    weight: float  # how common among companies / shops


INDUSTRIES: tuple[Industry, ...] = _records(Industry, "industries.csv")


# --- Departments of the city ---------------------------------------------------------------------

class Department(NamedTuple):
    key: str
    name: str
    uscc: str
    abbr: str  # how its document numbers start: 淮市监罚〔2024〕123号


DEPARTMENTS: tuple[Department, ...] = _records(Department, "departments.csv")
DEPARTMENT_INDEX = {d.key: i for i, d in enumerate(DEPARTMENTS)}

# Who delivers the feeds that are not tied to one department's content.
SELF_DECLARATION_DEPARTMENT = "development_reform"  # zzsb is collected by the platform itself
COURT_DEPARTMENT = "court"  # sxbzxr: the intermediate court delivers for all courts of the city


# --- People and names ----------------------------------------------------------------------------

# Common surnames with rough frequencies (%, with Jiangsu's 朱 徐 陆 顾 沈 钱 a little higher).
SURNAMES = {r["surname"]: float(r["weight"]) for r in _rows("surnames.csv")}
GIVEN_NAME_CHARS = _LISTS["given_name_char"]
# Foreign permanent residents keep their transliterated names.
FOREIGN_NAMES = _LISTS["foreign_name"]
FOREIGN_COUNTRY_CODES = _LISTS["foreign_country_code"]  # ISO 3166 numeric

# Trade-name characters (字号) and local street names used in organisation names.
BRAND_CHARS = _LISTS["brand_char"]
STREETS = _LISTS["street"]


# --- Organisation types (GB 32100 registration authority + type code) ---------------------------

class NameTemplate(NamedTuple):
    industries: tuple[str, ...]  # empty: any company trade from INDUSTRIES
    pattern: str  # placeholders: {prefix} {local} {brand} {street} {word} {shop}
    weight: float


class OrgType(NamedTuple):
    code: str  # first two characters of the USCC
    share: float  # of 法人及非法人组织 subjects
    registry_department: str  # who delivers their djzc rows
    registrar: str  # 登记机关 = region authority name + this
    templates: tuple[NameTemplate, ...]


# Name templates by USCC type code; 92 is the 个体工商户's.
_TEMPLATES = _grouped((r["org_type"], _parse(NameTemplate, r)) for r in _rows("name_templates.csv"))

ORG_TYPES: tuple[OrgType, ...] = tuple(
    OrgType(r["code"], float(r["share"]), r["registry_department"], r["registrar"], _TEMPLATES[r["code"]])
    for r in _rows("org_types.csv")
)
(INDIVIDUAL_TEMPLATE,) = _TEMPLATES["92"]  # 个体工商户, e.g. 清江浦区恒瑞便利店
INDIVIDUAL_REGISTRAR = "市场监督管理局"

_STATUSES = _rows("registry_statuses.csv")
REGISTRY_STATUSES = tuple(r["status"] for r in _STATUSES)
REGISTRY_STATUS_WEIGHTS = {
    kind: tuple(float(r[kind]) for r in _STATUSES) for kind in ("organisation", "individual")
}

# Every person holds a 身份证 (the first type, its share left empty) but these shares of people.
_ID_TYPES = _rows("id_types.csv")
ID_TYPES = tuple(r["id_type"] for r in _ID_TYPES)
OTHER_ID_TYPE_SHARES = tuple(float(r["share"]) for r in _ID_TYPES[1:])


# --- What departments write ----------------------------------------------------------------------
# `applies`: "org" (法人及非法人组织 and 个体工商户), "person" (自然人) or "all".

class Permit(NamedTuple):  # xzxk
    department: str
    certificate: str  # 许可证书名称
    kind: str  # 许可类别
    content: str  # 许可内容
    number_prefix: str  # 许可编号 starts with it
    years: int  # validity; 0 = long-term
    applies: str
    weight: float


PERMITS: tuple[Permit, ...] = _records(Permit, "permits.csv")


class PenaltyCase(NamedTuple):  # xzcf
    department: str
    violation: str  # 违法行为类型
    facts: str  # 违法事实
    basis: str  # 处罚依据
    licence: str  # the licence suspended or revoked, when the penalty does that; empty: none
    applies: str
    weight: float


PENALTY_CASES: tuple[PenaltyCase, ...] = _records(PenaltyCase, "penalty_cases.csv")
DETENTION_DEPARTMENTS = ("public_security",)  # only the police detain (行政拘留)


class PenaltyMix(NamedTuple):
    categories: str  # 处罚类别, ;-separated
    organisation: float  # weight for 法人及非法人组织 and 个体工商户
    person: float  # weight for 自然人


PENALTY_MIXES: tuple[PenaltyMix, ...] = _records(PenaltyMix, "penalty_mixes.csv")
# SPEC §4: these categories make a penalty 严重 by themselves. (Rules, not code lists: they stay
# here, where the test that checks the drop's stated severities reads them too.)
SEVERE_CATEGORIES = ("吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业")
MILD_CATEGORIES = ("警告", "通报批评")
LENIENCY_REASONS = _LISTS["leniency_reason"]  # 从轻情形 other than 未成年人
PENALTY_REMARKS = _LISTS["penalty_remark"]


class OtherAction(NamedTuple):  # qtxw
    department: str
    action: str  # 行为类型
    content: str  # 内容
    applies: str
    weight: float


OTHER_ACTIONS: tuple[OtherAction, ...] = _records(OtherAction, "other_actions.csv")
# The tag in a 决定文书号 by 行为类型: 淮市监检〔2024〕12号.
ACTION_TAGS = {r["action"]: r["tag"] for r in _rows("action_tags.csv")}
INSPECTION_RESULTS = _WEIGHTED["inspection_result"]  # only for 行政监督检查


class Court(NamedTuple):  # sxbzxr
    code: str  # 案号 court code
    name: str
    weight: float


COURTS: tuple[Court, ...] = _records(Court, "courts.csv")
# The six cases of 最高人民法院《关于公布失信被执行人名单信息的若干规定》第一条.
DISHONEST_CONDUCT = _LISTS["dishonest_conduct"]
EXECUTION_BASIS_KINDS = _LISTS["execution_basis_kind"]
PERFORMANCE = _WEIGHTED["performance"]


class ListCase(NamedTuple):  # xymd
    list_type: str
    department: str
    reason: str  # 列入事由
    applies: str
    months: int | None  # 有效期至 after 列入日期; 0 = long-term; None (empty) = until removed
    weight: float


LIST_CASES: tuple[ListCase, ...] = _records(ListCase, "list_cases.csv")
_LIST_TYPES = _rows("list_types.csv")
LIST_TAGS = {r["list_type"]: r["tag"] for r in _LIST_TYPES}  # in 认定文书号
REMOVAL_REASONS = {r["list_type"]: r["removal_reason"] for r in _LIST_TYPES}


class Commitment(NamedTuple):  # xycn
    kind: str  # 承诺类型
    matter: str  # 承诺事项
    department: str
    applies: str
    weight: float


COMMITMENTS: tuple[Commitment, ...] = _records(Commitment, "commitments.csv")
FULFILMENT = _WEIGHTED["fulfilment"]


class Declaration(NamedTuple):  # zzsb
    category: str  # 申报类别
    content: str  # 申报内容
    verifier: str  # the department that verifies it
    applies: str
    weight: float


DECLARATIONS: tuple[Declaration, ...] = _records(Declaration, "declarations.csv")
VERIFICATION = _WEIGHTED["verification"]


class RatingField(NamedTuple):  # hypj
    department: str
    field: str  # 评价领域
    months: int  # 有效期至 after 评价日期
    weight: float


RATING_FIELDS: tuple[RatingField, ...] = _records(RatingField, "rating_fields.csv")
GRADES = _WEIGHTED["grade"]


# yysq and xyxf
# by the feed of the record objected to
OBJECTION_REASONS = _grouped((r["feed"], r["reason"]) for r in _rows("objection_reasons.csv"))
OBJECTION_OUTCOMES = _WEIGHTED["objection_outcome"]  # "" = still pending
REPAIR_METHODS = _LISTS["repair_method"]
REPAIR_DECISIONS = _WEIGHTED["repair_decision"]
REPAIR_REFUSALS = _LISTS["repair_refusal"]
REPAIR_TOO_EARLY = "未满最短公示期"
