{#
  The grain of a table: no two rows share these columns. Plain GROUP BY, so it reads the same on every engine.
#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as rows_with_this_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
