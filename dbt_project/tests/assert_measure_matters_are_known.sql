-- Every service matter a measure names is in the matter vocabulary (rule_service_matters), so
-- `credit-pipeline check --matter` can find every measure.
with matters as ({{ rules_in_force('rule_service_matters', ['matter']) }})
select m.measure_code, matter
from {{ ref('measure_list') }} m {{ each_of('m.matters', ';', 'matter') }}
where matter not in (select matter from matters)
