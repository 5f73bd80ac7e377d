-- Every delivered state of every repair application (信用修复): the history of its lifecycle. A case is its
-- 修复编号 and its subject (see stg_objection_events).
{% set subject_id = application_subject_id() %}
select
    {{ ident('修复编号') }} as repair_id,
    {{ subject_id }} as subject_id,
    {{ ident('涉及信息类别') }} as feed,
    {{ ident('涉及文书号') }} as document_no,
    {{ ident('修复方式') }} as repair_method,
    {{ ident('申请日期') }} as applied_on,
    {{ ident('决定') }} as decision,
    {{ ident('决定日期') }} as decided_on,
    {{ ident('不同意理由') }} as refusal_reason,
    {{ lineage() }},
    {{ is_latest_delivery([ident('修复编号'), subject_id]) }} as is_current
from {{ source('raw', 'xyxf') }}
{{ delivered_by_as_of(subject_id) }}
