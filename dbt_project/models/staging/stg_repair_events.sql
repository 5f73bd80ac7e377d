-- Every delivered state of every repair application (信用修复): the history of its lifecycle.
select
    "修复编号" as repair_id,
    coalesce("统一社会信用代码", "证件号码") as subject_id,
    "涉及信息类别" as feed,
    "涉及文书号" as document_no,
    "修复方式" as repair_method,
    "申请日期" as applied_on,
    "决定" as decision,
    "决定日期" as decided_on,
    "不同意理由" as refusal_reason,
    {{ lineage() }},
    {{ is_latest_delivery(['"修复编号"']) }} as is_current
from {{ source('raw', 'xyxf') }}
{{ delivered_by_as_of() }}
