-- Each record's state on the as-of date after objections and repairs (SPEC §5), and the span in
-- which it counts against its subject (counts_from .. effective_until, exclusive).
with latest_objection as (
    select * from {{ ref('int_objections') }}
    qualify row_number() over (partition by feed, document_no, subject_id order by applied_on desc, objection_id desc) = 1
),
approved_repair as (
    select feed, document_no, subject_id, min(decided_on) as repaired_on, min(repair_id) as repair_id
    from {{ ref('int_repairs') }}
    where decision = '同意'
    group by all
),
states as (
    select
        r.*,
        case when o.outcome = '撤销' then o.decided_on end as revoked_on,
        o.objection_id,
        coalesce(o.is_pending, false) as objection_pending,
        rp.repaired_on,
        rp.repair_id
    from {{ ref('int_records') }} r
    left join latest_objection o using (feed, document_no, subject_id)
    left join approved_repair rp using (feed, document_no, subject_id)
)
select
    *,
    case
        when revoked_on is not null then '已撤销'
        when leniency is not null then '从轻不计'
        when repaired_on is not null then '已修复'
        -- publish_until is the last day published; counts_until the first day no longer counting.
        when {{ as_of() }} >= coalesce({{ day_after('publish_until') }}, counts_until) then '已过公示期'
        when objection_pending then '异议处理中'
        else '有效'
    end as status,
    -- A revoked, repaired or leniently treated record is never active (SPEC §4).
    leniency is null as counts,
    least(counts_until, coalesce(repaired_on, counts_until), coalesce(revoked_on, counts_until)) as effective_until,
    case
        when revoked_on is not null and revoked_on <= least(counts_until, coalesce(repaired_on, counts_until)) then '异议撤销'
        when repaired_on is not null and repaired_on <= counts_until then '信用修复'
        else '到期'
    end as end_cause
from states
