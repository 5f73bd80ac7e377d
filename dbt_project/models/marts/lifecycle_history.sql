-- The lifecycle of every objection (异议) and repair application (信用修复), one row per transition with
-- when and why (SPEC §5: every change is kept). Built from every delivered state in the raw layer, which
-- is append-only, so no rebuild loses a step. A case is its number and its subject (stg_objection_events).
--   异议:     已接收 → 异议处理中 → 更正 / 撤销 / 维持 (处理单位's decision)
--   信用修复: 已申请 → 受理中 → 同意 / 不同意; the pipeline refuses by rule at once, with the reason
--            (before the minimum publicity period, an unpublished penalty, an unknown record).
with objection_rows as (
    select e.*, e.outcome is not null and e.decided_on <= {{ as_of() }} as is_decided
    from {{ ref('stg_objection_events') }} e
    where e.applied_on <= {{ as_of() }}
),
objection_states as (
    select
        '异议' as case_kind, objection_id as case_id, subject_id, feed, document_no, applied_on,
        case when is_decided then outcome else '异议处理中' end as state,
        case when is_decided then decided_on else applied_on end as state_on,
        case when is_decided then '处理单位' else '申请人' end as decided_by,
        case when not is_decided then '异议事由：' || reason
             when outcome = '更正' then '更正内容：' || corrections
             else '处理结果：' || outcome end as detail,
        '异议事由：' || reason as application_detail,
        delivery_id, source_file, source_line, delivery_date, delivery_seq
    from objection_rows
),
repair_rows as (
    select a.*,
        {{ repair_decision('a', 'r') }} as pipeline_decision,
        {{ repair_refusal_reason('a', 'r') }} as pipeline_refusal_reason,
        case when {{ repair_refused_by_rule('a', 'r') }} then '规则'
             when {{ repair_decided('a') }} then '处理单位'
             else '申请人' end as decided_by
    from {{ ref('stg_repair_events') }} a
    left join {{ ref('int_records') }} r
        on r.feed = a.feed and r.document_no = a.document_no and r.subject_id = a.subject_id
    where a.applied_on <= {{ as_of() }}
),
repair_states as (
    select
        '信用修复', repair_id, subject_id, feed, document_no, applied_on,
        pipeline_decision,
        case when decided_by = '处理单位' then decided_on else applied_on end,
        decided_by,
        coalesce(pipeline_refusal_reason, '修复方式：' || repair_method),
        '修复方式：' || repair_method,
        delivery_id, source_file, source_line, delivery_date, delivery_seq
    from repair_rows
),
ordered as (
    select *,
        lag(state) over w as previous_state,
        row_number() over w as delivered_step
    from (select * from objection_states union all select * from repair_states)
    window w as (partition by case_kind, case_id, subject_id order by {{ delivery_order('asc', staged=true) }})
),
transitions as (
    -- Receipt of the application, from its first delivery.
    select case_kind, case_id, subject_id, feed, document_no, applied_on,
           cast(null as string) as from_state,
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
    select '异议' as case_kind, objection_id as case_id, subject_id, due_on, due_calendar_source, is_overdue,
           record_department_id
    from {{ ref('int_objections') }}
    union all
    select '信用修复', repair_id, subject_id, due_on, due_calendar_source, is_overdue, record_department_id
    from {{ ref('int_repairs') }}
)
select
    t.subject_id,
    t.case_kind,
    t.case_id,
    cast(row_number() over (partition by t.case_kind, t.case_id, t.subject_id order by t.step) as bigint) as transition_seq,  -- an INT in Spark
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
    d.ingested_at as recorded_at
from transitions t
left join current_cases c using (case_kind, case_id, subject_id)
left join {{ ref('stg_deliveries') }} d using (delivery_id)
