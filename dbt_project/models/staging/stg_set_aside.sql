-- Rows set aside at ingestion, each with the file, line and rule it broke.
select * from {{ source('raw', 'set_aside') }}
