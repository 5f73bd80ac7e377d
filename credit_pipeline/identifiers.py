"""Subject identifiers (SPEC §1), one value at a time: the codes a query or a file name names.

Ingestion checks whole feeds in SQL (credit_pipeline/ingest/rules.py: uscc_valid_sql, id_card_birth_sql), by the
same rules. Check characters come from python-stdnum's `calc_check_digit`, never its `validate`: `uscc.validate`
rejects valid A/N/Y-prefixed codes and `ric.validate` rejects (or raises KeyError on) real IDs with a retired county
code. Input is taken as-is: stripping and upper-casing are the caller's job.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum.cn import ric, uscc

# GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V.
_USCC_CHAR = "[0-9A-HJ-NPQRTUWXY]"
# Registration authority 1-9/A/N/Y, entity type, six-digit region (not looked up), ten more.
_USCC_PATTERN = rf"[1-9ANY]{_USCC_CHAR}[0-9]{{6}}{_USCC_CHAR}{{10}}"
# [0-9], not \d, which would also match full-width and other Unicode digits.
_ID_CARD_PATTERN = r"[0-9]{17}[0-9X]"
_EARLIEST_BIRTH = date(1900, 1, 1)


def _uscc_check_ok(code: str) -> bool:
    return code[17] == uscc.calc_check_digit(code[:17])


def _id_card_check_ok(id_no: str) -> bool:
    # ric.calc_check_digit reads the first 17 characters of the full number.
    return id_no[17] == ric.calc_check_digit(id_no)


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
    return _EARLIEST_BIRTH <= born <= date.today() and _id_card_check_ok(id_no)
