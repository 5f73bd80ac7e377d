-- The lifecycle of every objection (异议) and repair application (信用修复), one row per transition with
-- when and why (SPEC §5: every change is kept). Built from every delivered state in the raw layer, which
-- is append-only, so no rebuild loses a step.
--   异议:     已接收 → 异议处理中 → 更正 / 撤销 / 维持 (处理单位's decision)
--   信用修复: 已申请 → 受理中 → 同意 / 不同意; the pipeline refuses by rule at once, with the reason
--            (before the minimum publicity period, an unpublished penalty, an unknown record).
with objection_states as (
    select
        '异议' as case_kind, e.objection_id as case_id, e.subject_id, e.feed, e.document_no, e.applied_on,
        case when e.outcome is not null and e.decided_on <= {{ as_of() }} then e.outcome else '异议处理中' end as state,
        case when e.outcome is not null and e.decided_on <= {{ as_of() }} then e.decided_on else e.applied_on end as state_on,
        case when e.outcome is not null and e.decided_on <= {{ as_of() }} then '处理单位' else '申请人' end as decided_by,
        case when e.outcome is null or e.decided_on > {{ as_of() }} then '异议事由：' || e.reason
             when e.outcome = '更正' then '更正内容：' || e.corrections
             else '处理结果：' || e.outcome end as detail,
        '异议事由：' || e.reason as application_detail,
        e.delivery_id, e.source_file, e.source_line, e.delivery_date
    from {{ ref('stg_objection_events') }} e
    where e.applied_on <= {{ as_of() }}
),
repair_states as (
    select
        '信用修复', a.repair_id, a.subject_id, a.feed, a.document_no, a.applied_on,
        {{ repair_decision('a', 'r') }},
        case when {{ repair_refused_by_rule('a', 'r') }} then a.applied_on
             when a.decision in ('同意', '不同意') and a.decided_on <= {{ as_of() }} then a.decided_on
             else a.applied_on end,
        case when {{ repair_refused_by_rule('a', 'r') }} then '规则'
             when a.decision in ('同意', '不同意') and a.decided_on <= {{ as_of() }} then '处理单位'
             else '申请人' end,
        coalesce({{ repair_refusal_reason('a', 'r') }}, '修复方式：' || a.repair_method),
        '修复方式：' || a.repair_method,
        a.delivery_id, a.source_file, a.source_line, a.delivery_date
    from {{ ref('stg_repair_events') }} a
    left join {{ ref('int_records') }} r
        on r.feed = a.feed and r.document_no = a.document_no and r.subject_id = a.subject_id
    where a.applied_on <= {{ as_of() }}
),
ordered as (
    select *,
        lag(state) over w as previous_state,
        row_number() over w as delivered_step
    from (select * from objection_states union all select * from repair_states)
    window w as (partition by case_kind, case_id order by delivery_date, source_file, source_line)
),
transitions as (
    -- Receipt of the application, from its first delivery.
    select case_kind, case_id, subject_id, feed, document_no, applied_on,
           cast(null as varchar) as from_state,
           case case_kind when '异议' then '已接收' else '已申请' end as to_state,
           applied_on as state_on, '申请人' as decided_by, application_detail as detail,
           delivery_id, source_file, source_line, delivery_date, 0 as step
    from ordered where delivered_step = 1
    union all
    -- Every change of state a later delivery (or the pipeline's rule) brings.
    select case_kind, case_id, subject_id, feed, document_no, applied_on,
           coalesce(previous_state, case case_kind when '异议' then '已接收' else '已申请' end),
           state, state_on, decided_by, detail,
           delivery_id, source_file, source_line, delivery_date, delivered_step
    from ordered where previous_state is distinct from state
),
current_cases as (
    select '异议' as case_kind, objection_id as case_id, due_on, due_calendar_source, is_overdue, record_department_id
    from {{ ref('int_objections') }}
    union all
    select '信用修复', repair_id, due_on, due_calendar_source, is_overdue, record_department_id
    from {{ ref('int_repairs') }}
)
select
    t.subject_id,
    t.case_kind,
    t.case_id,
    row_number() over (partition by t.case_kind, t.case_id order by t.step) as transition_seq,
    t.from_state,
    t.to_state,
    t.state_on,
    t.decided_by,
    t.detail,
    t.feed,
    t.document_no,
    t.applied_on,
    c.due_on,
    c.due_calendar_source,
    c.is_overdue,
    c.record_department_id,
    t.delivery_id,
    t.source_file,
    t.source_line,
    t.delivery_date,
    d.ingested_at as recorded_at,
    {{ as_of() }} as as_of_date
from transitions t
left join current_cases c using (case_kind, case_id)
left join {{ ref('stg_deliveries') }} d using (delivery_id)
