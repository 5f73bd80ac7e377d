-- 行业信用评价 by departments, latest delivery per rating document and subject.
select
    {{ subject_block() }},
    "评价文号" as document_no,
    "评价部门统一社会信用代码" as authority_id,
    "评价领域" as rating_domain,
    "评价等级" as grade,
    "评价日期" as decision_date,
    "有效期至" as valid_to,
    {{ lineage() }}
from {{ source('raw', 'hypj') }}
{{ in_rating_scope() }}
{{ latest_delivery(['"评价文号"', 'subject_id']) }}
