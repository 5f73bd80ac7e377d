-- Timeliness (seeds 001, 002): a record is late when its delivery date is after the 7th working day
-- following its decision date (the start day not counted), on the official calendar.
with deadline as (
    select working_days from ({{ rules_in_force('rule_deadlines', ['deadline']) }}) where deadline = 'timeliness'
)
select
    r.subject_id,
    r.record_id,
    r.delivery_id,
    r.decision_date,
    r.delivery_date,
    due.calendar_date as due_on,
    due.source as due_calendar_source,
    coalesce(r.delivery_date > due.calendar_date, false) as is_late
from {{ ref('int_records') }} r
cross join deadline d
{{ working_day_deadline_join('r.decision_date', 'd.working_days', 'due') }}
