-- Related-party risk (关联风险, seed 001): organisations that share a legal representative or actual
-- controller with a 严重失信 subject, one row per organisation, 严重失信 subject and shared person.
with severe as (
    select subject_id from {{ ref('credit_rating') }} where credit_class = '严重失信'
),
roles as ({{ organisation_people(ref('int_subjects')) }}),  -- controllers come only from the registry of market subjects
ties as (
    -- Equi-joins on the person: the severe subjects' people first, which are few.
    select r.subject_id, sr.subject_id as related_subject_id, r.person_id, r.person_role, sr.person_role as related_person_role
    from roles sr
    join severe using (subject_id)
    join roles r on r.person_id = sr.person_id and r.subject_id <> sr.subject_id
)
select
    t.subject_id, s.subject_type, s.subject_name,
    t.related_subject_id, rs.subject_name as related_subject_name, '严重失信' as related_credit_class,
    t.person_id, t.person_role, t.related_person_role
from ties t
join {{ ref('int_subjects') }} s on s.subject_id = t.subject_id
join {{ ref('int_subjects') }} rs on rs.subject_id = t.related_subject_id
