-- 行政处罚 with corrections applied, severity derived where the feed leaves it empty, the declared
-- leniency and the publicity windows of rule_penalty_publicity, counted as
-- the Civil Code counts periods (period_end): publish_until is the last day published, counts_until exclusive.
-- A corrected penalty (异议 更正) also keeps its original version (is_original_version), which counted
-- until the correction: int_class_events dates the class change to the correction, with that cause.
{% set corrections = {
    '处罚决定日期': ('decision_date', 'date'), '罚款金额（万元）': ('fine_wan', 'double'),
    '处罚类别': ('penalty_categories', 'string'), '失信程度': ('severity_declared', 'string'),
    '从轻情形': ('leniency_declared', 'string')} %}
{% set last_columns = corrections.values() | map(attribute=0) | list + ['corrected_on', 'is_original_version'] %}
with corrected as (
    select *, false as is_original_version
    from ({{ corrected_relation('stg_penalties', 'xzcf', corrections) }})
),
original as (
    select p.*, c.corrected_on, true as is_original_version
    from {{ ref('stg_penalties') }} p
    join {{ ref('int_corrections') }} c
        on c.feed = 'xzcf' and c.document_no = p.document_no and c.subject_id = p.subject_id
),
penalties as (
    select *,
        {{ list_filter(list_transform(split_string('penalty_categories', ';'), 'x', 'trim(x)'), 'x', "x <> ''") }} as categories
    -- One column order for both (a positional union): corrected_relation puts the corrected columns last.
    from (select * from corrected union all select * except ({{ last_columns | join(', ') }}), {{ last_columns | join(', ') }} from original)
),
derived as (
    select
        p.*,
        coalesce(
            p.severity_declared,
            case
                when {{ list_has_any('p.categories', 'r.serious_categories') }} or p.fine_wan >= r.serious_fine_at_least_wan then '严重'
                when {{ list_length(list_filter('p.categories', 'x', 'not ' ~ list_contains('r.minor_categories', 'x'))) }} = 0 then '轻微'
                when p.categories = {{ list_literal(["'罚款'"]) }} and p.fine_wan < r.minor_fine_below_wan then '轻微'
                else '一般'
            end
        ) as severity
    from penalties p
    cross join {{ ref('int_penalty_rules') }} r
)
select
    d.* except (categories),
    -- As declared or corrected; minors are recognised for every feed in int_records (macro leniency).
    d.leniency_declared as leniency,
    pub.is_published,
    pub.repairable as is_repairable,
    -- Repair from the day after the minimum period; without one (轻微 under NDRC Order No. 36) at any time.
    case when pub.repairable then coalesce({{ day_after(period_end('d.decision_date', 'pub.min_repair_months')) }}, d.decision_date) end as repairable_from,
    -- The last day of publication (inclusive): a year from 2025-11-20 is still published on 2026-11-20.
    case when pub.is_published then {{ period_end('d.decision_date', 'pub.max_publicity_months') }} end as publish_until,
    {{ day_after(period_end('d.decision_date', 'pub.active_months')) }} as counts_until
from derived d
left join {{ ref('int_penalty_publicity_rules') }} pub
    on pub.severity = d.severity and d.decision_date >= pub.valid_from and d.decision_date < pub.valid_to
