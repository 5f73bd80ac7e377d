"""Reading one delivery file into a frame of text values, whatever its encoding or format."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

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
    return frame.fillna("").astype(str).apply(lambda col: col.str.strip())


def read_delivery(path: Path) -> tuple[pd.DataFrame, str]:
    """All cells as stripped strings ('' for empty) and the encoding found ('xlsx' for workbooks)."""
    if path.suffix.lower() == ".xlsx":
        try:
            frame = pd.read_excel(path, dtype=str, engine="openpyxl", keep_default_na=False)
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise UnreadableDelivery(f"not a readable workbook: {exc}") from exc
        return _clean(frame), "xlsx"
    raw = path.read_bytes()
    encoding = detect_encoding(raw)
    text = raw.decode(encoding)
    if not text.strip():
        raise UnreadableDelivery("the file is empty")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UnreadableDelivery(f"not a readable CSV table: {exc}") from exc
    return _clean(frame), encoding
