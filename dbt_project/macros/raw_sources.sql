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
        {%- set sql = adapter.dispatch('register_raw_source')(source, lake ~ '/' ~ source.meta.get('lake_folder', source.name)) -%}
        {%- if sql | trim %}{% do statements.append(sql) %}{% endif -%}
    {%- endfor -%}
    {{ statements | join(';\n') if statements else 'select 1' }}
    {%- endif -%}
{%- endmacro %}

{% macro default__register_raw_source(source, folder) -%}
    create schema if not exists {{ source.schema }};
    create or replace view {{ source.schema }}.{{ source.name }} as
    select * from read_parquet('{{ folder | replace("'", "''") }}/*.parquet', union_by_name = true)
{%- endmacro %}

{#
  Spark: an external Parquet table over the folder (dropping it never touches the lake), with the columns of the
  folder's schema file (ingest/lake.py writes it to lake/schemas/), so that a folder without a batch yet is an
  empty table and every batch is read by column name. Re-created every run: a new column or batch is seen at once.
  Spark runs one statement at a time, so the statements run here and the hook's own SQL is empty.
#}
{% macro spark__register_raw_source(source, folder) -%}
    {%- set schema_file = env_var('CREDIT_HOME', '../.credit_home') ~ '/lake/schemas/' ~ source.meta.get('lake_folder', source.name).lstrip('_') ~ '.parquet' -%}
    {%- set columns = run_query("describe query select * from parquet.`" ~ schema_file ~ "`") -%}
    {%- if not adapter.check_schema_exists(none, source.schema) -%}{% do run_query("create schema " ~ source.schema) %}{%- endif -%}
    {%- do run_query("drop table if exists " ~ source.schema ~ "." ~ source.name) -%}
    {%- set ddl -%}
        create table {{ source.schema }}.{{ source.name }} (
            {%- for column in columns %}{{ ident(column[0]) }} {{ column[1] }}{{ ", " if not loop.last }}{% endfor %})
        using parquet options ('pathGlobFilter' = '*.parquet') location '{{ folder }}'
    {%- endset -%}
    {%- do run_query(ddl) -%}
{%- endmacro %}
