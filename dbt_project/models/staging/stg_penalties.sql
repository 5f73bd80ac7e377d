-- 行政处罚: one row per penalty decision and subject (latest delivery wins).
{% set key = ['"行政处罚决定书文号"', 'subject_id'] %}
select
    {{ subject_block() }},
    "行政处罚决定书文号" as document_no,
    "违法行为类型" as violation_type,
    "违法事实" as violation_facts,
    "处罚依据" as legal_basis,
    "处罚类别" as penalty_categories,
    "处罚内容" as content,
    "罚款金额（万元）" as fine_wan,
    "没收违法所得、没收非法财物的金额（万元）" as confiscated_wan,
    "暂扣或吊销证照名称及编号" as licence_affected,
    "处罚决定日期" as decision_date,
    "处罚有效期" as penalty_valid_to,
    "公示截止期" as publicity_until_declared,
    "处罚机关" as authority_name,
    "处罚机关统一社会信用代码" as authority_id,
    "失信程度" as severity_declared,
    "从轻情形" as leniency_declared,
    "备注" as remarks,
    {{ lineage(key) }}
from {{ source('raw', 'xzcf') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
