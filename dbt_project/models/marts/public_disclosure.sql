-- What the public-disclosure site shows: published records that are 有效 or under objection
-- (异议处理中), with natural persons' names and ID numbers masked in every column (seed 003 脱敏).
select
    {{ public_subject_id('a.subject_id', 'a.subject_type') }} as subject_id,
    {{ public_subject_name('a.subject_name', 'a.subject_type') }} as subject_name,
    a.subject_type,
    {{ mask_name('s.legal_rep_name') }} as legal_rep_name,
    a.feed,
    f.name_cn as feed_name,
    a.document_no,
    a.record_kind,
    a.decision_date,
    a.severity,
    a.status,
    a.authority_name,
    a.content,
    a.legal_basis,
    a.publish_until
from {{ ref('credit_archive') }} a
join ({{ rules_in_force('catalogue_feeds', ['feed']) }}) f using (feed)
left join {{ ref('int_subjects') }} s on s.subject_id = a.subject_id
where a.role = '本人'
  and a.is_publishable
  and a.status in ('有效', '异议处理中')
