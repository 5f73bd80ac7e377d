"""The floor the benchmark measures the pipeline against: the least any ingestion of this drop must do.

Every CSV's bytes read (GBK re-encoded to UTF-8), the files that share a header parsed together by DuckDB from
memory, the identifiers' shape checked, the rows written as Parquet sorted by subject, and the records counted
per subject. No catalogue rule, no lineage, no ledger, no rating: whatever the pipeline spends beyond this is
its own cost, and the benchmark prints each stage as a multiple of it, measured in the same run on the same drop
(machines here are noisy; a ratio to a floor measured alongside is not).
"""

from __future__ import annotations

import codecs
import io
import os
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from credit_pipeline.ingest.rules import literal

ID_SHAPE = r"^[0-9A-Z]{18}$"


def _read(path: str) -> bytes:
    raw = Path(path).read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:]
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        return raw.decode("gb18030").encode("utf-8")


def measure_floor(feed_dir: Path) -> dict:
    """Run the floor on the drop; returns seconds, records and subjects."""
    started = time.perf_counter()
    paths = [e.path for folder in sorted(Path(feed_dir).iterdir()) if folder.is_dir()
             for e in os.scandir(folder) if e.name.endswith(".csv")]
    groups: dict[tuple[str, bytes], list[bytes]] = defaultdict(list)
    with ThreadPoolExecutor(4) as pool:
        for path, data in zip(paths, pool.map(_read, paths), strict=True):
            header, _, body = data.partition(b"\n")
            groups[(Path(path).parent.name, header.rstrip(b"\r"))].append(body if body.endswith(b"\n") else body + b"\n")
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")  # a session setting: DuckDB 2 refuses it as a global one
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for n, ((feed, header), bodies) in enumerate(groups.items()):
            names = header.decode("utf-8").split(",")
            text = header + b"\n" + b"".join(bodies)
            relation = con.read_csv(io.BytesIO(text), header=True, sep=",", quotechar='"', all_varchar=True, names=names)
            del text
            keys = [c for c in ("统一社会信用代码", "证件号码") if c in names] or names[:1]
            subject = "coalesce(" + ", ".join(f"nullif(\"{k}\", '')" for k in keys) + ")"
            shaped = " and ".join(f"(coalesce(\"{k}\", '') = '' or regexp_matches(\"{k}\", '{ID_SHAPE}'))" for k in keys)
            relation.query("g", f"select *, {shaped} as id_shape_ok from g order by {subject}").write_parquet(str(out / f"g{n}.parquet"))
        records, subjects = con.execute(
            "select sum(n), count(*) from (select coalesce(nullif(\"统一社会信用代码\", ''), nullif(\"证件号码\", '')) as s, count(*) as n "
            f"from read_parquet({literal(str(out / '*.parquet'))}, union_by_name = true) group by s)"
        ).fetchone()
    return {"seconds": time.perf_counter() - started, "records": int(records), "subjects": subjects, "files": len(paths)}
