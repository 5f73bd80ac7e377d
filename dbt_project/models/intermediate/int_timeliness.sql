-- Timeliness (seeds 001, 002; SPEC §4): a record is late when its FIRST delivery (from the file name) is after
-- the 7th working day following its decision date (the start day not counted), on the official calendar.
-- A later re-delivery that corrects the record does not make it late; lateness belongs to the first delivery.
with deadline as (
    select working_days from ({{ rules_in_force('rule_deadlines', ['deadline']) }}) where deadline = 'timeliness'
)
select
    r.subject_id,
    r.record_id,
    r.first_delivery_id as delivery_id,
    r.decision_date,
    r.first_delivery_date as delivery_date,
    due.calendar_date as due_on,
    due.source as due_calendar_source,
    coalesce(r.first_delivery_date > due.calendar_date, false) as is_late
from {{ ref('int_records') }} r
cross join deadline d
{{ working_day_deadline_join('r.decision_date', 'd.working_days', 'due') }}
