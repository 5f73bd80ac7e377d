"""Read access to the current release of the published marts, never to the warehouse.

This module is the one place that knows how a release is laid out on disk (SPEC §6, written by
`credit_pipeline.publish`): `<mart>/bucket=NNN/part-*.parquet` for a mart with subject_id, a subject's rows
all in the bucket its id hashes to and sorted by subject_id inside each file; `<mart>/part-0.parquet` for a
mart without; `published.duckdb` with one view per mart over those files; `manifest.json` with each mart's
number of buckets. Everything else reads marts by name through a `Release`.

The release folder is resolved once per query, so a switch of `$CREDIT_HOME/publish` in the middle of
a query cannot mix two releases (the previous releases are kept, see publish.KEEP_RELEASES).

- `open_release`: open the current release for one query and close it after (the command line).
- `LiveRelease`: keep the current release open across queries (the service); when the symlink points
  elsewhere, the next query opens the new release, and the old one is closed once its last query ends.

A look-up of one subject is `release.subject_rows(mart, id, columns, order_by, only)`. In SQL it reads the
subject's bucket alone (`bucket = N and subject_id = ?`: DuckDB prunes the other files by their folder).
A release held open by the service also loads, in the background, the columns it was asked to hold of
some marts (`HeldMarts`), one bucket file at a time: a look-up in a loaded bucket is a binary search and a
slice of memory, microseconds instead of the milliseconds DuckDB spends decompressing a row group. A file
is known by its identity (device, inode, size, modification time): after a release switch, a bucket the
new release did not rewrite is the same hard-linked file, so its rows are taken over, not loaded again.
Both ways give the same rows in the same order (the order is made total: the columns asked for break ties)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

DATABASE = "published.duckdb"
MANIFEST = "manifest.json"
SUBJECT = "subject_id"


class NothingPublished(RuntimeError):
    pass


def bucket_of(subject_id: str, buckets: int) -> int:
    """The bucket holding a subject's rows: the first 32 bits of the md5 of its id, modulo the mart's number of
    buckets (publish.bucket_sql, the same on every engine)."""
    return int.from_bytes(hashlib.md5(subject_id.encode("utf-8")).digest()[:4], "big") % buckets


def _names(columns: str) -> list[str]:
    return [c.strip() for c in columns.split(",") if c.strip()]


@dataclass(frozen=True)
class Release:
    path: Path
    manifest: dict
    con: duckdb.DuckDBPyConnection
    memo: dict = field(default_factory=dict, compare=False)  # answers that hold for the whole release, kept while it is open
    held: HeldMarts | None = field(default=None, compare=False)  # marts held in memory (the service), as they load

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cursor = self.con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def buckets(self, mart: str) -> int | None:
        """How many buckets the mart is split into; None for a mart that is not (or a release of an older layout)."""
        return ((self.manifest.get("marts") or {}).get(mart) or {}).get("buckets")

    def for_subject(self, mart: str, subject_id: str, alias: str = "") -> tuple[str, list]:
        """A SQL predicate selecting the subject's rows of `mart` (its bucket's file alone), and its parameters.
        `subject_id` is the mart's own key: the masked id in public_disclosure."""
        prefix = f"{alias}." if alias else ""
        buckets = self.buckets(mart)
        if buckets is None:
            return f"{prefix}subject_id = ?", [subject_id]
        # The bucket as a literal: DuckDB prunes hive partitions on constants when it plans the query.
        return f"({prefix}bucket = {bucket_of(subject_id, buckets)} and {prefix}subject_id = ?)", [subject_id]

    def subject_rows(self, mart: str, subject_id: str, columns: str, order_by: str = "",
                     only: tuple[str, Collection] | None = None) -> list[dict]:
        """The subject's rows of `mart`: `columns` (comma-separated names), ordered by `order_by` (names,
        ascending, nulls last) then by the columns themselves, and, with `only=(column, values)`, only the rows
        whose column is one of the values. From memory where the service holds the subject's bucket, else SQL."""
        names, order = _names(columns), _names(order_by)
        if only is not None and not only[1]:
            return []
        if self.held is not None:
            found = self.held.rows(mart, subject_id, names, order, only)
            if found is not None:
                return found
        where, params = self.for_subject(mart, subject_id)
        if only is not None:
            where += f" and list_contains(?, {only[0]})"
            params.append(sorted(only[1]))
        ties = [n for n in names if n not in order]
        return self.rows(f"select {', '.join(names)} from {mart} where {where} "
                         f"order by {', '.join(order + ties)}", params)

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


def bucket_files(release: Path, mart: str, bucket: int) -> list[Path]:
    return sorted((release / mart / f"bucket={bucket:03d}").glob("*.parquet"))


def _identity(path: Path, columns: tuple[str, ...]) -> tuple:
    st = path.stat()
    # A hard link shares all four; a rewritten file is a new inode (and a recycled inode would need the same
    # size and nanosecond mtime too).
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, columns


