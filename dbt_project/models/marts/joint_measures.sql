-- Joint reward and punishment (联合奖惩): the measures in force on the as-of date for each subject,
-- from the measure list (rule_joint_measures): by active list or court record, or by class. The legal
-- representative's and actual controller's personal measures are theirs. A red-listed subject with an
-- active serious negative record loses its incentives (red_black_conflicts). A measure may be limited
-- to some subject types (rule_joint_measures.subject_types): class incentives are for market subjects.
with measures as ({{ rules_in_force('rule_joint_measures', ['measure_code']) }}),
active_records as (
    select * from {{ ref('int_record_states') }}
    where {{ counts_on_as_of() }}
),
by_record as (
    select
        case m.applies_to when 'subject' then r.subject_id when 'legal_representative' then s.legal_rep_id else s.controller_id end as subject_id,
        m.applies_to, r.subject_id as basis_subject_id, r.subject_type as basis_subject_type,
        m.measure_code, m.measure, m.measure_type, m.matters, m.departments, m.legal_basis, m.prompt, m.subject_types,
        r.document_no as basis_document_no,
        r.counts_from as valid_from,
        least(r.effective_until, coalesce({{ day_after(period_end('r.counts_from', 'm.duration_months')) }}, r.effective_until)) as valid_to
    from active_records r
    join measures m on m.trigger = r.record_kind
    left join {{ ref('int_subjects') }} s on s.subject_id = r.subject_id
),
by_class as (
    select
        c.subject_id, m.applies_to, c.subject_id as basis_subject_id, c.subject_type as basis_subject_type,
        m.measure_code, m.measure, m.measure_type, m.matters, m.departments, m.legal_basis, m.prompt, m.subject_types,
        'credit_class:' || c.credit_class as basis_document_no,
        c.class_since as valid_from,
        cast(null as date) as valid_to
    from {{ ref('credit_rating') }} c
    join measures m on m.trigger = 'class_' || c.credit_class and m.applies_to = 'subject'
),
combined as (
    select * from by_record union all select * from by_class  -- the same columns in the same order
)
select m.* except (subject_types, basis_subject_type)
from combined m
left join {{ ref('red_black_conflicts') }} rb on rb.subject_id = m.basis_subject_id
where m.subject_id is not null
  and (coalesce(m.subject_types, '') = '' or {{ list_contains(split_string('m.subject_types', ';'), 'm.basis_subject_type') }})
  and m.valid_from <= {{ as_of() }}
  and (m.valid_to is null or {{ as_of() }} < m.valid_to)
  and not (m.measure_type = '激励' and rb.subject_id is not null)
