"""Which delivery files arrived since a sensor last looked, remembered in a cursor of a few bytes.

The cursor is a high-water mark: a change time (the later of mtime and ctime, in ns) up to which every file has been
looked at. Each look takes the files that changed after the mark and at least SETTLE_NS before the look began, then
moves the mark there. A file that changed later (still being written, or landing while the folders are listed) is
left for the next look, whose window starts exactly where this one ended: every file falls into one look's window,
so nothing is missed and nothing needs remembering by name. ctime counts because a copy that kept an old mtime
(cp -p, rsync -t, unzip) still gets a new ctime when it lands.

A file in the window that the lake already recorded with the same size and mtime (ingested by `credit-pipeline run`,
the daily job, or a run requested before the cursor was lost) is not new: the first look after a run that ingested
everything finds nothing. Only names of deliveries count: a misnamed file is reported by the next ingestion, but
launches no run that would ingest nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from credit_pipeline.ingest.drop import Delivery, FileStat, list_feed_files, parse_file_name
from credit_pipeline.ingest.lake import Lake

# Filesystem clocks are coarse (a few ms; seconds on some network filesystems): files changed within this long
# before a look are remembered by name rather than trusted to the mark.
SETTLE_NS = 5 * 10**9


@dataclass(frozen=True)
class Cursor:
    mark: int = 0

    @classmethod
    def parse(cls, text: str | None) -> Cursor:
        """A stored cursor; a missing one, or one in the earlier format (every file's stat), starts from the lake."""
        data = json.loads(text) if text else {}
        return cls(int(data["mark"])) if isinstance(data, dict) and "mark" in data else cls()

    def dumps(self) -> str:
        return json.dumps({"mark": self.mark})


@dataclass
class Arrivals:
    new: dict[str, FileStat]  # feed/name -> stat, for deliveries not ingested yet
    cursor: Cursor
    files: int  # files listed

    @property
    def run_key(self) -> str:
        """The same new files give the same key: Dagster launches a run key once, so a look repeated after a restart
        that lost the cursor asks for nothing twice."""
        text = "\n".join(f"{path}={s.size}:{s.changed_ns}" for path, s in sorted(self.new.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def ingested_signatures(lake: Lake, paths: list[str]) -> dict[str, tuple[int, int]]:
    """Size and mtime the lake recorded for each of these drop paths, as ingestion last looked at them."""
    if not paths or not any(lake.folder("_files").glob("*.parquet")):
        return {}
    with duckdb.connect() as con:
        con.execute("create temporary table wanted (file_path varchar)")
        con.executemany("insert into wanted values (?)", [[p] for p in paths])
        rows = con.execute(
            f"select file_path, size, mtime_ns from {lake.glob('_files')} join wanted using (file_path) "
            "qualify row_number() over (partition by file_path order by batch_id desc) = 1"
        ).fetchall()
    return {path: (size, mtime) for path, size, mtime in rows}


def look(feed_dir: Path, feeds: Iterable[str], lake: Lake, cursor: Cursor, now_ns: int | None = None) -> Arrivals:
    """List the feed folders and say which deliveries arrived since `cursor`, with the cursor to keep."""
    horizon = max(cursor.mark, (now_ns if now_ns is not None else time.time_ns()) - SETTLE_NS)
    candidates: dict[str, FileStat] = {}
    files = 0
    for feed in feeds:
        for name, file_stat in list_feed_files(feed_dir, feed):
            if file_stat is None:
                continue
            files += 1
            if cursor.mark < file_stat.changed_ns <= horizon and isinstance(parse_file_name(feed, Path(name)), Delivery):
                candidates[f"{feed}/{name}"] = file_stat
    known = ingested_signatures(lake, sorted(candidates))
    new = {path: s for path, s in candidates.items() if known.get(path) != s.signature}
    return Arrivals(new, Cursor(horizon), files)
