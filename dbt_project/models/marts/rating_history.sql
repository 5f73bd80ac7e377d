-- Every change of every subject's class, with when it held and why it changed (SPEC §5: every change
-- to a class is kept with when and why). Derived from the records, so it survives any rebuild.
with changes as (
    select *, lag(credit_class) over (partition by subject_id order by event_date) as previous_class
    from {{ ref('int_class_timeline') }}
    qualify previous_class is null or previous_class <> credit_class
)
select
    subject_id,
    credit_class,
    previous_class,
    score,
    event_date as valid_from,
    lead(event_date) over (partition by subject_id order by event_date) as valid_to,
    cause,
    cause_kinds
from changes
