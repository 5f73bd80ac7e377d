-- The moments at which a subject's standing changes: a counting record starts or stops counting.
-- Each event carries what it adds to the running sums the class is computed from (int_class_timeline).
-- A corrected penalty (更正) counts in its original version until the correction and in its corrected
-- version from then, so the class change is dated to the correction, with that cause.
{% set replaced = ['counts_from', 'record_kind', 'points', 'is_negative', 'counts', 'effective_until', 'end_cause'] %}
with points as ({{ rules_in_force('rule_record_points', ['record_kind']) }}),
versions as (
    -- Penalties keep their original version (int_penalties); other feeds' corrections apply throughout.
    -- The same columns in the same order in both branches (a positional union: Spark has no `union by name`).
    select s.* except ({{ replaced | join(', ') }}),
           case when s.feed = 'xzcf' then greatest(s.counts_from, coalesce(s.corrected_on, s.counts_from))
                else s.counts_from end as counts_from,
           s.record_kind, s.points, s.is_negative, s.counts, s.effective_until, s.end_cause,
           case when s.feed = 'xzcf' and s.corrected_on > s.counts_from then '异议更正' else '新增' end as start_kind
    from {{ ref('int_record_states') }} s
    union all
    select s.* except ({{ replaced | join(', ') }}),
           s.counts_from,
           'penalty_' || o.severity as record_kind,
           coalesce(p.points, 0) as points,
           coalesce(p.is_negative, false) as is_negative,
           {{ leniency('o.leniency', 'o.subject_type', 'o.id_type', 'o.id_number', 'o.decision_date') }} is null as counts,
           -- Until the correction, unless it had ended before (a repair or revocation, or its own end).
           least(o.counts_until, o.corrected_on, coalesce(s.repaired_on, o.corrected_on), coalesce(s.revoked_on, o.corrected_on)) as effective_until,
           case when o.corrected_on <= o.counts_until then '异议更正' else '到期' end as end_cause,
           '新增' as start_kind
    from {{ ref('int_penalties') }} o
    join {{ ref('int_record_states') }} s on s.feed = 'xzcf' and s.document_no = o.document_no and s.subject_id = o.subject_id
    left join points p on p.record_kind = 'penalty_' || o.severity
    where o.is_original_version
),
counting as (
    select v.*, p.class_floor
    from versions v
    left join points p using (record_kind)
    where v.counts
      and (v.is_negative or v.points <> 0 or p.class_floor is not null)
      and v.counts_from <= {{ as_of() }}
      and v.counts_from < v.effective_until
),
feeds as ({{ rules_in_force('catalogue_feeds', ['feed']) }}),
signed as (
    select c.*, f.name_cn as feed_name, 1 as direction, c.counts_from as event_date, c.start_kind as what
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
    direction * cast(is_negative as int) as negative_delta,
    direction * cast(class_floor = '严重失信' as int) as floor_severe_delta,
    direction * cast(class_floor = '一般失信' as int) as floor_general_delta,
    what || ' ' || feed_name || ' ' || document_no || '（' || record_kind || '）' as cause,
    what as cause_kind,
    record_id
from signed
