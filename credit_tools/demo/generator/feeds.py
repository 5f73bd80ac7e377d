"""Builders of the feeds other than penalties and applications: the registry (djzc), permits
(xzxk), other actions (qtxw), judgment defaulters (sxbzxr), credit lists (xymd), commitments
(xycn), self-declarations (zzsb) and industry ratings (hypj)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from credit_tools.demo import reference as ref
from credit_tools.demo.generator.columns import cat, choose, compact, iso, pick, ranks_within, text, weights, where
from credit_tools.demo.generator.dates import add_months, lags, uniform_workdays, workdays_after, year_of
from credit_tools.demo.generator.records import (
    DEPT_NAMES,
    DEPT_USCCS,
    REP_ID_SHARE,
    Context,
    Rows,
    case_rows,
    dept_of,
    document_numbers,
    subject_block,
    subject_rows,
)
from credit_tools.demo.generator.subjects import INDIVIDUAL, KIND_LABELS, ORG


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
    subject, decided, delivered, case, dept = case_rows(ctx, "xzxk", ref.PERMITS)
    n = len(subject)
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


def build_qtxw(ctx: Context) -> Rows:
    rng = ctx.rng
    subject, decided, delivered, case, dept = case_rows(ctx, "qtxw", ref.OTHER_ACTIONS)
    n = len(subject)
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
    dept = np.full(n, ref.DEPARTMENT_INDEX[ref.COURT_DEPARTMENT])  # it delivers for every court
    court = rng.choice(len(ref.COURTS), size=n, p=weights(c.weight for c in ref.COURTS))
    filed = np.busday_offset(published - rng.integers(30, 400, n), 0, roll="backward")
    filed_year = year_of(filed)
    court_code = pick([c.code for c in ref.COURTS], court)
    serial = ranks_within(court, filed_year, order=filed)
    basis_year = filed_year - rng.integers(0, 2, n)
    performance = choose(rng, ref.PERFORMANCE, n)
    performed = performance == list(ref.PERFORMANCE).index("已履行")
    revoked = (performed & (rng.random(n) < 0.6)) | (rng.random(n) < 0.05)
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
    subject, listed, delivered, case, dept = case_rows(ctx, "xymd", ref.LIST_CASES)
    n = len(subject)
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
    subject, promised, delivered, case, dept = case_rows(ctx, "xycn", ref.COMMITMENTS)
    n = len(subject)
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
    subject, declared, delivered, case, verifier = case_rows(ctx, "zzsb", ref.DECLARATIONS, "verifier")
    n = len(subject)
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
