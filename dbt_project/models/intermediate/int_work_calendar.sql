-- The official working-day calendar with a running count of working days, for deadline arithmetic.
select
    cast(calendar_date as date) as calendar_date,
    is_workday,
    holiday_name,
    source,
    sum(case when is_workday then 1 else 0 end) over (order by cast(calendar_date as date)) as workday_seq
from {{ ref('work_calendar') }}
