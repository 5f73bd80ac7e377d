"""How a feed's rows become delivery files: one per department and day, split at a row limit, in
each department's layout and encoding, dates in a style per file, a few duplicated."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from credit_pipeline.catalogue import Feed
from credit_tools.demo.generator.columns import STRING, cat, choose, text
from credit_tools.demo.generator.records import DEPT_USCCS, Rows
from credit_tools.demo.writers import DATE_FORMATS, date_items, format_dates, render_delivery

# How files look. A department's system writes the same layout every day (encoding, column order, its
# own extra column): shares of departments per feed. Date styles and workbooks vary by file.
ENCODING_WEIGHTS = {"utf-8": 73, "utf-8-sig": 12, "gbk": 15}
SHUFFLED_COLUMNS_SHARE = 0.15
EXTRA_COLUMN_SHARE = 0.10
XLSX_SHARE, XLSX_MAX_ROWS = 0.02, 5000  # shares of files
MIXED_DATES_SHARE = 0.03
EXTRA_COLUMNS = {"内部编号": "NB", "批次号": "PC"}  # a department's own column, value prefix
DUPLICATE_SHARE = 0.01


def file_slices(dept: np.ndarray, delivered: np.ndarray, max_rows: int) -> list[tuple[int, int, int, int]]:
    """(start, stop, part, parts) of each file: one delivery per department and day, split at max_rows."""
    n = len(dept)
    change = np.flatnonzero((dept[1:] != dept[:-1]) | (delivered[1:] != delivered[:-1])) + 1
    out = []
    for start, stop in zip(np.concatenate([[0], change]), np.concatenate([change, [n]])):
        parts = -(-(stop - start) // max_rows)
        for p in range(parts):
            out.append((start + p * max_rows, min(stop, start + (p + 1) * max_rows), p + 1, parts))
    return out


def with_date_styles(table: pa.Table, columns: list[str], style: np.ndarray) -> pa.Table:
    """Each row's dates in DATE_FORMATS[style] (they come as YYYY-MM-DD)."""
    index = pa.array(style, pa.int64())
    for name in columns:
        i = table.column_names.index(name)
        iso_dates = table.column(i).combine_chunks()
        variants = [iso_dates] + [format_dates(iso_dates, f) for f in list(DATE_FORMATS)[1:]]
        table = table.set_column(i, name, pc.choose(index, *variants))
    return table


def write_feed(feed_dir: Path, feed: Feed, rows: Rows, rng, max_rows: int) -> tuple[int, int]:
    """Write a feed's files; returns (files written, of which duplicates)."""
    names = feed.item_names
    unknown = set(rows.columns) - set(names)
    if unknown:
        raise ValueError(f"{feed.feed}: columns not in the catalogue: {sorted(unknown)}")
    n = len(rows)
    order = pa.array(np.lexsort((rows.decided, rows.delivered, rows.dept)), pa.int64())
    table = pa.table({name: rows.columns.get(name, pa.nulls(n, STRING)) for name in names}).take(order)
    dept, delivered = rows.dept[order.to_numpy()], rows.delivered[order.to_numpy()]
    slices = file_slices(dept, delivered, max_rows)
    k, d = len(slices), len(DEPT_USCCS)
    encodings = np.array(list(ENCODING_WEIGHTS))[choose(rng, ENCODING_WEIGHTS, d)]
    shuffled = rng.random(d) < SHUFFLED_COLUMNS_SHARE
    layouts = [rng.permutation(len(names) + 1) for _ in range(d)]  # + 1: room for an extra column
    extra = np.where(rng.random(d) < EXTRA_COLUMN_SHARE, rng.integers(0, len(EXTRA_COLUMNS), d), -1)
    xlsx = rng.random(k) < XLSX_SHARE
    mixed_dates = rng.random(k) < MIXED_DATES_SHARE
    style = np.where(mixed_dates, len(DATE_FORMATS), rng.integers(0, len(DATE_FORMATS), k))
    duplicate = rng.random(k) < DUPLICATE_SHARE
    # one date format per file, a few files mixing them row by row
    sizes = np.array([stop - start for start, stop, _, _ in slices], dtype=np.int64)
    row_style = np.repeat(style, sizes)
    mixed = row_style == len(DATE_FORMATS)
    row_style[mixed] = rng.integers(0, len(DATE_FORMATS), int(mixed.sum()))
    table = with_date_styles(table, [c for c in names if c in date_items()], row_style)
    folder = feed_dir / feed.feed
    folder.mkdir(parents=True, exist_ok=True)
    files = duplicates = copies_in_delivery = 0
    for i, (start, stop, part, parts) in enumerate(slices):
        table_i = table.slice(start, stop - start)
        day = str(delivered[start]).replace("-", "")
        department = dept[start]
        if extra[department] >= 0:  # a department's own column the pipeline must keep aside
            name, prefix = list(EXTRA_COLUMNS.items())[extra[department]]
            table_i = table_i.append_column(name, cat(f"{prefix}{day}", text(np.arange(1, stop - start + 1), 5)))
        if shuffled[department]:
            order_i = [j for j in layouts[department] if j < table_i.num_columns]
            table_i = table_i.select([table_i.column_names[j] for j in order_i])
        suffix = ".xlsx" if xlsx[i] and stop - start < XLSX_MAX_ROWS else ".csv"
        data = render_delivery(table_i, suffix, encoding=str(encodings[department]))
        stem = f"{DEPT_USCCS[dept[start]]}_{day}"
        if part == 1:  # a new delivery: its duplicates are named after its last part
            copies_in_delivery = 0
        (folder / f"{stem}{'' if part == 1 else f'_{part}'}{suffix}").write_bytes(data)
        files += 1
        if duplicate[i]:  # the same file dropped again under the next free name
            copies_in_delivery += 1
            (folder / f"{stem}_{parts + copies_in_delivery}{suffix}").write_bytes(data)
            files += 1
            duplicates += 1
    return files, duplicates
