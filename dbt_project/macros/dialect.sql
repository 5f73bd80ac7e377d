{#
  Where DuckDB and Spark SQL differ, one macro per difference (adapter.dispatch: default__ is DuckDB, spark__ is
  Spark); models call these and stay one copy for both engines. Portable SQL needs no macro: `* except (…)`,
  positional `union all`, `cast(x as string)`, `instr`, `power(2, n)` (`^` is XOR in Spark), `qualify`, `group by
  all`, `filter (where …)` on plain aggregates. Two traps the lint (tests/test_dbt_portable.py) keeps out: a
  double-quoted identifier is a string literal in Spark (dbt-spark forces ANSI mode off), so every Chinese column
  name goes through ident(); and `^`. tests/dialect/assert_dialect_macros_agree.sql checks these macros give
  DuckDB's values on every engine.
#}

{# A column name as an identifier: "名称" on DuckDB, `名称` on Spark. #}
{% macro ident(name) -%}
    {{ adapter.quote(name) }}
{%- endmacro %}

{# An ordered list aggregate (DuckDB list(x order by …) filter (where …)): NULL for no row, NULL elements kept.
   order_by: expressions, ascending. #}
{% macro agg_list(expression, order_by=[], filter=none) -%}
    {{ return(adapter.dispatch('agg_list', 'credit')(expression, order_by, filter)) }}
{%- endmacro %}
{% macro default__agg_list(expression, order_by, filter) -%}
    list({{ expression }}{% if order_by %} order by {{ order_by | join(', ') }}{% endif %}){% if filter %} filter (where {{ filter }}){% endif %}
{%- endmacro %}
{% macro spark__agg_list(expression, order_by, filter) -%}
    {#- collect_list keeps no order and drops NULLs: collect structs (order keys first), sort them, keep the value. -#}
    nullif(transform(array_sort(collect_list(named_struct(
        {%- for key in order_by %}'k{{ loop.index }}', {{ key }}, {% endfor %}'v', {{ expression }}))
        {%- if filter %} filter (where {{ filter }}){% endif %}), e -> e.v), array())
{%- endmacro %}

{# An ordered string aggregate (DuckDB string_agg): NULL for no row; `distinct` orders by the value itself. #}
{% macro agg_string(expression, separator, order_by=[], distinct=false, filter=none) -%}
    {{ return(adapter.dispatch('agg_string', 'credit')(expression, separator, order_by, distinct, filter)) }}
{%- endmacro %}
{% macro default__agg_string(expression, separator, order_by, distinct, filter) -%}
    {%- set order_by = [expression] if distinct else order_by -%}
    string_agg({{ 'distinct ' if distinct }}{{ expression }}, '{{ separator }}'{% if order_by %} order by {{ order_by | join(', ') }}{% endif %}){% if filter %} filter (where {{ filter }}){% endif %}
{%- endmacro %}
{% macro spark__agg_string(expression, separator, order_by, distinct, filter) -%}
    {#- listagg(distinct …) … filter (…) fails in Spark 4.3: the filter goes into the value instead. -#}
    {%- set value = "case when " ~ filter ~ " then " ~ expression ~ " end" if filter else expression -%}
    {%- set order_by = [value] if distinct else order_by -%}
    listagg({{ 'distinct ' if distinct }}{{ value }}, '{{ separator }}'){% if order_by %} within group (order by {{ order_by | join(', ') }}){% endif %}
{%- endmacro %}

{# A map from two lists of the same length (keys must be unique on both engines). #}
{% macro map_from_lists(keys, values) -%}
    {{ return(adapter.dispatch('map_from_lists', 'credit')(keys, values)) }}
{%- endmacro %}
{% macro default__map_from_lists(keys, values) -%} map({{ keys }}, {{ values }}) {%- endmacro %}
{% macro spark__map_from_lists(keys, values) -%} map_from_arrays({{ keys }}, {{ values }}) {%- endmacro %}

{# A list literal of SQL expressions; `type` types an empty one (a string list by default). #}
{% macro list_literal(items, type='string') -%}
    {{ return(adapter.dispatch('list_literal', 'credit')(items, type)) }}
{%- endmacro %}
{% macro default__list_literal(items, type) -%}
    {%- if items -%} [{{ items | join(', ') }}] {%- else -%} cast([] as {{ type }}[]) {%- endif -%}
{%- endmacro %}
{% macro spark__list_literal(items, type) -%}
    {%- if items -%} array({{ items | join(', ') }}) {%- else -%} cast(array() as array<{{ type }}>) {%- endif -%}
{%- endmacro %}

{# The number of elements of a list; NULL for NULL (Spark's size() gives -1 without ANSI mode). #}
{% macro list_length(list) -%}
    {{ return(adapter.dispatch('list_length', 'credit')(list)) }}
{%- endmacro %}
{% macro default__list_length(list) -%} len({{ list }}) {%- endmacro %}
{% macro spark__list_length(list) -%} case when {{ list }} is not null then size({{ list }}) end {%- endmacro %}

{# The elements of a list for which `predicate` (over `var`) holds; and each element transformed. #}
{% macro list_filter(list, var, predicate) -%}
    {{ return(adapter.dispatch('list_filter', 'credit')(list, var, predicate)) }}
{%- endmacro %}
{% macro default__list_filter(list, var, predicate) -%} list_filter({{ list }}, lambda {{ var }}: {{ predicate }}) {%- endmacro %}
{% macro spark__list_filter(list, var, predicate) -%} filter({{ list }}, {{ var }} -> {{ predicate }}) {%- endmacro %}

{% macro list_transform(list, var, expression) -%}
    {{ return(adapter.dispatch('list_transform', 'credit')(list, var, expression)) }}
{%- endmacro %}
{% macro default__list_transform(list, var, expression) -%} list_transform({{ list }}, lambda {{ var }}: {{ expression }}) {%- endmacro %}
{% macro spark__list_transform(list, var, expression) -%} transform({{ list }}, {{ var }} -> {{ expression }}) {%- endmacro %}

{# Whether a list holds a value; whether two lists share one. False, not NULL, when nothing matches (Spark's
   array_contains and arrays_overlap give NULL when a NULL element is there). #}
{% macro list_contains(list, value) -%}
    {{ return(adapter.dispatch('list_contains', 'credit')(list, value)) }}
{%- endmacro %}
{% macro default__list_contains(list, value) -%} list_contains({{ list }}, {{ value }}) {%- endmacro %}
{% macro spark__list_contains(list, value) -%} coalesce(array_contains({{ list }}, {{ value }}), false) {%- endmacro %}

{% macro list_has_any(left, right) -%}
    {{ return(adapter.dispatch('list_has_any', 'credit')(left, right)) }}
{%- endmacro %}
{% macro default__list_has_any(left, right) -%} list_has_any({{ left }}, {{ right }}) {%- endmacro %}
{% macro spark__list_has_any(left, right) -%} coalesce(arrays_overlap({{ left }}, {{ right }}), false) {%- endmacro %}

{# A string split at a literal separator into a list (empty fields kept on both). #}
{% macro split_string(text, separator) -%}
    {{ return(adapter.dispatch('split_string', 'credit')(text, separator)) }}
{%- endmacro %}
{% macro default__split_string(text, separator) -%} string_split({{ text }}, '{{ separator }}') {%- endmacro %}
{% macro spark__split_string(text, separator) -%} split({{ text }}, '\\{{ separator }}', -1) {%- endmacro %}

{# Hexadecimal digits (at most 15: a BIGINT) as a number; NULL for NULL. #}
{% macro hex_to_bigint(hex) -%}
    {{ return(adapter.dispatch('hex_to_bigint', 'credit')(hex)) }}
{%- endmacro %}
{% macro default__hex_to_bigint(hex) -%} ('0x' || {{ hex }})::bigint {%- endmacro %}
{% macro spark__hex_to_bigint(hex) -%} cast(conv({{ hex }}, 16, 10) as bigint) {%- endmacro %}

{# Days and months added to a date, as a DATE (DuckDB's date + interval is a timestamp). A month from the 31st
   ends on the next month's last day on both (2026-01-31 + 1 month = 2026-02-28). #}
{% macro add_days(date, days) -%}
    {{ return(adapter.dispatch('add_days', 'credit')(date, days)) }}
{%- endmacro %}
{% macro default__add_days(date, days) -%} cast({{ dbt.dateadd('day', days, date) }} as date) {%- endmacro %}
{% macro spark__add_days(date, days) -%} date_add({{ date }}, cast({{ days }} as int)) {%- endmacro %}

{% macro add_months(date, months) -%}
    {{ return(adapter.dispatch('add_months', 'credit')(date, months)) }}
{%- endmacro %}
{% macro default__add_months(date, months) -%} cast({{ dbt.dateadd('month', months, date) }} as date) {%- endmacro %}
{% macro spark__add_months(date, months) -%} add_months({{ date }}, cast({{ months }} as int)) {%- endmacro %}

{# A DOUBLE as text, as DuckDB writes it (5.0, 0.0005, 10000000.0; Spark would write 1.0E7 and 5.0E-4), for amounts
   in 万元 from 0.0001 (one yuan) up: ten decimals at most are kept (DuckDB writes an exponent below 0.0001). #}
{% macro number_text(number) -%}
    {{ return(adapter.dispatch('number_text', 'credit')(number)) }}
{%- endmacro %}
{% macro default__number_text(number) -%} cast({{ number }} as varchar) {%- endmacro %}
{% macro spark__number_text(number) -%}
    {#- %.10f never switches to an exponent (a decimal's text does, for 0 and below 1e-6). format_string writes a
        NULL as the text 'null' (Java's Formatter): an amount not delivered stays NULL, as on DuckDB. -#}
    case when {{ number }} is not null then
        regexp_replace(regexp_replace(format_string('%.10f', cast({{ number }} as double)), '0+$', ''), '[.]$', '.0')
    end
{%- endmacro %}

{# Before the parenthesis of a CTE that several branches read: computed in each branch (with the branch's filters
   pushed into it) instead of once and held. DuckDB holds a CTE read more than once; int_public_items' published
   records held that way, beside the table being written, ran out of 6 GB at a million subjects (4 GB suffice
   inlined). Spark inlines CTEs and has no such hint. #}
{% macro inlined_cte() -%}
    {{ return(adapter.dispatch('inlined_cte', 'credit')()) }}
{%- endmacro %}
{% macro default__inlined_cte() -%} not materialized {%- endmacro %}
{% macro spark__inlined_cte() -%} {%- endmacro %}
