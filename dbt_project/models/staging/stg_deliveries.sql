-- The delivery ledger: one row per distinct delivery (duplicate files are not deliveries).
select * from {{ source('raw', 'deliveries') }}
