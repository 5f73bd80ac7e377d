"""The row rules of SPEC §2, written as DuckDB SQL generated from the catalogue: one rule, one place.

Every rule is a boolean SQL expression over a relation whose columns are the catalogue items as delivered
(text, '' when empty or absent). Rules are checked in RULE_ORDER; a set-aside row reports the first rule it
broke (and lists all of them), so a department sees the most fundamental problem first. Check characters
(GB 32100 for USCCs, GB 11643 MOD 11-2 for 身份证) are computed in SQL too, once per distinct value.
"""

from __future__ import annotations

from credit_pipeline.catalogue import PLACEHOLDER_USCC, Feed, Item

# Rules about a record's shape come first: without them no item can be read.
RECORD_RULES = ("wrong_field_count",)
RULE_ORDER = (
    *RECORD_RULES,
    "no_legal_document",
    "required_missing",
    "conditional_missing",
    "numeric_identifier",
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
    "duplicated_column": "a catalogue column appears twice in the header",
    "unreadable_file": "the file cannot be read as a table",
    "wrong_field_count": "the line does not have as many fields as the header (a stray quote, comma or line break)",
    "unbalanced_quote": "a quote opened on this line is not closed on it, which would swallow the following lines",
    "no_legal_document": "negative record without its legal document number",
    "required_missing": "required item is empty",
    "conditional_missing": "item required by a condition is empty",
    "invalid_enum": "value is not in the catalogue's enumeration",
    "invalid_date": "not a real date in YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD",
    "invalid_uscc": "not a valid unified social credit code (GB 32100-2015)",
    "invalid_id_number": "not a valid 身份证 number (GB 11643)",
    "invalid_format": "value does not have the catalogue's format",
    "numeric_identifier": "an identifier stored as a number in the workbook (its digits are lost): format the column as text",
    "decision_after_delivery": "decision date is after the delivery date",
    "duplicate_record": "the same record appears twice in one delivery",
}

# Formats checked by a pattern; identifiers and dates have their own rules. [0-9], not \d: full-width digits are not digits here.
PATTERNS = {
    "region_code": r"^[0-9]{6}$",
    "industry_code": r"^[A-T]([0-9]{2}|[0-9]{3}|[0-9]{4})$",
    "amount": r"^[0-9]+(\.[0-9]+)?$",
    "case_no": r"^[（(][0-9]{4}[）)].+[0-9]+号$",
    "corrections": r"^[^=;]+=[^;]*(;[^=;]+=[^;]*)*;?$",
}
IDENTIFIER_FORMATS = ("uscc", "id_number")

# GB 32100-2015: 31 characters (no I O Z S V); weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
USCC_PATTERN = r"^[1-9ANY][0-9A-HJ-NPQRTUWXY][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
# GB 11643-1999: weights 2^(17-i) mod 11; the check character is '10X98765432'[sum mod 11].
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
ID_PATTERN = r"^[0-9]{17}[0-9X]$"
# Accepted date shapes (SPEC §2) and their strptime formats; separated forms may drop leading zeros.
DATE_SHAPES = {
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$": "%Y-%m-%d",
    r"^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$": "%Y/%m/%d",
    r"^[0-9]{8}$": "%Y%m%d",
}
EARLIEST, LATEST = "1900-01-01", "2099-12-31"  # 2099-12-31 means long-term (长期)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def col(name: str) -> str:
    """An item's delivered text; '' when empty (the relation is built so that absent columns read '')."""
    return quote(name)


def parse_date_sql(expr: str) -> str:
    """DATE of the text in one of the accepted shapes, NULL for anything else, impossible dates and dates
    outside 1900-01-01..2099-12-31."""
    cases = " ".join(
        f"when regexp_matches({expr}, {literal(shape)}) then try_strptime({expr}, {literal(fmt)})::date"
        for shape, fmt in DATE_SHAPES.items()
    )
    return f"(case {cases} end)"


def date_in_range_sql(expr: str) -> str:
    parsed = parse_date_sql(expr)
    return f"(case when {parsed} between date '{EARLIEST}' and date '{LATEST}' then {parsed} end)"


def uscc_check_sql(code: str) -> str:
    """True where `code` (upper case, 18 characters of the alphabet) carries the right check character."""
    weighted = " + ".join(
        f"(strpos('{USCC_ALPHABET}', substr({code}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(USCC_WEIGHTS)
    )
    return f"(substr({code}, 18, 1) = substr('{USCC_ALPHABET}', ((31 - ({weighted}) % 31) % 31) + 1, 1))"


