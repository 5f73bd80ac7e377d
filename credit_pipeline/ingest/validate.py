"""Validating one delivery against the catalogue: rows accepted (typed) and rows set aside (with why)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from credit_pipeline import dates
from credit_pipeline.catalogue import Feed
from credit_pipeline.ingest.rules import RULE_ORDER, RULE_TEXT, column, item_violations

SUBJECT_KEY_ITEMS = ("统一社会信用代码", "工商注册号", "证件号码")


@dataclass
class ValidationResult:
    accepted: pd.DataFrame
    set_aside: pd.DataFrame
    missing_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return len(self.accepted) + len(self.set_aside)


def _record_json(frame: pd.DataFrame) -> list[str]:
    if frame.empty:
        return []
    return frame.to_json(orient="records", lines=True, force_ascii=False).splitlines()


def _normalise_identifiers(frame: pd.DataFrame, feed: Feed) -> pd.DataFrame:
    """Identifiers are compared upper-case (a trailing 'x' in an ID is the same 'X')."""
    for item in feed.items:
        if item.format in ("uscc", "id_number") and item.item in frame.columns:
            frame[item.item] = frame[item.item].str.upper()
    return frame


def _typed(frame: pd.DataFrame, feed: Feed) -> pd.DataFrame:
    """Catalogue columns with dates as dates and amounts as numbers; absent optional items are null."""
    out = {}
    for item in feed.items:
        values = column(frame, item.item)
        if item.format == "date":
            out[item.item] = dates.parse_dates(values).dt.date
        elif item.format == "amount":
            out[item.item] = pd.to_numeric(values.where(values != ""), errors="coerce")
        else:
            out[item.item] = values.where(values != "", None)
    return pd.DataFrame(out, index=frame.index)


def record_key_items(feed: Feed) -> list[str]:
    keys = list(feed.record_key)
    if feed.has_subject_block:
        keys += [k for k in SUBJECT_KEY_ITEMS if k not in keys]
    return keys


def prepare_rows(frame: pd.DataFrame, feed: Feed) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Rows sharing one header, ready for validation: the catalogue columns, `_file` and `_line` as given,
    `_extra` (unknown columns, as JSON) and, when required columns are missing, `_record` (the whole row).

    Returns the frame, the required columns it misses and the unknown columns it carries.
    """
    frame = _normalise_identifiers(frame, feed)
    known = set(feed.item_names) | {"_file", "_line"}
    extra = [c for c in frame.columns if c not in known]
    missing = [i.item for i in feed.items if i.requirement == "R" and i.item not in frame.columns]
    prepared = frame[[c for c in frame.columns if c in known]].copy()
    prepared["_extra"] = _record_json(frame[extra]) if extra and len(frame) else None
    original = frame.drop(columns=["_file", "_line"])
    prepared["_record"] = _record_json(original) if missing and len(frame) else None
    return prepared, missing, extra


def set_aside_whole_file(prepared: pd.DataFrame, missing: list[str]) -> pd.DataFrame:
    """Without a required column no row can be checked: every row is set aside."""
    return pd.DataFrame(
        {
            "_file": prepared["_file"],
            "_line": prepared["_line"],
            "rule": "missing_required_column",
            "rules": "missing_required_column:" + "|".join(missing),
            "item": missing[0],
            "value": None,
            "record": prepared["_record"],
        }
    )


def validate_rows(frame: pd.DataFrame, feed: Feed, delivery_date: pd.Series, delivery: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate rows of one or many deliveries of a feed at once (vectorised over all of them).

    `frame` comes from prepare_rows (possibly several concatenated, with a unique index); `delivery_date`
    and `delivery` say, per row, when it was delivered and in which delivery. Returns (accepted, set aside),
    both keeping the frame's index.
    """
    broken: dict[str, pd.Series] = {rule: pd.Series(False, index=frame.index) for rule in RULE_ORDER}
    first_item: dict[str, pd.Series] = {rule: pd.Series(None, index=frame.index, dtype=object) for rule in RULE_ORDER}
    for item in feed.items:
        for rule, mask in item_violations(frame, item).items():
            first_item[rule] = first_item[rule].where(~(mask & ~broken[rule]), item.item)
            broken[rule] = broken[rule] | mask

    decided = dates.parse_dates(column(frame, feed.decision_date_item))
    broken["decision_after_delivery"] = decided > pd.to_datetime(delivery_date)
    first_item["decision_after_delivery"][:] = feed.decision_date_item
    keys = record_key_items(feed)
    key_frame = frame[[k for k in keys if k in frame.columns]].assign(_delivery=delivery)
    broken["duplicate_record"] = key_frame.duplicated(keep="first")
    first_item["duplicate_record"][:] = "|".join(keys)

    flags = pd.DataFrame(broken)
    bad = flags.any(axis=1)
    rejected = frame.loc[bad]
    if bad.any():
        first_rule = flags.loc[bad].idxmax(axis=1)  # RULE_ORDER is the column order: first broken wins
        item_of_rule = pd.DataFrame(first_item).loc[bad]
        item = pd.Series([item_of_rule.at[i, r] for i, r in first_rule.items()], index=first_rule.index)
        value = pd.Series([rejected.at[i, it] if it in rejected.columns else None for i, it in item.items()], index=item.index)
        all_rules = flags.loc[bad].apply(lambda row: "|".join(flags.columns[row.to_numpy()]), axis=1)
        original = rejected.drop(columns=["_file", "_line", "_extra", "_record"], errors="ignore")
        set_aside = pd.DataFrame(
            {"_file": rejected["_file"], "_line": rejected["_line"], "rule": first_rule, "rules": all_rules, "item": item, "value": value,
             "record": pd.Series(_record_json(original), index=rejected.index, dtype=object)},
            index=rejected.index,
        )
    else:
        set_aside = pd.DataFrame(columns=["_file", "_line", "rule", "rules", "item", "value", "record"])

    good = frame.loc[~bad]
    accepted = _typed(good, feed)
    accepted["_file"] = good["_file"]
    accepted["_line"] = good["_line"]
    accepted["_extra"] = good["_extra"]
    return accepted, set_aside


def validate_delivery(frame: pd.DataFrame, feed: Feed, delivery_date: date) -> ValidationResult:
    """Validate one delivery file's rows."""
    frame = frame.reset_index(drop=True).assign(_file=0, _line=lambda f: np.arange(len(f)) + 2)
    prepared, missing, extra = prepare_rows(frame, feed)
    if missing:
        return ValidationResult(prepared.iloc[0:0], set_aside_whole_file(prepared, missing).drop(columns="_file"), missing, extra)
    accepted, set_aside = validate_rows(
        prepared, feed, pd.Series(pd.Timestamp(delivery_date), index=prepared.index), pd.Series(0, index=prepared.index)
    )
    return ValidationResult(accepted.drop(columns="_file").reset_index(drop=True), set_aside.drop(columns="_file").reset_index(drop=True), [], extra)


def describe(rule: str) -> str:
    return RULE_TEXT.get(rule, rule)


def sample_errors(set_aside: pd.DataFrame, file_name: str, limit: int = 5) -> list[str]:
    """Readable lines naming file, line and rule, for logs and metadata."""
    rows = set_aside.head(limit)
    return [
        f"{file_name}:{line}: {rule} ({describe(rule)}) on {item}={json.dumps(value, ensure_ascii=False)}"
        for line, rule, item, value in zip(rows["_line"], rows["rule"], rows["item"], rows["value"], strict=True)
    ]
