{#
  The raw layer is the lake ($CREDIT_HOME/lake/raw/<folder>/*.parquet, written by ingestion, append-only). At the
  start of every dbt run each table of the `raw` source is registered in the warehouse over its folder, so that
  source('raw', ...) is an ordinary relation for models, data tests and unit tests alike. Re-registering is cheap:
  nothing is copied. The folder is the table's name unless its meta says `lake_folder`.
#}
{% macro register_raw_sources() -%}
    {%- if execute -%}
    {%- set lake = env_var('CREDIT_HOME', '../.credit_home') ~ '/lake/raw' -%}
    {%- set statements = [] -%}
    {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
        {%- do statements.append(adapter.dispatch('register_raw_source')(source, lake ~ '/' ~ source.meta.get('lake_folder', source.name))) -%}
    {%- endfor -%}
    {{ statements | join(';\n') }}
    {%- endif -%}
{%- endmacro %}

{% macro default__register_raw_source(source, folder) -%}
    create schema if not exists {{ source.schema }};
    create or replace view {{ source.schema }}.{{ source.name }} as
    select * from read_parquet('{{ folder | replace("'", "''") }}/*.parquet', union_by_name = true)
{%- endmacro %}
