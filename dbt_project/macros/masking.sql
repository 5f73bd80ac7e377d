{# Masking of natural persons' data in public outputs (SPEC §6; seed 003 脱敏). #}

{# 张三 -> 张*, 欧阳小明 -> 欧***: the surname's first character stays. #}
{% macro mask_name(column) -%}
    case when {{ column }} is null then null
         else left({{ column }}, 1) || repeat('*', greatest(length({{ column }}) - 1, 1)) end
{%- endmacro %}

{# 320281199001011234 -> 320281********1234; other documents keep their first 2 and last 2 characters. #}
{% macro mask_id(column) -%}
    case when {{ column }} is null then null
         when length({{ column }}) = 18 then left({{ column }}, 6) || repeat('*', 8) || right({{ column }}, 4)
         when length({{ column }}) > 4 then left({{ column }}, 2) || repeat('*', length({{ column }}) - 4) || right({{ column }}, 2)
         else repeat('*', length({{ column }})) end
{%- endmacro %}

{# A subject's name or id as it may be published: masked only when the subject is a natural person. #}
{% macro public_subject_name(name_column, type_column) -%}
    case when {{ type_column }} = '自然人' then {{ mask_name(name_column) }} else {{ name_column }} end
{%- endmacro %}
{% macro public_subject_id(id_column, type_column) -%}
    case when {{ type_column }} = '自然人' then {{ mask_id(id_column) }} else {{ id_column }} end
{%- endmacro %}

{#
  Natural persons inside published free text (SPEC §6: "in every column, including where they stand inside free
  text"): every name and ID number of the persons tied to a record (record_persons), and any 18-character
  身份证-shaped string whoever it belongs to. Linear: each record is masked against its own few persons.
#}

{# An 18-character 身份证 number (GB 11643: region, birth date, sequence, check character), with the parts kept
   by mask_id captured: the 6-character region and the last 4. #}
{% macro id_number_pattern() -%}
    ([1-9][0-9]{5})(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])([0-9]{3}[0-9Xx])
{%- endmacro %}

{# Every 身份证-shaped string in `text`, masked as mask_id masks one. DuckDB and Spark spell back-references apart. #}
{% macro mask_id_shapes(text) -%}
    {{ return(adapter.dispatch('mask_id_shapes', 'credit')(text)) }}
{%- endmacro %}
{% macro default__mask_id_shapes(text) -%}
    regexp_replace({{ text }}, '{{ id_number_pattern() }}', '\1********\2', 'g')
{%- endmacro %}
{% macro spark__mask_id_shapes(text) -%}
    regexp_replace({{ text }}, '{{ id_number_pattern() }}', '$1********$2')
{%- endmacro %}

{# Whether `text` holds a 身份证-shaped string (the guard's test of what mask_id_shapes leaves). #}
{% macro has_id_shape(text) -%}
    {{ return(adapter.dispatch('has_id_shape', 'credit')(text)) }}
{%- endmacro %}
{% macro default__has_id_shape(text) -%}
    regexp_matches({{ text }}, '{{ id_number_pattern() }}')
{%- endmacro %}
{% macro spark__has_id_shape(text) -%}
    ({{ text }} rlike '{{ id_number_pattern() }}')
{%- endmacro %}

{#
  The natural persons tied to each record of `r` (columns subject_id, subject_type, subject_name, legal_rep_name,
  legal_rep_id), with `g` its subject's row of int_subjects (left joined): the subject if a natural person, the
  legal representative on the record, and the legal representative and actual controller the registry knows.
  Columns person_name_1..4 (longest first, so that a name inside another is masked after it) and
  person_id_1..4. Use in a select list.
#}
{% macro record_persons(r, g) -%}
    {%- set names = [
        "case when " ~ r ~ ".subject_type = '自然人' then " ~ r ~ ".subject_name end",
        r ~ ".legal_rep_name", g ~ ".legal_rep_name", g ~ ".controller_name"] -%}
    {%- set ids = [
        "case when " ~ r ~ ".subject_type = '自然人' then " ~ r ~ ".subject_id end",
        r ~ ".legal_rep_id", g ~ ".legal_rep_id", g ~ ".controller_id"] -%}
    {%- set length_of = [] -%}
    {%- for name in names %}{% do length_of.append("coalesce(length(" ~ name ~ "), 0)") %}{% endfor -%}
    {%- for k in range(1, 5) %}
    {#- slot k holds the name ranked k: 1 + the names longer than it, or as long and listed before it -#}
    case
        {%- for i in range(4) %}
        when 1 {%- for j in range(4) if j != i %} + case when {{ length_of[j] }} > {{ length_of[i] }}
            {%- if j < i %} or {{ length_of[j] }} = {{ length_of[i] }}{% endif %} then 1 else 0 end {%- endfor %} = {{ k }} then {{ names[i] }}
        {%- endfor %}
    end as person_name_{{ k }},
    {{ ids[k - 1] }} as person_id_{{ k }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{# `text` with the record's persons (record_persons columns, unaliased) and any 身份证-shaped string masked.
   A name shorter than two characters is left alone: masking one character everywhere would garble the text. #}
{% macro mask_persons_in_text(text) -%}
    {%- set masked = namespace(sql=text) -%}
    {%- for k in range(1, 5) -%}
        {%- set masked.sql = "replace(" ~ masked.sql ~ ", coalesce(person_id_" ~ k ~ ", ''), coalesce(" ~ mask_id("person_id_" ~ k) ~ ", ''))" -%}
    {%- endfor -%}
    {%- for k in range(1, 5) -%}
        {%- set masked.sql = "replace(" ~ masked.sql ~ ", coalesce(person_name_" ~ k ~ ", ''), case when length(person_name_" ~ k ~ ") > 1 then " ~ mask_name("person_name_" ~ k) ~ " else coalesce(person_name_" ~ k ~ ", '') end)" -%}
    {%- endfor -%}
    {{ mask_id_shapes(masked.sql) }}
{%- endmacro %}

{# What `value` shows unmasked of the record's persons (record_persons columns, unaliased): 'id_number', 'name',
   or 'id_shape' (any 身份证-shaped string); null when nothing. `names_when` and `shape_when` are SQL conditions
   (or false) under which a name, and the 身份证 shape, count: an organisation's own registered name may hold a
   person's name, and a code (USCC) may look like an ID. #}
{% macro person_leak(value, names_when='true', shape_when='true') -%}
    case
        {%- for k in range(1, 5) %}
        when length(person_id_{{ k }}) > 0 and instr({{ value }}, person_id_{{ k }}) > 0 then 'id_number'
        {%- endfor %}
        {%- if names_when %}{% for k in range(1, 5) %}
        when ({{ names_when }}) and length(person_name_{{ k }}) > 1 and instr({{ value }}, person_name_{{ k }}) > 0 then 'name'
        {%- endfor %}{% endif %}
        {%- if shape_when %}
        when ({{ shape_when }}) and {{ has_id_shape(value) }} then 'id_shape'
        {%- endif %}
    end
{%- endmacro %}
