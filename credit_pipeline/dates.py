"""Dates as departments deliver them (SPEC §2): YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

# 2099-12-31 in a validity field means long-term (长期).
LONG_TERM = date(2099, 12, 31)
EARLIEST = date(1900, 1, 1)

# Accepted shape -> strptime format. The shape is checked first because strptime alone
# would accept forms outside the contract; separated forms may drop leading zeros (2025/3/5).
_FORMATS = {
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}": "%Y-%m-%d",
    r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}": "%Y/%m/%d",
    r"[0-9]{8}": "%Y%m%d",
}


def parse_dates(values: pd.Series) -> pd.Series:
    """datetime64[ns] of each value, formats mixed freely; NaT for anything else,
    impossible dates (2025-02-30) and dates outside 1900-01-01..2099-12-31."""
    text = values.astype("string").str.strip()
    parsed = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    for pattern, fmt in _FORMATS.items():
        mask = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        # to_datetime caches repeated values, and feeds repeat dates a lot.
        converted = pd.to_datetime(text[mask], format=fmt, errors="coerce")
        parsed[mask] = converted.to_numpy(dtype="datetime64[ns]")
    result = pd.Series(parsed, index=values.index, name=values.name)
    in_range = result.between(pd.Timestamp(EARLIEST), pd.Timestamp(LONG_TERM))
    return result.where(in_range)
