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


def test_a_missing_feed_drop_is_refused_in_one_line_and_nothing_is_published(monkeypatch, tmp_path, capsys):
    home = tmp_path / "home"
    monkeypatch.setenv("CREDIT_HOME", str(home))
    monkeypatch.setenv("CREDIT_FEED_DIR", str(tmp_path / "no-such-drop"))
    monkeypatch.delenv("CREDIT_AS_OF", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "CREDIT_FEED_DIR must be the folder of the feed drop" in err and "does not exist" in err
    assert not (home / "publish").exists() and not (home / "warehouse.duckdb").exists()


def test_a_feed_drop_that_is_a_file_is_refused_in_one_line(monkeypatch, tmp_path, capsys):
    drop = tmp_path / "feeds.csv"
    drop.write_text("not a folder\n")
    monkeypatch.setenv("CREDIT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CREDIT_FEED_DIR", str(drop))
    monkeypatch.delenv("CREDIT_AS_OF", raising=False)
    for argv in (["run"], ["run", "--generate-if-empty"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "CREDIT_FEED_DIR" in err and "is a file, not a folder" in err
    assert not (tmp_path / "home" / "publish").exists()


def test_a_fresh_home_without_a_drop_is_refused_rather_than_published_empty(monkeypatch, tmp_path, capsys):
    home = tmp_path / "home"
    monkeypatch.setenv("CREDIT_HOME", str(home))
    monkeypatch.delenv("CREDIT_FEED_DIR", raising=False)
    monkeypatch.delenv("CREDIT_AS_OF", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert "CREDIT_FEED_DIR (unset: $CREDIT_HOME/feeds)" in err and str(home / "feeds") in err
    assert not (home / "publish").exists()


def test_an_engine_is_duckdb_or_spark_from_the_environment_or_given(monkeypatch):
    monkeypatch.delenv("CREDIT_ENGINE", raising=False)
    assert load_settings().engine == "duckdb" and load_settings(engine="spark").engine == "spark"
    monkeypatch.setenv("CREDIT_ENGINE", "spark")
    assert load_settings().engine == "spark" and load_settings(engine="duckdb").engine == "duckdb"
    monkeypatch.setenv("CREDIT_ENGINE", "postgres")
    with pytest.raises(SettingError, match="CREDIT_ENGINE must be one of duckdb, spark, not 'postgres'"):
        load_settings()
    with pytest.raises(SettingError, match="the engine must be one of duckdb, spark, not 'hive'"):
        load_settings(engine="hive")
