"""The dbt project stays one set of SQL for DuckDB and Spark (macros/dialect.sql).

Two constructs are valid on both engines and mean different things, silently: a double-quoted name is an identifier
in DuckDB and a string literal in Spark (dbt-spark turns ANSI mode off), and `^` is a power in DuckDB and a bitwise
XOR in Spark. Neither may appear in portable SQL; the engine-specific implementations (`default__…`, `spark__…`
macros) and the DuckDB-only scoped re-rating may spell what their engine needs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from credit_pipeline.settings import DBT_PROJECT_DIR

JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
ENGINE_MACRO = re.compile(r"\{%-?\s*macro\s+(default|duckdb|spark)__.*?\{%-?\s*endmacro\s*-?%\}", re.S)
JINJA_STRING = re.compile(r"'(?:[^'\\]|\\.)*'" + r'|"(?:[^"\\]|\\.)*"')
DUCKDB_ONLY = {"models/scope/rating_scope.sql"}  # the scoped re-rating merges with DELETE: DuckDB only


def portable_sql_files() -> list[Path]:
    return sorted(p for folder in ("models", "macros", "tests") for p in (DBT_PROJECT_DIR / folder).rglob("*.sql"))


def sql_text(source: str) -> str:
    """The SQL of a file outside Jinja, engine-specific macros, comments and single-quoted strings."""
    text = JINJA.sub(" ", ENGINE_MACRO.sub(" ", source))
    text = re.sub(r"--[^\n]*", " ", text)
    return re.sub(r"'(?:[^']|'')*'", "''", text)


def quoted_names_in_jinja(source: str) -> list[str]:
    """Jinja string literals that hold a double quote outside a SQL literal ('"文号"', 'v."' ~ name ~ '"'): SQL text
    built in Jinja that would quote a name the DuckDB way."""
    code = " ".join(m.group(0) for m in JINJA.finditer(ENGINE_MACRO.sub(" ", source)) if not m.group(0).startswith("{#"))
    return [s for s in JINJA_STRING.findall(code) if s.startswith("'") and '"' in s]


@pytest.mark.parametrize("path", portable_sql_files(), ids=lambda p: str(p.relative_to(DBT_PROJECT_DIR)))
def test_sql_has_no_double_quoted_names_and_no_caret(path):
    source = path.read_text(encoding="utf-8")
    sql = sql_text(source)
    assert '"' not in sql, f"a double-quoted name in SQL: use {{{{ ident('…') }}}} ({sql[sql.index(chr(34)) - 40:][:80]!r})"
    assert "^" not in sql, "`^` is XOR in Spark: use power(x, n)"
    if str(path.relative_to(DBT_PROJECT_DIR)) not in DUCKDB_ONLY:
        quoted = quoted_names_in_jinja(source)
        assert not quoted, f"a double-quoted name built in Jinja: use ident() ({quoted[:3]})"


def test_the_lint_finds_what_it_forbids():
    assert '"' in sql_text('select "行政相对人名称" from x')
    assert '"' not in sql_text("select {{ ident('行政相对人名称') }}, '\"literal\"' from x -- \"comment\"")
    assert "^" in sql_text("select 2 ^ 60")
    assert quoted_names_in_jinja("""{% set key = ['"承诺书编号"', 'subject_id'] %}""")
    assert quoted_names_in_jinja("""{{ published_item(item, 'v."' ~ item.item ~ '"') }}""")
    assert not quoted_names_in_jinja("""{{ list_literal(["'罚款'"]) }} {{ f("case when x = '甲' then " ~ y ~ " end") }}""")
    assert not sql_text('{% macro default__json_value(j, k) -%} json_extract_string({{ j }}, \'$."{{ k }}"\') {%- endmacro %}').strip(" '")


def _compile_on_spark(tmp_path: Path, *vars_args: str) -> subprocess.CompletedProcess:
    """`dbt compile` of one model for the spark target: compiling opens no Spark session (no cache, no introspection)."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "compile", "--target", "spark", "--select", "stg_penalties",
         "--no-populate-cache", "--no-introspect", *vars_args, "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target")],
        env=os.environ | {"CREDIT_HOME": str(tmp_path / "home")}, capture_output=True, text=True)


def test_on_spark_a_run_without_the_as_of_date_is_refused_and_with_it_the_date_is_a_literal(tmp_path):
    """Spark has no pipeline.run_as_of to read: a dbt command without the var would rate as of 1970-01-01 (every
    record ahead of it, nothing in force). It is refused with the var's name; given, the date is in the SQL."""
    refused = _compile_on_spark(tmp_path)
    assert refused.returncode != 0
    assert "On Spark the as-of date is the var as_of_date" in refused.stdout + refused.stderr
    given = _compile_on_spark(tmp_path, "--vars", json.dumps({"as_of_date": "2026-06-30"}))
    assert given.returncode == 0, given.stdout[-2000:]
    sql = next((tmp_path / "target" / "compiled").rglob("stg_penalties.sql")).read_text(encoding="utf-8")
    assert "_delivery_date <= date '2026-06-30'" in sql and "run_as_of" not in sql
