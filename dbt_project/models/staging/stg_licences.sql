-- 行政许可: one row per licence decision and subject (latest delivery wins).
{% set key = [ident('行政许可决定文书号'), subject_block_id()] %}
select
    {{ subject_block() }},
    {{ ident('行政许可决定文书号') }} as document_no,
    {{ ident('行政许可决定文书名称') }} as document_name,
    {{ ident('许可类别') }} as licence_category,
    {{ ident('许可证书名称') }} as certificate_name,
    {{ ident('许可编号') }} as licence_no,
    {{ ident('许可内容') }} as content,
    {{ ident('许可决定日期') }} as decision_date,
    {{ ident('有效期自') }} as valid_from,
    {{ ident('有效期至') }} as valid_to,
    {{ ident('许可机关') }} as authority_name,
    {{ ident('许可机关统一社会信用代码') }} as authority_id,
    {{ ident('当前状态') }} as licence_state,
    {{ ident('备注') }} as remarks,
    {{ lineage(key) }}
from {{ source('raw', 'xzxk') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
