"""Read access to the current release of the published marts, never to the warehouse.

The release folder is resolved once, so a switch of `$CREDIT_HOME/publish` in the middle of a query
cannot mix two releases (the previous releases are kept, see publish.KEEP_RELEASES)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb


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


@contextmanager
def open_release(publish_dir: Path) -> Iterator[Release]:
    if not (publish_dir / "published.duckdb").exists():
        raise NothingPublished(f"nothing is published under {publish_dir}: run the pipeline first (`make run`)")
    release = publish_dir.resolve()
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(release / "published.duckdb"), read_only=True)
    try:
        yield Release(release, manifest, con)
    finally:
        con.close()
