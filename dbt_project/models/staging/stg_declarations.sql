-- 自主申报: self-declarations. They carry no document number, so one is derived from their key.
{% set key = ['"申报类别"', '"申报日期"', '"申报内容"', 'subject_id'] %}
select
    {{ subject_block() }},
    'ZZSB-' || left(md5(concat_ws('|', subject_id, "申报类别", "申报日期"::varchar, "申报内容")), 12) as document_no,
    "申报类别" as declaration_category,
    "申报内容" as content,
    "申报日期" as decision_date,
    "核验状态" as verification,
    "核验单位统一社会信用代码" as authority_id,
    "核验日期" as verified_on,
    {{ lineage(key) }}
from {{ source('raw', 'zzsb') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
