"""The drop's subjects: organisations, individual businesses and natural persons, numbered in that
order, with the subject block every feed row carries."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from credit_tools.demo.generator.columns import STRING, allocate, pick, where
from credit_tools.demo.generator.companies import Companies, build_companies
from credit_tools.demo.generator.dates import Window
from credit_tools.demo.generator.identifiers import registration_numbers
from credit_tools.demo.generator.people import People, build_people

# Subject kinds, in the order subjects are numbered.
ORG, INDIVIDUAL, PERSON = 0, 1, 2
KIND_LABELS = ("法人及非法人组织", "个体工商户", "自然人")
KIND_SHARES = (0.70, 0.15, 0.15)

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
    companies: Companies

    def __len__(self) -> int:
        return len(self.kind)


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
