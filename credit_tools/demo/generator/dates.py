"""Date helpers on numpy datetime64[D] arrays, and the window of decisions a drop covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

# Delivery lag in working days after the decision (0..12); lags of 8+ are late.
LAG_WEIGHTS = np.array([6, 14, 16, 15, 13, 11, 9, 8, 2, 2, 1.5, 1.5, 1]) / 100


def year_of(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[Y]").astype(np.int64) + 1970


def add_months(dates: np.ndarray, months) -> np.ndarray:
    """Calendar month arithmetic, clipped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    start = dates.astype("datetime64[M]")
    target = start + np.asarray(months).astype("timedelta64[M]")
    day = (dates - start.astype("datetime64[D]")).astype(np.int64)
    last = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64) - 1
    return target.astype("datetime64[D]") + np.minimum(day, last)


def workdays_after(dates: np.ndarray, days, last: np.datetime64) -> np.ndarray:
    """Mon-Fri working days after dates ("working-ish": holidays are ignored), capped at `last`."""
    return np.minimum(np.busday_offset(dates, days, roll="forward"), last)


def uniform_workdays(rng, lo: np.ndarray, hi) -> np.ndarray:
    """A working day in [lo, hi] per row (the last working day up to hi when lo..hi has none)."""
    hi = np.broadcast_to(np.asarray(hi, dtype="datetime64[D]"), lo.shape)
    span = (hi - lo).astype(np.int64) + 1
    days = lo + (rng.random(len(lo)) * np.maximum(span, 1)).astype(np.int64)
    days = np.busday_offset(days, 0, roll="forward")
    return np.where(days > hi, np.busday_offset(hi, 0, roll="backward"), days)


@dataclass(frozen=True)
class Window:
    """The four years of decisions before as_of. Nothing is delivered after `last`."""

    as_of: np.datetime64
    start: np.datetime64
    last: np.datetime64  # the last working day on or before as_of
    settled: np.datetime64  # decisions up to here are delivered by `last` whatever their lag

    @classmethod
    def before(cls, as_of: date) -> Window:
        day = np.datetime64(as_of, "D")
        last = np.busday_offset(day, 0, roll="backward")
        settled = np.busday_offset(last, -(len(LAG_WEIGHTS) - 1))
        return cls(day, add_months(np.array([day]), -48)[0], last, settled)


def lags(rng, n: int) -> np.ndarray:
    return rng.choice(len(LAG_WEIGHTS), size=n, p=LAG_WEIGHTS)
