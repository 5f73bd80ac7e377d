-- 失信被执行人 from the court, latest delivery per case and debtor.
{% set key = ['"案号"', 'subject_id'] %}
select
    {{ subject_block() }},
    "案号" as document_no,
    "执行依据文号" as enforcement_basis_no,
    "执行法院" as authority_name,
    "立案日期" as filed_on,
    "发布日期" as decision_date,
    "失信行为具体情形" as content,
    "履行情况" as performance,
    "撤销日期" as revoked_on,
    {{ lineage(key) }}
from {{ source('raw', 'sxbzxr') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
