-- 信用承诺 and their fulfilment, latest delivery per commitment.
{% set key = [ident('承诺书编号'), subject_block_id()] %}
select
    {{ subject_block() }},
    {{ ident('承诺书编号') }} as document_no,
    {{ ident('承诺类型') }} as commitment_type,
    {{ ident('承诺事项') }} as content,
    {{ ident('承诺日期') }} as decision_date,
    {{ ident('承诺受理单位统一社会信用代码') }} as authority_id,
    {{ ident('履约状态') }} as fulfilment,
    {{ ident('履约核查日期') }} as checked_on,
    {{ lineage(key) }}
from {{ source('raw', 'xycn') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
