-- Every delivered state of every objection (异议): the history of its lifecycle. A case is its 异议编号 and its
-- subject, as a record is its document number and its subject: two departments' numbering may meet.
{% set subject_id = application_subject_id() %}
select
    {{ ident('异议编号') }} as objection_id,
    {{ subject_id }} as subject_id,
    {{ ident('涉及信息类别') }} as feed,
    {{ ident('涉及文书号') }} as document_no,
    {{ ident('异议事由') }} as reason,
    {{ ident('申请日期') }} as applied_on,
    {{ ident('处理结果') }} as outcome,
    {{ ident('更正内容') }} as corrections,
    {{ ident('处理日期') }} as decided_on,
    {{ ident('处理单位统一社会信用代码') }} as handling_department_id,
    {{ lineage() }},
    {{ is_latest_delivery([ident('异议编号'), subject_id]) }} as is_current
from {{ source('raw', 'yysq') }}
{{ delivered_by_as_of(subject_id) }}
