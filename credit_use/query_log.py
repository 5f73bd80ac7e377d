"""The query log (seed 003: 查询使用登记): one JSON line per look-up of someone's credit, answered or
refused, appended and never rewritten.

It lives in `$CREDIT_HOME/query_log/`, outside the warehouse and the releases, so no pipeline run touches
it. Entries are written with one O_APPEND write under an exclusive lock and synced to disk before the
answer is returned: concurrent look-ups never interleave, and no answer goes out unlogged. It holds
unmasked IDs: it is internal, like the warehouse.

The command line appends one entry per call (`append_query`). The service commits entries in groups
(`GroupCommitLog`): the entries of all requests waiting at that moment are written and synced together,
and each request waits until its own entry is on disk, so one fsync serves many concurrent look-ups."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import threading
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path


def log_path(log_dir: Path, at: datetime) -> Path:
    return log_dir / f"queries-{at:%Y-%m}.jsonl"  # one file a month keeps each file small


def _stamped(log_dir: Path, entry: dict) -> tuple[dict, Path, bytes]:
    now = datetime.now(UTC)
    entry = {"logged_at": now.isoformat(timespec="milliseconds")} | entry
    return entry, log_path(log_dir, now), (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def _append_durably(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # other processes (the command line, a second service) append too
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock


def append_query(log_dir: Path, entry: dict) -> dict:
    """Append one entry (stamped with the time), synced to disk; return it as written."""
    entry, path, line = _stamped(log_dir, entry)
    _append_durably(path, line)
    return entry


class _Waiting:
    """An entry waiting for its group's fsync; `future` (an asyncio future) is for a caller on an event loop."""
    __slots__ = ("path", "line", "done", "error", "future")

    def __init__(self, path: Path, line: bytes, future: asyncio.Future | None = None):
        self.path, self.line, self.done, self.error, self.future = path, line, threading.Event(), None, future

    def finish(self) -> None:
        self.done.set()
        if self.future is not None:
            try:
                self.future.get_loop().call_soon_threadsafe(_settle, self.future, self.error)
            except RuntimeError:  # the loop has closed (the process is stopping): nobody waits, the writer goes on
                pass


def _settle(future: asyncio.Future, error: BaseException | None) -> None:
    if not future.done():
        future.set_exception(error) if error is not None else future.set_result(None)


class GroupCommitLog:
    """Appends from many threads, one write and one fsync per group: a writer thread takes every entry
    waiting, appends them in arrival order, syncs, then releases their callers. `append` returns only
    once its entry is on disk, and raises if it could not be written (the answer must not leave). A caller on
    an event loop `submit`s instead and awaits `written` before it answers, serving other requests meanwhile."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self._queue: list[_Waiting] = []
        self._cond = threading.Condition()
        self._closed = False
        self.groups = 0  # how many fsyncs, for the benchmark's report
        self.entries = 0
        self._writer = threading.Thread(target=self._run, name="query-log-writer", daemon=True)
        self._writer.start()

    def append(self, entry: dict) -> dict:
        entry, waiting = self._enqueue(entry, None)
        waiting.done.wait()
        if waiting.error is not None:
            raise waiting.error
        return entry

    def submit(self, entry: dict) -> _Waiting:
        """Queue an entry from the running event loop's thread; `await written([...])` before answering."""
        return self._enqueue(entry, asyncio.get_running_loop().create_future())[1]

    def _enqueue(self, entry: dict, future: asyncio.Future | None) -> tuple[dict, _Waiting]:
        with self._cond:
            if self._closed:
                raise RuntimeError("the query log is closed")
            # Stamped under the lock, so the times in the file never go backwards.
            entry, path, line = _stamped(self.log_dir, entry)
            waiting = _Waiting(path, line, future)
            self._queue.append(waiting)
            self._cond.notify()
        return entry, waiting

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return  # closed and drained
                group, self._queue = self._queue, []
            by_file: dict[Path, list[_Waiting]] = defaultdict(list)  # a group may straddle a month's end
            for waiting in group:
                by_file[waiting.path].append(waiting)
            for path, entries in by_file.items():
                try:
                    _append_durably(path, b"".join(w.line for w in entries))
                except Exception as error:  # noqa: BLE001 - every caller learns its entry was not written
                    for w in entries:
                        w.error = OSError(f"the query log could not be written: {error!r}")
                for w in entries:
                    w.finish()
            self.groups += 1
            self.entries += len(group)

    @staticmethod
    async def written(waiting: list[_Waiting]) -> None:
        """Return once every entry is on disk; raise if one could not be written (the answer must not leave)."""
        for w in waiting:
            await w.future

    def close(self) -> None:
        """Write what is waiting, then stop the writer."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._writer.join()
