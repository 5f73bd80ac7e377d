-- The moments at which a subject's standing changes: a counting record starts or stops counting.
-- Each event carries what it adds to the running sums the class is computed from (int_class_timeline).
with counting as (
    select s.*, p.class_floor
    from {{ ref('int_record_states') }} s
    left join ({{ rules_in_force('rule_record_points', ['record_kind']) }}) p using (record_kind)
    where s.counts
      and (s.is_negative or s.points <> 0 or p.class_floor is not null)
      and s.counts_from <= {{ as_of() }}
      and s.counts_from < s.effective_until
),
feeds as ({{ rules_in_force('catalogue_feeds', ['feed']) }}),
signed as (
    select c.*, f.name_cn as feed_name, 1 as direction, c.counts_from as event_date, '新增' as what
    from counting c join feeds f using (feed)
    union all
    select c.*, f.name_cn, -1, c.effective_until, c.end_cause
    from counting c join feeds f using (feed)
    where c.effective_until <= {{ as_of() }}
)
select
    subject_id,
    event_date,
    direction * points as score_delta,
    direction * is_negative::int as negative_delta,
    direction * (class_floor = '严重失信')::int as floor_severe_delta,
    direction * (class_floor = '一般失信')::int as floor_general_delta,
    what || ' ' || feed_name || ' ' || document_no || '（' || record_kind || '）' as cause,
    what as cause_kind,
    record_id
from signed
