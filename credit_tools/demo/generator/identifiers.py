"""Identifiers with valid check characters: USCCs and organisation codes, 身份证 numbers, passport
and permit numbers, and 工商注册号; built as ASCII code matrices, checked with python-stdnum."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_10

from credit_tools.demo import reference as ref
from credit_tools.demo.generator.columns import iso, weights
from credit_tools.demo.generator.dates import year_of

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_REFORM = np.datetime64("2015-10-01")  # organisations registered since carry MA… codes


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


def registration_numbers(rng, region: np.ndarray) -> list[str]:
    """15-digit 工商注册号 of individual businesses: region, 6-9 + 7 digits, ISO 7064 MOD 11,10."""
    regions = [r.code for r in ref.JIANGSU_REGIONS]
    serial = unique_ints(rng, 60_000_000, 100_000_000, len(region))
    first14 = [regions[r] + f"{s:08d}" for r, s in zip(region, serial)]
    return [code + mod_11_10.calc_check_digit(code) for code in first14]
