"""The publication gate (SPEC §2-§3): which deliveries keep the marts from being published.

A delivery blocks when it cannot be read, misses a required column, or sets aside more than its
feed's share (catalogue_feeds.set_aside_threshold, for deliveries of at least set_aside_min_rows
rows: one bad row of three is not a broken system). It keeps blocking on later runs until the same
department delivers that feed again without blocking, so a rerun cannot slip it through.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from credit_pipeline.catalogue import Feed

BLOCKING_SQL = """
with judged as (
    select *,
           status <> 'ingested' or (rows_in >= $min_rows and rows_set_aside > $threshold * rows_in) as blocks
    from {ledger}
    where feed = $feed
)
select b.file_path, b.department_id, b.delivery_date, b.status, b.rows_in, b.rows_set_aside,
       coalesce(b.message, 'sets aside ' || b.rows_set_aside || ' of ' || b.rows_in || ' rows') as reason
from judged b
where b.blocks
  and not exists (
      select 1 from judged later
      where later.department_id = b.department_id and not later.blocks
        and (later.delivery_date, later.ingested_at) > (b.delivery_date, b.ingested_at)
  )
order by b.delivery_date, b.file_path
"""


@dataclass(frozen=True)
class BlockingDelivery:
    file_path: str
    department_id: str
    delivery_date: str
    status: str
    rows_in: int
    rows_set_aside: int
    reason: str


def blocking_deliveries(con: duckdb.DuckDBPyConnection, ledger: str, feed: Feed) -> list[BlockingDelivery]:
    """The feed's deliveries that block publication, from the ledger (`ledger`: SQL reading the lake's ledger)."""
    rows = con.execute(
        BLOCKING_SQL.format(ledger=ledger),
        {"feed": feed.feed, "threshold": feed.set_aside_threshold, "min_rows": feed.set_aside_min_rows},
    ).fetchall()
    return [BlockingDelivery(r[0], r[1], str(r[2]), r[3], r[4], r[5], r[6]) for r in rows]
