-- 失信被执行人 from the court, latest delivery per case and debtor.
{% set key = [ident('案号'), subject_block_id()] %}
select
    {{ subject_block() }},
    {{ ident('案号') }} as document_no,
    {{ ident('执行依据文号') }} as enforcement_basis_no,
    {{ ident('执行法院') }} as authority_name,
    {{ ident('立案日期') }} as filed_on,
    {{ ident('发布日期') }} as decision_date,
    {{ ident('失信行为具体情形') }} as content,
    {{ ident('履行情况') }} as performance,
    {{ ident('撤销日期') }} as revoked_on,
    {{ lineage(key) }}
from {{ source('raw', 'sxbzxr') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
