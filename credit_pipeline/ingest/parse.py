"""Delivery files to physical records: which line each record starts on, in which file, with which fields.

Line numbers and file boundaries come from the records themselves, never from splitting text on Unicode line
breaks (U+2028 inside a field is text) or from counting lines that "look empty" (a line holding a full-width
space is a record, and a wrong one). CSV is split on '\n' only.

- A CSV file without any quote character (almost every delivery) is split into lines and fields in DuckDB SQL,
  all files of a batch at once, on every core (`TEXT_PARTS`).
- A CSV file with quote characters is read here, line by line, so that a quote opened and never closed sets
  aside the lines that carry it instead of silently swallowing the records after it (`exact_rows`).
- A workbook is read sheet by sheet with calamine: identifiers stay text, date cells become dates, and a number
  in an identifier column is reported, never guessed (Excel keeps 15 significant digits; an ID has 18).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa

from credit_pipeline.catalogue import Feed


class UnreadableDelivery(Exception):
    """The file cannot be read as a table at all; the whole delivery is set aside with this message."""


# --------------------------------------------------------------------------------------------- encodings

# Three Chinese characters in a row as UTF-8 encodes them: GBK text that is not UTF-8 almost never has a whole
# line that also decodes as UTF-8 around such a run.
_UTF8_CJK_RUN = re.compile(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){3}")


def _mixed_encodings(raw: bytes) -> str | None:
    """Why a file that is not UTF-8 is not GBK either but both, line by line (an editor appending in another
    encoding): decoding it as GBK would publish mojibake for its UTF-8 lines. None when it is not mixed."""
    for match in _UTF8_CJK_RUN.finditer(raw):
        start = raw.rfind(b"\n", 0, match.start()) + 1
        end = raw.find(b"\n", match.end())
        line = raw[start:] if end == -1 else raw[start:end]
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            other = raw.count(b"\n", 0, exc.start) + 1
        utf8_line = raw.count(b"\n", 0, start) + 1
        return (f"mixed encodings: line {utf8_line} is UTF-8 and line {other} is not (GBK?); deliver the whole file "
                "in one encoding, UTF-8 or GBK")
    return None


def utf8(raw: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 bytes without a BOM, and the encoding it came in: GBK is re-encoded, UTF-8 not copied."""
    encoding = "utf-8"
    if raw.startswith(codecs.BOM_UTF8):
        raw, encoding = raw[len(codecs.BOM_UTF8):], "utf-8-sig"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        if encoding == "utf-8-sig":
            raise UnreadableDelivery("starts with a UTF-8 byte order mark but is not UTF-8") from None
        mixed = _mixed_encodings(raw)
        if mixed:
            raise UnreadableDelivery(mixed) from None
        try:
            raw, encoding = raw.decode("gb18030").encode("utf-8"), "gb18030"
        except UnicodeDecodeError as exc:
            raise UnreadableDelivery(f"neither UTF-8 nor GBK (byte {exc.start}: {exc.reason})") from exc
    if not raw.strip():
        raise UnreadableDelivery("the file is empty")
    return raw, encoding


# --------------------------------------------------------------------------------------------- headers

@dataclass
class Header:
    """A part's columns as delivered, and what they mean against the catalogue."""

    names: list[str]
    positions: dict[str, int]  # catalogue item -> 1-based field position
    extra: list[tuple[str, int]]  # unknown columns and their positions
    missing: list[str]  # required items absent
    duplicated: list[str]  # catalogue items that appear more than once
    notes: list[str] = field(default_factory=list)  # what looks wrong, in words a department understands
    trailing_comma: bool = False  # every line ends with an empty field after a last comma

    @property
    def unique_names(self) -> list[str]:
        """The column names, a repeated one numbered (名称, 名称#2): keys of the record kept with a set-aside row."""
        seen: dict[str, int] = {}
        out = []
        for name in self.names:
            seen[name] = seen.get(name, 0) + 1
            out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
        return out


def _near_miss(name: str, items: set[str]) -> str | None:
    """The catalogue item a delivered column name was probably meant to be (ASCII parentheses, spaces)."""
    candidate = name.replace("(", "（").replace(")", "）").replace(" ", "").replace("\u3000", "")
    return candidate if candidate != name and candidate in items else None


