"""The feed drop (SPEC §2): which delivery files exist, and what their names say."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# <department USCC>_<YYYYMMDD>[_<n>].<csv|xlsx>
FILE_NAME = re.compile(r"^(?P<department>[0-9A-Z]{18})_(?P<date>\d{8})(?:_(?P<seq>\d+))?\.(?P<ext>csv|xlsx)$", re.IGNORECASE)


@dataclass(frozen=True)
class Delivery:
    feed: str
    path: Path
    department_id: str
    delivery_date: date
    seq: int
    file_format: str
    file_stat: tuple[int, int] = (0, 0)  # size, mtime_ns as scanned: unchanged files are skipped by it

    @property
    def file_name(self) -> str:
        return self.path.name

    def relative_path(self, feed_dir: Path) -> str:
        return f"{self.feed}/{self.path.name}"


def content_hash(data: bytes) -> str:
    """Identity of a delivery: the same bytes dropped twice are one delivery."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class MisnamedFile:
    feed: str
    path: Path
    reason: str


def parse_file_name(feed: str, path: Path, file_stat: tuple[int, int] = (0, 0)) -> Delivery | MisnamedFile:
    match = FILE_NAME.match(path.name)
    if not match:
        return MisnamedFile(feed, path, "file name is not <department USCC>_<YYYYMMDD>[_<n>].<csv|xlsx>")
    try:
        delivered = date(int(match["date"][:4]), int(match["date"][4:6]), int(match["date"][6:]))
    except ValueError:
        return MisnamedFile(feed, path, f"{match['date']} in the file name is not a date")
    return Delivery(
        feed=feed,
        path=path,
        department_id=match["department"].upper(),
        delivery_date=delivered,
        seq=int(match["seq"] or 0),  # SPEC §2: no suffix is 0, so _1 is later the same day
        file_format=match["ext"].lower(),
        file_stat=file_stat,
    )


def list_feed_files(feed_dir: Path, feed: str) -> Iterator[tuple[str, tuple[int, int]]]:
    """Names and (size, mtime_ns) of the files in a feed folder, hidden and Office lock files (~$) aside.
    scandir takes one stat per file while listing: a city's drop holds ~100k files."""
    folder = feed_dir / feed
    if not folder.is_dir():
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file() and not entry.name.startswith((".", "~$")):
                stat = entry.stat()
                yield entry.name, (stat.st_size, stat.st_mtime_ns)


def scan_feed(feed_dir: Path, feed: str) -> list[Delivery | MisnamedFile]:
    """Files of one feed folder in delivery order (date, then sequence, then name)."""
    folder = feed_dir / feed
    found = [parse_file_name(feed, folder / name, file_stat) for name, file_stat in list_feed_files(feed_dir, feed)]

    def order(x: Delivery | MisnamedFile):
        return (0, x.delivery_date, x.seq, x.path.name) if isinstance(x, Delivery) else (1, date.min, 0, x.path.name)

    return sorted(found, key=order)
