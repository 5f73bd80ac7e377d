-- Red/black cross-check (红黑名单交叉比对, seed 001): subjects on the red list while an active serious
-- negative record counts against them. They are reported here and their incentives are suspended
-- (joint_measures). "Serious" is data: a negative record kind with a class floor in rule_record_points
-- (严重失信主体名单, 失信被执行人, 严重 penalties).
with points as ({{ rules_in_force('rule_record_points', ['record_kind']) }}),
active as (
    select s.subject_id, s.subject_type, s.subject_name, s.feed, s.document_no, s.record_kind, s.counts_from,
           s.record_kind = 'list_红名单' as is_red_list,
           s.is_negative and p.class_floor is not null as is_serious
    from {{ ref('int_record_states') }} s
    left join points p using (record_kind)
    where {{ counts_on_as_of('s') }}
),
by_subject as (
    select
        -- min, not any_value: the same name on every engine and run when records name the subject apart.
        subject_id, min(subject_type) as subject_type, min(subject_name) as subject_name,
        {{ agg_list('document_no', ['counts_from', 'document_no'], 'is_red_list') }} as red_list_document_nos,
        {{ agg_list('document_no', ['counts_from', 'document_no'], 'is_serious') }} as serious_document_nos,
        {{ agg_string('record_kind', ';', distinct=true, filter='is_serious') }} as serious_record_kinds,
        greatest(min(counts_from) filter (where is_red_list), min(counts_from) filter (where is_serious)) as conflict_since
    from active
    group by subject_id
)
select *
from by_subject
where {{ list_length('red_list_document_nos') }} > 0 and {{ list_length('serious_document_nos') }} > 0
