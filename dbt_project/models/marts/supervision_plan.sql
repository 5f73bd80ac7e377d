-- Graded supervision (双随机、一公开): each market subject's inspection ratio by class, and a reproducible
-- random draw per supervising department and period: a subject is selected when its draw value is below its
-- class's ratio. The draw depends on the subject alone, so re-rating one subject never reshuffles others.
with ratios as ({{ rules_in_force('rule_inspection_ratios', ['credit_class']) }}),
period as (
    select
        case (select value from ({{ rules_in_force('rule_settings', ['setting']) }}) where setting = 'supervision_period')
            when 'quarter' then cast(year({{ as_of() }}) as string) || '-Q' || cast(quarter({{ as_of() }}) as string)
            else substr(cast({{ as_of() }} as string), 1, 7)
        end as period
),
candidates as (
    select
        r.subject_id, r.subject_type, r.credit_class, q.inspection_ratio,
        coalesce(s.supervising_department_id, 'UNASSIGNED') as department_id,
        p.period,
        -- md5 is stable across engines and versions, unlike hash().
        {{ hex_to_bigint("left(md5(p.period || '|' || coalesce(s.supervising_department_id, '') || '|' || r.subject_id), 15)") }} / power(2, 60) as draw_value
    from {{ ref('credit_rating') }} r
    join {{ ref('int_subjects') }} s using (subject_id)
    join ratios q using (credit_class)
    cross join period p
    where r.subject_type in ('法人及非法人组织', '个体工商户')
      and coalesce(s.registration_status, '存续') in ('存续', '在业')
)
select
    subject_id, subject_type, credit_class, inspection_ratio, department_id, period, draw_value,
    draw_value < inspection_ratio as selected
from candidates