def read_header(names: list[str], feed: Feed) -> Header:
    names = [n.strip().lstrip("\ufeff").strip() for n in names]
    notes = []
    trailing_comma = len(names) > 1 and names[-1] == ""
    if trailing_comma:
        names = names[:-1]
        notes.append("a trailing comma ends the header (and every line): the empty last column is ignored")
    items = set(feed.item_names)
    positions: dict[str, int] = {}
    duplicated, extra = [], []
    for pos, name in enumerate(names, 1):
        if name in items:
            if name in positions:
                duplicated.append(name)
            else:
                positions[name] = pos
        else:
            extra.append((name, pos))
    if len(set(names)) < len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        notes.append(f"columns repeated in the header: {', '.join(repeated)}")
    for name, _ in extra:
        meant = _near_miss(name, items)
        if meant and meant not in positions:
            notes.append(f"column {name!r} is not in the catalogue; did you mean {meant!r} (full-width parentheses, no spaces)?")
    missing = [i.item for i in feed.items if i.requirement == "R" and i.item not in positions]
    if len(names) == 1 and "\t" in names[0]:
        notes.append("the header holds tabs and no commas: the file is tab-separated; deliver comma-separated CSV")
    elif missing and len(missing) == sum(i.requirement == "R" for i in feed.items):
        notes.append("none of the catalogue's required columns is in the header: is this the right feed folder, "
                     "and is the file UTF-8 or GBK (not Big5 or UTF-16)?")
    return Header(names, positions, extra, missing, sorted(set(duplicated)), notes, trailing_comma)


# --------------------------------------------------------------------------------------------- parts

@dataclass
class Part:
    """One table of a delivery: a CSV file, or one sheet of a workbook."""

    delivery: int  # index of the delivery in the batch
    label: str  # how the part is named in messages and lineage: feed/file, or feed/file[sheet]
    header: Header
    header_line: int
    text: bytes | None = None  # the lines after the header (UTF-8), split in SQL: no quote character in them
    rows: list[tuple[int, list[str], list[str]]] | None = None  # (line, fields, numeric cells) read here
    set_aside: list[tuple[int, str, str]] = field(default_factory=list)  # (line, rule, raw text) found while reading


def _first_line(data: bytes) -> tuple[str, int, int]:
    """The header line (the first line that is not empty), its line number and the offset where the body starts."""
    line_no, start = 1, 0
    while True:
        end = data.find(b"\n", start)
        line = (data[start:] if end < 0 else data[start:end]).rstrip(b"\r")
        if line.strip() or end < 0:
            return line.decode("utf-8"), line_no, (len(data) if end < 0 else end + 1)
        line_no, start = line_no + 1, end + 1


def _split_fields(line: str) -> list[str]:
    return next(csv.reader([line], strict=True))


def exact_rows(body: str, first_line: int, width: int) -> tuple[list[tuple[int, list[str], list[str]]], list[tuple[int, str, str]]]:
    """Records of CSV text that holds quote characters, each with the line it starts on.

    A line whose quotes are unbalanced opens a field that runs on into the next lines. That is accepted when
    the lines it takes in do not look like records themselves; otherwise the quote is a stray one: the line
    is set aside (unbalanced_quote) and the following lines are read on their own."""
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows, aside = [], []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\r")
        line_no = first_line + i
        if line == "":
            i += 1
            continue
        if line.count('"') % 2 == 0:
            try:
                rows.append((line_no, _split_fields(line), []))
            except csv.Error:
                aside.append((line_no, "unbalanced_quote", line))
            i += 1
            continue
        j, joined = i, line
        while joined.count('"') % 2 and j + 1 < len(lines):
            j += 1
            joined += "\n" + lines[j].rstrip("\r")
        taken_in = [lines[k].rstrip("\r") for k in range(i + 1, j + 1)]
        swallows_records = any(t.count(",") >= width - 1 for t in taken_in)
        if joined.count('"') % 2 == 0 and not swallows_records:
            try:
                rows.append((line_no, _split_fields(joined), []))
                i = j + 1
                continue
            except csv.Error:
                pass
        aside.append((line_no, "unbalanced_quote", line))
        i += 1
    return rows, aside


def csv_parts(delivery: int, label: str, data: bytes, feed: Feed) -> list[Part]:
    """A CSV file (UTF-8 bytes) as one part; its body goes to SQL unless it holds a quote character."""
    header_text, header_line, body_start = _first_line(data)
    names = _split_fields(header_text) if '"' in header_text else header_text.split(",")
    part = Part(delivery, label, read_header(names, feed), header_line)
    body = data[body_start:]
    if b'"' in body:
        part.rows, part.set_aside = exact_rows(body.decode("utf-8"), header_line + 1, len(part.header.names))
    else:
        part.text = body
    return [part]


