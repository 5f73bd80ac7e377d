{# The evaluation date: the as_of_date var (CREDIT_AS_OF) or today. #}
{% macro as_of() -%}
    {%- set value = var('as_of_date', '') -%}
    {%- if value -%} date '{{ value }}' {%- else -%} current_date {%- endif -%}
{%- endmacro %}

{# Rows of a rules seed in force on the as-of date: per key, the latest valid_from not after it. #}
{% macro rules_in_force(seed, key_columns) -%}
    select * from {{ ref(seed) }}
    where valid_from <= {{ as_of() }}
    qualify row_number() over (partition by {{ key_columns | join(', ') }} order by valid_from desc) = 1
{%- endmacro %}

{# A record counts for or against its subject on the as-of date (SPEC §4: active), optionally qualified by a table alias. #}
{% macro counts_on_as_of(alias='') -%}
    {%- set p = alias ~ '.' if alias else '' -%}
    {{ p }}counts and {{ p }}counts_from <= {{ as_of() }} and {{ as_of() }} < {{ p }}effective_until
{%- endmacro %}
