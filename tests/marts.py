"""Reading the published marts as BI does: through the release's published.duckdb, read-only."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd


def read_marts(publish_dir: Path) -> dict[str, pd.DataFrame]:
    """Every mart of the current release, without the bucket column the Parquet layout adds."""
    with duckdb.connect(str(publish_dir / "published.duckdb"), read_only=True) as con:
        marts = [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
        return {m: con.execute(f'select * exclude (bucket) from "{m}"' if _has_bucket(con, m) else f'select * from "{m}"').df()
                for m in marts}


def read_mart(publish_dir: Path, mart: str) -> pd.DataFrame:
    return read_marts(publish_dir)[mart]


def _has_bucket(con: duckdb.DuckDBPyConnection, mart: str) -> bool:
    return any(r[0] == "bucket" for r in con.execute(f'describe "{mart}"').fetchall())


VOLATILE = {"recorded_at", "ingested_at"}  # when each home ingested a delivery


def assert_same_marts(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame], marts) -> None:
    """The same rows in every mart, in any order, but for when each home ingested what."""
    for mart in marts:
        columns = [c for c in right[mart].columns if c not in VOLATILE]
        a = left[mart][columns].astype(str).sort_values(columns).reset_index(drop=True)
        b = right[mart][columns].astype(str).sort_values(columns).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, obj=mart)
