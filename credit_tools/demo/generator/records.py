"""What every feed builder shares: a feed's rows before writing, the build context, records later
feeds refer to, and the per-subject record counts, subject block and document numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from credit_tools.demo import reference as ref
from credit_tools.demo.generator.columns import cat, pick, ranks_within, text, where
from credit_tools.demo.generator.dates import Window, add_months, lags, uniform_workdays, year_of
from credit_tools.demo.generator.people import People
from credit_tools.demo.generator.subjects import INDIVIDUAL, ORG, PERSON, SUBJECT_BLOCK, Subjects

REP_ID_SHARE = 0.85  # rows that carry the legal representative's ID type and number

# Mean records per subject (organisation, individual business, natural person).
RECORDS_PER_SUBJECT = {
    "xzxk": (3.4, 3.0, 1.2), "xzcf": (1.5, 1.8, 1.2), "qtxw": (2.2, 2.0, 1.2),
    "sxbzxr": (0.06, 0.15, 0.8), "xymd": (0.5, 0.3, 0.1), "xycn": (1.2, 0.8, 0.4),
    "zzsb": (1.0, 0.6, 0.1), "hypj": (0.8, 0.3, 0.0),
}

# The departments' names, USCCs and document-number abbreviations, by department index.
DEPT_NAMES = [d.name for d in ref.DEPARTMENTS]
DEPT_USCCS = [d.uscc for d in ref.DEPARTMENTS]
DEPT_ABBRS = [d.abbr for d in ref.DEPARTMENTS]


def dept_of(cases: Sequence, attribute: str = "department") -> np.ndarray:
    return np.array([ref.DEPARTMENT_INDEX[getattr(c, attribute)] for c in cases])


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
    penalties: Referable | None = None  # xzcf records objections and repairs may name
    listings: Referable | None = None  # xymd records objections may name


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


def case_rows(ctx: Context, feed: str, cases: Sequence, department: str = "department"):
    """subject_rows, then per record a case drawn for its subject's kind and the case's department.

    Returns (subject, decided, delivered, case, department index).
    """
    subject, decided, delivered = subject_rows(ctx, feed)
    case = sample_by_kind(ctx.rng, cases, ctx.subjects.kind[subject])
    return subject, decided, delivered, case, dept_of(cases, department)[case]


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
