{#
  The date on which a period of `n` working days after `date_column` ends (SPEC §4): the start day is
  not counted and the period ends with its last working day, on the official calendar (int_work_calendar).
  Joins two aliases of the calendar; use inside a FROM clause via working_day_deadline_join.
#}
{% macro working_day_deadline_join(date_column, n, alias) -%}
    left join {{ ref('int_work_calendar') }} {{ alias }}_start on {{ alias }}_start.calendar_date = {{ date_column }}
    left join {{ ref('int_work_calendar') }} {{ alias }}
        on {{ alias }}.is_workday and {{ alias }}.workday_seq = {{ alias }}_start.workday_seq + ({{ n }})
{%- endmacro %}
