-- Every subject with an archive: registered market subjects, every subject named on a record, and the
-- natural persons who are legal representative or actual controller of one (seeds 001, 002, 004).
with registry as (
    select subject_id, subject_type, subject_name, legal_rep_name, legal_rep_id, controller_name, controller_id,
           established_on, registration_status, region_code, industry_code, source_department_id
    from {{ ref('stg_registrations') }}
),
from_records as (
    select subject_id, subject_type, subject_name, legal_rep_name, legal_rep_id
    from {{ ref('int_records') }}
    qualify row_number() over (partition by subject_id order by {{ delivery_order('desc', staged=true) }}) = 1
),
record_span as (
    select subject_id, min(counts_from) as first_record_on from {{ ref('int_records') }} group by subject_id
),
supervisor as (
    -- The department that delivers most of a subject's records supervises it (ties: lowest id).
    select subject_id, department_id
    from (select subject_id, department_id, count(*) as n from {{ ref('int_records') }} group by all)
    qualify row_number() over (partition by subject_id order by n desc, department_id) = 1
),
organisations as (
    select
        coalesce(g.subject_id, r.subject_id) as subject_id,
        coalesce(g.subject_type, r.subject_type) as subject_type,
        coalesce(g.subject_name, r.subject_name) as subject_name,
        coalesce(g.legal_rep_name, r.legal_rep_name) as legal_rep_name,
        coalesce(g.legal_rep_id, r.legal_rep_id) as legal_rep_id,
        g.controller_name, g.controller_id, g.established_on, g.registration_status, g.region_code, g.industry_code,
        coalesce(s.department_id, g.source_department_id) as supervising_department_id
    from registry g
    full join from_records r using (subject_id)
    left join supervisor s on s.subject_id = coalesce(g.subject_id, r.subject_id)
),
organisations_seen as (
    select o.*, least(o.established_on, rs.first_record_on) as first_seen_on
    from organisations o
    left join record_span rs using (subject_id)
),
related_persons as (
    -- A person known only as the legal representative or controller of organisations is in the archive since the
    -- first of them is: a date of the records, never of the day the rating runs.
    select p.person_id as subject_id, min(p.person_name) as subject_name, min(o.first_seen_on) as first_related_on
    from ({{ organisation_people('organisations') }}) p
    join organisations_seen o using (subject_id)
    group by 1
),
persons as (
    select subject_id, '自然人' as subject_type, min(subject_name) as subject_name, min(first_related_on) as first_related_on
    from related_persons
    where subject_id not in (select subject_id from organisations)
    group by 1
)
select * from organisations_seen
union all
select p.subject_id, p.subject_type, p.subject_name, null, null, null, null, null, null, null, null, null,
       least(rs.first_record_on, p.first_related_on)
from persons p
left join record_span rs using (subject_id)
