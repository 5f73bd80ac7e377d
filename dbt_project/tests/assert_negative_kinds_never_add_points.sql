-- Adding a negative record must never improve a class: negative kinds carry no positive points.
select * from {{ ref('rule_record_points') }} where is_negative and points > 0
