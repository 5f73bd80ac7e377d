-- Every record of every feed in one shape, with corrections (更正) applied: what kind it is (record_kind, the key of rule_record_points),
-- when it starts and stops counting on its own (before objections and repairs), and when it may be
-- repaired and stops being published. counts_until is exclusive; explicit end dates (有效期至) are
-- inclusive (through), fixed spans end as the Civil Code counts (period_end); long-term is 2099-12-31.
{% set far_future = long_term() %}
{% set common = "subject_id, subject_type, subject_name, id_type, legal_rep_name, legal_rep_id, delivery_id, source_file, source_line, delivery_date, delivery_seq, first_delivery_date, first_delivery_id, department_id" %}

with penalties as (
    select {{ common }}, 'xzcf' as feed, document_no, 'penalty_' || severity as record_kind,
           decision_date, severity, leniency, authority_name, content, legal_basis,
           decision_date as counts_from, counts_until, publish_until, repairable_from, is_published, is_repairable, corrected_on
    from {{ ref('int_penalties') }}
    where not is_original_version
),
court as (
    select {{ common }}, 'sxbzxr', document_no, 'court_失信被执行人',
           decision_date, null, null, authority_name, content, enforcement_basis_no,
           decision_date,
           -- Performed debts stop counting; without a revocation date, from the delivery that says so.
           coalesce(revoked_on, case when performance = '已履行' then delivery_date end, {{ far_future }}),
           null, null, null, null, corrected_on
    from ({{ corrected_relation('stg_court_debtors', 'sxbzxr', {'发布日期': ('decision_date', 'date'), '履行情况': ('performance', 'string'), '撤销日期': ('revoked_on', 'date')}) }})
),
lists as (
    select {{ common }}, 'xymd', document_no, 'list_' || list_type,
           decision_date, null, null, authority_name, content, null,
           decision_date, coalesce(removed_on, {{ through('valid_to') }}, {{ far_future }}), null, null, null, null, corrected_on
    from ({{ corrected_relation('stg_credit_lists', 'xymd', {'名单类型': ('list_type', 'string'), '列入日期': ('decision_date', 'date'), '有效期至': ('valid_to', 'date'), '移出日期': ('removed_on', 'date')}) }})
),
commitments as (
    select {{ common }}, 'xycn', document_no, 'commitment_' || fulfilment,
           decision_date, null, null, null, content, commitment_type,
           coalesce(checked_on, decision_date), null, null, null, null, null, corrected_on
    from ({{ corrected_relation('stg_commitments', 'xycn', {'承诺日期': ('decision_date', 'date'), '履约状态': ('fulfilment', 'string'), '履约核查日期': ('checked_on', 'date')}) }})
),
declarations as (
    select {{ common }}, 'zzsb', document_no, 'declaration_' || verification,
           decision_date, null, null, null, content, declaration_category,
           coalesce(verified_on, decision_date), null, null, null, null, null, corrected_on
    from ({{ corrected_relation('stg_declarations', 'zzsb', {'核验状态': ('verification', 'string'), '核验日期': ('verified_on', 'date')}) }})
),
ratings as (
    select {{ common }}, 'hypj', document_no, 'rating_' || grade,
           decision_date, null, null, null, rating_domain, null,
           decision_date, {{ through('valid_to') }}, null, null, null, null, corrected_on
    from ({{ corrected_relation('stg_industry_ratings', 'hypj', {'评价等级': ('grade', 'string'), '评价日期': ('decision_date', 'date'), '有效期至': ('valid_to', 'date')}) }})
),
actions as (
    select {{ common }}, 'qtxw', document_no,
           case when action_type = '行政监督检查' and result in ('不合格', '责令整改') then 'inspection_' || result
                when action_type = '行政奖励' then 'reward_行政奖励'
                else 'action_' || action_type end,
           decision_date, null, null, authority_name, content, null,
           decision_date, null, null, null, null, null, corrected_on
    from ({{ corrected_relation('stg_other_actions', 'qtxw', {'结果': ('result', 'string'), '决定日期': ('decision_date', 'date')}) }})
),
licences as (
    select {{ common }}, 'xzxk', document_no, 'licence_' || licence_category,
           decision_date, null, null, authority_name, content, null,
           valid_from, case when licence_state = '无效' then least({{ through('valid_to') }}, delivery_date) else {{ through('valid_to') }} end,
           null, null, null, null, corrected_on
    from ({{ corrected_relation('stg_licences', 'xzxk', {'许可决定日期': ('decision_date', 'date'), '有效期自': ('valid_from', 'date'), '有效期至': ('valid_to', 'date'), '当前状态': ('licence_state', 'string')}) }})
),
unioned as (
    select * from penalties
    union all select * from court
    union all select * from lists
    union all select * from commitments
    union all select * from declarations
    union all select * from ratings
    union all select * from actions
    union all select * from licences
),
points as ({{ rules_in_force('rule_record_points', ['record_kind']) }}),
feeds as ({{ rules_in_force('catalogue_feeds', ['feed']) }})
select
    md5(concat_ws('|', u.feed, u.document_no, u.subject_id)) as record_id,
    u.* except (is_published, is_repairable, counts_until, leniency),
    -- Kinds whose counting period is fixed by the rules (e.g. 未履约: 1 year from the check).
    coalesce(u.counts_until, {{ day_after(period_end('u.counts_from', 'p.active_months')) }}, {{ far_future }}) as counts_until,
    -- A minor on the decision or listing date is 未成年人 on every feed (seed 003): archived, never counted.
    {{ leniency('u.leniency', 'u.subject_type', 'u.id_type', 'u.subject_id', 'u.decision_date') }} as leniency,
    -- Published when the catalogue makes the feed public and, for penalties, the severity is published.
    f.is_public = 'Y' and coalesce(u.is_published, true) as is_publishable,
    -- Penalties as rule_penalty_publicity says; other records may always be repaired.
    coalesce(u.is_repairable, true) as is_repairable,
    coalesce(p.is_negative, false) as is_negative,
    coalesce(p.points, 0) as points,
    p.indicator
from unioned u
left join points p on p.record_kind = u.record_kind
left join feeds f on f.feed = u.feed
-- A record decided after the as-of date does not exist yet on it (SPEC §6); one delivered later never
-- reached staging (delivered_by_as_of).
where u.decision_date <= {{ as_of() }}
