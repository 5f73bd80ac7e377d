"""The official Chinese working-day calendar as data (SPEC §4), written as a dbt seed.

Years that chinese_calendar carries follow the State Council's notices, including the weekend
days worked in place of holidays (调休). Other years (before 2004, and years whose notice is
not out yet or not packaged) fall back to the `holidays` package. Its China calendar has the
statutory holidays with their 补假 for every year, but 调休 working days only for the years
whose notice it has transcribed, so these rows are marked `holidays_estimate`: a guessed year
is visible in the data, never silently official.

    python -m credit_pipeline.workcalendar [path]
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import chinese_calendar
import holidays
import pandas as pd

from credit_pipeline.settings import RULES_DIR

SOURCE_OFFICIAL = "chinese_calendar"
SOURCE_ESTIMATE = "holidays_estimate"
COLUMNS = ["calendar_date", "is_workday", "holiday_name", "source"]
DEFAULT_SEED_PATH = RULES_DIR / "work_calendar.csv"
DEFAULT_START_YEAR, DEFAULT_END_YEAR = 2015, 2030


def build_calendar(start_year: int, end_year: int) -> pd.DataFrame:
    """One row per day of start_year..end_year: worked or not, which holiday, and the source."""
    rows = [row for year in range(start_year, end_year + 1) for row in _year_rows(year)]
    return pd.DataFrame(rows, columns=COLUMNS)


def write_calendar_seed(
    path: Path, start_year: int = DEFAULT_START_YEAR, end_year: int = DEFAULT_END_YEAR
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_calendar(start_year, end_year).to_csv(path, index=False, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = write_calendar_seed(Path(args[0]) if args else DEFAULT_SEED_PATH)
    years = range(DEFAULT_START_YEAR, DEFAULT_END_YEAR + 1)
    estimated = [str(y) for y in years if not _official_calendar_covers(y)]
    print(f"wrote {path}; years estimated by `holidays`: {', '.join(estimated) or 'none'}")
    return 0


def _year_rows(year: int) -> list[tuple[str, bool, str, str]]:
    days = [d.date() for d in pd.date_range(date(year, 1, 1), date(year, 12, 31))]
    if _official_calendar_covers(year):
        return [(d.isoformat(), *_official_day(d), SOURCE_OFFICIAL) for d in days]
    estimate = holidays.China(years=year, language="zh_CN")
    # is_working_day honours the package's own 调休 list wherever it has one.
    return [
        (d.isoformat(), estimate.is_working_day(d), estimate.get(d, ""), SOURCE_ESTIMATE)
        for d in days
    ]


def _official_calendar_covers(year: int) -> bool:
    # chinese_calendar raises for years outside its data; asking beats hard-coding its range,
    # which grows with every package release.
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except (NotImplementedError, ValueError):
        return False
    return True


def _official_day(day: date) -> tuple[bool, str]:
    # is_holiday is exactly `not is_workday`; the name is also set on a 调休 working day.
    is_holiday, name = chinese_calendar.get_holiday_detail(day)
    return not is_holiday, chinese_calendar.Holiday(name).chinese if name else ""


if __name__ == "__main__":
    sys.exit(main())
