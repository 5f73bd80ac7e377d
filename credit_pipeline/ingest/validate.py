"""Validating a batch of deliveries of one feed in DuckDB: records → catalogue items → rules → accepted and set aside.

Everything here is SQL generated from the catalogue (ingest/rules.py), run on every core. Each rule is evaluated
once per record and item; the first rule broken and the item that broke it are derived from those answers. The
relations it leaves on the connection, for lake.commit and the counts:

    batch_checks     one narrow row per physical record: part, delivery, line, first rule, its item, all rules
    batch_accepted   the accepted rows, typed, with lineage (sorted by subject, for readers that look one up)
    batch_set_aside  the set-aside rows with file, line, first rule, all rules, item, value and the record
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa

from credit_pipeline.catalogue import Feed, Item
from credit_pipeline.ingest import rules as r
from credit_pipeline.ingest.lake import LINEAGE, SQL_TYPES
from credit_pipeline.ingest.parse import Part, row_table, text_table

# Whitespace a department's export may leave around a value, full-width space included.
BLANKS = "chr(32) || chr(9) || chr(160) || chr(12288)"


@dataclass(frozen=True)
class DeliveryInfo:
    delivery_id: str
    file_path: str
    department_id: str
    delivery_date: date
    seq: int


def _parts_table(feed: Feed, parts: list[Part], deliveries: list[DeliveryInfo]) -> pa.Table:
    """One row per part: which delivery, its label, where each catalogue item sits, what else its header holds."""
    def of_delivery(attribute: str, arrow_type) -> pa.Array:
        return pa.array([getattr(deliveries[p.delivery], attribute) for p in parts], arrow_type)

    columns = {
        "part": pa.array(range(len(parts)), pa.int32()),
        "delivery": pa.array([p.delivery for p in parts], pa.int32()),
        "label": pa.array([p.label for p in parts], pa.string()),
        "delivery_id": of_delivery("delivery_id", pa.string()),
        "delivery_date": of_delivery("delivery_date", pa.date32()),
        "delivery_seq": of_delivery("seq", pa.int32()),
        "department_id": of_delivery("department_id", pa.string()),
        "width": pa.array([len(p.header.names) for p in parts], pa.int32()),
        "trailing_comma": pa.array([p.header.trailing_comma for p in parts], pa.bool_()),
        "file_rule": pa.array(
            ["missing_required_column" if p.header.missing else "duplicated_column" if p.header.duplicated else None for p in parts],
            pa.string(),
        ),
        "file_item": pa.array([(p.header.missing or p.header.duplicated or [None])[0] for p in parts], pa.string()),
        "names": pa.array([p.header.unique_names for p in parts], pa.list_(pa.string())),
        "extra": pa.array(
            [[{"name": p.header.unique_names[pos - 1], "pos": pos} for _, pos in p.header.extra] for p in parts],
            pa.list_(pa.struct([("name", pa.string()), ("pos", pa.int32())])),
        ),
    }
    for k, item in enumerate(feed.items):
        columns[f"p{k}"] = pa.array([p.header.positions.get(item.item) for p in parts], pa.int32())
    return pa.table(columns)


def _item_value(k: int, item: Item) -> str:
    value = f"coalesce(trim(f.fields[m.p{k}], {BLANKS}), '')"
    return f"upper({value})" if item.format in r.IDENTIFIER_FORMATS else value


def _date_column(item: Item) -> str:
    """The parsed date of a date item, computed once per record (name of the hidden column)."""
    return r.quote("__date:" + item.item)


def _typed(item: Item) -> str:
    v = r.col(item.item)
    if item.format == "date":
        return f"i.{_date_column(item)} as {v}"
    if item.format == "amount":
        return f"try_cast(nullif(i.{v}, '') as {SQL_TYPES['amount']}) as {v}"
    return f"nullif(i.{v}, '') as {v}"


def _checks(feed: Feed) -> list[tuple[str, str, str]]:
    """(rule, item, SQL) for every check, in RULE_ORDER then catalogue order: the first true one is what a
    department reads first. Date rules use the dates parsed once in batch_input."""
    dated = {i.item: _date_column(i) for i in feed.items if i.format == "date"}
    by_rule = r.broken_rules_sql(feed)
    for item, sql in list(by_rule.get("invalid_date", [])):
        by_rule["invalid_date"].remove((item, sql))
        by_rule["invalid_date"].append((item, f"({r.col(item)} <> '' and {dated[item]} is null)"))
    by_rule["decision_after_delivery"] = [(feed.decision_date_item, f"({dated[feed.decision_date_item]} > delivery_date)")]
    keys = [k for k in r.record_key_items(feed) if k in feed.item_names]
    by_rule["duplicate_record"] = [("|".join(keys), f"(row_number() over (partition by delivery, {', '.join(map(r.col, keys))} order by line) > 1)")]
    return [(rule, item, sql) for rule in r.RULE_ORDER if rule not in r.RECORD_RULES for item, sql in by_rule.get(rule, [])]


def validate_batch(con: duckdb.DuckDBPyConnection, feed: Feed, parts: list[Part], deliveries: list[DeliveryInfo]) -> None:
    """Build batch_checks, batch_accepted and batch_set_aside for the parts of a batch (see the module docstring)."""
    con.register("batch_texts", text_table(parts))
    con.register("batch_rows", row_table(parts))
    con.register("batch_parts", _parts_table(feed, parts, deliveries))
    # Split on '\n' only: the records are the lines that are not empty; a '\r' before the '\n' is not data.
    con.execute("""
        create or replace temp table batch_records as
        with lines as (
            select part, first_line, unnest(lines) as line_text, generate_subscripts(lines, 1) as n
            from (select part, first_line, string_split(decode(text), chr(10)) as lines from batch_texts)
        )
        select part, first_line + n - 1 as line, string_split(rtrim(line_text, chr(13)), ',') as fields,
               []::varchar[] as numeric_cells, null::varchar as parse_rule, rtrim(line_text, chr(13)) as raw
        from lines where rtrim(line_text, chr(13)) <> ''
        union all
        select part, line, fields, numeric_cells, parse_rule, raw from batch_rows
    """)
    items = list(feed.items)
    cells = ",\n".join(f"{_item_value(k, item)} as {r.col(item.item)}" for k, item in enumerate(items))
    # Unknown columns, as a JSON object per record (rare: computed only when some header has one).
    extra = ("case when len(m.extra) > 0 then to_json(map_from_entries("
             "list_transform(m.extra, lambda e: {'k': e.name, 'v': f.fields[e.pos]})))::varchar end"
             if any(p.header.extra for p in parts) else "null::varchar")
    con.execute(f"""
        create or replace temp table batch_input as
        select *, {', '.join(f'{r.date_in_range_sql(r.col(i.item))} as {_date_column(i)}' for i in items if i.format == 'date')}
        from (
            select f.part, m.delivery, f.line, m.delivery_date, f.numeric_cells as _numeric_cells,
                   coalesce(f.parse_rule, m.file_rule,
                            case when len(f.fields) <> m.width
                                  and not (m.trailing_comma and len(f.fields) = m.width + 1 and f.fields[-1] = '')
                                 then 'wrong_field_count' end) as record_rule,
                   case when f.parse_rule is null and m.file_rule is not null then m.file_item end as record_item,
                   {extra} as _extra,
                   {cells}
            from batch_records f join batch_parts m using (part)
        )
    """)
    con.execute(f"create or replace temp table valid_ids as {r.identifier_checks_sql(feed, 'batch_input')}")

    checks = _checks(feed)
    answers = ",\n".join(f"{sql} as c{n}" for n, (_, _, sql) in enumerate(checks))
    first = " ".join(f"when c{n} then {r.literal(rule)}" for n, (rule, _, _) in enumerate(checks))
    first_item = " ".join(f"when c{n} then {r.literal(item)}" for n, (_, item, _) in enumerate(checks))
    rules_in_order = list(dict.fromkeys(rule for rule, _, _ in checks))
    every_rule = ", ".join(
        f"case when {' or '.join(f'c{n}' for n, (rule, _, _) in enumerate(checks) if rule == name)} then {r.literal(name)} end"
        for name in rules_in_order
    )
    con.execute(f"""
        create or replace temp table batch_checks as
        select part, delivery, line,
               coalesce(record_rule, case {first} end) as rule,
               case when record_rule is not null then record_item else case {first_item} end end as item,
               concat_ws('|', record_rule, {every_rule}) as rules
        from (select part, delivery, line, record_rule, record_item, {answers} from batch_input)
    """)
    lineage = {
        "_delivery_id": "m.delivery_id", "_file": "m.label", "_line": "i.line", "_delivery_date": "m.delivery_date",
        "_delivery_seq": "m.delivery_seq", "_department_id": "m.department_id",
        "_extra": "i._extra",
    }
    assert list(lineage) == [n for n, _ in LINEAGE]
    subject_keys = ", ".join(f"i.{r.col(k)}" for k in ("统一社会信用代码", "证件号码", "工商注册号") if k in feed.item_names)
    con.execute(f"""
        create or replace temp table batch_accepted as
        select {', '.join(_typed(item) for item in items)}, {', '.join(f'{sql} as {name}' for name, sql in lineage.items())}
        from batch_input i
        join batch_checks c using (part, line)
        join batch_parts m using (part)
        where c.rule is null
        order by {subject_keys or 'i.line'}, m.delivery_date, i.line
    """)
    record = ("case when c.rule in ('wrong_field_count', 'unbalanced_quote') then to_json(f.raw)::varchar "
              "else to_json(map_from_entries(list_transform(range(1, least(len(m.names), len(f.fields)) + 1), "
              "lambda k: {'k': m.names[k], 'v': f.fields[k]})))::varchar end")
    value = "case " + " ".join(f"when c.item = {r.literal(item.item)} then i.{r.col(item.item)}" for item in items) + " end"
    con.execute(f"""
        create or replace temp table batch_set_aside as
        select m.delivery_id, {r.literal(feed.feed)} as feed, m.label as file_path, c.line as _line, c.rule, c.rules,
               c.item, {value} as value, {record} as record
        from batch_checks c
        join batch_input i using (part, line)
        join batch_parts m using (part)
        join batch_records f using (part, line)
        where c.rule is not null
    """)
