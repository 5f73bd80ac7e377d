"""Progress of long work: a bar on a terminal, plain lines with counts and time otherwise, the closing line always."""

from __future__ import annotations

import io
import logging

from credit_pipeline import progress
from credit_pipeline.progress import Stage, console


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_a_terminal_a_stage_prints_plain_lines_with_counts_and_its_closing_line(monkeypatch):
    monkeypatch.setattr(progress, "PLAIN_EVERY", 0)
    out = io.StringIO()
    with console(out), Stage("ingestion", 3, "files") as stage:
        stage.advance(2)
        stage.note("xzcf: 2 new deliveries")
        stage.advance(1)
        stage.finish("2 new deliveries")
    lines = out.getvalue().splitlines()
    assert lines[0] == "ingestion: 3 files to go"
    assert lines[1].startswith("ingestion: 2/3 files, ") and lines[2] == "  xzcf: 2 new deliveries"
    assert lines[-1].startswith("ingestion: 2 new deliveries (") and lines[-1].endswith(" s)")
    assert "\r" not in out.getvalue()


def test_on_a_terminal_a_stage_draws_a_bar_and_leaves_its_closing_line():
    out = Terminal()
    with console(out), Stage("rating (full)", 10, "dbt nodes") as stage:
        stage.advance(10)
        stage.finish("10 built")
    text = out.getvalue()
    assert "\r" in text and "| 0/10 [" in text  # tqdm drew the bar, and redraws it in place
    assert text.rstrip().splitlines()[-1].startswith("rating (full): 10 built (")


def test_a_run_the_daemon_launched_logs_its_stage_lines_and_prints_nothing(capsys, caplog):
    log = logging.getLogger("run")
    with caplog.at_level(logging.INFO, logger="run"), Stage("publication", 11, "marts", log) as stage:
        stage.advance(11)
        stage.finish("full release, 11 of 11 marts written")
    assert capsys.readouterr() == ("", "")
    assert any(r.getMessage().startswith("publication: full release") for r in caplog.records)


def test_a_tools_chatter_stays_off_a_commands_console_only(capsys):
    with progress.tool_chatter_hidden():
        print("1 of 104 START sql table model")  # no command: a daemon's run keeps it in its captured output
    with console(io.StringIO()), progress.tool_chatter_hidden():
        print("2 of 104 START sql table model")
    assert capsys.readouterr().out == "1 of 104 START sql table model\n"
