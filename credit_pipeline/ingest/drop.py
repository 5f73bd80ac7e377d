"""The feed drop (SPEC §2): which delivery files exist, and what their names say.

A delivery is a regular file directly inside a feed folder the catalogue knows, named
`<department USCC>_<YYYYMMDD>[_<n>].<csv|xlsx>`. Anything else is named as a problem, never ingested and
never silently skipped: a symlink (it could point anywhere on the host), a folder the catalogue does not know,
a file whose name does not say who delivered it and when.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from credit_pipeline.identifiers import is_uscc

# <department USCC>_<YYYYMMDD>[_<n>].<csv|xlsx>
FILE_NAME = re.compile(r"^(?P<department>[0-9A-Z]{18})_(?P<date>\d{8})(?:_(?P<seq>\d+))?\.(?P<ext>csv|xlsx)$", re.IGNORECASE)
IGNORED_PREFIXES = (".", "~$")  # hidden files and Office lock files are not deliveries


@dataclass(frozen=True)
class Delivery:
    feed: str
    path: Path
    department_id: str
    delivery_date: date
    seq: int  # the _<n> of the name; none is 0, so _10 is later than _9 and both later than none
    file_format: str
    file_stat: tuple[int, int] = (0, 0)  # size, mtime_ns as scanned: unchanged files are skipped by it
    department_id_valid: bool = True  # the name's USCC has a right check character (else the delivery is named)

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def relative_path(self) -> str:
        return f"{self.feed}/{self.path.name}"

    @property
    def order(self) -> tuple:
        """Delivery order (SPEC §2 "latest"): date, then the sequence as a number, then the name."""
        return self.delivery_date, self.seq, self.path.name


@dataclass(frozen=True)
class DropProblem:
    """A file or folder in the drop that is not a delivery, with why."""

    relative_path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.relative_path}: {self.reason}"


def parse_file_name(feed: str, path: Path, file_stat: tuple[int, int] = (0, 0)) -> Delivery | DropProblem:
    match = FILE_NAME.match(path.name)
    rel = f"{feed}/{path.name}"
    if not match:
        return DropProblem(rel, "file name is not <department USCC>_<YYYYMMDD>[_<n>].<csv|xlsx>")
    try:
        delivered = date(int(match["date"][:4]), int(match["date"][4:6]), int(match["date"][6:]))
    except ValueError:
        return DropProblem(rel, f"{match['date']} in the file name is not a date")
    return Delivery(
        feed=feed,
        path=path,
        department_id=match["department"].upper(),
        delivery_date=delivered,
        seq=int(match["seq"] or 0),
        file_format=match["ext"].lower(),
        file_stat=file_stat,
        department_id_valid=is_uscc(match["department"].upper()),
    )


class FileStat(NamedTuple):
    size: int
    mtime_ns: int
    ctime_ns: int

    @property
    def signature(self) -> tuple[int, int]:
        """What the lake records of a file it looked at: unchanged files are skipped by it."""
        return self.size, self.mtime_ns

    @property
    def changed_ns(self) -> int:
        """When the file last changed in any way: a copy that kept an old mtime (cp -p, rsync -t, unzip) still gets
        a new ctime when it lands, and a rename into the folder sets it too."""
        return max(self.mtime_ns, self.ctime_ns)


def list_feed_files(feed_dir: Path, feed: str) -> Iterator[tuple[str, FileStat | None]]:
    """Names in a feed folder with their stat for regular files, None for anything else (symlinks, folders).
    scandir takes one stat per entry while listing, without following links: a city's drop holds ~100k files."""
    folder = feed_dir / feed
    if not folder.is_dir() or folder.is_symlink():
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(IGNORED_PREFIXES):
                continue
            st = entry.stat(follow_symlinks=False)
            yield entry.name, (FileStat(st.st_size, st.st_mtime_ns, st.st_ctime_ns) if stat.S_ISREG(st.st_mode) else None)


def scan_feed(feed_dir: Path, feed: str, seen: dict[str, tuple[int, int]] | None = None
              ) -> tuple[list[Delivery | DropProblem], int]:
    """The deliveries of one feed folder in delivery order, then the problems found in it; and how many files were
    left out because `seen` (relative path -> size, mtime_ns) says they are unchanged since they were read."""
    deliveries, problems = [], []
    seen = seen or {}
    unchanged = 0
    folder = feed_dir / feed
    if folder.is_symlink():
        return [DropProblem(f"{feed}/", "the feed folder is a symbolic link: refused (deliveries are regular files inside the drop)")], 0
    for name, file_stat in list_feed_files(feed_dir, feed):
        if file_stat is None:
            problems.append(DropProblem(f"{feed}/{name}", "not a regular file (a symbolic link or a folder): refused"))
            continue
        if seen.get(f"{feed}/{name}") == file_stat.signature:
            unchanged += 1  # a city's drop keeps ~100k files: the ones read before cost one dict look-up
            continue
        found = parse_file_name(feed, folder / name, file_stat.signature)
        (deliveries if isinstance(found, Delivery) else problems).append(found)
    return sorted(deliveries, key=lambda d: d.order) + problems, unchanged


def unknown_folders(feed_dir: Path, feeds: Iterable[str]) -> list[DropProblem]:
    """Entries at the top of the drop that are not catalogue feed folders (e.g. xzcf_bak/): named, not read."""
    if not feed_dir.is_dir():
        return []
    known = set(feeds)
    return [
        DropProblem(f"{entry.name}/" if entry.is_dir(follow_symlinks=False) else entry.name,
                    "not a feed folder of the catalogue: nothing in it is read")
        for entry in sorted(os.scandir(feed_dir), key=lambda e: e.name)
        if entry.name not in known and not entry.name.startswith(IGNORED_PREFIXES)
    ]
