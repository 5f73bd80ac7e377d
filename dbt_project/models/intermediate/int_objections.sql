-- Objections (异议) as of the as-of date: their current state, deadline in working days (5; 10 for
-- list entries) and whether they are overdue, with the department that delivered the record.
with current_state as (
    select * from {{ ref('stg_objection_events') }}
    where is_current and applied_on <= {{ as_of() }}
),
deadlines as ({{ rules_in_force('rule_deadlines', ['deadline']) }}),
states as (
    select
        o.*,
        -- An outcome decided after the as-of date was still pending on it.
        case when o.outcome is not null and o.decided_on <= {{ as_of() }} then o.outcome end as outcome_as_of,
        case when o.feed = 'xymd' then 'objection_list' else 'objection' end as deadline_kind
    from current_state o
)
select
    s.objection_id, s.subject_id, s.feed, s.document_no, s.reason, s.applied_on,
    s.outcome_as_of as outcome, s.corrections,
    case when s.outcome_as_of is not null then s.decided_on end as decided_on,
    s.outcome_as_of is null as is_pending,
    dl.working_days as deadline_working_days,
    due.calendar_date as due_on,
    due.source as due_calendar_source,
    coalesce(case when s.outcome_as_of is null then {{ as_of() }} > due.calendar_date
                  else s.decided_on > due.calendar_date end, false) as is_overdue,
    r.department_id as record_department_id,
    r.delivery_id as record_delivery_id,
    -- No record of that feed, document number and subject was ever accepted: named in department_quality
    -- against the delivery that carried the objection.
    r.delivery_id is null as names_unknown_record,
    s.delivery_id as objection_delivery_id,
    s.source_file, s.source_line, s.delivery_date
from states s
join deadlines dl on dl.deadline = s.deadline_kind
{{ working_day_deadline_join('s.applied_on', 'dl.working_days', 'due') }}
left join {{ ref('int_records') }} r
    on r.feed = s.feed and r.document_no = s.document_no and r.subject_id = s.subject_id
-- Several objections to one record: each is kept; the record's state uses the latest (int_record_states).
