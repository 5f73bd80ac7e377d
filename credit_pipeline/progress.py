"""Progress of long work (a run's stages, generating a drop, the benchmark): a bar on a terminal, plain lines
otherwise.

Work reports through a `Stage`; where that goes is decided once, by the command that started the work:
- a command with a terminal on stderr (`with console():`): a tqdm bar per stage, each stage's closing line above it;
- a command whose output goes to a file or a pipe: plain lines, at most one every PLAIN_EVERY seconds a stage;
- a run the daemon launched (no console): lines in the run's log, at most one every LOG_EVERY seconds a stage.
A stage's closing line (counts and elapsed time) always reaches the run's log as well.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from typing import TextIO

from tqdm import tqdm

PLAIN_EVERY = 10.0
LOG_EVERY = 30.0


class Console:
    def __init__(self, stream: TextIO, bars: bool) -> None:
        self.stream, self.bars = stream, bars

    def write(self, text: str) -> None:
        if self.bars:
            tqdm.write(text, file=self.stream)  # above any bar, which is redrawn below
        else:
            print(text, file=self.stream, flush=True)


_console: Console | None = None


@contextmanager
def console(stream: TextIO | None = None, bars: bool | None = None) -> Iterator[Console]:
    """Send the progress of the work done inside to `stream` (default stderr): bars when it is a terminal."""
    global _console
    previous = _console
    stream = stream or sys.stderr
    _console = Console(stream, stream.isatty() if bars is None else bars)
    try:
        yield _console
    finally:
        _console = previous


@contextmanager
def tool_chatter_hidden() -> Iterator[None]:
    """Inside a command, what a tool prints on stdout for every step (dbt: two lines a model and a test) stays off the
    console: the stage's bar and closing line say it in short; the run's event log and dbt's own log keep it all.
    A run the daemon launched keeps it in its captured output."""
    if _console is None:
        yield
        return
    with open(os.devnull, "w", encoding="utf-8") as sink, redirect_stdout(sink):
        yield


def say(text: str, log: logging.Logger | None = None) -> None:
    """A line for whoever watches: the console of the command, and the run's log."""
    if _console is not None:
        _console.write(text)
    if log is not None:
        log.info(text)


def elapsed(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)} min {seconds % 60:02.0f} s"


class Stage:
    """One stage of work with a count of done units out of a total (None when not known ahead)."""

    def __init__(self, name: str, total: int | None = None, unit: str = "", log: logging.Logger | None = None) -> None:
        self.name, self.total, self.unit, self.log = name, total, unit, log
        self.done = 0
        self.started = self._printed = self._logged = time.monotonic()
        self._bar = None
        if _console is not None and _console.bars:
            self._bar = tqdm(total=total, desc=name, unit=f" {unit}" if unit else "it", file=_console.stream,
                             leave=False, dynamic_ncols=True, mininterval=0.5)
        elif total:
            say(f"{name}: {total:,} {unit} to go", log)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        now = time.monotonic()
        line = f"{self.name}: {self.done:,}{f'/{self.total:,}' if self.total else ''} {self.unit}, {elapsed(now - self.started)}"
        if _console is not None and now - self._printed >= PLAIN_EVERY:
            _console.write(line)
            self._printed = now
        if self.log is not None and now - self._logged >= LOG_EVERY:
            self.log.info(line)
            self._logged = now

    def note(self, text: str) -> None:
        """A line worth reading while the stage goes on (a feed's counts)."""
        say(f"  {text}", self.log)

    def finish(self, summary: str) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        say(f"{self.name}: {summary} ({elapsed(time.monotonic() - self.started)})", self.log)

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:  # left by an error: the bar goes, the error says the rest
            self._bar.close()
