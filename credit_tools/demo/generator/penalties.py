"""Administrative penalties (xzcf): cases, 处罚类别 combinations, fines and the severity SPEC §4
derives from them, and what an objection would correct."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from credit_tools.demo import reference as ref
from credit_tools.demo.generator.columns import cat, iso, pick, text, wan, where
from credit_tools.demo.generator.dates import add_months
from credit_tools.demo.generator.records import (
    DEPT_NAMES,
    DEPT_USCCS,
    Context,
    Rows,
    case_rows,
    document_numbers,
    subject_block,
)
from credit_tools.demo.generator.subjects import INDIVIDUAL, ORG, PERSON

# Minimum and maximum publicity of a penalty in months by severity (SPEC §4); 轻微 counts 3 months.
SEVERITIES = ("轻微", "一般", "严重")
PUBLICITY_MONTHS = {"轻微": (0, 3), "一般": (3, 12), "严重": (12, 36)}


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
    def of(cls, mixes: Sequence[ref.PenaltyMix]) -> MixTraits:
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
    subject, decided, delivered, case, dept = case_rows(ctx, "xzcf", ref.PENALTY_CASES)
    n = len(subject)
    kind = s.kind[subject]
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
