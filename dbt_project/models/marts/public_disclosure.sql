-- What the public-disclosure site shows: published records that are 有效 or under objection (异议处理中),
-- with the subject's name and ID number masked for a natural person and, in `items`, only the items the
-- catalogue marks public, masked as it says and with natural persons masked inside free text (int_public_items).
select
    {{ public_subject_id('a.subject_id', 'a.subject_type') }} as subject_id,
    {{ public_subject_name('a.subject_name', 'a.subject_type') }} as subject_name,
    a.subject_type,
    a.feed,
    a.feed_name,
    a.document_no,
    a.record_kind,
    a.decision_date,
    a.severity,
    a.status,
    a.publish_until,
    i.items
from {{ ref('credit_archive') }} a
join {{ ref('int_public_items') }} i using (record_id)
where a.role = '本人'
  and a.is_publishable
  and a.status in ('有效', '异议处理中')
