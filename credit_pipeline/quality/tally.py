"""Adding up a feed's GX suite results over every batch one ingestion validates, for the gate's metadata."""

from __future__ import annotations

import time

import pandas as pd

from credit_pipeline.catalogue import Feed
from credit_pipeline.markdown import markdown_table


class SuiteTally:
    """Runs the feed's GX suite on every ingested batch's quality frame and adds up each expectation's results."""

    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        self.rows: dict[str, dict] = {}
        self.seconds = 0.0  # spent in GX: its share of an ingestion is reported (it should stay a small one)

    def __call__(self, frame: pd.DataFrame) -> None:
        from credit_pipeline.quality.suites import validate_frame

        started = time.perf_counter()
        outcomes = validate_frame(frame, self.feed)
        self.seconds += time.perf_counter() - started
        for o in outcomes:
            row = self.rows.setdefault(
                o.column,
                {"expectation": o.description or o.expectation_type, "catalogue_item": o.catalogue_item, "rule": o.rule,
                 "deliveries": 0, "unexpected": 0, "samples": []},
            )
            row["deliveries"] += o.element_count
            row["unexpected"] += o.unexpected_count
            room = 3 - len(row["samples"])
            row["samples"] += [f"{s['file_path']} {s['value']:.2%}" if isinstance(s["value"], float) else f"{s['file_path']} {s['value']}"
                               for s in o.samples[:max(room, 0)]]

    def markdown(self) -> str:
        failing = [r for r in self.rows.values() if r["unexpected"]]
        if not failing:
            return f"all {len(self.rows)} expectations met" if self.rows else "no new delivery validated"
        return markdown_table([
            {"expectation": r["expectation"], "catalogue item": r["catalogue_item"],
             "deliveries outside": f"{r['unexpected']} of {r['deliveries']}",
             "samples (file value)": "<br>".join(f"`{s}`" for s in r["samples"])}
            for r in sorted(failing, key=lambda r: -r["unexpected"])
        ])
