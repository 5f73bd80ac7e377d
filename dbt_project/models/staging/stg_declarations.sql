-- 自主申报: self-declarations. They carry no document number, so one is derived from their key.
{% set key = [ident('申报类别'), ident('申报日期'), ident('申报内容'), subject_block_id()] %}
select
    {{ subject_block() }},
    'ZZSB-' || left(md5(concat_ws('|', {{ subject_block_id() }}, {{ ident('申报类别') }}, cast({{ ident('申报日期') }} as string), {{ ident('申报内容') }})), 12) as document_no,
    {{ ident('申报类别') }} as declaration_category,
    {{ ident('申报内容') }} as content,
    {{ ident('申报日期') }} as decision_date,
    {{ ident('核验状态') }} as verification,
    {{ ident('核验单位统一社会信用代码') }} as authority_id,
    {{ ident('核验日期') }} as verified_on,
    {{ lineage(key) }}
from {{ source('raw', 'zzsb') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