def _cell_text(value) -> tuple[str, bool]:
    """A workbook cell as delivered text, and whether it was a number."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")), False
    if isinstance(value, date):
        return value.isoformat(), False
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)), True
    if isinstance(value, int):
        return str(value), True
    return str(value).strip(), False


def workbook_parts(delivery: int, label: str, raw: bytes, feed: Feed) -> tuple[list[Part], list[str]]:
    """Every sheet whose first row is a header of this feed; the other sheets are reported, not ignored."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names]
    except Exception as exc:  # a broken workbook raises many exception types
        raise UnreadableDelivery(f"not a readable workbook: {exc}") from exc
    parts, notes = [], []
    items = set(feed.item_names)
    for index, (name, rows) in enumerate(sheets):
        filled = [(n, r) for n, r in enumerate(rows, 1) if any(_cell_text(c)[0] for c in r)]
        if not filled:
            continue
        header_line, header_row = filled[0]
        names = [_cell_text(c)[0] for c in header_row]
        if not items & set(names):
            notes.append(f"sheet {name!r} ignored: its first row is not a header of {feed.feed}")
            continue
        header = read_header(names, feed)
        identifiers = {header.positions[i.item] - 1: i.item for i in feed.items
                       if i.format in ("uscc", "id_number") and i.item in header.positions}
        body = []
        for line, row in filled[1:]:
            cells = [_cell_text(c) for c in row[: len(header.names)]]
            numeric = [identifiers[k] for k, (_, is_number) in enumerate(cells) if is_number and k in identifiers]
            body.append((line, [text for text, _ in cells], numeric))
        sheet_label = label if index == 0 else f"{label}[{name}]"
        parts.append(Part(delivery, sheet_label, header, header_line, rows=body))
    if not parts:
        raise UnreadableDelivery("no sheet of the workbook has a header of this feed" + (f" ({'; '.join(notes)})" if notes else ""))
    return parts, notes


def read_parts(delivery: int, label: str, path: Path, raw: bytes, feed: Feed) -> tuple[list[Part], str, list[str]]:
    """The parts of one delivery file, the encoding found ('xlsx' for workbooks) and notes on its sheets."""
    if path.suffix.lower() == ".xlsx":
        parts, notes = workbook_parts(delivery, label, raw, feed)
        return parts, "xlsx", notes
    data, encoding = utf8(raw)
    return csv_parts(delivery, label, data, feed), encoding, []


# Arrow schemas of the two ways records reach DuckDB.
TEXT_PARTS = pa.schema([("part", pa.int32()), ("first_line", pa.int32()), ("text", pa.large_binary())])
ROW_PARTS = pa.schema([
    ("part", pa.int32()), ("line", pa.int32()), ("fields", pa.list_(pa.string())),
    ("numeric_cells", pa.list_(pa.string())), ("parse_rule", pa.string()), ("raw", pa.string()),
])


def text_table(parts: list[Part]) -> pa.Table:
    """The parts split in SQL: part index, the line number of the text's first line, the text."""
    chosen = [(i, p) for i, p in enumerate(parts) if p.text is not None]
    return pa.table(
        [pa.array([i for i, _ in chosen], pa.int32()), pa.array([p.header_line + 1 for _, p in chosen], pa.int32()),
         pa.array([p.text for _, p in chosen], pa.large_binary())],
        schema=TEXT_PARTS,
    )


def row_table(parts: list[Part]) -> pa.Table:
    """The records read here, and the lines set aside while reading (fields empty, the line's text in `raw`)."""
    columns: dict[str, list] = {name: [] for name in ROW_PARTS.names}
    for i, p in enumerate(parts):
        for line, fields, numeric in p.rows or []:
            for name, value in zip(ROW_PARTS.names, (i, line, fields, numeric, None, None), strict=True):
                columns[name].append(value)
        for line, rule, raw in p.set_aside:
            for name, value in zip(ROW_PARTS.names, (i, line, [], [], rule, raw), strict=True):
                columns[name].append(value)
    return pa.table([pa.array(columns[f.name], f.type) for f in ROW_PARTS], schema=ROW_PARTS)
