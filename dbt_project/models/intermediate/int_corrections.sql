-- Corrections (异议 outcome 更正) decided by the as-of date: per record, the corrected items and values.
with decided as (
    select *
    from {{ ref('stg_objection_events') }}
    where is_current and outcome = '更正' and decided_on <= {{ as_of() }}
),
pairs as (
    select feed, document_no, subject_id, objection_id, decided_on,
           trim(split_part(pair, '=', 1)) as item,
           trim(substr(pair, strpos(pair, '=') + 1)) as new_value
    from decided, unnest(string_split(corrections, ';')) as t(pair)
    where strpos(pair, '=') > 0
)
select
    feed, document_no, subject_id,
    map(list(item order by decided_on, objection_id), list(new_value order by decided_on, objection_id)) as corrected_items,
    max(decided_on) as corrected_on,
    string_agg(distinct objection_id, ';') as objection_ids
from pairs
group by feed, document_no, subject_id
