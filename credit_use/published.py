"""Read access to the current release of the published marts, never to the warehouse.

This module is the one place that knows how a release is laid out on disk (today `published.duckdb`
with one table per mart, beside `manifest.json`); everything else reads marts by name through a
`Release`.

The release folder is resolved once per query, so a switch of `$CREDIT_HOME/publish` in the middle of
a query cannot mix two releases (the previous releases are kept, see publish.KEEP_RELEASES).

- `open_release`: open the current release for one query and close it after (the command line).
- `LiveRelease`: keep the current release open across queries (the service); when the symlink points
  elsewhere, the next query opens the new release, and the old one is closed once its last query ends.

A look-up of one subject reads `release.subject_rows(mart, id, "… where {subject} …")`, not `subject_id = ?`. On a
release held open, a `SubjectIndex` built in the background turns that into the subject's rowid range:
DuckDB keeps only an 8-byte prefix of a string's min/max per row group, and USCCs and ID numbers share
long prefixes, so `subject_id = ?` reads many row groups where the range reads one. Until the index is
ready, and on the command line, it stays `subject_id = ?`: the same rows either way."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

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
    memo: dict = field(default_factory=dict, compare=False)  # answers that hold for the whole release, kept while it is open
    indexes: dict = field(default_factory=dict, compare=False)  # mart -> SubjectIndex, as they become ready

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cursor = self.con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def for_subject(self, mart: str, subject_id: str) -> tuple[str, list]:
        """A predicate selecting the subject's rows of `mart`, and its parameters."""
        index = self.indexes.get(mart)
        return index.predicate(subject_id) if index is not None else ("subject_id = ?", [subject_id])

    def subject_rows(self, mart: str, subject_id: str, sql: str, params: list | None = None) -> list[dict]:
        """`sql` reading `mart`, its `{subject}` replaced by the subject's predicate (its parameters go first).
        Without a query at all when the index knows the subject has no rows there."""
        where, subject_params = self.for_subject(mart, subject_id)
        if where == "false":
            return []
        return self.rows(sql.replace("{subject}", where), subject_params + (params or []))

    def once(self, key: str, compute):
        """compute(self), once per open release: a release never changes, so neither does the answer."""
        if key not in self.memo:
            self.memo[key] = compute(self)
        return self.memo[key]


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


INDEXED_MARTS = ("credit_rating", "joint_measures", "related_party_risks", "credit_archive", "rating_history",
                 "lifecycle_history")  # the marts a check or a report reads by subject, the check's first


class SubjectIndex:
    """Each subject's rows in one mart as a rowid range, for a mart stored as a table sorted by subject_id
    (publication sorts it; an incremental release appends the re-rated subjects' rows at its end, still
    one range each). A subject whose rows are not one range is looked up by subject_id; a subject absent
    from the mart has no rows. Kept as sorted numpy arrays: about 40 bytes a subject."""

    def __init__(self, con: duckdb.DuckDBPyConnection, mart: str):
        import numpy as np

        found = con.execute(
            f"select subject_id, min(rowid) as lo, max(rowid) as hi, count(*) = max(rowid) - min(rowid) + 1 as whole "
            f"from {mart} group by subject_id order by subject_id").fetchnumpy()
        whole = found["whole"].astype(bool)
        width = max((len(i) for i in found["subject_id"]), default=1)
        self._np = np
        self._ids = np.array(found["subject_id"][whole], dtype=f"S{width}")
        self._lo, self._hi = found["lo"][whole].astype(np.int64), found["hi"][whole].astype(np.int64)
        self._scattered = set(found["subject_id"][~whole])

    def predicate(self, subject_id: str) -> tuple[str, list]:
        key = subject_id.encode()
        i = int(self._np.searchsorted(self._ids, key))
        if i < len(self._ids) and self._ids[i] == key:
            return "rowid between ? and ?", [int(self._lo[i]), int(self._hi[i])]
        if subject_id in self._scattered:
            return "subject_id = ?", [subject_id]
        return "false", []


def _is_table(con: duckdb.DuckDBPyConnection, mart: str) -> bool:
    # A view (over Parquet files, say) has no rowid: it keeps subject_id = ?.
    return bool(con.execute("select count(*) from duckdb_tables() where table_name = ? and schema_name = 'main'", [mart]).fetchone()[0])


class _OpenRelease:
    """One release held open: a connection, a pool of cursors (one per concurrent query: a DuckDB
    connection must not run two queries at once), and a count of the queries using it."""

    def __init__(self, path: Path, config: dict | None, index: bool):
        self.path = path
        self.manifest, self.con = _connect(path, config)
        self.memo: dict = {}  # shared by every query on this release (Release.once)
        self.indexes: dict[str, SubjectIndex] = {}  # filled in the background; a query uses what is ready
        self.users = 0
        self.retired = False
        self._idle: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()
        self._indexing = index
        self._closing = False
        if index:
            threading.Thread(target=self._build_indexes, name=f"index-{path.name}", daemon=True).start()

    def _build_indexes(self) -> None:
        cursor = self.con.cursor()
        try:
            for mart in INDEXED_MARTS:
                if self._closing:
                    break
                if _is_table(cursor, mart):
                    self.indexes[mart] = SubjectIndex(cursor, mart)
        except duckdb.Error:
            pass  # a mart missing or unreadable: its look-ups stay by subject_id
        finally:
            cursor.close()
            with self._lock:
                self._indexing = False
                closing = self._closing
            if closing:
                self._close_now()  # the release was retired while indexing: closing it fell to us

    def take_cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._idle.pop() if self._idle else self.con.cursor()

    def give_back(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            self._idle.append(cursor)

    def close(self) -> None:
        """Close now, or, while the index is still being built, as soon as that stops (never under it)."""
        with self._lock:
            self._closing = True
            if self._indexing:
                return
        self._close_now()

    def _close_now(self) -> None:
        for cursor in self._idle:
            cursor.close()
        self.con.close()


class LiveRelease:
    """The current release, kept open between queries and following the publish symlink.

    Each `use()` resolves the symlink (one realpath, microseconds, under the lock). A query that finds it
    moved opens the new release (the queries arriving meanwhile wait the ~20 ms that takes rather than
    open it twice or answer from the old one); queries already on the old release finish there, and the
    last one out closes it."""

    def __init__(self, publish_dir: Path, config: dict | None = None, index: bool = True):
        self.publish_dir = publish_dir
        self.config = config
        self.index = index
        self._current: _OpenRelease | None = None
        self._lock = threading.Lock()
        self.opened: list[str] = []  # release names in the order they were opened (shown by /healthz)

    def _acquire(self) -> _OpenRelease:
        with self._lock:
            # Resolved under the lock: a query that read the link just before a switch, then waited while the
            # new release was being opened, must not take the old one back.
            path = _current_path(self.publish_dir)
            current = self._current
            if current is None or current.path != path:
                fresh = _OpenRelease(path, self.config, self.index)
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
                yield Release(opened.path, opened.manifest, cursor, opened.memo, opened.indexes)
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
    def indexing(self) -> bool:
        """Whether the current release's subject index is still being built."""
        current = self._current
        return bool(current and current._indexing)
