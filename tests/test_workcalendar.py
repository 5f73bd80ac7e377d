import pandas as pd
import pytest

from credit_pipeline.workcalendar import (
    COLUMNS,
    SOURCE_ESTIMATE,
    SOURCE_OFFICIAL,
    build_calendar,
    main,
    write_calendar_seed,
)


@pytest.fixture(scope="module")
def calendar() -> pd.DataFrame:
    return build_calendar(2015, 2030).set_index("calendar_date")


def test_every_day_exactly_once(calendar):
    expected = pd.date_range("2015-01-01", "2030-12-31").strftime("%Y-%m-%d").tolist()
    assert calendar.index.tolist() == expected


def test_national_day_and_mid_autumn_2025_are_days_off(calendar):
    days = pd.date_range("2025-10-01", "2025-10-08").strftime("%Y-%m-%d")
    assert not calendar.loc[days, "is_workday"].any()
    assert (calendar.loc[days, "source"] == SOURCE_OFFICIAL).all()
    assert calendar.loc["2025-10-01", "holiday_name"] == "国庆节"


@pytest.mark.parametrize("day", ["2025-09-28", "2025-10-11"])  # Sunday, Saturday
def test_weekend_days_worked_in_lieu_are_workdays(calendar, day):
    assert pd.Timestamp(day).weekday() >= 5
    assert calendar.loc[day, "is_workday"]


def test_ordinary_days(calendar):
    assert not calendar.loc["2025-10-18", "is_workday"]  # ordinary Saturday
    assert calendar.loc["2025-10-15", "is_workday"]  # ordinary Wednesday
    assert calendar.loc["2025-10-18", "holiday_name"] == ""


def test_years_beyond_official_data_are_visible_estimates(calendar):
    year_2027 = calendar[calendar.index.str.startswith("2027")]
    assert (year_2027["source"] == SOURCE_ESTIMATE).all()
    assert not calendar.loc["2027-10-01", "is_workday"]
    assert not calendar.loc["2027-01-01", "is_workday"]
    assert calendar.loc["2027-10-01", "holiday_name"].startswith("国庆")


def test_estimate_uses_the_holidays_package_own_adjusted_workdays():
    # chinese_calendar starts in 2004; `holidays` transcribes the notices back to 2001.
    year_2003 = build_calendar(2003, 2003).set_index("calendar_date")
    assert (year_2003["source"] == SOURCE_ESTIMATE).all()
    assert year_2003.loc["2003-02-08", "is_workday"]  # Saturday worked for Spring Festival
    assert not year_2003.loc["2003-02-06", "is_workday"]  # the Thursday given off for it


def test_no_year_crashes():
    calendar = build_calendar(1990, 2099)
    assert len(calendar) == len(pd.date_range("1990-01-01", "2099-12-31"))
    assert calendar["is_workday"].dtype == bool
    assert set(calendar["source"]) == {SOURCE_OFFICIAL, SOURCE_ESTIMATE}


def test_seed_written_and_readable(tmp_path):
    path = write_calendar_seed(tmp_path / "rules" / "work_calendar.csv", 2025, 2027)
    seed = pd.read_csv(path, dtype={"holiday_name": str}, keep_default_na=False)
    assert seed.columns.tolist() == COLUMNS
    assert len(seed) == 365 * 3
    row = seed.set_index("calendar_date").loc["2025-09-28"]
    assert row["is_workday"] and row["source"] == SOURCE_OFFICIAL


def test_main_writes_given_path(tmp_path, capsys):
    assert main([str(tmp_path / "cal.csv")]) == 0
    assert (tmp_path / "cal.csv").exists()
    assert "2027" in capsys.readouterr().out
