-- Each subject's class at every change point up to the as-of date (SPEC §4, seed 004):
--   严重失信 with an active record whose class_floor is 严重失信 (严重失信主体名单, 失信被执行人);
--   诚信守法 with no active negative record;
--   otherwise the points band (rule_class_bands), never better than a class_floor 一般失信 record allows.
-- Running sums over events make this linear in the number of events, whatever the archive's size.
with settings as (
    select max(try_cast(value as double)) filter (where setting = 'base_score') as base_score
    from ({{ rules_in_force('rule_settings', ['setting']) }})
),
bands as ({{ rules_in_force('rule_class_bands', ['credit_class']) }}),
thresholds as (
    select max(min_score) filter (where class_rank = 2) as minor_min, max(min_score) filter (where class_rank = 3) as general_min
    from bands
),
daily as (
    select subject_id, event_date,
           sum(score_delta) as score_delta, sum(negative_delta) as negative_delta,
           sum(floor_severe_delta) as floor_severe_delta, sum(floor_general_delta) as floor_general_delta,
           {{ agg_string('cause', '；', ['cause']) }} as cause,
           {{ agg_string('cause_kind', ';', distinct=true) }} as cause_kinds
    from (
        select subject_id, event_date, score_delta, negative_delta, floor_severe_delta, floor_general_delta, cause, cause_kind
        from {{ ref('int_class_events') }}
        union all
        -- Every subject starts as 诚信守法 when its archive opens.
        select subject_id, coalesce(first_seen_on, {{ as_of() }}), 0, 0, 0, 0, '建档', '建档'
        from {{ ref('int_subjects') }}
    )
    where event_date <= {{ as_of() }}
    group by all
),
running as (
    select
        subject_id, event_date, cause, cause_kinds,
        st.base_score + sum(score_delta) over w as score,
        sum(negative_delta) over w as active_negative,
        sum(floor_severe_delta) over w as active_floor_severe,
        sum(floor_general_delta) over w as active_floor_general
    from daily cross join settings st
    window w as (partition by subject_id order by event_date rows between unbounded preceding and current row)
),
ranked as (
    select
        r.*,
        case
            when r.active_floor_severe > 0 then 4
            when r.active_negative = 0 then 1
            else greatest(
                case when r.score >= t.minor_min then 2 when r.score >= t.general_min then 3 else 4 end,
                case when r.active_floor_general > 0 then 3 else 2 end
            )
        end as class_rank
    from running r cross join thresholds t
),
classed as (
    select r.*, b.credit_class,
           lag(b.credit_class) over (partition by r.subject_id order by r.event_date) as previous_class
    from ranked r
    join bands b using (class_rank)
)
select
    *,
    (previous_class is distinct from credit_class) as is_class_change,
    -- The day the current class began (not the last change of score within it).
    max(case when (previous_class is distinct from credit_class) then event_date end)
        over (partition by subject_id order by event_date rows between unbounded preceding and current row) as class_since
from classed
