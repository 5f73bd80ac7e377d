-- Sharing (共享, SPEC §3 and §6; seed 003 目录管理: 是否可共享以及共享范围): each archived record × each recipient
-- the catalogue shares its feed's items with (catalogue_items.shared_with), and whether it is shared on the
-- as-of date. A record is shared while it is 有效 or under objection; it stops being shared when it is
-- repaired (NDRC Order No. 36 第三条: 终止公示, 停止共享和使用, "one application, repaired everywhere"),
-- revoked, past its period, or treated leniently (a minor's record is never shared).
with items as ({{ rules_in_force('catalogue_items', ['feed', 'item']) }}),
recipients as (
    select distinct feed, trim(recipient) as recipient
    from items {{ each_of('shared_with', '|', 'recipient') }}
    where trim(recipient) <> ''
),
records as (
    select * from {{ ref('credit_archive') }} where role = '本人'
)
select
    r.subject_id,
    r.feed,
    r.document_no,
    x.recipient,
    case when r.status in ('有效', '异议处理中') then '共享' else '停止共享' end as status,
    case r.status
        when '已修复' then r.repaired_on
        when '已撤销' then r.revoked_on
        -- The first day after its publication (or, unpublished, its counting span) ended.
        when '已过公示期' then coalesce({{ day_after('r.publish_until') }}, r.effective_until)
        -- Shared from the day it reached the platform; a lenient record never was.
        else r.first_delivery_date
    end as since,
    case when r.status <> '有效' then r.status end as reason
from records r
join recipients x using (feed)
