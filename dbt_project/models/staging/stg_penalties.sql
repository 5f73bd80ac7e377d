-- 行政处罚: one row per penalty decision and subject (latest delivery wins).
{% set key = [ident('行政处罚决定书文号'), subject_block_id()] %}
select
    {{ subject_block() }},
    {{ ident('行政处罚决定书文号') }} as document_no,
    {{ ident('违法行为类型') }} as violation_type,
    {{ ident('违法事实') }} as violation_facts,
    {{ ident('处罚依据') }} as legal_basis,
    {{ ident('处罚类别') }} as penalty_categories,
    {{ ident('处罚内容') }} as content,
    {{ ident('罚款金额（万元）') }} as fine_wan,
    {{ ident('没收违法所得、没收非法财物的金额（万元）') }} as confiscated_wan,
    {{ ident('暂扣或吊销证照名称及编号') }} as licence_affected,
    {{ ident('处罚决定日期') }} as decision_date,
    {{ ident('处罚有效期') }} as penalty_valid_to,
    {{ ident('公示截止期') }} as publicity_until_declared,
    {{ ident('处罚机关') }} as authority_name,
    {{ ident('处罚机关统一社会信用代码') }} as authority_id,
    {{ ident('失信程度') }} as severity_declared,
    {{ ident('从轻情形') }} as leniency_declared,
    {{ ident('备注') }} as remarks,
    {{ lineage(key) }}
from {{ source('raw', 'xzcf') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
