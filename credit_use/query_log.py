"""The query log (seed 003: 查询使用登记): one JSON line per look-up of someone's credit, answered or
refused, appended and never rewritten.

It lives in `$CREDIT_HOME/query_log/`, outside the warehouse and the releases, so no pipeline run touches
it. Each entry is written with one O_APPEND write under an exclusive lock and synced to disk before the
answer is returned: concurrent look-ups never interleave, and no answer goes out unlogged. It holds
unmasked IDs: it is internal, like the warehouse."""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime, timezone
from pathlib import Path


def log_path(log_dir: Path, at: datetime) -> Path:
    return log_dir / f"queries-{at:%Y-%m}.jsonl"  # one file a month keeps each file small


def append_query(log_dir: Path, entry: dict) -> dict:
    """Append one entry (stamped with the time) and return it as written."""
    now = datetime.now(timezone.utc)
    entry = {"logged_at": now.isoformat(timespec="milliseconds")} | entry
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    log_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(log_path(log_dir, now), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock
    return entry


def read_queries(log_dir: Path) -> list[dict]:
    entries = []
    for path in sorted(log_dir.glob("queries-*.jsonl")):
        entries += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return entries
