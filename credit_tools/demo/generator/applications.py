"""Objections (yysq) and credit repairs (xyxf): applications on delivered penalties and list
entries that move from pending to decided, the records they may name, and penalties delivered
again with one field corrected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from credit_tools.demo import reference as ref
from credit_tools.demo.generator.columns import (
    STRING,
    cat,
    choose,
    compact,
    flags,
    iso,
    pick,
    ranks_within,
    text,
    where,
)
from credit_tools.demo.generator.dates import add_months, uniform_workdays, workdays_after
from credit_tools.demo.generator.penalties import PUBLICITY_MONTHS, SEVERITIES, penalty_corrections
from credit_tools.demo.generator.records import DEPT_USCCS, Context, Referable, Rows
from credit_tools.demo.generator.subjects import PERSON

OBJECTIONS_PER_SUBJECT = 0.036  # each gives one or two yysq rows
OBJECTIONS_ON_PENALTIES = 0.8  # the rest on credit-list entries
REPAIRS_PER_SUBJECT = 0.036
EARLY_REPAIR_SHARE = 0.15  # applications before the minimum publicity period
TWO_STAGE_SHARE = 0.5  # decided objections/repairs first delivered as pending
REDELIVERY_SHARE = 0.005  # of xzcf records, delivered again with one field corrected
REPAIR_MARGIN_DAYS = 7  # keep repair dates clear of the month arithmetic at the period's edge


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
    def concat(cls, parts: Sequence[Applications]) -> Applications:
        return cls(*(pa.concat_arrays(v) if isinstance(v[0], pa.Array) else np.concatenate(v)
                     for v in zip(*(vars(p).values() for p in parts))))

    def take(self, index: np.ndarray) -> Applications:
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
