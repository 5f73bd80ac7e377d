-- Each subject's class (分级分类) on the as-of date with its score and the records that put it there.
-- Related-party risk is its own mart (related_party_risks), computed from these classes.
with latest as (
    select * from {{ ref('int_class_timeline') }}
    qualify row_number() over (partition by subject_id order by event_date desc) = 1
),
reasons as (
    select
        subject_id,
        {{ agg_string("feed || ' ' || document_no || '（' || record_kind || '）'", '；', ['decision_date', 'document_no']) }} as reasons,
        {{ agg_list('document_no', ['decision_date', 'document_no']) }} as reason_document_nos
    from {{ ref('int_record_states') }}
    where is_negative and {{ counts_on_as_of() }}
    group by subject_id
),
rated as (
    select
        s.subject_id, s.subject_type, s.subject_name,
        {{ public_subject_id('s.subject_id', 's.subject_type') }} as public_subject_id,
        {{ public_subject_name('s.subject_name', 's.subject_type') }} as public_subject_name,
        coalesce(l.credit_class, '诚信守法') as credit_class,
        coalesce(l.class_rank, 1) as class_rank,
        l.score,
        {{ as_of() }} as as_of_date,
        coalesce(r.reasons, '无有效失信记录') as reasons,
        coalesce(r.reason_document_nos, {{ list_literal([]) }}) as reason_document_nos,
        l.class_since,
        rb.subject_id is not null as red_black_conflict
    from {{ ref('int_subjects') }} s
    left join latest l using (subject_id)
    left join reasons r using (subject_id)
    left join {{ ref('red_black_conflicts') }} rb using (subject_id)
)
select * from rated
