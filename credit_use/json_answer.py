"""Answers as JSON, the same bytes for the command line and the service: dates as YYYY-MM-DD, anything
else DuckDB returns (decimals, UUIDs) as its text."""

from __future__ import annotations

import json


def dumps(answer, indent: int | None = None) -> bytes:
    return json.dumps(answer, ensure_ascii=False, indent=indent, default=str).encode("utf-8")