class HeldFile:
    """One bucket file's rows in memory: the wanted columns as Arrow arrays (text columns that repeat
    dictionary-encoded), and each subject's row range as two sorted numpy arrays (the ids, fixed-width)."""

    def __init__(self, path: Path, columns: tuple[str, ...]):
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        table = pq.ParquetFile(path).read(columns=[SUBJECT, *columns], use_threads=False)
        ids = table.column(SUBJECT).combine_chunks()
        if len(ids) > 1 and not pc.all(pc.less_equal(ids[:-1], ids[1:])).as_py():
            table = table.take(pc.sort_indices(table, [(SUBJECT, "ascending")]))  # publication sorts; never assume it
            ids = table.column(SUBJECT).combine_chunks()
        starts = np.flatnonzero(np.concatenate(
            [[True], pc.not_equal(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)])) if len(ids) else np.zeros(0, np.int64)
        unique = ids.take(pa.array(starts, pa.int64()))
        self.width = max(1, pc.max(pc.binary_length(unique)).as_py() or 1) if len(unique) else 1
        if pc.all(pc.string_is_ascii(unique)).as_py() is not False:
            # NUL-padded to one width, numpy's own padding: the order is kept and a key needs no padding.
            fixed = pc.utf8_rpad(unique, self.width, "\0").cast(pa.binary()).cast(pa.binary(self.width))
            self.ids = np.frombuffer(fixed.buffers()[1], dtype=f"S{self.width}", count=len(unique))
        else:
            self.ids = np.array([i.encode("utf-8") for i in unique.to_pylist()], dtype=f"S{self.width}")
        self.starts = np.append(starts, len(ids)).astype(np.int64)
        self.columns = {}
        for name in columns:
            column = table.column(name).combine_chunks()
            if pa.types.is_string(column.type) and len(column) and pc.count_distinct(column).as_py() * 2 < len(column):
                column = column.dictionary_encode()
            self.columns[name] = column
        self.rows = len(ids)

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.starts.nbytes + sum(c.nbytes for c in self.columns.values())

    def span(self, subject_id: str) -> tuple[int, int] | None:
        key = subject_id.encode("utf-8")
        if len(key) > self.width or not key or key.endswith(b"\0"):
            return None
        i = int(self.ids.searchsorted(key))
        if i < len(self.ids) and self.ids[i] == key:
            return int(self.starts[i]), int(self.starts[i + 1])
        return None

    def take(self, span: tuple[int, int], names: list[str]) -> list[dict]:
        start, stop = span
        values = [self.columns[n].slice(start, stop - start).to_pylist() for n in names]
        return [dict(zip(names, row)) for row in zip(*values)]


def _order_key(names: list[str]):
    # SQL's ascending order with nulls last, column by column.
    return lambda row: [(row[n] is None, row[n]) for n in names]


class HeldMarts:
    """Some marts' columns held in memory, per bucket file, for one release. `rows` answers from a bucket
    once it is loaded and None before (the caller then asks SQL). `load` (a background thread) loads every
    bucket, taking over the files an earlier release already loaded (`reuse`: identity -> HeldFile)."""

    def __init__(self, release: Path, manifest: dict, wanted: dict[str, str]):
        marts = manifest.get("marts") or {}
        self.release = release
        self.wanted = {m: tuple(_names(c)) for m, c in wanted.items() if (marts.get(m) or {}).get("buckets")}
        self.buckets = {m: marts[m]["buckets"] for m in self.wanted}
        self._loaded: dict[str, list[list[HeldFile] | None]] = {m: [None] * n for m, n in self.buckets.items()}
        self.files: dict[tuple, HeldFile] = {}  # identity -> file, for the next release to take over
        self.loaded_files = self.reused_files = 0
        self.done = not self.wanted

    def rows(self, mart: str, subject_id: str, names: list[str], order: list[str],
             only: tuple[str, Collection] | None) -> list[dict] | None:
        wanted = self.wanted.get(mart)
        extra = [n for n in order + ([only[0]] if only else []) if n not in names]
        if wanted is None or not set(names + extra) <= set(wanted):
            return None
        files = self._loaded[mart][bucket_of(subject_id, self.buckets[mart])]
        if files is None:
            return None
        found = []
        for held in files:
            span = held.span(subject_id)
            if span is not None:
                found += held.take(span, names + list(dict.fromkeys(extra)))
        if only is not None:
            column, values = only
            found = [r for r in found if r[column] in values]
        found.sort(key=_order_key(order + [n for n in names if n not in order]))
        if extra:
            found = [{n: r[n] for n in names} for r in found]
        return found

    def bucket(self, mart: str, bucket: int) -> list[HeldFile] | None:
        """The files held of one bucket, None while it is not loaded."""
        return self._loaded[mart][bucket]

    def load(self, reuse: dict[tuple, HeldFile], stop: threading.Event) -> None:
        for mart, columns in self.wanted.items():
            for bucket in range(self.buckets[mart]):
                files = []
                for path in bucket_files(self.release, mart, bucket):
                    if stop.is_set():
                        return
                    identity = _identity(path, columns)
                    held = reuse.get(identity)
                    if held is None:
                        held = HeldFile(path, columns)
                        self.loaded_files += 1
                    else:
                        self.reused_files += 1
                    self.files[identity] = held
                    files.append(held)
                self._loaded[mart][bucket] = files
        self.done = True

    def status(self) -> dict:
        return {"marts": {m: sum(f is not None for f in b) for m, b in self._loaded.items()}, "done": self.done,
                "files_loaded": self.loaded_files, "files_taken_over": self.reused_files,
                "bytes": sum(f.nbytes for f in list(self.files.values()))}


