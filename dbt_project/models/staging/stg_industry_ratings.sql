-- 行业信用评价 by departments, latest delivery per rating document and subject.
{% set key = ['"评价文号"', 'subject_id'] %}
select
    {{ subject_block() }},
    "评价文号" as document_no,
    "评价部门统一社会信用代码" as authority_id,
    "评价领域" as rating_domain,
    "评价等级" as grade,
    "评价日期" as decision_date,
    "有效期至" as valid_to,
    {{ lineage(key) }}
from {{ source('raw', 'hypj') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
