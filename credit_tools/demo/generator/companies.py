"""Organisations and individual businesses (个体工商户): types, regions, industries, names from
templates, establishment dates, USCCs, legal representatives and controllers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from credit_pipeline.catalogue import PLACEHOLDER_USCC
from credit_tools.demo import reference as ref
from credit_tools.demo.generator.columns import STRING, allocate, cat, pick, weights, where
from credit_tools.demo.generator.dates import Window, uniform_workdays
from credit_tools.demo.generator.identifiers import (
    USCC_REFORM,
    as_strings,
    ascii_matrix,
    organisation_codes,
    with_uscc_check,
)
from credit_tools.demo.generator.people import People

PLACEHOLDER_SHARE = 0.10  # of 个体工商户 without a USCC
CONTROLLER_SHARE = 0.20  # of companies with an 实际控制人


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
