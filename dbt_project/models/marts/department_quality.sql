-- Per department, feed and delivery: rows in / accepted / set aside, completeness, records delivered
-- later than 7 working days after their decision, and objections and repairs about the delivery's
-- records that are overdue; whether the delivering department's code is valid, and objections that name no
-- known record.
with deliveries as (select * from {{ ref('stg_deliveries') }}),
feeds as ({{ rules_in_force('catalogue_feeds', ['feed']) }}),
timeliness as (
    select
        delivery_id,
        count(*) filter (where is_late) as late_records,
        count(*) filter (where due_calendar_source is distinct from 'chinese_calendar') as records_on_estimated_calendar
    from {{ ref('int_timeliness') }}
    group by delivery_id
),
set_aside_rules as (
    select delivery_id, {{ agg_string("rule || ':' || n", ';', ['n desc', 'rule']) }} as set_aside_by_rule
    from (select delivery_id, rule, count(*) as n from {{ ref('stg_set_aside') }} group by all)
    group by delivery_id
),
failed_items as (
    -- The catalogue items that made records incomplete, with how many records each.
    select delivery_id, {{ agg_string("item || ':' || n", ';', ['n desc', 'item']) }} as failed_items
    from (select delivery_id, item, count(*) as n from {{ ref('stg_set_aside') }} where item is not null group by all)
    group by delivery_id
),
objections as (
    select record_delivery_id as delivery_id, count(*) filter (where is_overdue) as overdue_objections
    from {{ ref('int_objections') }} group by 1
),
unknown_records as (
    -- Objections this delivery carried that name no record the platform holds.
    select objection_delivery_id as delivery_id, count(*) as objections_unknown_record
    from {{ ref('int_objections') }} where names_unknown_record group by 1
),
repairs as (
    select record_delivery_id as delivery_id, count(*) filter (where is_overdue) as overdue_repairs
    from {{ ref('int_repairs') }} group by 1
)
select
    d.department_id,
    d.department_id_valid,
    d.feed,
    f.name_cn as feed_name,
    d.delivery_date,
    d.file_path,
    d.delivery_id,
    d.status,
    d.message,
    d.rows_in,
    d.rows_accepted,
    d.rows_set_aside,
    -- A record is complete when every required item is there and valid: exactly the records accepted.
    case when d.rows_in > 0 then round(d.rows_accepted / d.rows_in, 4) end as completeness,
    coalesce(t.late_records, 0) as late_records,
    coalesce(t.records_on_estimated_calendar, 0) as records_on_estimated_calendar,
    coalesce(o.overdue_objections, 0) as overdue_objections,
    coalesce(p.overdue_repairs, 0) as overdue_repairs,
    coalesce(u.objections_unknown_record, 0) as objections_unknown_record,
    sa.set_aside_by_rule,
    fi.failed_items,
    d.extra_columns,
    d.ingested_at
from deliveries d
left join feeds f using (feed)
left join timeliness t using (delivery_id)
left join set_aside_rules sa using (delivery_id)
left join failed_items fi using (delivery_id)
left join objections o using (delivery_id)
left join repairs p using (delivery_id)
left join unknown_records u using (delivery_id)