class _OpenRelease:
    """One release held open: a connection, a pool of cursors (one per concurrent query: a DuckDB
    connection must not run two queries at once), a count of the queries using it, and what it holds in
    memory (loaded in the background, taking over what the previous release held)."""

    def __init__(self, path: Path, config: dict | None, hold: dict[str, str] | None = None,
                 previous: _OpenRelease | None = None):
        self.path = path
        self.manifest, self.con = _connect(path, config)
        self.memo: dict = {}  # shared by every query on this release (Release.once)
        self.users = 0
        self.retired = False
        self._idle: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.held = HeldMarts(path, self.manifest, hold) if hold else None
        if self.held is not None and not self.held.done:
            # What the previous release holds or is still loading; it stops loading once retired.
            reuse = previous.held.files if previous is not None and previous.held is not None else {}
            threading.Thread(target=self._load, args=(reuse,), name=f"hold-{path.name}", daemon=True).start()

    def _load(self, reuse: dict) -> None:
        try:
            # Below the requests: on a busy machine loading takes longer, answers do not wait for it.
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except (AttributeError, OSError):
            pass
        try:
            self.held.load(reuse, self._stop)
        except Exception:  # noqa: BLE001 - a file unreadable: its subjects stay answered by SQL
            import logging

            logging.getLogger(__name__).exception("holding %s in memory stopped", self.path.name)

    @property
    def loading(self) -> bool:
        return self.held is not None and not self.held.done and not self._stop.is_set()

    def take_cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._idle.pop() if self._idle else self.con.cursor()

    def give_back(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            self._idle.append(cursor)

    def close(self) -> None:
        self._stop.set()  # the loader reads Parquet files, not this connection: closing need not wait for it
        for cursor in self._idle:
            cursor.close()
        self.con.close()


class LiveRelease:
    """The current release, kept open between queries and following the publish symlink.

    Each `use()` reads the symlink (one readlink under the lock; a full resolution when its text changed or it is
    not a link). A query that finds it moved opens the new release (the queries arriving meanwhile wait the
    ~20 ms that takes rather than open it twice or answer from the old one); queries already on the old release
    finish there, and the last one out closes it. `hold` names the marts and columns to hold in memory (mart -> columns)."""

    def __init__(self, publish_dir: Path, config: dict | None = None, hold: dict[str, str] | None = None):
        self.publish_dir = publish_dir
        self.config = config
        self.hold = hold
        self._current: _OpenRelease | None = None
        self._link: str | None = None  # the symlink's text when _current was resolved from it
        self._lock = threading.Lock()
        self.opened: list[str] = []  # release names in the order they were opened (shown by /healthz)

    def _acquire(self) -> _OpenRelease:
        with self._lock:
            # Resolved under the lock: a query that read the link just before a switch, then waited while the
            # new release was being opened, must not take the old one back. Release folders are never reused
            # under a name, so an unchanged link text is the same release: no realpath (a tenth of a check's CPU).
            try:
                link = os.readlink(self.publish_dir)
            except OSError:
                link = None
            current = self._current
            if link is not None and current is not None and link == self._link:
                path = current.path
            else:
                path, self._link = _current_path(self.publish_dir), link
            if current is None or current.path != path:
                fresh = _OpenRelease(path, self.config, self.hold, current)
                if current is not None:
                    self._retire(current)
                self._current = current = fresh
                self.opened.append(path.name)
            current.users += 1
            return current

    def _retire(self, release: _OpenRelease) -> None:  # under self._lock
        release.retired = True
        release._stop.set()  # its loading stops; what it loaded, the new release takes over
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
                yield Release(opened.path, opened.manifest, cursor, opened.memo, opened.held)
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
    def in_memory(self) -> bool:
        """Whether the current release holds in memory all it was asked to (a look-up reads no file)."""
        current = self._current
        return bool(current and current.held is not None and current.held.done and not current.retired)

    @property
    def loading(self) -> bool:
        """Whether the current release is still loading what it holds in memory."""
        current = self._current
        return bool(current and current.loading)

    def held_status(self) -> dict | None:
        current = self._current
        return current.held.status() if current is not None and current.held is not None else None
