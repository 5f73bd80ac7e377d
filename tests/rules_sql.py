"""The ingestion's SQL rules (credit_pipeline/ingest/rules.py) evaluated over a pandas Series, so that the tests of
identifiers and dates test the SQL that ingestion runs, value by value, with pandas' answers (NaT, index kept)."""

from __future__ import annotations

import duckdb
import pandas as pd

from credit_pipeline.ingest import rules
from credit_pipeline.ingest.validate import BLANKS


def _evaluate(values: pd.Series, expression: str, dtype: str) -> pd.Series:
    """`expression` over a column `v` holding each value as text (NULL for a missing or non-text value)."""
    text = [v if isinstance(v, str) else None for v in values.astype(object).where(values.notna(), None)]
    with duckdb.connect() as con:
        frame = pd.DataFrame({"n": range(len(text)), "v": pd.Series(text, dtype=object)})
        con.register("input", frame)
        answers = con.execute(f"select {expression} from input order by n").df().iloc[:, 0]
    return pd.Series(answers.to_numpy(), index=values.index, name=values.name).astype(dtype)


def uscc_valid(codes: pd.Series) -> pd.Series:
    """True where ingestion accepts the value as a USCC (GB 32100-2015, right check character)."""
    return _evaluate(codes, f"coalesce({rules.uscc_valid_sql('v')}, false)", "bool")


def id_card_birth_date(ids: pd.Series) -> pd.Series:
    """The birth date ingestion reads from a valid 身份证 number, NaT where it finds none."""
    return _evaluate(ids, f"cast({rules.id_card_birth_sql('v')} as timestamp)", "datetime64[ns]")


def id_card_valid(ids: pd.Series) -> pd.Series:
    return id_card_birth_date(ids).notna()


def parse_dates(values: pd.Series) -> pd.Series:
    """The date ingestion reads from each delivered text (trimmed as a cell is), NaT where it rejects it."""
    return _evaluate(values, f"cast({rules.date_in_range_sql(f'trim(v, {BLANKS})')} as timestamp)", "datetime64[ns]")
