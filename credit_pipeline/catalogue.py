"""The public credit information catalogue (SPEC §3), read from the dbt seeds that hold it.

The CSV files under dbt_project/seeds/catalogue are the single source of truth: ingestion
validates against them, dbt loads them as seeds, and the GX suites are checked against them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from credit_pipeline.settings import CATALOGUE_DIR

PLACEHOLDER_USCC = "00000000000000000X"


@dataclass(frozen=True)
class Item:
    feed: str
    item: str
    requirement: str  # R required, C required when `condition` holds, O optional
    condition: str
    format: str
    format_arg: str
    enum_values: tuple[str, ...]
    negative_when: str  # on a legal-document item: when the record is negative (never accepted without it)
    public: bool
    shared_with: str
    masking: str
    description: str
    valid_from: str


@dataclass(frozen=True)
class Feed:
    feed: str
    name_cn: str
    record_key: tuple[str, ...]
    decision_date_item: str
    has_subject_block: bool
    is_public: bool
    publicity_rule: str
    set_aside_threshold: float
    set_aside_min_rows: int  # the share threshold applies to deliveries of at least this many rows
    completeness_threshold: float
    items: tuple[Item, ...]

    @property
    def item_names(self) -> list[str]:
        return [i.item for i in self.items]



def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def load_catalogue(directory: Path = CATALOGUE_DIR) -> dict[str, Feed]:
    """Feeds keyed by folder name, in catalogue order, each with its items."""
    items: dict[str, list[Item]] = {}
    for row in _read(directory / "catalogue_items.csv"):
        items.setdefault(row["feed"], []).append(
            Item(
                feed=row["feed"],
                item=row["item"],
                requirement=row["requirement"],
                condition=row["condition"],
                format=row["format"],
                format_arg=row["format_arg"],
                enum_values=tuple(v for v in row["enum_values"].split("|") if v),
                negative_when=row["negative_when"],
                public=row["public"] == "Y",
                shared_with=row["shared_with"],
                masking=row["masking"],
                description=row["description"],
                valid_from=row["valid_from"],
            )
        )
    feeds = {}
    for row in _read(directory / "catalogue_feeds.csv"):
        feeds[row["feed"]] = Feed(
            feed=row["feed"],
            name_cn=row["name_cn"],
            record_key=tuple(row["record_key"].split("|")),
            decision_date_item=row["decision_date_item"],
            has_subject_block=row["has_subject_block"] == "Y",
            is_public=row["is_public"] == "Y",
            publicity_rule=row["publicity_rule"],
            set_aside_threshold=float(row["set_aside_threshold"]),
            set_aside_min_rows=int(row["set_aside_min_rows"]),
            completeness_threshold=float(row["completeness_threshold"]),
            items=tuple(items[row["feed"]]),
        )
    return feeds
