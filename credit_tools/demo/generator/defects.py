"""Planted defects (SPEC §2): at known rates, rows that break exactly one catalogue rule, so that a
correct validator sets aside exactly those rows."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from credit_pipeline.catalogue import PLACEHOLDER_USCC, Feed
from credit_tools.demo.generator.columns import STRING, cat, flags, pick, where
from credit_tools.demo.generator.identifiers import USCC_ALPHABET
from credit_tools.demo.generator.records import Context, Rows
from credit_tools.demo.generator.subjects import PERSON

# Planted defects (SPEC §2), as shares of the rows they can apply to.
DEFECT_RATES = {
    "required_missing": 0.005, "invalid_date": 0.003, "invalid_uscc": 0.005,
    "invalid_id_number": 0.005, "no_legal_document": 0.003,
}
DEFECT_FEEDS = ("xzxk", "xzcf", "qtxw", "sxbzxr", "xymd", "xycn", "zzsb", "hypj")
IMPOSSIBLE_MONTH_DAYS = ("02-30", "02-31", "13-01", "13-45", "00-10", "04-31", "06-31", "11-31")


_CONDITION = re.compile(r"^(?P<item>.+?)\s*(?P<op> in |=|~)\s*(?P<values>.*)$")


def condition_mask(columns: dict[str, pa.Array], condition: str, n: int) -> np.ndarray:
    """Rows where a catalogue condition holds: `always`, `X in a|b`, `X=v` (`X=`: empty), `X~a|b`."""
    if condition == "always":
        return np.ones(n, dtype=bool)
    match = _CONDITION.match(condition)
    item, op, values = match["item"], match["op"].strip(), match["values"].split("|")
    column = columns.get(item, pa.nulls(n, STRING))
    if op == "in":
        held = pc.is_in(column, value_set=pa.array(values, STRING))
    elif op == "=":
        held = pc.is_null(column) if values == [""] else pc.equal(column, values[0])
    else:
        held = pc.match_substring_regex(column, "|".join(map(re.escape, values)))
    return flags(held)


def conditional_items(feed: Feed) -> set[str]:
    """Items that decide other items' requirements or negativity: never emptied on purpose."""
    rules = [i.condition for i in feed.items] + [i.negative_when for i in feed.items]
    return {m["item"] for r in rules if r and r != "always" and (m := _CONDITION.match(r))}


def plant_defects(feed: Feed, rows: Rows, ctx: Context) -> dict[str, int]:
    """Give DEFECT_RATES of the eligible rows exactly one defect each; mark the rest clean."""
    rng, n, cols = ctx.rng, len(rows), rows.columns
    kind = ctx.subjects.kind[rows.subject]
    legal_document = next((i for i in feed.items if i.negative_when), None)
    untouchable = conditional_items(feed) | set(feed.record_key)
    required = [i for i in feed.items
                if i.requirement == "R" and not i.negative_when and i.item not in untouchable]
    eligible = {
        "required_missing": np.full(n, bool(required)),
        "invalid_date": np.full(n, any(i.format == "date" for i in required)),
        "invalid_uscc": (kind != PERSON) & flags(pc.not_equal(cols["统一社会信用代码"], PLACEHOLDER_USCC)),
        "invalid_id_number": (kind == PERSON) & flags(pc.equal(cols["证件类型"], "身份证")),
        "no_legal_document": (condition_mask(cols, legal_document.negative_when, n) if legal_document
                              else np.zeros(n, dtype=bool)),
    }
    draw = rng.random(n)
    defect = np.full(n, "", dtype=object)
    low = 0.0
    for code, rate in DEFECT_RATES.items():  # disjoint bands of one draw: one defect per row at most
        defect[(draw >= low) & (draw < low + rate) & eligible[code]] = code
        low += rate

    # required_missing: empty one R item; invalid_date: an impossible date in an R date item
    dates = [i.item for i in required if i.format == "date"]
    for code, items in (("required_missing", [i.item for i in required]), ("invalid_date", dates)):
        hit = np.flatnonzero(defect == code)
        which = rng.integers(0, max(len(items), 1), len(hit))
        for j, item in enumerate(items):
            mask = np.zeros(n, dtype=bool)
            mask[hit[which == j]] = True
            if code == "required_missing":
                cols[item] = where(~mask, cols[item])
            else:
                broken = cat(pc.utf8_slice_codeunits(cols[item], 0, 4), "-",
                             pick(IMPOSSIBLE_MONTH_DAYS, rng.integers(0, len(IMPOSSIBLE_MONTH_DAYS), n)))
                cols[item] = pc.if_else(pa.array(mask), broken, cols[item])
    for code, item, alphabet in (("invalid_uscc", "统一社会信用代码", USCC_ALPHABET),
                                 ("invalid_id_number", "证件号码", "0123456789X")):
        hit = (defect == code)
        values = cols[item].filter(pa.array(hit)).to_pylist()
        shift = rng.integers(1, len(alphabet), len(values))  # any other check character
        wrong = [v[:-1] + alphabet[(alphabet.index(v[-1]) + k) % len(alphabet)] for v, k in zip(values, shift)]
        cols[item] = pc.replace_with_mask(cols[item], pa.array(hit), pa.array(wrong, STRING))
    if legal_document:
        cols[legal_document.item] = where(~(defect == "no_legal_document"), cols[legal_document.item])
    rows.clean = defect == ""
    return {code: int((defect == code).sum()) for code in DEFECT_RATES}
