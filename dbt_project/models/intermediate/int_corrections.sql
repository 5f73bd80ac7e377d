-- Corrections (异议 outcome 更正) decided by the as-of date: per record, the corrected items and values.
with decided as (
    select *
    from {{ ref('stg_objection_events') }}
    where is_current and outcome = '更正' and decided_on <= {{ as_of() }}
),
pairs as (
    select feed, document_no, subject_id, objection_id, decided_on,
           trim(split_part(pair, '=', 1)) as item,
           trim(substr(pair, instr(pair, '=') + 1)) as new_value
    from decided {{ each_of('corrections', ';', 'pair') }}
    where instr(pair, '=') > 0
)
select
    feed, document_no, subject_id,
    {{ map_from_lists(agg_list('item', ['decided_on', 'objection_id']), agg_list('new_value', ['decided_on', 'objection_id'])) }} as corrected_items,
    max(decided_on) as corrected_on,
    {{ agg_string('objection_id', ';', distinct=true) }} as objection_ids
from pairs
group by feed, document_no, subject_id
