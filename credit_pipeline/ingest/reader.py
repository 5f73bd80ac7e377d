"""Reading delivery files into frames of text values, whatever their encoding or format.

Many departments deliver small daily files, so CSV files that share a header are parsed together in
one pass: the cost of ingestion follows the rows, not the number of files.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


class UnreadableDelivery(Exception):
    """The file cannot be read as a table at all; the whole delivery is set aside."""


def detect_encoding(raw: bytes) -> str:
    """UTF-8 (with or without BOM) or GBK; many departments' systems still write GBK.

    GB18030 is used to decode 'GBK' because it is a strict superset and never loses a character.
    """
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise UnreadableDelivery(f"neither UTF-8 nor GBK (byte {exc.start}: {exc.reason})") from exc


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    frame = frame.fillna("").astype(str)
    for name in frame.columns:
        frame[name] = frame[name].str.strip()
    return frame


def _parse_csv(text: str) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UnreadableDelivery(f"not a readable CSV table: {exc}") from exc


def _read_xlsx(path: Path | io.BytesIO) -> pd.DataFrame:
    try:
        # calamine (Rust) reads a small workbook in a fraction of openpyxl's time.
        return pd.read_excel(path, dtype=str, engine="calamine", keep_default_na=False)
    except Exception as exc:  # a broken workbook raises many exception types
        raise UnreadableDelivery(f"not a readable workbook: {exc}") from exc


def _decode(raw: bytes) -> tuple[str, str]:
    encoding = detect_encoding(raw)
    text = raw.decode(encoding)
    if not text.strip():
        raise UnreadableDelivery("the file is empty")
    return text, encoding


def read_delivery(path: Path) -> tuple[pd.DataFrame, str]:
    """One file: all cells as stripped strings ('' for empty) and the encoding found ('xlsx' for workbooks)."""
    if path.suffix.lower() == ".xlsx":
        return _clean(_read_xlsx(path)), "xlsx"
    text, encoding = _decode(path.read_bytes())
    return _clean(_parse_csv(text)), encoding


@dataclass
class ReadResult:
    """Files read together: `frames` hold their rows with `_file` (index into the paths) and `_line`."""

    frames: list[pd.DataFrame]
    encodings: dict[int, str]
    errors: dict[int, str]


def read_many(files: list[tuple[Path, bytes]]) -> ReadResult:
    """Read many files (path and the bytes already read); CSV files with the same header line are parsed in one pass."""
    result = ReadResult([], {}, {})
    groups: dict[str, list[tuple[int, str]]] = {}
    for i, (path, raw) in enumerate(files):
        try:
            if path.suffix.lower() == ".xlsx":
                frame = _clean(_read_xlsx(io.BytesIO(raw)))
                result.encodings[i] = "xlsx"
                result.frames.append(frame.assign(_file=i, _line=np.arange(len(frame)) + 2))
                continue
            text, result.encodings[i] = _decode(raw)
        except UnreadableDelivery as exc:
            result.errors[i] = str(exc)
            continue
        header, _, body = text.lstrip("\ufeff").partition("\n")
        groups.setdefault(header.rstrip("\r"), []).append((i, body))
    for header, members in groups.items():
        result.frames += _parse_group(header, members, result.errors)
    return result


def _rows_in(body: str) -> int:
    return sum(1 for line in body.splitlines() if line.strip())


def _parse_group(header: str, members: list[tuple[int, str]], errors: dict[int, str]) -> list[pd.DataFrame]:
    counts = [_rows_in(body) for _, body in members]
    text = header + "\n" + "".join(body if body.endswith("\n") or not body else body + "\n" for _, body in members)
    try:
        frame = _parse_csv(text)
    except UnreadableDelivery:
        frame = None
    if frame is not None and len(frame) == sum(counts):
        files = np.repeat([i for i, _ in members], counts)
        lines = np.concatenate([np.arange(n) + 2 for n in counts]) if counts else np.array([], dtype=int)
        return [_clean(frame).assign(_file=files, _line=lines)]
    # Something in one of the files (quoted line breaks, a broken row) keeps them from being split
    # reliably: read each on its own, so each gets its own outcome.
    frames = []
    for i, body in members:
        try:
            single = _clean(_parse_csv(header + "\n" + body))
            frames.append(single.assign(_file=i, _line=np.arange(len(single)) + 2))
        except UnreadableDelivery as exc:
            errors[i] = str(exc)
    return frames
