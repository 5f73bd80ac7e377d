-- Credit list entries (红名单, 严重失信主体名单, 重点关注名单, 经营异常名录), latest delivery wins.
{% set key = [ident('名单类型'), ident('认定文书号'), subject_block_id()] %}
select
    {{ subject_block() }},
    {{ ident('名单类型') }} as list_type,
    {{ ident('认定文书号') }} as document_no,
    {{ ident('认定部门') }} as authority_name,
    {{ ident('认定部门统一社会信用代码') }} as authority_id,
    {{ ident('列入事由') }} as content,
    {{ ident('列入日期') }} as decision_date,
    {{ ident('有效期至') }} as valid_to,
    {{ ident('移出日期') }} as removed_on,
    {{ ident('移出原因') }} as removal_reason,
    {{ lineage(key) }}
from {{ source('raw', 'xymd') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
