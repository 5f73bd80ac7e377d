-- 登记注册基本信息: one row per registered market subject (latest delivery wins).
{% set key = [ident('统一社会信用代码')] %}
select
    {{ ident('统一社会信用代码') }} as subject_id,
    {{ ident('主体名称') }} as subject_name,
    {{ ident('主体类别') }} as subject_type,
    {{ ident('法定代表人') }} as legal_rep_name,
    {{ legal_rep_id_type() }} as legal_rep_id_type,
    {{ ident('法定代表人证件号码') }} as legal_rep_id,
    {{ ident('实际控制人') }} as controller_name,
    {{ ident('实际控制人证件号码') }} as controller_id,
    {{ ident('成立日期') }} as established_on,
    {{ ident('登记机关') }} as registration_authority,
    {{ ident('住所行政区划代码') }} as region_code,
    {{ ident('国民经济行业代码') }} as industry_code,
    {{ ident('登记状态') }} as registration_status,
    {{ ident('数据来源单位统一社会信用代码') }} as source_department_id,
    {{ lineage() }}
from {{ source('raw', 'djzc') }}
{{ delivered_by_as_of() }}
{{ latest_delivery(key) }}
