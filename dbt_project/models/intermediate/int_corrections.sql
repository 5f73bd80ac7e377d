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
),
latest as (
    -- An item corrected again by a later decision takes the later value (a map holds one value per item).
    select *,
        row_number() over (partition by feed, document_no, subject_id, item order by decided_on desc, objection_id desc) = 1
            as is_latest
    from pairs
)
select
    feed, document_no, subject_id,
    -- Keys and values are two aggregates: both ordered by the item, unique among the latest pairs, so that each
    -- value stays with its item (ordered by the decision alone, the items of one objection tie, and Spark breaks
    -- the tie by each list's own values: 失信程度 got the fine).
    {{ map_from_lists(agg_list('item', ['item'], 'is_latest'), agg_list('new_value', ['item'], 'is_latest')) }} as corrected_items,
    max(decided_on) as corrected_on,
    {{ agg_string('objection_id', ';', distinct=true) }} as objection_ids
from latest
group by feed, document_no, subject_id
