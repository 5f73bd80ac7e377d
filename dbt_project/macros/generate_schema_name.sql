{# Schemas are named for their layer (staging, intermediate, marts, rules), not prefixed by the target. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
