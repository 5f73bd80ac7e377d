-- Each subject's class (分级分类) on the as-of date with its score and the records that put it there.
with latest as (
    select * from {{ ref('int_class_timeline') }}
    qualify row_number() over (partition by subject_id order by event_date desc) = 1
),
reasons as (
    select
        subject_id,
        string_agg(feed || ' ' || document_no || '（' || record_kind || '）', '；' order by decision_date, document_no) as reasons,
        list(document_no order by decision_date, document_no) as reason_document_nos
    from {{ ref('int_record_states') }}
    where counts and is_negative and counts_from <= {{ as_of() }} and {{ as_of() }} < effective_until
    group by subject_id
),
red_black as (
    select subject_id,
           bool_or(record_kind = 'list_红名单') as on_red_list,
           bool_or(record_kind in ('list_严重失信主体名单', 'court_失信被执行人', 'penalty_严重')) as has_serious_negative
    from {{ ref('int_record_states') }}
    where counts and counts_from <= {{ as_of() }} and {{ as_of() }} < effective_until
    group by subject_id
),
rated as (
    select
        s.subject_id, s.subject_type, s.subject_name,
        coalesce(l.credit_class, '诚信守法') as credit_class,
        coalesce(l.class_rank, 1) as class_rank,
        l.score,
        {{ as_of() }} as as_of_date,
        coalesce(r.reasons, '无有效失信记录') as reasons,
        coalesce(r.reason_document_nos, []) as reason_document_nos,
        l.event_date as class_since,
        coalesce(rb.on_red_list and rb.has_serious_negative, false) as red_black_conflict,
        s.legal_rep_id, s.controller_id
    from {{ ref('int_subjects') }} s
    left join latest l using (subject_id)
    left join reasons r using (subject_id)
    left join red_black rb using (subject_id)
),
severe_people as (
    -- Legal representatives and controllers of 严重失信 subjects.
    select legal_rep_id as person_id, subject_id as severe_subject_id from rated
    where credit_class = '严重失信' and legal_rep_id is not null and subject_type <> '自然人'
    union
    select controller_id, subject_id from rated where credit_class = '严重失信' and controller_id is not null
),
related_risk as (
    -- Two equi-joins, not one join on `in (...)`, which would compare every subject with every person.
    select subject_id, string_agg(distinct severe_subject_id, ';' order by severe_subject_id) as related_severe_subjects
    from (
        select r.subject_id, p.severe_subject_id from rated r join severe_people p on p.person_id = r.legal_rep_id
        where r.subject_type <> '自然人'
        union all
        select r.subject_id, p.severe_subject_id from rated r join severe_people p on p.person_id = r.controller_id
        where r.subject_type <> '自然人'
    )
    where severe_subject_id <> subject_id
    group by subject_id
)
select
    r.* exclude (legal_rep_id, controller_id),
    rr.related_severe_subjects is not null as related_party_risk,
    rr.related_severe_subjects
from rated r
left join related_risk rr using (subject_id)
