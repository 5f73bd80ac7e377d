"""Row rules of SPEC §2, driven by the catalogue: each returns, per row, whether it is broken.

Rules are checked in the order of RULE_ORDER; a set-aside row reports the first rule it broke
(and lists all of them), so a department sees the most fundamental problem first.
"""

from __future__ import annotations

import re

import pandas as pd

from credit_pipeline import dates, identifiers
from credit_pipeline.catalogue import PLACEHOLDER_USCC, Item

RULE_ORDER = (
    "no_legal_document",
    "required_missing",
    "conditional_missing",
    "invalid_enum",
    "invalid_date",
    "invalid_uscc",
    "invalid_id_number",
    "invalid_format",
    "decision_after_delivery",
    "duplicate_record",
)

RULE_TEXT = {
    "missing_required_column": "a required column is missing from the file",
    "unreadable_file": "the file cannot be read as a table",
    "no_legal_document": "negative record without its legal document number",
    "required_missing": "required item is empty",
    "conditional_missing": "item required by a condition is empty",
    "invalid_enum": "value is not in the catalogue's enumeration",
    "invalid_date": "not a real date in YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD",
    "invalid_uscc": "not a valid unified social credit code (GB 32100-2015)",
    "invalid_id_number": "not a valid 身份证 number (GB 11643)",
    "invalid_format": "value does not have the catalogue's format",
    "decision_after_delivery": "decision date is after the delivery date",
    "duplicate_record": "the same record appears twice in one delivery",
}

# Formats checked by a pattern; identifiers and dates have their own rules.
PATTERNS = {
    "region_code": re.compile(r"^\d{6}$"),
    "industry_code": re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})$"),
    "amount": re.compile(r"^\d+(\.\d+)?$"),
    "case_no": re.compile(r"^[（(]\d{4}[）)].+\d+号$"),
    "corrections": re.compile(r"^[^=;]+=[^;]*(;[^=;]+=[^;]*)*;?$"),
}


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as text; an optional column absent from the file reads as empty."""
    if name in frame.columns:
        return frame[name]
    return pd.Series("", index=frame.index, dtype=object)


def condition_holds(frame: pd.DataFrame, condition: str) -> pd.Series:
    """Evaluate a catalogue condition: `always`, `A=v`, `A=` (empty), `A!=v`, `A in a|b`, `A~a|b` (contains)."""
    condition = condition.strip()
    if condition in ("", "always"):
        return pd.Series(condition == "always", index=frame.index)
    if " in " in condition:
        name, values = condition.split(" in ", 1)
        return column(frame, name.strip()).isin(values.split("|"))
    if "~" in condition:
        name, values = condition.split("~", 1)
        return column(frame, name.strip()).str.contains("|".join(map(re.escape, values.split("|"))), regex=True)
    if "!=" in condition:
        name, value = condition.split("!=", 1)
        return column(frame, name.strip()) != value.strip()
    if "=" in condition:
        name, value = condition.split("=", 1)
        return column(frame, name.strip()) == value.strip()
    raise ValueError(f"catalogue condition not understood: {condition!r}")


def item_violations(frame: pd.DataFrame, item: Item) -> dict[str, pd.Series]:
    """Per rule, the rows where this item breaks it (only rules that can apply to this item)."""
    values = column(frame, item.item)
    empty = values == ""
    present = ~empty
    out: dict[str, pd.Series] = {}

    # A missing legal document on a negative record is reported as such, not as a plain empty item.
    negative = condition_holds(frame, item.negative_when) if item.negative_when else pd.Series(False, index=frame.index)
    if item.negative_when:
        out["no_legal_document"] = empty & negative
    if item.requirement == "R":
        out["required_missing"] = empty & ~negative
    elif item.requirement == "C":
        out["conditional_missing"] = empty & condition_holds(frame, item.condition)

    fmt = item.format
    if fmt == "enum":
        out["invalid_enum"] = present & ~values.isin(item.enum_values)
    elif fmt == "enum_multi":
        # Checked once per distinct value: the same few combinations repeat on every row.
        allowed = set(item.enum_values)
        distinct = pd.Series(values.unique())
        ok = distinct.map(lambda v: all(p.strip() in allowed for p in v.split(";") if p.strip()))
        out["invalid_enum"] = present & ~values.map(dict(zip(distinct, ok, strict=True))).astype(bool)
    elif fmt == "date":
        out["invalid_date"] = present & dates.parse_dates(values).isna()
    elif fmt == "uscc":
        placeholder_allowed = (values == PLACEHOLDER_USCC) & (column(frame, item.format_arg) == "个体工商户") if item.format_arg else False
        out["invalid_uscc"] = present & ~identifiers.uscc_valid(values) & ~placeholder_allowed
    elif fmt == "id_number":
        # Only 身份证 carries a check character; other document types are kept as given.
        id_type = column(frame, item.format_arg) if item.format_arg else pd.Series("身份证", index=frame.index)
        is_id_card = id_type.isin(["身份证", ""])
        out["invalid_id_number"] = present & is_id_card & ~identifiers.id_card_valid(values)
    elif fmt in PATTERNS:
        pattern = PATTERNS[fmt]
        out["invalid_format"] = present & ~values.str.match(pattern)
    return out
