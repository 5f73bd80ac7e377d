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
