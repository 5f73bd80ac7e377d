-- SPEC §4 hard rules: an active 严重失信主体名单 or 失信被执行人 record means 严重失信; an active 严重 penalty at
-- least 一般失信; no active negative record means 诚信守法.
with active as (
    select subject_id,
           bool_or(record_kind in ('list_严重失信主体名单', 'court_失信被执行人')) as severe,
           bool_or(record_kind = 'penalty_严重') as serious_penalty,
           bool_or(is_negative) as negative
    from {{ ref('int_record_states') }}
    where counts and counts_from <= {{ as_of() }} and {{ as_of() }} < effective_until
    group by subject_id
)
select r.subject_id, r.credit_class, a.*
from {{ ref('credit_rating') }} r
left join active a using (subject_id)
where (a.severe and r.credit_class <> '严重失信')
   or (a.serious_penalty and r.class_rank < 3)
   or (coalesce(a.negative, false) = false and r.credit_class <> '诚信守法')
   or (a.negative and r.credit_class = '诚信守法')
