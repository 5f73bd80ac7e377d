"""Settings come from the environment once; a wrong value is refused in one line, exit code 2, before anything runs."""

from __future__ import annotations

from datetime import date

import pytest

from credit_pipeline.cli import main
from credit_pipeline.settings import SettingError, load_settings, parse_as_of


@pytest.mark.parametrize("text", ["2026-13-01", "yesterday", "2026/11/30", "20261130", "2026-02-30", ""])
def test_a_wrong_as_of_date_is_refused_naming_the_variable(text):
    with pytest.raises(SettingError, match=r"CREDIT_AS_OF must be a date in the form YYYY-MM-DD"):
        parse_as_of(text)


def test_a_good_as_of_date_is_taken():
    assert parse_as_of(" 2026-11-30 ") == date(2026, 11, 30)


@pytest.mark.parametrize("text", ["2026-13-01", "yesterday"])
def test_the_command_line_exits_2_with_one_line(monkeypatch, tmp_path, capsys, text):
    monkeypatch.setenv("CREDIT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CREDIT_AS_OF", text)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "CREDIT_AS_OF" in err and "YYYY-MM-DD" in err and "Traceback" not in err
    assert not (tmp_path / "home" / "publish").exists()


def test_without_credit_as_of_the_platform_day_is_todays_date_in_shanghai(monkeypatch):
    monkeypatch.delenv("CREDIT_AS_OF", raising=False)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    assert load_settings().as_of == datetime.now(ZoneInfo("Asia/Shanghai")).date()
