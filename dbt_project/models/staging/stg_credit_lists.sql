-- Credit list entries (红名单, 严重失信主体名单, 重点关注名单, 经营异常名录), latest delivery wins.
{% set key = ['"名单类型"', '"认定文书号"', 'subject_id'] %}
select
    {{ subject_block() }},
    "名单类型" as list_type,
    "认定文书号" as document_no,
    "认定部门" as authority_name,
    "认定部门统一社会信用代码" as authority_id,
    "列入事由" as content,
    "列入日期" as decision_date,
    "有效期至" as valid_to,
    "移出日期" as removed_on,
    "移出原因" as removal_reason,
    {{ lineage(key) }}
from {{ source('raw', 'xymd') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
