"""Subject identifiers (SPEC §1), validated over whole pandas Series.

A feed repeats the same subject on many rows, so every check runs once per distinct value
and the answer is mapped back to the rows. Check characters come from python-stdnum's
`calc_check_digit`, never its `validate`: `uscc.validate` rejects valid A/N/Y-prefixed codes
and `ric.validate` rejects (or raises KeyError on) real IDs with a retired county code.
Input is taken as-is: stripping and upper-casing are the caller's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
from stdnum.cn import ric, uscc

# GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V.
_USCC_CHAR = "[0-9A-HJ-NPQRTUWXY]"
# Registration authority 1-9/A/N/Y, entity type, six-digit region (not looked up), ten more.
_USCC_PATTERN = rf"[1-9ANY]{_USCC_CHAR}[0-9]{{6}}{_USCC_CHAR}{{10}}"
# [0-9], not \d, which would also match full-width and other Unicode digits.
_ID_CARD_PATTERN = r"[0-9]{17}[0-9X]"
_EARLIEST_BIRTH = pd.Timestamp("1900-01-01")


def uscc_valid(codes: pd.Series) -> pd.Series:
    """True where the value is a GB 32100-2015 USCC with the right check character."""
    return _per_unique(codes, _uscc_valid_unique, missing=False)


def id_card_birth_date(ids: pd.Series) -> pd.Series:
    """Birth date (datetime64[ns]) of each valid 18-character 身份证 number, NaT elsewhere."""
    return _per_unique(ids, _id_card_birth_unique, missing=np.datetime64("NaT", "ns"))


def id_card_valid(ids: pd.Series) -> pd.Series:
    """True where the value is an 18-character 身份证 number with a real birth date and a
    correct MOD 11-2 check character.

    The county code is deliberately not looked up: retired and newer codes are real IDs.
    """
    return id_card_birth_date(ids).notna()


def _per_unique(values: pd.Series, check: Callable[[pd.Series], np.ndarray], missing) -> pd.Series:
    """Run `check` once over the distinct values and map its answers back to every row."""
    codes, uniques = pd.factorize(values)  # missing values get code -1
    uniques = pd.Series(uniques, dtype=object)
    # A non-string (say a number from a spreadsheet) is not an identifier as delivered.
    answers = check(uniques.where(uniques.map(type) == str).astype("string"))
    # Code -1 indexes the appended last element, so missing rows get `missing`.
    answers = np.append(answers, np.array([missing], dtype=answers.dtype))
    return pd.Series(answers[codes], index=values.index, name=values.name)


def _uscc_valid_unique(codes: pd.Series) -> np.ndarray:
    valid = codes.str.fullmatch(_USCC_PATTERN).fillna(False).to_numpy(dtype=bool, copy=True)
    # Only well-formed codes reach stdnum, which would raise on characters outside its alphabet.
    valid[valid] = [_uscc_check_ok(code) for code in codes[valid]]
    return valid


def _id_card_birth_unique(ids: pd.Series) -> np.ndarray:
    well_formed = ids.str.fullmatch(_ID_CARD_PATTERN).fillna(False)
    # An impossible date such as 0230 becomes NaT here.
    birth = pd.to_datetime(ids.where(well_formed).str[6:14], format="%Y%m%d", errors="coerce")
    today = pd.Timestamp.today().normalize()
    valid = birth.between(_EARLIEST_BIRTH, today).to_numpy(dtype=bool, copy=True)
    valid[valid] = [_id_card_check_ok(id_no) for id_no in ids[valid]]
    return birth.where(valid).to_numpy(dtype="datetime64[ns]")


def _uscc_check_ok(code: str) -> bool:
    return code[17] == uscc.calc_check_digit(code[:17])


def _id_card_check_ok(id_no: str) -> bool:
    # ric.calc_check_digit reads the first 17 characters of the full number.
    return id_no[17] == ric.calc_check_digit(id_no)


# One value at a time, for a look-up (a query names a few subjects; a Series would cost more than the check).
def is_uscc(code: str) -> bool:
    """A GB 32100-2015 USCC with the right check character."""
    return re.fullmatch(_USCC_PATTERN, code) is not None and _uscc_check_ok(code)


def is_id_card(id_no: str) -> bool:
    """An 18-character 身份证 number with a real birth date and the right check character."""
    if re.fullmatch(_ID_CARD_PATTERN, id_no) is None:
        return False
    try:
        born = date(int(id_no[6:10]), int(id_no[10:12]), int(id_no[12:14]))
    except ValueError:
        return False
    return _EARLIEST_BIRTH.date() <= born <= date.today() and _id_card_check_ok(id_no)
