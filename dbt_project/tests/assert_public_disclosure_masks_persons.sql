-- No natural person's ID number or name appears unmasked in any column of the public disclosure:
-- no cell equals a person's ID or name, and no cell holds anything shaped like an 18-character ID
-- other than an organisation's code (older USCCs can be all digits).
with cells as (
    unpivot (select columns(*)::varchar from {{ ref('public_disclosure') }})
    on columns(*) into name column_name value cell
),
organisations as (
    select subject_id from {{ ref('int_subjects') }} where subject_type <> '自然人'
),
persons as (
    select subject_id as person_id, subject_name as person_name from {{ ref('int_subjects') }} where subject_type = '自然人'
)
select c.column_name, c.cell
from cells c
where (regexp_matches(c.cell, '[0-9]{17}[0-9X]') and c.cell not in (select subject_id from organisations))
   or c.cell in (select person_id from persons)
   or c.cell in (select person_name from persons where length(person_name) > 1)
