{# Schemas are named for their layer (staging, intermediate, marts, rules), not prefixed by the target.
   The scoped target builds models beside them in scoped_<layer>; seeds (rules) are shared. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set schema = custom_schema_name | trim if custom_schema_name else target.schema -%}
    {%- if target.name == 'scoped' and node.resource_type != 'seed' -%} scoped_{{ schema }} {%- else -%} {{ schema }} {%- endif -%}
{%- endmacro %}
