{#
  What the catalogue lets the public see (SPEC §3: public, masking). The items are read from the catalogue seed
  in force on the as-of date when a model runs, so a change of the catalogue changes what is published without
  a change of code; while dbt parses, the list is empty. Models that use it declare
  `-- depends_on: {{ ref('catalogue_items') }}` and every source they read by it.
#}

{# The feeds whose records the archive holds (int_records), each with a raw table of the same name. #}
{% macro record_feeds() %}{{ return(['xzxk', 'xzcf', 'qtxw', 'sxbzxr', 'xymd', 'xycn', 'zzsb', 'hypj']) }}{% endmacro %}

{# [{feed, item, format, masking}] of every item marked public, ordered by feed and item. #}
{% macro public_catalogue_items() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set query -%}
        select feed, item, format, coalesce(masking, '') as masking
        from ({{ rules_in_force('catalogue_items', ['feed', 'item']) }})
        where public = 'Y'
        order by feed, item
    {%- endset -%}
    {%- set items = [] -%}
    {%- for row in run_query(query) -%}
        {%- do items.append({'feed': row[0], 'item': row[1], 'format': row[2], 'masking': row[3]}) -%}
    {%- endfor -%}
    {{ return(items) }}
{%- endmacro %}

{#
  One public item's `value` as it may be published, by the catalogue's masking flag: a natural person's name
  (name; name_if_natural_person when the subject is one), an ID number (id_number); free text (format text) with
  the record's persons and any 身份证-shaped string masked inside it (mask_persons_in_text). A masking flag this
  code does not know withholds the item: a new kind of personal data is never published by default.
#}
{% macro published_item(item, value) -%}
    {%- if item.masking == 'name' -%} {{ mask_name(value) }}
    {%- elif item.masking == 'name_if_natural_person' -%} case when subject_type = '自然人' then {{ mask_name(value) }} else {{ value }} end
    {%- elif item.masking == 'id_number' -%} {{ mask_id(value) }}
    {%- elif item.masking -%} cast(null as string)
    {%- elif item.format == 'text' -%} {{ mask_persons_in_text(value) }}
    {%- else -%} {{ value }}
    {%- endif -%}
{%- endmacro %}

{# A JSON object (as a string: portable, unlike engine types) of [(key, expression)] pairs. #}
{% macro json_object_of(pairs) -%}
    {{ return(adapter.dispatch('json_object_of', 'credit')(pairs)) }}
{%- endmacro %}
{% macro default__json_object_of(pairs) -%}
    {%- if pairs -%}
    cast(json_object({% for key, expression in pairs %}'{{ key }}', {{ expression }}{{ ", " if not loop.last }}{% endfor %}) as varchar)
    {%- else -%} '{}' {%- endif -%}
{%- endmacro %}
{% macro spark__json_object_of(pairs) -%}
    {%- if pairs -%}
    {#- Spark leaves NULL fields out unless told; DuckDB writes them as null. -#}
    to_json(named_struct({% for key, expression in pairs %}'{{ key }}', {{ expression }}{{ ", " if not loop.last }}{% endfor %}), map('ignoreNullFields', 'false'))
    {%- else -%} '{}' {%- endif -%}
{%- endmacro %}

{# The string value of `key` in the JSON object string `json`. #}
{% macro json_value(json, key) -%}
    {{ return(adapter.dispatch('json_value', 'credit')(json, key)) }}
{%- endmacro %}
{% macro default__json_value(json, key) -%}
    json_extract_string({{ json }}, '$."{{ key }}"')
{%- endmacro %}
{% macro spark__json_value(json, key) -%}
    get_json_object({{ json }}, '$[''{{ key }}'']')
{%- endmacro %}

{# A delivered item's value as text, as items are published: amounts as DuckDB writes them, on every engine. #}
{% macro item_text(value, format) -%}
    {%- if format == 'amount' -%} {{ number_text(value) }} {%- else -%} cast({{ value }} as string) {%- endif -%}
{%- endmacro %}
