"""A recorded digest of the hand-made scenario's published marts (tests/scenario_marts.digest.json).

A change that should not alter what is published (a refactoring, a model contract, a lint fix) is proved to
change nothing by tests/test_published_digest.py, which builds the scenario and compares its release with the
recorded digest. A change of a rule that does alter the marts on purpose regenerates the digest:

    .venv/bin/python -m tests.digest --write     # build the scenario, record its digest
    git diff tests/scenario_marts.digest.json    # review: which marts, which columns changed

and the reviewer reads the diff with the change. `python -m tests.digest` without --write only compares.

Each mart is read as BI reads it (the release's published.duckdb), without the `bucket` column of the Parquet
layout. The digest does not depend on row order: every value is cast to text by DuckDB, rows are sorted, and the
mart, each of its columns (name, type, sorted values) and its row count are hashed. The columns that say when this
home ingested a delivery (tests.marts.VOLATILE) keep their name and type but no values.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import duckdb

from tests.marts import VOLATILE

DIGEST_FILE = Path(__file__).with_name("scenario_marts.digest.json")
COMMAND = ".venv/bin/python -m tests.digest --write"


def _sha(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def mart_digest(con: duckdb.DuckDBPyConnection, mart: str) -> dict:
    columns = [(name, kind) for name, kind, *_ in con.execute(f'describe "{mart}"').fetchall() if name != "bucket"]
    hashed = [name for name, _ in columns if name not in VOLATILE]
    text = ", ".join(f'cast("{name}" as varchar)' for name in hashed)
    rows = con.execute(f'select {text} from "{mart}"').fetchall()
    lines = sorted(json.dumps(list(row), ensure_ascii=False) for row in rows)
    described = {}
    for name, kind in columns:
        if name in VOLATILE:
            described[name] = f"{kind} (volatile: not hashed)"
        else:
            values = sorted(json.dumps(row[hashed.index(name)], ensure_ascii=False) for row in rows)
            described[name] = f"{kind} {_sha(values)[:16]}"
    return {"rows": len(rows), "sha256": _sha([json.dumps(columns, ensure_ascii=False)] + lines), "columns": described}


def release_digest(publish_dir: Path) -> dict:
    """The digest of every mart of the release at publish_dir, by mart name."""
    with duckdb.connect(str(publish_dir / "published.duckdb"), read_only=True) as con:
        marts = [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
        return {mart: mart_digest(con, mart) for mart in marts}


def differences(recorded: dict, actual: dict) -> list[str]:
    """What differs, mart by mart and column by column, in words a reviewer reads."""
    found = []
    for mart in sorted(set(recorded) | set(actual)):
        if mart not in actual or mart not in recorded:
            found.append(f"{mart}: {'no longer published' if mart not in actual else 'newly published'}")
            continue
        was, now = recorded[mart], actual[mart]
        if was == now:
            continue
        before = len(found)
        if was["rows"] != now["rows"]:
            found.append(f"{mart}: {was['rows']} rows recorded, {now['rows']} now")
        if list(was["columns"]) != list(now["columns"]):
            found.append(f"{mart}: columns {list(was['columns'])} recorded, {list(now['columns'])} now")
        for column in was["columns"].keys() & now["columns"].keys():
            if was["columns"][column] != now["columns"][column]:
                found.append(f"{mart}.{column}: {was['columns'][column]} recorded, {now['columns'][column]} now")
        if len(found) == before:
            found.append(f"{mart}: the rows differ (the same values per column, in other combinations)")
    return found


def read_recorded() -> dict:
    return json.loads(DIGEST_FILE.read_text(encoding="utf-8"))


def write_recorded(digest: dict) -> None:
    DIGEST_FILE.write_text(json.dumps(digest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def build_scenario(home: Path) -> Path:
    """Run the scenario drop once through Dagster in `home`, as the test session does; the publish folder."""
    from credit_pipeline.cli import run_pipeline
    from tests import scenario
    from tests.environment import credit_environment

    with credit_environment(home, scenario.AS_OF) as settings:
        scenario.write_scenario(settings.feed_dir)
        if not run_pipeline():
            raise SystemExit("the scenario run failed")
        return settings.publish_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.digest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"record the digest in {DIGEST_FILE.name}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="scenario-digest-") as tmp:
        actual = release_digest(build_scenario(Path(tmp) / "home"))
    if args.write:
        write_recorded(actual)
        print(f"recorded {DIGEST_FILE}: review the change with git diff before committing it")
        return 0
    found = differences(read_recorded(), actual)
    print("\n".join(found) or "the scenario's published marts match the recorded digest")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
