"""Read access to the current release of the published marts, never to the warehouse.

This module is the one place that knows how a release is laid out on disk (today `published.duckdb`
with one table per mart, beside `manifest.json`); everything else reads marts by name through a
`Release`.

The release folder is resolved once per query, so a switch of `$CREDIT_HOME/publish` in the middle of
a query cannot mix two releases (the previous releases are kept, see publish.KEEP_RELEASES).

- `open_release`: open the current release for one query and close it after (the command line).
- `LiveRelease`: keep the current release open across queries (the service); when the symlink points
  elsewhere, the next query opens the new release, and the old one is closed once its last query ends."""

from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb

DATABASE = "published.duckdb"
MANIFEST = "manifest.json"


class NothingPublished(RuntimeError):
    pass


@dataclass(frozen=True)
class Release:
    path: Path
    manifest: dict
    con: duckdb.DuckDBPyConnection

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cursor = self.con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _current_path(publish_dir: Path) -> Path:
    if not (publish_dir / DATABASE).exists():
        raise NothingPublished(f"nothing is published under {publish_dir}: run the pipeline first (`make run`)")
    return Path(os.path.realpath(publish_dir))


def _connect(release: Path, config: dict | None = None) -> tuple[dict, duckdb.DuckDBPyConnection]:
    manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    return manifest, duckdb.connect(str(release / DATABASE), read_only=True, config=config or {})


@contextmanager
def open_release(publish_dir: Path) -> Iterator[Release]:
    release = _current_path(publish_dir)
    manifest, con = _connect(release)
    try:
        yield Release(release, manifest, con)
    finally:
        con.close()


class _OpenRelease:
    """One release held open: a connection, a pool of cursors (one per concurrent query: a DuckDB
    connection must not run two queries at once), and a count of the queries using it."""

    def __init__(self, path: Path, config: dict | None):
        self.path = path
        self.manifest, self.con = _connect(path, config)
        self.users = 0
        self.retired = False
        self._idle: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()

    def take_cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._idle.pop() if self._idle else self.con.cursor()

    def give_back(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            self._idle.append(cursor)

    def close(self) -> None:
        for cursor in self._idle:
            cursor.close()
        self.con.close()


class LiveRelease:
    """The current release, kept open between queries and following the publish symlink.

    Each `use()` resolves the symlink (one realpath, microseconds). A query that finds it moved opens
    the new release (others wait the ~20 ms that takes rather than open it twice); queries already on
    the old release finish there, and the last one out closes it."""

    def __init__(self, publish_dir: Path, config: dict | None = None):
        self.publish_dir = publish_dir
        self.config = config
        self._current: _OpenRelease | None = None
        self._lock = threading.Lock()
        self.opened: list[str] = []  # release names in the order they were opened (shown by /healthz)

    def _acquire(self) -> _OpenRelease:
        path = _current_path(self.publish_dir)
        with self._lock:
            current = self._current
            if current is None or current.path != path:
                fresh = _OpenRelease(path, self.config)
                if current is not None:
                    self._retire(current)
                self._current = current = fresh
                self.opened.append(path.name)
            current.users += 1
            return current

    def _retire(self, release: _OpenRelease) -> None:  # under self._lock
        release.retired = True
        if release.users == 0:
            release.close()

    def _release(self, release: _OpenRelease) -> None:
        with self._lock:
            release.users -= 1
            if release.retired and release.users == 0:
                release.close()

    @contextmanager
    def use(self) -> Iterator[Release]:
        opened = self._acquire()
        try:
            cursor = opened.take_cursor()
            try:
                yield Release(opened.path, opened.manifest, cursor)
            finally:
                opened.give_back(cursor)
        finally:
            self._release(opened)

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._retire(self._current)
                self._current = None

    @property
    def current_name(self) -> str | None:
        current = self._current
        return current.path.name if current else None
