-- 行业信用评价 by departments, latest delivery per rating document and subject.
{% set key = [ident('评价文号'), subject_block_id()] %}
select
    {{ subject_block() }},
    {{ ident('评价文号') }} as document_no,
    {{ ident('评价部门统一社会信用代码') }} as authority_id,
    {{ ident('评价领域') }} as rating_domain,
    {{ ident('评价等级') }} as grade,
    {{ ident('评价日期') }} as decision_date,
    {{ ident('有效期至') }} as valid_to,
    {{ lineage(key) }}
from {{ source('raw', 'hypj') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
