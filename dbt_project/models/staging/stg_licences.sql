-- 行政许可: one row per licence decision and subject (latest delivery wins).
{% set key = ['"行政许可决定文书号"', 'subject_id'] %}
select
    {{ subject_block() }},
    "行政许可决定文书号" as document_no,
    "行政许可决定文书名称" as document_name,
    "许可类别" as licence_category,
    "许可证书名称" as certificate_name,
    "许可编号" as licence_no,
    "许可内容" as content,
    "许可决定日期" as decision_date,
    "有效期自" as valid_from,
    "有效期至" as valid_to,
    "许可机关" as authority_name,
    "许可机关统一社会信用代码" as authority_id,
    "当前状态" as licence_state,
    "备注" as remarks,
    {{ lineage(key) }}
from {{ source('raw', 'xzxk') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
