-- Repair applications (信用修复) as of the as-of date. The pipeline enforces the rules the department
-- cannot override: no repair before the minimum publicity period, none for a record that may not be
-- repaired (not published, or unknown). Deadline: 10 working days.
with current_state as (
    select * from {{ ref('stg_repair_events') }}
    where is_current and applied_on <= {{ as_of() }}
),
deadlines as ({{ rules_in_force('rule_deadlines', ['deadline']) }})
select
    a.repair_id, a.subject_id, a.feed, a.document_no, a.repair_method, a.applied_on,
    a.decision as department_decision,
    {{ repair_decision('a', 'r') }} as decision,
    {{ repair_refusal_reason('a', 'r') }} as refusal_reason,
    case when {{ repair_decided('a') }} then a.decided_on end as decided_on,
    r.repairable_from,
    dl.working_days as deadline_working_days,
    due.calendar_date as due_on,
    due.source as due_calendar_source,
    {{ repair_refused_by_rule('a', 'r') }} as refused_by_rule,
    -- A refusal by rule is immediate: it cannot be overdue.
    coalesce(case when {{ repair_refused_by_rule('a', 'r') }} then false
                  when {{ repair_decided('a') }} then a.decided_on > due.calendar_date
                  else {{ as_of() }} > due.calendar_date end, false) as is_overdue,
    r.department_id as record_department_id,
    r.delivery_id as record_delivery_id,
    a.source_file, a.source_line, a.delivery_date
from current_state a
join deadlines dl on dl.deadline = 'repair'
{{ working_day_deadline_join('a.applied_on', 'dl.working_days', 'due') }}
left join {{ ref('int_records') }} r
    on r.feed = a.feed and r.document_no = a.document_no and r.subject_id = a.subject_id
