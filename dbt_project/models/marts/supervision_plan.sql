-- Graded supervision (双随机、一公开): each market subject's inspection ratio by class, and a reproducible
-- random draw per supervising department, class and period: the same inputs always select the same subjects.
with ratios as ({{ rules_in_force('rule_inspection_ratios', ['credit_class']) }}),
period as (
    select
        case (select value from ({{ rules_in_force('rule_settings', ['setting']) }}) where setting = 'supervision_period')
            when 'quarter' then strftime({{ as_of() }}, '%Y') || '-Q' || quarter({{ as_of() }})
            else strftime({{ as_of() }}, '%Y-%m')
        end as period
),
candidates as (
    select
        r.subject_id, r.subject_type, r.credit_class, q.inspection_ratio,
        coalesce(s.supervising_department_id, 'UNASSIGNED') as department_id,
        p.period,
        -- md5 is stable across engines and versions, unlike hash().
        ('0x' || left(md5(p.period || '|' || coalesce(s.supervising_department_id, '') || '|' || r.subject_id), 15))::bigint as draw_key
    from {{ ref('credit_rating') }} r
    join {{ ref('int_subjects') }} s using (subject_id)
    join ratios q using (credit_class)
    cross join period p
    where r.subject_type in ('法人及非法人组织', '个体工商户')
      and coalesce(s.registration_status, '存续') in ('存续', '在业')
),
drawn as (
    select *,
        row_number() over (partition by department_id, credit_class order by draw_key, subject_id) as draw_rank,
        count(*) over (partition by department_id, credit_class) as stratum_size
    from candidates
)
select
    subject_id, subject_type, credit_class, inspection_ratio, department_id, period,
    draw_rank, stratum_size,
    draw_rank <= ceil(inspection_ratio * stratum_size) as selected
from drawn
