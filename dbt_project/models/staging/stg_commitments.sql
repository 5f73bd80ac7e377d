-- 信用承诺 and their fulfilment, latest delivery per commitment.
{% set key = ['"承诺书编号"', 'subject_id'] %}
select
    {{ subject_block() }},
    "承诺书编号" as document_no,
    "承诺类型" as commitment_type,
    "承诺事项" as content,
    "承诺日期" as decision_date,
    "承诺受理单位统一社会信用代码" as authority_id,
    "履约状态" as fulfilment,
    "履约核查日期" as checked_on,
    {{ lineage(key) }}
from {{ source('raw', 'xycn') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
