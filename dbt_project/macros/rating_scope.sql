{#
  Scoped re-rating (SPEC §5: re-rate and republish "without rebuilding what did not change").
  In the scoped target every staging model keeps only the rows of the subjects in rating_scope, so
  the same models compute exactly those subjects; credit_pipeline/rerating.py merges the core of the
  scope into the warehouse. In the default target this renders nothing: every subject is built.
  A condition to AND into a WHERE clause (delivered_by_as_of); DuckDB resolves the subject_id alias there.
#}
{% macro in_rating_scope(column='subject_id') -%}
    {%- if target.name == 'scoped' -%}
    and {{ column }} in (select subject_id from {{ ref('rating_scope') }})
    {%- endif -%}
{%- endmacro %}
