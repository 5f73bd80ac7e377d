"""A whole drop: every feed built in catalogue order from its own random stream, defects planted,
references kept for the feeds that name earlier records, files written, and a summary."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from credit_pipeline.catalogue import load_catalogue
from credit_tools.demo.generator.applications import (
    add_redeliveries, build_xyxf, build_yysq, listing_references, penalty_references,
)
from credit_tools.demo.generator.dates import Window
from credit_tools.demo.generator.defects import DEFECT_FEEDS, DEFECT_RATES, plant_defects
from credit_tools.demo.generator.feeds import (
    build_djzc, build_hypj, build_qtxw, build_sxbzxr, build_xycn, build_xymd, build_xzxk, build_zzsb,
)
from credit_tools.demo.generator.files import write_feed
from credit_tools.demo.generator.penalties import build_xzcf
from credit_tools.demo.generator.records import Context
from credit_tools.demo.generator.subjects import build_subjects

SUMMARY_FILE = ".generator_summary.json"  # hidden: the drop scan does not take it for a delivery or a folder


BUILDERS = {
    "djzc": build_djzc, "xzxk": build_xzxk, "xzcf": build_xzcf, "qtxw": build_qtxw,
    "sxbzxr": build_sxbzxr, "xymd": build_xymd, "xycn": build_xycn, "zzsb": build_zzsb,
    "hypj": build_hypj, "yysq": build_yysq, "xyxf": build_xyxf,  # these two refer to xzcf and xymd
}


def generate_drop(
    feed_dir: Path, *, subjects: int = 2000, seed: int = 42, as_of: date, max_rows_per_file: int = 100_000,
    on_feed: Callable[[str], None] | None = None,
) -> dict:
    """Write a whole feed drop under feed_dir and return its summary, also saved as SUMMARY_FILE.

    Summary: subjects; files (delivery files written, duplicates included); records (rows per feed,
    defective ones included, each delivery once: duplicate files are not counted again); defects
    (planted rows per rule code); duplicate_files; seconds. Same arguments, same bytes in every
    delivery file (only `seconds` varies). feed_dir must not hold a drop already. `on_feed` hears of each feed
    written (progress).
    """
    started = time.perf_counter()
    feed_dir = Path(feed_dir)
    catalogue = load_catalogue()
    if set(catalogue) != set(BUILDERS):
        raise ValueError(f"catalogue feeds {sorted(catalogue)} differ from the generator's {list(BUILDERS)}")
    existing = [p for p in (feed_dir / f for f in BUILDERS) if p.exists() and any(p.iterdir())]
    if existing or (feed_dir / SUMMARY_FILE).exists():
        raise FileExistsError(f"{feed_dir} already holds a feed drop; remove it or choose another folder")
    window = Window.before(as_of)
    population, people = build_subjects(np.random.default_rng([seed, 0]), subjects, window)
    ctx = Context(window, population, people, rng=None)
    summary = {"subjects": subjects, "files": 0, "records": {}, "defects": dict.fromkeys(DEFECT_RATES, 0),
               "duplicate_files": 0}
    for number, feed in enumerate(BUILDERS, start=1):
        ctx.rng = np.random.default_rng([seed, number])
        rows = BUILDERS[feed](ctx)
        rows.clean = np.ones(len(rows), dtype=bool)  # until defects are planted
        if feed in DEFECT_FEEDS:
            for code, count in plant_defects(catalogue[feed], rows, ctx).items():
                summary["defects"][code] += count
        if feed == "xzcf":
            ctx.penalties = penalty_references(rows, ctx)
            rows = add_redeliveries(ctx, rows)
        elif feed == "xymd":
            ctx.listings = listing_references(rows, ctx)
        file_rng = np.random.default_rng([seed, number, 1])  # how files look, apart from content
        files, duplicates = write_feed(feed_dir, catalogue[feed], rows, file_rng, max_rows_per_file)
        summary["files"] += files
        summary["duplicate_files"] += duplicates
        summary["records"][feed] = len(rows)
        del rows  # before the next feed is built: bounds memory to one feed at a time
        if on_feed:
            on_feed(feed)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    text_out = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
    (feed_dir / SUMMARY_FILE).write_text(text_out, encoding="utf-8")
    return summary
