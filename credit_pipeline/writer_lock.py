"""One writer at a time on a CREDIT_HOME.

Every run that writes (the lake, the warehouse, a release) holds an exclusive flock on `$CREDIT_HOME/pipeline.lock`
for its whole length, whoever started it: the command line, the daemon's schedule or sensors, a launch from the UI.
The lock file says who holds it, so whoever waits can name that run. The kernel drops a flock when its process
ends, however it ends (kill -9 included): there is no stale lock to clean up.

The instance's run queue (one run at a time, instance.py) already orders the runs the daemon launches; the lock
is what also orders those against `credit-pipeline run`, which executes in its own process outside the queue.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

LOCK_FILE = "pipeline.lock"
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Holder:
    """Who holds (or asks for) the lock."""

    run_id: str
    job: str
    launched_by: str  # "credit-pipeline run" | "the Dagster daemon or UI"
    pid: int = field(default_factory=os.getpid)
    host: str = field(default_factory=socket.gethostname)
    since: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))

    def describe(self) -> str:
        return (f"run {self.run_id} ({self.job}, started by {self.launched_by}, pid {self.pid} on {self.host}, "
                f"since {self.since})")


class PipelineBusy(RuntimeError):
    """Another run holds the lock and did not let go in time."""

    def __init__(self, holder: Holder | None, waited: float, lock_path: Path):
        self.holder, self.waited = holder, waited
        who = holder.describe() if holder else "another process"
        super().__init__(f"another pipeline run is writing to {lock_path.parent}: {who}; "
                         f"gave up after waiting {waited:.0f} s for it to finish")


def read_holder(home: Path) -> Holder | None:
    """The holder the lock file names, or None (free, or written by something else)."""
    try:
        data = json.loads((Path(home) / LOCK_FILE).read_text(encoding="utf-8") or "null")
        return Holder(**data) if isinstance(data, dict) else None
    except (OSError, ValueError, TypeError):
        return None


@dataclass
class _Held:
    fd: int
    holder: Holder


def _name(fd: int, holder: Holder) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(asdict(holder)).encode("utf-8"), 0)


# Locks this process holds, by lock file: the command line takes the lock before it starts its in-process run, and
# the run's own resource then finds it already held here rather than waiting on itself (flock would not know).
_held: dict[Path, _Held] = {}


@contextmanager
def writer_lock(home: Path, holder: Holder, wait_seconds: float | None = None,
                on_wait: Callable[[Holder | None], None] | None = None) -> Iterator[Holder]:
    """Hold the pipeline's lock on `home` while the block runs. When another run holds it, call `on_wait` once with
    that run and wait up to `wait_seconds` (None: as long as it takes), then raise PipelineBusy."""
    path = (Path(home) / LOCK_FILE).resolve()
    held = _held.get(path)
    if held is not None:  # already ours: the innermost holder is the one named while it runs
        outer = held.holder
        _name(held.fd, holder)
        held.holder = holder
        try:
            yield holder
        finally:
            held.holder = outer
            _name(held.fd, outer)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    started, told = time.monotonic(), False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if wait_seconds is not None and waited >= wait_seconds:
                    raise PipelineBusy(read_holder(path.parent), waited, path) from None
                if not told and on_wait is not None:
                    on_wait(read_holder(path.parent))
                    told = True
                time.sleep(POLL_SECONDS)
        _name(fd, holder)
        _held[path] = _Held(fd, holder)
        try:
            yield holder
        finally:
            del _held[path]
            os.ftruncate(fd, 0)  # free: nobody is named (the flock itself goes with the close below)
    finally:
        os.close(fd)
