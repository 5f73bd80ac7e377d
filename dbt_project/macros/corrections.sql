{#
  A staging model with the corrections (异议 更正, int_corrections) decided by the as-of date applied:
  SPEC §5, "the corrected values replace the old ones everywhere". `items` maps each correctable
  catalogue item (the name departments write in 更正内容) to its staging column and type. Adds
  corrected_on (null when uncorrected). Use as a subquery.
#}
{% macro corrected_relation(model, feed, items) -%}
    select
        {#- The corrected columns move to the end (Spark has no `* replace`); models name the columns they use. #}
        x.* except ({{ items.values() | map(attribute=0) | join(', ') }}),
        {%- for item, (column, type) in items.items() %}
        coalesce(try_cast(c.corrected_items['{{ item }}'] as {{ type }}), x.{{ column }}) as {{ column }},
        {%- endfor %}
        c.corrected_on
    from {{ ref(model) }} x
    left join {{ ref('int_corrections') }} c
        on c.feed = '{{ feed }}' and c.document_no = x.document_no and c.subject_id = x.subject_id
{%- endmacro %}
