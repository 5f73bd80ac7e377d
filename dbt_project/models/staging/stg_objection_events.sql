-- Every delivered state of every objection (异议): the history of its lifecycle.
select
    "异议编号" as objection_id,
    coalesce("统一社会信用代码", "证件号码") as subject_id,
    "涉及信息类别" as feed,
    "涉及文书号" as document_no,
    "异议事由" as reason,
    "申请日期" as applied_on,
    "处理结果" as outcome,
    "更正内容" as corrections,
    "处理日期" as decided_on,
    "处理单位统一社会信用代码" as handling_department_id,
    {{ lineage() }},
    {{ is_latest_delivery(['"异议编号"']) }} as is_current
from {{ source('raw', 'yysq') }}
{{ delivered_by_as_of() }}
