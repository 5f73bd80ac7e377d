{#
  Periods as the Civil Code counts them (民法典 Articles 201-202, SPEC §4): the start day is not counted,
  and a period of N months (a year is 12) ends at the end of the corresponding day of its last month, or
  of that month's last day where it has none. A year from 2025-11-20 ends with 2026-11-20; six months from
  2025-08-31 end with 2026-02-28; a year from 2024-02-29 ends with 2025-02-28. Every window of the rules
  (publicity, minimum repair period, counting spans, measure durations) uses period_end.
  Portable: add_months (macros/dialect.sql) clamps to the month's last day on DuckDB and Spark alike.
#}

{# The last day of a period of `months` from `start_date` (inclusive); null when `months` is null. #}
{% macro period_end(start_date, months) -%}
    {{ add_months(start_date, months) }}
{%- endmacro %}

{# The day after `day`: where a span that ends with `day` (inclusive) no longer holds. #}
{% macro day_after(day) -%}
    {{ add_days(day, 1) }}
{%- endmacro %}

{# SPEC §2: 2099-12-31 means long-term. Spans without an end run until it. #}
{% macro long_term() -%}
    date '2099-12-31'
{%- endmacro %}

{# An explicit, inclusive end date (有效期至) as the exclusive end of a span; long-term stays long-term. #}
{% macro through(day) -%}
    case when {{ day }} >= {{ long_term() }} then {{ long_term() }} else {{ day_after(day) }} end
{%- endmacro %}
