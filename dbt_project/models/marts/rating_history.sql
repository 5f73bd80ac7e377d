-- Every change of every subject's class, with when it held and why it changed (SPEC §5: every change
-- to a class is kept with when and why). Derived from the records, so it survives any rebuild.
with changes as (
    select * from {{ ref('int_class_timeline') }} where is_class_change
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
