"""Write one delivery file the way departments send them (SPEC §2): CSV in UTF-8, UTF-8 with BOM
or GBK, or XLSX; every value text; dates in one of the three accepted formats.

Output is byte-for-byte deterministic: CSV goes through pyarrow, XLSX is assembled here with fixed
zip timestamps (openpyxl stamps the wall clock into every file).
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from credit_pipeline.catalogue import load_catalogue

ENCODINGS = ("utf-8", "utf-8-sig", "gbk")

# Accepted date formats, by name, as regex replacements of an ISO date. strftime spellings are
# accepted too. Values that are not ISO-shaped (empty, free text) are left as they are.
DATE_FORMATS = {"YYYY-MM-DD": r"\1-\2-\3", "YYYY/MM/DD": r"\1/\2/\3", "YYYYMMDD": r"\1\2\3"}
_STRFTIME = {"%Y-%m-%d": "YYYY-MM-DD", "%Y/%m/%d": "YYYY/MM/DD", "%Y%m%d": "YYYYMMDD"}
_ISO_DATE = r"^(\d{4})-(\d{2})-(\d{2})$"


@cache
def date_items() -> frozenset[str]:
    """Column names that hold dates in some feed of the catalogue."""
    return frozenset(i.item for f in load_catalogue().values() for i in f.items if i.format == "date")


def format_dates(values: pa.Array, date_format: str) -> pa.Array:
    """Rewrite ISO dates (YYYY-MM-DD) in `values` into `date_format`."""
    name = _STRFTIME.get(date_format, date_format)
    if name not in DATE_FORMATS:
        raise ValueError(f"unknown date format {date_format!r}; use one of {sorted(DATE_FORMATS)}")
    return pc.replace_substring_regex(values, _ISO_DATE, DATE_FORMATS[name])


def write_delivery(
    df: pd.DataFrame, path: Path, *, encoding: str = "utf-8", date_format: str | None = None
) -> None:
    """Write one delivery: `.csv` (encoding utf-8, utf-8-sig or gbk) or `.xlsx`, all values as text.

    Missing values (NaN, None, empty string) are written empty. With `date_format`, ISO dates in
    the catalogue's date columns are rewritten in that format (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_delivery(_text_table(df), path.suffix, encoding=encoding, date_format=date_format))


def render_delivery(
    table: pa.Table, suffix: str, *, encoding: str = "utf-8", date_format: str | None = None
) -> bytes:
    """The bytes of a delivery file for a table of string columns (null = empty)."""
    if date_format is not None:
        table = pa.table(
            {
                name: format_dates(col, date_format) if name in date_items() else col
                for name, col in zip(table.column_names, table.columns)
            }
        )
    if suffix.lower() == ".xlsx":
        return _xlsx_bytes(table)
    if suffix.lower() != ".csv":
        raise ValueError(f"a delivery is .csv or .xlsx, not {suffix!r}")
    return _csv_bytes(table, encoding)


def _text_table(df: pd.DataFrame) -> pa.Table:
    return pa.table(
        {str(name): pa.array(df[name].astype("string"), pa.string()) for name in df.columns}
    )


def _csv_bytes(table: pa.Table, encoding: str) -> bytes:
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; use one of {ENCODINGS}")
    buffer = io.BytesIO()
    try:  # departments' systems rarely quote; quote only when a value needs it
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(quoting_style="none", quoting_header="none"))
    except pa.ArrowInvalid:
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(quoting_style="needed"))
    data = buffer.getvalue()
    if encoding == "gbk":
        return data.decode("utf-8").encode("gbk")  # strict: an unencodable value is an error
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + data
    return data


# --- XLSX: one sheet of inline strings -----------------------------------------------------------

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PACKAGE_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN_NS}">'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(table: pa.Table) -> str:
    letters = [_column_letter(i) for i in range(table.num_columns)]
    rows = [[escape(str(name)) for name in table.column_names]]
    rows += [[escape(v) if v else "" for v in row] for row in zip(*(c.to_pylist() for c in table.columns))]
    lines = []
    for r, values in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{letter}{r}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
            for letter, value in zip(letters, values)
            if value
        )
        lines.append(f'<row r="{r}">{cells}</row>')
    extent = f"A1:{letters[-1]}{len(rows)}" if letters else "A1"  # readers pad short rows to it
    return (f'<worksheet xmlns="{_MAIN_NS}"><dimension ref="{extent}"/>'
            f'<sheetData>{"".join(lines)}</sheetData></worksheet>')


def _xlsx_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        parts = dict(_PACKAGE_PARTS, **{"xl/worksheets/sheet1.xml": _sheet_xml(table)})
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, _XML_HEAD + xml)
    return buffer.getvalue()
