-- The delivery ledger: one row per distinct delivery (duplicate files are not deliveries), delivered by the
-- as-of date (a file dated later is not a delivery yet on that date).
select * from {{ source('raw', 'deliveries') }}
where delivery_date <= {{ as_of() }}
