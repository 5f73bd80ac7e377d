"""Natural persons: the natural-person subjects and the legal representatives and controllers of
companies, with names, birth dates and ID documents."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from credit_tools.demo import reference as ref
from credit_tools.demo.generator.columns import STRING, allocate, cat, pick, weights, where
from credit_tools.demo.generator.dates import Window
from credit_tools.demo.generator.identifiers import resident_ids, travel_document_numbers

YOUNG_SHARE = 0.03  # of natural persons, minors during part of the window
REP_POOL_SHARE = 0.6  # legal representatives drawn from a pool this size of the companies


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
