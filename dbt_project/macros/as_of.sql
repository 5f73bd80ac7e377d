{#
  The evaluation date. The run that builds the models writes its as-of date into the warehouse first
  (pipeline.run_as_of, credit_pipeline/warehouse.py), and every model, test and view reads it from there when it
  runs: a view built by an earlier run (public_disclosure, department_quality, staging) always answers as of the
  latest rating, and a new day changes no SQL text (dbt need not parse the project again). The `as_of_date` var
  overrides it for a dbt command run by hand; on Spark it is the only source (spark__as_of).
#}
{% macro as_of() -%}
    {{- return(adapter.dispatch('as_of')()) -}}
{%- endmacro %}

{% macro default__as_of() -%}
    {%- set value = var('as_of_date', '') -%}
    {%- if value -%} date '{{ value }}' {%- else -%} (select as_of_date from pipeline.run_as_of) {%- endif -%}
{%- endmacro %}

{#- Spark: the var, always. pipeline.run_as_of is the DuckDB warehouse's bookkeeping, and a Spark run rebuilds every
    model and view, so the date can be a literal. Parsing needs no date (dbt parses with no var); running does. -#}
{% macro spark__as_of() -%}
    {%- set value = var('as_of_date', '') -%}
    {%- if not value and execute -%}
        {{ exceptions.raise_compiler_error("On Spark the as-of date is the var as_of_date: dbt build --vars '{as_of_date: YYYY-MM-DD}'") }}
    {%- endif -%}
    date '{{ value or '1970-01-01' }}'
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