def id_check_sql(code: str) -> str:
    weighted = " + ".join(f"(ascii(substr({code}, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(ID_WEIGHTS))
    return f"(substr({code}, 18, 1) = substr('10X98765432', (({weighted}) % 11) + 1, 1))"


def uscc_valid_sql(code: str) -> str:
    return f"(regexp_matches({code}, '{USCC_PATTERN}') and {uscc_check_sql(code)})"


def id_card_birth_sql(code: str) -> str:
    """Birth date of a well-formed 身份证 number with a real date (1900 to today) and the right check character."""
    birth = f"try_strptime(substr({code}, 7, 8), '%Y%m%d')::date"
    return (
        f"(case when regexp_matches({code}, '{ID_PATTERN}') and {birth} between date '{EARLIEST}' and current_date "
        f"and {id_check_sql(code)} then {birth} end)"
    )


def condition_sql(condition: str) -> str:
    """A catalogue condition: `always`, `A=v`, `A=` (empty), `A!=v`, `A in a|b`, `A~a|b` (contains)."""
    condition = condition.strip()
    if condition in ("", "always"):
        return "true" if condition == "always" else "false"
    if " in " in condition:
        name, values = condition.split(" in ", 1)
        return f"{col(name.strip())} in ({', '.join(literal(v) for v in values.split('|'))})"
    if "~" in condition:
        name, values = condition.split("~", 1)
        return "(" + " or ".join(f"contains({col(name.strip())}, {literal(v)})" for v in values.split("|")) + ")"
    if "!=" in condition:
        name, value = condition.split("!=", 1)
        return f"{col(name.strip())} <> {literal(value.strip())}"
    if "=" in condition:
        name, value = condition.split("=", 1)
        return f"{col(name.strip())} = {literal(value.strip())}"
    raise ValueError(f"catalogue condition not understood: {condition!r}")


def item_rules(item: Item, valid_ids: str = "valid_ids") -> dict[str, str]:
    """Per rule, the SQL that is true where this item breaks it (only rules that can apply to this item).

    `valid_ids` names a relation (kind, value) of the distinct identifiers that passed their check character,
    computed once per batch (see identifier_checks_sql): 10 million records repeat a million subjects."""
    v = col(item.item)
    empty, present = f"({v} = '')", f"({v} <> '')"
    out: dict[str, str] = {}
    # A missing legal document on a negative record is reported as such, not as a plain empty item.
    negative = condition_sql(item.negative_when) if item.negative_when else "false"
    if item.negative_when:
        out["no_legal_document"] = f"({empty} and {negative})"
    if item.requirement == "R":
        out["required_missing"] = f"({empty} and not {negative})"
    elif item.requirement == "C":
        out["conditional_missing"] = f"({empty} and {condition_sql(item.condition)})"

    fmt = item.format
    if fmt == "enum":
        out["invalid_enum"] = f"({present} and {v} not in ({', '.join(map(literal, item.enum_values))}))"
    elif fmt == "enum_multi":
        allowed = "[" + ", ".join(map(literal, item.enum_values)) + "]"
        parts = f"list_filter(list_transform(string_split({v}, ';'), lambda x: trim(x)), lambda x: x <> '')"
        out["invalid_enum"] = f"({present} and len(list_filter({parts}, lambda x: not list_contains({allowed}, x))) > 0)"
    elif fmt == "date":
        out["invalid_date"] = f"({present} and {date_in_range_sql(v)} is null)"
    elif fmt == "uscc":
        placeholder_allowed = (
            f"({v} = '{PLACEHOLDER_USCC}' and {col(item.format_arg)} = '个体工商户')" if item.format_arg else "false"
        )
        known = f"{v} in (select value from {valid_ids} where kind = 'uscc')"
        out["invalid_uscc"] = f"({present} and not {known} and not {placeholder_allowed})"
    elif fmt == "id_number":
        # Only 身份证 carries a check character; other document types are kept as given.
        is_id_card = f"{col(item.format_arg)} in ('身份证', '')" if item.format_arg else "true"
        known = f"{v} in (select value from {valid_ids} where kind = 'id_card')"
        out["invalid_id_number"] = f"({present} and {is_id_card} and not {known})"
    elif fmt in PATTERNS:
        out["invalid_format"] = f"({present} and not regexp_matches({v}, {literal(PATTERNS[fmt])}))"
    if fmt in IDENTIFIER_FORMATS:
        # A workbook cell typed as a number has lost digits before we read it: never guess another person's ID.
        out["numeric_identifier"] = f"list_contains(_numeric_cells, {literal(item.item)})"
    return out


def identifier_checks_sql(feed: Feed, relation: str) -> str:
    """(kind, value) of the distinct identifiers in `relation` that are valid: check characters per distinct value."""
    branches = []
    for item in feed.items:
        if item.format == "uscc":
            branches.append(f"select distinct 'uscc' as kind, {col(item.item)} as value from {relation}")
        elif item.format == "id_number":
            branches.append(f"select distinct 'id_card', {col(item.item)} from {relation}")
    if not branches:
        return "select ''::varchar as kind, ''::varchar as value where false"
    distinct = " union ".join(branches)
    return (
        f"select kind, value from ({distinct}) "
        f"where value <> '' and case kind when 'uscc' then {uscc_valid_sql('value')} "
        f"else {id_card_birth_sql('value')} is not null end"
    )


def record_key_items(feed: Feed) -> list[str]:
    keys = list(feed.record_key)
    if feed.has_subject_block:
        keys += [k for k in ("统一社会信用代码", "工商注册号", "证件号码") if k not in keys]
    return keys


def broken_rules_sql(feed: Feed) -> dict[str, list[tuple[str, str]]]:
    """Per rule, the (item, SQL) pairs that break it, items in catalogue order; record-level rules are added by the caller."""
    by_rule: dict[str, list[tuple[str, str]]] = {}
    for item in feed.items:
        for rule, sql in item_rules(item).items():
            by_rule.setdefault(rule, []).append((item.item, sql))
    return by_rule

