import pandas as pd
import pytest

from credit_pipeline.ingest.rules import LATEST
from tests.rules_sql import parse_dates


def parse_one(value):
    return parse_dates(pd.Series([value], dtype=object)).iloc[0]


@pytest.mark.parametrize(
    "text",
    ["2025-03-05", "2025/03/05", "20250305", "2025/3/5", "2025-3-5", "  2025-03-05\t"],
)
def test_accepted_formats(text):
    assert parse_one(text) == pd.Timestamp("2025-03-05")


def test_mixed_formats_in_one_series_keep_order_and_index():
    values = pd.Series(["2024-12-31", "20250101", "2025/1/2", "bad"], index=[5, 5, 1, 0])
    result = parse_dates(values)
    assert result.dtype == "datetime64[ns]"
    assert result.index.tolist() == [5, 5, 1, 0]
    expected = [pd.Timestamp(d) for d in ("2024-12-31", "2025-01-01", "2025-01-02")]
    assert result.tolist()[:3] == expected
    assert pd.isna(result.iloc[3])


@pytest.mark.parametrize(
    "text",
    [
        "2025-02-30",
        "2025-13-01",
        "20250230",
        "2025/02/29",  # not a leap year
        "2025-03/05",  # mixed separators
        "2025.03.05",
        "05/03/2025",
        "2025030",
        "202503051",
        "2025-03-05 10:00:00",
        "1899-12-31",
        "2100-01-01",
        "",
        "   ",
        None,
        float("nan"),
    ],
)
def test_rejected_values_are_nat(text):
    assert pd.isna(parse_one(text))


def test_range_bounds_and_long_term():
    assert LATEST == "2099-12-31"  # 长期
    assert parse_one("2099-12-31") == pd.Timestamp(LATEST)
    assert parse_one("1900-01-01") == pd.Timestamp("1900-01-01")
    assert parse_one("2024-02-29") == pd.Timestamp("2024-02-29")


def test_string_dtype_input():
    result = parse_dates(pd.Series(["20250305", None], dtype="string"))
    assert result.iloc[0] == pd.Timestamp("2025-03-05") and pd.isna(result.iloc[1])
