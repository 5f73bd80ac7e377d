-- The credit archive (信用档案): every record of every subject with its state, including records that
-- no longer count (已修复, 已撤销, 已过公示期, 从轻不计) for the audit trail. The legal representative and
-- actual controller of a subject on the 严重失信主体名单 carry that record in their own archive.
with own as (
    select
        s.subject_id, s.subject_type, s.subject_name, s.feed, f.name_cn as feed_name, s.document_no, s.record_kind, s.decision_date,
        s.severity, s.status, '本人' as role, s.subject_id as via_subject_id,
        s.leniency, s.is_negative, s.points, s.counts_from, s.effective_until, s.publish_until, s.repairable_from,
        s.repaired_on, s.repair_id, s.revoked_on, s.corrected_on, s.objection_id, s.is_publishable,
        s.authority_name, s.content, s.legal_basis,
        s.department_id, s.first_delivery_date, s.delivery_date, s.source_file, s.source_line, s.record_id
    from {{ ref('int_record_states') }} s
    left join ({{ rules_in_force('catalogue_feeds', ['feed']) }}) f using (feed)
),
related as (
    select
        p.person_id as subject_id, '自然人' as subject_type, p.person_name as subject_name,
        o.feed, o.feed_name, o.document_no, o.record_kind, o.decision_date, o.severity, o.status, p.person_role as role, o.subject_id as via_subject_id,
        o.leniency, o.is_negative, 0 as points, o.counts_from, o.effective_until, o.publish_until, o.repairable_from,
        o.repaired_on, o.repair_id, o.revoked_on, o.corrected_on, o.objection_id, false as is_publishable,
        o.authority_name, o.content, o.legal_basis,
        o.department_id, o.first_delivery_date, o.delivery_date, o.source_file, o.source_line, o.record_id
    from own o
    join ({{ organisation_people(ref('int_subjects')) }}) p on p.subject_id = o.subject_id
    where o.record_kind = 'list_严重失信主体名单'
)
select * from own
union all
select * from related
