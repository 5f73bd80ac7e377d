-- For every delivery: rows in = rows accepted + rows set aside.
select * from {{ ref('department_quality') }} where rows_in <> rows_accepted + rows_set_aside
