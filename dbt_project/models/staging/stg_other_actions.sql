-- The other eight administrative actions (行政强制 … 行政监督检查), latest delivery wins.
{% set key = ['"决定文书号"', 'subject_id'] %}
select
    {{ subject_block() }},
    "决定文书号" as document_no,
    "行为类型" as action_type,
    "内容" as content,
    "结果" as result,
    "决定日期" as decision_date,
    "实施机关" as authority_name,
    "实施机关统一社会信用代码" as authority_id,
    {{ lineage(key) }}
from {{ source('raw', 'qtxw') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
