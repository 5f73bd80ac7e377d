-- The other eight administrative actions (行政强制 … 行政监督检查), latest delivery wins.
{% set key = [ident('决定文书号'), subject_block_id()] %}
select
    {{ subject_block() }},
    {{ ident('决定文书号') }} as document_no,
    {{ ident('行为类型') }} as action_type,
    {{ ident('内容') }} as content,
    {{ ident('结果') }} as result,
    {{ ident('决定日期') }} as decision_date,
    {{ ident('实施机关') }} as authority_name,
    {{ ident('实施机关统一社会信用代码') }} as authority_id,
    {{ lineage(key) }}
from {{ source('raw', 'qtxw') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
